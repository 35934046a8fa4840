"""Every rejection of issue item 4, each with its specific reason."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable

import pytest

from disarm.crypto import pedersen
from disarm.crypto import reveal as rv
from disarm.crypto.commitments import Item, Leaf
from disarm.crypto.escrow import EscrowOpening, Layout, PublicPart
from disarm.crypto.reveal import (
    BlockOpening,
    Reveal,
    RevealKind,
    RevealReason,
    RevealRejected,
    RevealState,
    make_reveals,
)
from disarm.errors import BadInput

from .helpers import CTX, declare, items, seeded

REGIONS = ["R00", "R01", "R02", "R03"]


def _setup() -> tuple[PublicPart, EscrowOpening]:
    return declare(items(20), REGIONS, 8)


def _singles(opening: EscrowOpening, positions: Iterable[int]) -> tuple[BlockOpening, ...]:
    tree = opening.tree()
    return tuple(
        BlockOpening(i, (opening.salts[i],), (opening.leaves[i],), tuple(tree.inclusion_proof(i)))
        for i in positions
    )


def _region(opening: EscrowOpening, region: str) -> Reveal:
    [part] = make_reveals(opening, RevealKind.REGION, target=region)
    return part


def _rejects(state: RevealState, reveals: list[Reveal], reason: RevealReason) -> None:
    with pytest.raises(RevealRejected) as info:
        state.check_all(reveals)
    assert info.value.reason is reason, info.value.message


def test_region_reveal_opens_items_and_dummies() -> None:
    public, opening = _setup()
    reveal = _region(opening, "R01")
    assert len(reveal.leaves()) == 8 and len(reveal.blocks) == 1
    assert sum(lf.is_dummy for lf in reveal.leaves().values()) == 3
    state = RevealState(public)
    state.apply(reveal, 10)
    assert state.regions == {"R01": 10}
    assert all(ref == 10 for _, ref in state.items().values())


def test_region_reveal_as_single_leaves_is_accepted() -> None:
    public, opening = _setup()
    full = _region(opening, "R01")
    singles = dataclasses.replace(full, blocks=_singles(opening, range(8, 16)))
    RevealState(public).check_all([singles])


def test_region_reveal_must_open_every_leaf_including_dummies() -> None:
    public, opening = _setup()
    full = _region(opening, "R01")
    dummy = next(i for i in range(8, 16) if opening.leaves[i].is_dummy)
    no_dummy = _singles(opening, [i for i in range(8, 16) if i != dummy])
    state = RevealState(public)
    _rejects(state, [dataclasses.replace(full, blocks=no_dummy)], RevealReason.INCOMPLETE_REGION)
    items_only = _singles(opening, [i for i in range(8, 16) if not opening.leaves[i].is_dummy])
    _rejects(state, [dataclasses.replace(full, blocks=items_only)], RevealReason.INCOMPLETE_REGION)
    foreign = _singles(opening, [16])
    _rejects(
        state,
        [dataclasses.replace(full, blocks=(*full.blocks, *foreign))],
        RevealReason.INCOMPLETE_REGION,
    )


def test_region_count_must_open_its_pedersen_commitment() -> None:
    public, opening = _setup()
    full = _region(opening, "R01")
    assert full.region_opening is not None
    state = RevealState(public)
    lie = pedersen.Opening(full.region_opening.value + 1, full.region_opening.blinding)
    _rejects(state, [dataclasses.replace(full, region_opening=lie)], RevealReason.COUNT_MISMATCH)
    other = opening.region_openings["R02"]
    _rejects(state, [dataclasses.replace(full, region_opening=other)], RevealReason.COUNT_MISMATCH)
    _rejects(state, [dataclasses.replace(full, region_opening=None)], RevealReason.COUNT_MISMATCH)


def test_category_reveal_must_match_the_public_count() -> None:
    public, opening = _setup()
    [full] = make_reveals(opening, RevealKind.CATEGORY, target="launcher")
    state = RevealState(public)
    state.check_all([full])
    short = dataclasses.replace(full, blocks=full.blocks[1:])
    _rejects(state, [short], RevealReason.AGGREGATE_MISMATCH)


def test_category_reveal_may_not_open_other_categories() -> None:
    public, opening = _setup()
    [full] = make_reveals(opening, RevealKind.CATEGORY, target="launcher")
    [bombers] = make_reveals(opening, RevealKind.CATEGORY, target="bomber")
    stray = dataclasses.replace(full, blocks=(*full.blocks, bombers.blocks[0]))
    _rejects(RevealState(public), [stray], RevealReason.WRONG_CATEGORY)


def test_full_reveal_must_equal_public_aggregates() -> None:
    # A dishonest party whose public counts understate what it committed.
    its = items(12)
    public, opening = declare(its, REGIONS, 4)
    counts = dict(Counter(it.category for it in its))
    counts["warhead"] -= 1
    lying = dataclasses.replace(public, counts=counts)
    with pytest.raises(RevealRejected) as info:
        RevealState(lying).check_all([_region(opening, r) for r in REGIONS])
    assert info.value.reason is RevealReason.AGGREGATE_MISMATCH


def test_empty_duplicate_and_misaligned_blocks() -> None:
    public, opening = _setup()
    state = RevealState(public)
    _rejects(state, [Reveal(RevealKind.SELECTION, None, ())], RevealReason.EMPTY)
    [one] = make_reveals(opening, RevealKind.SELECTION, ids=["ID00003"])
    twice = dataclasses.replace(one, blocks=one.blocks * 2)
    _rejects(state, [twice], RevealReason.DUPLICATE_POSITION)
    state.check_all([one, one])  # opening a position again (in a new reveal) is harmless
    block = _region(opening, "R01").blocks[0]
    three = dataclasses.replace(block, salts=block.salts[:3], leaves=block.leaves[:3])
    _rejects(state, [Reveal(RevealKind.SELECTION, None, (three,))], RevealReason.BAD_BLOCK)
    shifted = dataclasses.replace(block, start=4)
    _rejects(state, [Reveal(RevealKind.SELECTION, None, (shifted,))], RevealReason.BAD_BLOCK)


def test_an_identifier_committed_twice_is_caught_when_opened() -> None:
    # Built by hand: the honest `commit` refuses duplicate identifiers.
    twin = Item("X1", "warhead", "R00", "stored")
    leaves = [Leaf("R00", twin), Leaf("R00", dataclasses.replace(twin))]
    rnd = seeded(5)
    openings = {"R00": pedersen.new_opening(2, rnd)}
    layout = Layout(("R00",), 2)
    opening = EscrowOpening(CTX, layout, [rnd(32), rnd(32)], leaves, openings)
    opening.root = opening.tree().root()
    public = PublicPart(
        CTX,
        layout,
        opening.root,
        {"warhead": 2},
        {"R00": pedersen.commit(2, openings["R00"].blinding)},
        openings["R00"].blinding,
    )
    _rejects(RevealState(public), [_region(opening, "R00")], RevealReason.DUPLICATE_ID)


def test_large_reveals_are_split_into_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    public, opening = declare(items(100, regions=2), ["R00", "R01"], 64)
    monkeypatch.setattr(rv, "PART_BUDGET", 3000)
    parts = make_reveals(opening, RevealKind.REGION, target="R01")
    assert len(parts) > 2 and [p.part for p in parts] == list(range(1, len(parts) + 1))
    assert all(p.region_opening is None for p in parts[:-1]) and parts[-1].region_opening
    state = RevealState(public)
    for k, p in enumerate(parts):
        state.apply(p, 100 + k)
    assert state.regions == {"R01": 100 + len(parts) - 1}
    # Missing, repeated, reordered or interleaved parts are rejected.
    fresh = RevealState(public)
    _rejects(fresh, parts[1:], RevealReason.PART_MISMATCH)
    _rejects(fresh, [parts[0], parts[2]], RevealReason.PART_MISMATCH)
    [sel] = make_reveals(opening, RevealKind.SELECTION, ids=["ID00000"])
    _rejects(fresh, [parts[0], sel], RevealReason.PART_MISMATCH)
    truncated = [
        dataclasses.replace(parts[0], parts=2),
        dataclasses.replace(parts[1], part=2, parts=2, region_opening=parts[-1].region_opening),
    ]
    _rejects(fresh, truncated, RevealReason.INCOMPLETE_REGION)
    early = dataclasses.replace(parts[0], region_opening=parts[-1].region_opening)
    _rejects(fresh, [early], RevealReason.COUNT_MISMATCH)


def test_make_reveals_input_errors() -> None:
    _, opening = _setup()
    with pytest.raises(BadInput, match="unknown region"):
        make_reveals(opening, RevealKind.REGION, target="R99")
    with pytest.raises(BadInput, match="no item in category"):
        make_reveals(opening, RevealKind.CATEGORY, target="submarine")
    with pytest.raises(BadInput, match="not in the declaration"):
        make_reveals(opening, RevealKind.SELECTION, ids=["nope"])
    with pytest.raises(BadInput, match="empty"):
        make_reveals(opening, RevealKind.SELECTION, ids=[])
