"""Registry use cases against the real directory log store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from disarm.crypto.registry import KeyStatus, Role
from disarm.crypto.statements import Reason, StatementRejected
from disarm.errors import BadInput, NotFound, VerificationError
from disarm.service import registry as svc
from disarm.store import TiledLog, create_log

T = "2026-03-01T09:00:00Z"


def _signer(party: str, seed: int) -> svc.Signer:
    return svc.Signer(party, SigningKey(bytes([seed]) * 32))


INSP, STATE, WITNESS = _signer("INSP", 1), _signer("STATE-A", 2), _signer("W1", 3)


@pytest.fixture
def log(tmp_path: Path) -> Iterator[TiledLog]:
    with create_log(tmp_path / "log", "disarm.test/registry") as store:
        svc.bootstrap(store, INSP, T, name="Inspectorate")
        svc.register_party(store, INSP, "STATE-A", Role.STATE, STATE.public_key, T)
        yield store


def test_bootstrap_and_register(log: TiledLog) -> None:
    registry = svc.replay(log, INSP.public_key)
    assert registry.parties["STATE-A"].role is Role.STATE
    assert svc.genesis_key_of(log) == INSP.public_key
    assert log.size == 2
    svc.verify_statement(log, 1, INSP.public_key)


def test_genesis_only_on_an_empty_log(log: TiledLog) -> None:
    with pytest.raises(BadInput, match="not empty"):
        svc.bootstrap(log, INSP, T)


def test_refused_statements_leave_the_log_unchanged(log: TiledLog) -> None:
    size = log.size
    with pytest.raises(BadInput, match="role-not-allowed"):
        svc.register_party(log, STATE, "W1", Role.WITNESS, WITNESS.public_key, T)
    with pytest.raises(BadInput, match="unknown-party"):
        svc.register_party(log, WITNESS, "W1", Role.WITNESS, WITNESS.public_key, T)
    assert log.size == size


def test_rotation_and_revocation(log: TiledLog) -> None:
    new = _signer("STATE-A", 4)
    svc.rotate_key(log, STATE, new.public_key, T)
    with pytest.raises(BadInput, match="retired-key"):
        svc.issue(log, STATE, "declaration.commit", {}, T)
    svc.issue(log, new, "custody.note", {}, T)
    svc.revoke_key(log, INSP, "STATE-A", new.key_id, "compromised", T)
    registry = svc.replay(log, INSP.public_key)
    assert registry.parties["STATE-A"].keys[new.key_id].status is KeyStatus.REVOKED
    with pytest.raises(BadInput, match="revoked-key"):
        svc.issue(log, new, "custody.note", {}, T)


def test_verifier_with_the_wrong_trust_anchor_rejects_the_log(log: TiledLog) -> None:
    with pytest.raises(VerificationError, match="entry 0"):
        svc.replay(log, STATE.public_key)


def test_verify_statement_detects_a_replayed_entry(log: TiledLog) -> None:
    _, signed = svc.issue(log, STATE, "custody.note", {"n": 1}, T)
    log.append([signed.encode()])  # the same bytes again, as an attacker would
    with pytest.raises(StatementRejected) as info:
        svc.verify_statement(log, log.size - 1, INSP.public_key)
    assert info.value.reason is Reason.REPLAY
    with pytest.raises(NotFound):
        svc.verify_statement(log, 99, INSP.public_key)


def test_empty_log_has_no_genesis(tmp_path: Path) -> None:
    with create_log(tmp_path / "empty", "disarm.test/empty") as store, pytest.raises(NotFound):
        svc.genesis_key_of(store)
