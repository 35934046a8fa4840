"""Every rejection of issue item 4, each with its specific reason."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from disarm.crypto import pedersen
from disarm.crypto.commitments import Item, Leaf
from disarm.crypto.escrow import EscrowOpening, Layout, PublicPart
from disarm.crypto.reveal import (
    Reveal,
    RevealKind,
    RevealReason,
    RevealRejected,
    RevealState,
    make_reveal,
)
from disarm.errors import BadInput

from .helpers import CTX, declare, items, seeded

REGIONS = ["R00", "R01", "R02", "R03"]


def _setup() -> tuple[PublicPart, EscrowOpening]:
    return declare(items(20), REGIONS, 8)


def _rejects(state: RevealState, reveal: Reveal, reason: RevealReason) -> None:
    with pytest.raises(RevealRejected) as info:
        state.check(reveal)
    assert info.value.reason is reason, info.value.message


def test_region_reveal_opens_items_and_dummies() -> None:
    public, opening = _setup()
    reveal = make_reveal(opening, RevealKind.REGION, target="R01")
    assert len(reveal.leaves) == 8
    assert sum(lo.leaf.is_dummy for lo in reveal.leaves) == 3
    state = RevealState(public)
    state.apply(reveal, 10)
    assert state.regions == {"R01": 10}
    assert all(ref == 10 for _, ref in state.items().values())


def test_region_reveal_must_open_every_leaf_including_dummies() -> None:
    public, opening = _setup()
    full = make_reveal(opening, RevealKind.REGION, target="R01")
    without_dummy = tuple(
        lo
        for lo in full.leaves
        if lo.index != next(lo.index for lo in full.leaves if lo.leaf.is_dummy)
    )
    state = RevealState(public)
    _rejects(state, dataclasses.replace(full, leaves=without_dummy), RevealReason.INCOMPLETE_REGION)
    _rejects(
        state, dataclasses.replace(full, leaves=full.leaves[1:]), RevealReason.INCOMPLETE_REGION
    )
    foreign = make_reveal(opening, RevealKind.REGION, target="R02").leaves[0]
    _rejects(
        state,
        dataclasses.replace(full, leaves=(*full.leaves, foreign)),
        RevealReason.INCOMPLETE_REGION,
    )


def test_region_count_must_open_its_pedersen_commitment() -> None:
    public, opening = _setup()
    full = make_reveal(opening, RevealKind.REGION, target="R01")
    assert full.region_opening is not None
    state = RevealState(public)
    lie = pedersen.Opening(full.region_opening.value + 1, full.region_opening.blinding)
    _rejects(state, dataclasses.replace(full, region_opening=lie), RevealReason.COUNT_MISMATCH)
    other = opening.region_openings["R02"]
    _rejects(state, dataclasses.replace(full, region_opening=other), RevealReason.COUNT_MISMATCH)
    _rejects(state, dataclasses.replace(full, region_opening=None), RevealReason.COUNT_MISMATCH)


def test_category_reveal_must_match_the_public_count() -> None:
    public, opening = _setup()
    full = make_reveal(opening, RevealKind.CATEGORY, target="launcher")
    state = RevealState(public)
    state.check(full)
    _rejects(
        state, dataclasses.replace(full, leaves=full.leaves[1:]), RevealReason.AGGREGATE_MISMATCH
    )


def test_category_reveal_may_not_open_other_categories() -> None:
    public, opening = _setup()
    full = make_reveal(opening, RevealKind.CATEGORY, target="launcher")
    stray = make_reveal(opening, RevealKind.CATEGORY, target="bomber").leaves[0]
    _rejects(
        RevealState(public),
        dataclasses.replace(full, leaves=(*full.leaves, stray)),
        RevealReason.WRONG_CATEGORY,
    )


def test_full_reveal_must_equal_public_aggregates() -> None:
    # A dishonest party whose public counts understate what it committed.
    its = items(12)
    public, opening = declare(its, REGIONS, 4)
    counts = dict(Counter(it.category for it in its))
    counts["warhead"] -= 1
    lying = dataclasses.replace(public, counts=counts)
    state = RevealState(lying)
    with pytest.raises(RevealRejected) as info:
        for n, region in enumerate(REGIONS):
            state.apply(make_reveal(opening, RevealKind.REGION, target=region), n)
    assert info.value.reason is RevealReason.AGGREGATE_MISMATCH


def test_empty_and_duplicate_position_reveals() -> None:
    public, opening = _setup()
    state = RevealState(public)
    _rejects(state, Reveal(RevealKind.SELECTION, None, ()), RevealReason.EMPTY)
    one = make_reveal(opening, RevealKind.SELECTION, ids=["ID00003"]).leaves[0]
    _rejects(state, Reveal(RevealKind.SELECTION, None, (one, one)), RevealReason.DUPLICATE_POSITION)


def test_an_identifier_committed_twice_is_caught_when_opened() -> None:
    # Built by hand: the honest `commit` refuses duplicate identifiers.
    twin = Item("X1", "warhead", "R00", "stored")
    leaves = [Leaf("R00", twin), Leaf("R00", dataclasses.replace(twin))]
    rnd = seeded(5)
    openings = {"R00": pedersen.new_opening(2, rnd)}
    layout = Layout(("R00",), 2)
    opening = EscrowOpening(CTX, layout, [rnd(32), rnd(32)], leaves, openings)
    opening.root = opening.tree().root
    public = PublicPart(
        CTX,
        layout,
        opening.root,
        {"warhead": 2},
        {"R00": pedersen.commit(2, openings["R00"].blinding)},
        openings["R00"].blinding,
    )
    _rejects(
        RevealState(public),
        make_reveal(opening, RevealKind.REGION, target="R00"),
        RevealReason.DUPLICATE_ID,
    )


def test_make_reveal_input_errors() -> None:
    _, opening = _setup()
    with pytest.raises(BadInput, match="unknown region"):
        make_reveal(opening, RevealKind.REGION, target="R99")
    with pytest.raises(BadInput, match="no item in category"):
        make_reveal(opening, RevealKind.CATEGORY, target="submarine")
    with pytest.raises(BadInput, match="not in the declaration"):
        make_reveal(opening, RevealKind.SELECTION, ids=["nope"])
