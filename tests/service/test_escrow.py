"""Escrow use cases against the real directory log store: declare, reveal, audit, continuity."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from disarm.crypto.commitments import Item
from disarm.crypto.continuity import FindingKind
from disarm.crypto.escrow import EscrowOpening
from disarm.crypto.registry import Role
from disarm.crypto.reveal import RevealKind
from disarm.crypto.statements import decode
from disarm.errors import BadInput, NotFound, VerificationError
from disarm.service import escrow as esc
from disarm.service import registry as svc
from disarm.store import TiledLog, create_log

T = "2026-03-01T09:00:00Z"
INSP = svc.Signer("INSP", SigningKey(bytes([1]) * 32))
STATE = svc.Signer("STATE-A", SigningKey(bytes([2]) * 32))
OTHER = svc.Signer("STATE-B", SigningKey(bytes([3]) * 32))
REGIONS = ["north", "south", "west"]


def _items(n: int, status: str = "stored") -> list[Item]:
    return [Item(f"W{i:03d}", "warhead", REGIONS[i % 3], status) for i in range(n)]


@pytest.fixture
def log(tmp_path: Path) -> Iterator[TiledLog]:
    with create_log(tmp_path / "log", "disarm.test/escrow") as store:
        svc.bootstrap(store, INSP, T)
        svc.register_party(store, INSP, "STATE-A", Role.STATE, STATE.public_key, T)
        svc.register_party(store, INSP, "STATE-B", Role.STATE, OTHER.public_key, T)
        yield store


def _declare(
    log: TiledLog, its: list[Item], decl: str = "D1", supersedes: int | None = None
) -> tuple[int, EscrowOpening]:
    kept: list[EscrowOpening] = []
    index, _ = esc.declare(
        log,
        STATE,
        its,
        dict(Counter(it.category for it in its)),
        programme="P",
        declaration_id=decl,
        regions=REGIONS,
        region_size=8,
        time=T,
        random=random.Random(decl).randbytes,
        supersedes=supersedes,
        keep_opening=kept.append,
    )
    return index, kept[0]


def test_declare_reveal_and_audit(log: TiledLog) -> None:
    index, opening = _declare(log, _items(12))
    record = esc.verify_declaration(log, index, INSP.public_key)
    assert record.public.total == 12 and record.reveals == []
    r1 = esc.reveal(log, STATE, opening, RevealKind.REGION, target="north", time=T)[0].start
    r2 = esc.reveal(log, STATE, opening, RevealKind.SELECTION, ids=["W001"], time=T)[0].start
    record, rev = esc.verify_reveal(log, r1, INSP.public_key)
    assert rev.kind is RevealKind.REGION and record.index == index
    record = esc.verify_declaration(log, index, INSP.public_key)
    assert record.reveals == [r1, r2]
    assert record.summary()["items_opened"] == 5
    assert record.summary()["regions_revealed"] == ["north"]


def test_a_large_region_reveal_is_appended_as_consecutive_parts(log: TiledLog) -> None:
    its = [Item(f"ITEM-{i:05d}", "warhead", "north", "stored") for i in range(600)]
    kept: list[EscrowOpening] = []
    d, _ = esc.declare(
        log,
        STATE,
        its,
        {"warhead": 600},
        programme="P",
        declaration_id="BIG",
        regions=["north"],
        region_size=1024,
        time=T,
        random=random.Random(9).randbytes,
        keep_opening=kept.append,
    )
    indexes, parts = esc.reveal(log, STATE, kept[0], RevealKind.REGION, target="north", time=T)
    assert len(parts) == len(indexes) > 1 and indexes.start == d + 1
    record = esc.verify_declaration(log, d, INSP.public_key)
    assert record.state.complete and len(record.state.items()) == 600
    assert record.reveals == list(indexes)


def test_keep_opening_failure_leaves_the_log_unchanged(log: TiledLog) -> None:
    size = log.size

    def fail(_: EscrowOpening) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        esc.declare(
            log,
            STATE,
            _items(3),
            {"warhead": 3},
            programme="P",
            declaration_id="D1",
            regions=REGIONS,
            region_size=4,
            time=T,
            random=random.Random(0).randbytes,
            keep_opening=fail,
        )
    assert log.size == size


def test_bad_declarations_and_reveals_change_nothing(log: TiledLog) -> None:
    index, opening = _declare(log, _items(6))
    size = log.size
    with pytest.raises(BadInput, match="already declared"):
        _declare(log, _items(6))
    with pytest.raises(BadInput, match="not an earlier declaration"):
        _declare(log, _items(6), "D2", supersedes=0)
    with pytest.raises(BadInput, match="belongs to"):
        esc.reveal(log, OTHER, opening, RevealKind.REGION, target="north", time=T)
    wrong = EscrowOpening.from_json({**opening.to_json()})
    wrong.context = type(wrong.context)("P", "STATE-A", "D9")
    with pytest.raises(NotFound):
        esc.reveal(log, STATE, wrong, RevealKind.REGION, target="north", time=T)
    _, other = _declare(log, _items(6), "D2")
    size = log.size
    other.context = opening.context
    with pytest.raises(BadInput, match="wrong opening file"):
        esc.reveal(log, STATE, other, RevealKind.REGION, target="north", time=T)
    with pytest.raises(BadInput, match="unknown region"):
        esc.reveal(log, STATE, opening, RevealKind.REGION, target="east", time=T)
    assert log.size == size
    assert index in esc.audit(log, INSP.public_key).declarations


def test_audit_rejects_a_forged_reveal_in_the_log(log: TiledLog) -> None:
    _, opening = _declare(log, _items(6))
    r = esc.reveal(log, STATE, opening, RevealKind.SELECTION, ids=["W000"], time=T)[0].start
    # A reveal that points at someone else's declaration hash, correctly signed and chained.
    signed = decode(log.entry(r))
    payload = dict(signed.statement.payload)
    payload["declaration"] = {"index": 3, "hash": "00" * 32}
    registry = svc.replay(log, INSP.public_key)
    forged = svc.prepare(registry, STATE, "declaration.reveal", payload, T)
    log.append([forged.encode()])
    with pytest.raises(VerificationError, match=f"log entry {log.size - 1}"):
        esc.audit(log, INSP.public_key)


def test_continuity_findings_between_declarations(log: TiledLog) -> None:
    first = _items(6)
    d1, o1 = _declare(log, first)
    second = [
        Item("W000", "warhead", "north", "dismantled"),
        Item("W001", "warhead", "north", "stored"),  # moved from south
        Item("W002", "warhead", "west", "stored"),
        Item("W003", "warhead", "north", "stored"),
        Item("W004", "warhead", "south", "stored"),
        # W005 vanished without a recorded fate
    ]
    d2, o2 = _declare(log, second, "D2", supersedes=d1)
    for region in REGIONS:
        esc.reveal(log, STATE, o1, RevealKind.REGION, target=region, time=T)
    audit = esc.audit(log, INSP.public_key)
    assert audit.continuity() == []  # D2 not revealed yet: nothing decided
    reveals = [
        esc.reveal(log, STATE, o2, RevealKind.REGION, target=r, time=T)[0].start for r in REGIONS
    ]
    [finding] = esc.audit(log, INSP.public_key).continuity()
    assert finding.kind is FindingKind.VANISHED and finding.item == "W005"
    indexes = {e.index for e in finding.evidence}
    assert {d1, d2, *reveals} <= indexes

    d3, o3 = _declare(log, [Item("W000", "warhead", "north", "deployed")], "D3", supersedes=d2)
    esc.reveal(log, STATE, o3, RevealKind.REGION, target="north", time=T)
    findings = esc.audit(log, INSP.public_key).continuity()
    reappeared = [f for f in findings if f.kind is FindingKind.REAPPEARED]
    assert [f.item for f in reappeared] == ["W000"]
    assert {d2, d3} <= {e.index for e in reappeared[0].evidence}


def test_a_dismantled_item_reappearing_two_declarations_later(log: TiledLog) -> None:
    d1, o1 = _declare(log, [Item("W000", "warhead", "north", "dismantled")])
    d2, o2 = _declare(log, [Item("W100", "warhead", "north", "stored")], "D2", supersedes=d1)
    d3, o3 = _declare(
        log,
        [Item("W000", "warhead", "west", "deployed"), Item("W100", "warhead", "north", "stored")],
        "D3",
        supersedes=d2,
    )
    for opening in (o1, o2, o3):
        for region in REGIONS:
            esc.reveal(log, STATE, opening, RevealKind.REGION, target=region, time=T)
    findings = esc.audit(log, INSP.public_key).continuity()
    assert [(f.kind, f.item) for f in findings] == [(FindingKind.REAPPEARED, "W000")]
    assert {d1, d3} <= {e.index for e in findings[0].evidence}


def test_audit_statement_is_the_step_audit_repeats(log: TiledLog) -> None:
    index, opening = _declare(log, _items(6))
    r = esc.reveal(log, STATE, opening, RevealKind.SELECTION, ids=["W000"], time=T)[0].start
    stepwise = esc.Audit()
    for i, signed in svc.statements(log, 0, None):
        esc.audit_statement(stepwise, i, signed)
    whole = esc.audit(log, INSP.public_key)
    assert stepwise.reveal_of == whole.reveal_of == {r: index}
    assert stepwise.declarations[index].reveals == whole.declarations[index].reveals == [r]
    # Out of order (the reveal before its declaration) it fails, naming the declaration.
    with pytest.raises(VerificationError, match=f"names declaration {index}"):
        esc.audit_statement(esc.Audit(), r, decode(log.entry(r)))
