"""Every rejection of issue item 1 (and the registry's own), each with its specific reason."""

from __future__ import annotations

import json

import pytest

from disarm.crypto.registry import KeyStatus, Registry, Role, allowed
from disarm.crypto.statements import (
    Reason,
    SignedStatement,
    Statement,
    StatementRejected,
    canonical,
    decode,
    key_id,
    sign,
)

from .helpers import T0, Chain, bootstrap, key, pub


def _rejects(reg: Registry, signed: SignedStatement, reason: Reason) -> None:
    with pytest.raises(StatementRejected) as info:
        reg.check(signed)
    assert info.value.reason is reason, info.value.message


def test_bootstrap_registers_inspectorate_and_state() -> None:
    reg, _, _ = bootstrap()
    assert reg.parties["IAEA-X"].role is Role.INSPECTORATE
    assert reg.parties["STATE-A"].role is Role.STATE
    assert reg.next_position("STATE-A") == (0, None)


def test_valid_chain_is_accepted() -> None:
    reg, _, sc = bootstrap()
    for _ in range(3):
        reg.apply(sc.make("declaration.commit", {}))
    assert reg.parties["STATE-A"].seq == 2


def test_bad_signature() -> None:
    reg, _, sc = bootstrap()
    signed = sc.make("declaration.commit", {"n": 1})
    forged = SignedStatement(signed.statement, bytes(64))
    _rejects(reg, forged, Reason.BAD_SIGNATURE)
    obj = json.loads(signed.encode())
    obj["statement"]["payload"]["n"] = 2
    _rejects(reg, decode(canonical(obj)), Reason.BAD_SIGNATURE)


def test_unknown_key() -> None:
    reg, _, sc = bootstrap()
    _rejects(reg, sc.make("declaration.commit", {}, key=key(9)), Reason.UNKNOWN_KEY)


def test_unknown_party() -> None:
    reg, _, _ = bootstrap()
    _rejects(reg, Chain("STATE-Z", key(9)).make("declaration.commit", {}), Reason.UNKNOWN_PARTY)


def test_revoked_key() -> None:
    reg, ic, sc = bootstrap()
    reg.apply(ic.make("registry.revoke", {"party": "STATE-A", "key_id": sc.make_kid()}))
    assert reg.parties["STATE-A"].keys[sc.make_kid()].status is KeyStatus.REVOKED
    _rejects(reg, sc.make("declaration.commit", {}), Reason.REVOKED_KEY)


def test_rotation_retires_the_old_key_and_the_chain_continues() -> None:
    reg, _, sc = bootstrap()
    new = key(5)
    reg.apply(sc.make("registry.rotate", {"new_public_key": pub(new).hex()}))
    stale = sc.make("declaration.commit", {})
    _rejects(reg, stale, Reason.RETIRED_KEY)
    sc.seq -= 1
    sc.prev = reg.parties["STATE-A"].last_hash
    reg.apply(sc.make("declaration.commit", {}, key=new))
    assert reg.parties["STATE-A"].seq == 1


def test_replay_of_an_accepted_statement() -> None:
    reg, _, sc = bootstrap()
    signed = sc.make("declaration.commit", {})
    reg.apply(signed)
    _rejects(reg, signed, Reason.REPLAY)


def test_gap_in_sequence() -> None:
    reg, _, sc = bootstrap()
    sc.make("declaration.commit", {})  # issued but never logged
    _rejects(reg, sc.make("declaration.commit", {}), Reason.GAP)


def test_reordering_breaks_the_previous_hash() -> None:
    reg, _, sc = bootstrap()
    first = sc.make("declaration.commit", {"n": 1})
    reg.apply(first)
    # A second statement with the right seq but chained to something else (a fork).
    st = Statement("declaration.commit", "STATE-A", key_id(pub(sc.key)), 1, "00" * 32, T0, {"n": 2})
    _rejects(reg, sign(st, sc.key), Reason.PREVIOUS_MISMATCH)


def test_out_of_order_delivery_is_a_gap_then_a_replay() -> None:
    reg, _, sc = bootstrap()
    a, b = sc.make("declaration.commit", {"n": 1}), sc.make("declaration.commit", {"n": 2})
    _rejects(reg, b, Reason.GAP)
    reg.apply(a)
    reg.apply(b)
    _rejects(reg, a, Reason.REPLAY)


@pytest.mark.parametrize(
    "type_", ["registry.register", "inspection.plan", "finding.publish", "cosignature.add"]
)
def test_state_may_not_issue_inspectorate_types(type_: str) -> None:
    reg, _, sc = bootstrap()
    _rejects(reg, sc.make(type_, {}), Reason.ROLE_NOT_ALLOWED)


def test_inspectorate_may_not_declare() -> None:
    reg, ic, _ = bootstrap()
    _rejects(reg, ic.make("declaration.commit", {}), Reason.ROLE_NOT_ALLOWED)


def test_state_may_not_revoke_another_partys_key() -> None:
    reg, ic, sc = bootstrap()
    reg.apply(
        ic.make(
            "registry.register",
            {"party": "STATE-B", "role": "state", "public_key": pub(key(6)).hex()},
        )
    )
    signed = sc.make("registry.revoke", {"party": "STATE-B", "key_id": key_id(pub(key(6)))})
    _rejects(reg, signed, Reason.NOT_AUTHORISED)


def test_genesis_must_be_signed_by_the_trust_anchor() -> None:
    reg = Registry(pub(key(1)))
    rogue = Chain("IAEA-X", key(8)).make(
        "registry.genesis",
        {"party": "IAEA-X", "role": "inspectorate", "public_key": pub(key(8)).hex()},
    )
    _rejects(reg, rogue, Reason.BAD_GENESIS)
    _rejects(reg, Chain("IAEA-X", key(1)).make("declaration.commit", {}), Reason.BAD_GENESIS)


def test_second_genesis_is_rejected() -> None:
    reg, ic, _ = bootstrap()
    again = ic.make(
        "registry.genesis",
        {"party": "IAEA-X", "role": "inspectorate", "public_key": pub(key(1)).hex()},
    )
    _rejects(reg, again, Reason.BAD_GENESIS)


def test_a_key_cannot_be_registered_twice() -> None:
    reg, ic, sc = bootstrap()
    dup = ic.make(
        "registry.register", {"party": "STATE-B", "role": "state", "public_key": pub(sc.key).hex()}
    )
    _rejects(reg, dup, Reason.MALFORMED)


def test_replay_from_entries_skips_foreign_entries() -> None:
    insp, state = key(1), key(2)
    ic, sc = Chain("IAEA-X", insp), Chain("STATE-A", state)
    entries = [
        ic.make(
            "registry.genesis",
            {"party": "IAEA-X", "role": "inspectorate", "public_key": pub(insp).hex()},
        ).encode(),
        b"some other subsystem's entry",
        ic.make(
            "registry.register",
            {"party": "STATE-A", "role": "state", "public_key": pub(state).hex()},
        ).encode(),
        sc.make("declaration.commit", {}).encode(),
    ]
    reg = Registry.replay(entries, pub(insp))
    assert reg.parties["STATE-A"].seq == 0
    with pytest.raises(StatementRejected) as info:
        Registry.replay(entries, pub(key(7)))
    assert info.value.reason is Reason.BAD_GENESIS


def test_role_table() -> None:
    assert allowed(Role.STATE, "declaration.reveal")
    assert not allowed(Role.STATE, "declarationx.reveal")
    assert allowed(Role.WITNESS, "cosignature.checkpoint")
    assert not allowed(Role.WITNESS, "declaration.commit")
