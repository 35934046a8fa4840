"""Commit-then-open round trips, and rejection of any change to an item, salt, path or root."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disarm.crypto.commitments import Context, Item, Leaf, leaf_commitment
from disarm.crypto.escrow import EscrowOpening, PublicPart, commit
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

# Names are identifiers (docs/glossary.md): ASCII, a letter or digit first.
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:@/-]{0,7}", fullmatch=True)


@st.composite
def declarations(draw: st.DrawFn) -> tuple[list[Item], list[str], int]:
    regions = sorted(draw(st.sets(names, min_size=1, max_size=4)))
    ids = draw(st.lists(names, unique=True, max_size=20))
    its = [
        Item(
            i,
            draw(st.sampled_from(["warhead", "launcher", "bomber"])),
            draw(st.sampled_from(regions)),
            draw(st.sampled_from(["deployed", "stored", "dismantled"])),
        )
        for i in ids
    ]
    biggest = max(Counter(it.region for it in its).values(), default=0)
    size = draw(st.integers(min_value=max(1, biggest), max_value=max(1, biggest) + 5))
    return its, regions, size


settings.register_profile("disarm", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("disarm")


@given(declarations(), st.integers(0, 2**32))
@settings(max_examples=60)
def test_commit_then_open_round_trips(decl: tuple[list[Item], list[str], int], seed: int) -> None:
    its, regions, size = decl
    counts = Counter(it.category for it in its)
    public, opening = commit(its, counts, CTX, regions, size, seeded(seed))
    public = PublicPart.from_json(json.loads(json.dumps(public.to_json())))
    opening = EscrowOpening.from_json(json.loads(json.dumps(opening.to_json())))
    public.verify_sum()
    state = RevealState(public)
    for n, region in enumerate(public.layout.regions):
        for part in make_reveals(opening, RevealKind.REGION, target=region):
            part = Reveal.from_json(json.loads(json.dumps(part.to_json())))
            state.apply(part, n)
    assert state.complete
    assert {i: v[0] for i, v in state.items().items()} == {it.id: it for it in its}
    assert sum(1 for lf in state.opened.values() if lf.is_dummy) == len(regions) * size - len(its)


def _one_leaf_reveal() -> tuple[PublicPart, BlockOpening]:
    public, opening = declare(items(12), ["R00", "R01", "R02", "R03"], 4)
    [reveal] = make_reveals(opening, RevealKind.SELECTION, ids=["ID00005"])
    return public, reveal.blocks[0]


def _check(public: PublicPart, lo: BlockOpening) -> None:
    RevealState(public).check_all([Reveal(RevealKind.SELECTION, None, (lo,))])


def test_honest_leaf_opening_verifies() -> None:
    public, lo = _one_leaf_reveal()
    _check(public, lo)


@given(st.sampled_from(["id", "category", "status"]), names)
def test_any_change_to_an_opened_item_is_rejected(field: str, value: str) -> None:
    public, lo = _one_leaf_reveal()
    item = lo.leaves[0].item
    assert item is not None
    if getattr(item, field) == value:
        value += "x"
    changed = dataclasses.replace(item, **{field: value})
    with pytest.raises(RevealRejected) as info:
        _check(public, dataclasses.replace(lo, leaves=(Leaf(changed.region, changed),)))
    assert info.value.reason is RevealReason.NOT_IN_TREE


def test_moving_an_item_to_another_region_is_rejected() -> None:
    public, lo = _one_leaf_reveal()
    item = lo.leaves[0].item
    assert item is not None
    moved = dataclasses.replace(item, region="R03")
    with pytest.raises(RevealRejected) as info:
        _check(public, dataclasses.replace(lo, leaves=(Leaf("R03", moved),)))
    assert info.value.reason is RevealReason.WRONG_REGION


@given(st.integers(0, 31), st.integers(0, 7))
def test_any_change_to_the_salt_is_rejected(byte: int, bit: int) -> None:
    public, lo = _one_leaf_reveal()
    salt = bytearray(lo.salts[0])
    salt[byte] ^= 1 << bit
    with pytest.raises(RevealRejected) as info:
        _check(public, dataclasses.replace(lo, salts=(bytes(salt),)))
    assert info.value.reason is RevealReason.NOT_IN_TREE


@given(st.data())
def test_any_change_to_the_path_is_rejected(data: st.DataObject) -> None:
    public, lo = _one_leaf_reveal()
    path = list(lo.path)
    how = data.draw(st.sampled_from(["flip", "drop", "extend", "index"]))
    if how == "flip":
        k = data.draw(st.integers(0, len(path) - 1))
        b = data.draw(st.integers(0, 31))
        node = bytearray(path[k])
        node[b] ^= 0x01
        path[k] = bytes(node)
        changed = dataclasses.replace(lo, path=tuple(path))
    elif how == "drop":
        changed = dataclasses.replace(lo, path=tuple(path[:-1]))
    elif how == "extend":
        changed = dataclasses.replace(lo, path=(*path, bytes(32)))
    else:
        other = data.draw(st.sampled_from([i for i in range(4, 8) if i != lo.start]))
        changed = dataclasses.replace(lo, start=other)
    with pytest.raises(RevealRejected) as info:
        _check(public, changed)
    assert info.value.reason is RevealReason.NOT_IN_TREE


@given(st.integers(0, 31), st.integers(0, 7))
def test_any_change_to_the_root_is_rejected(byte: int, bit: int) -> None:
    public, lo = _one_leaf_reveal()
    root = bytearray(public.root)
    root[byte] ^= 1 << bit
    with pytest.raises(RevealRejected) as info:
        _check(dataclasses.replace(public, root=bytes(root)), lo)
    assert info.value.reason is RevealReason.NOT_IN_TREE


@given(st.data())
def test_any_change_inside_a_region_block_is_rejected(data: st.DataObject) -> None:
    public, opening = declare(items(30), ["R00", "R01", "R02", "R03"], 16)
    [part] = make_reveals(opening, RevealKind.REGION, target="R02")
    [block] = part.blocks
    assert len(block.leaves) == 16
    k = data.draw(st.integers(0, 15))
    how = data.draw(st.sampled_from(["salt", "leaf", "swap", "path", "root"]))
    salts, leaves = list(block.salts), list(block.leaves)
    if how == "salt":
        salts[k] = bytes(32) if salts[k] != bytes(32) else b"\x01" * 32
    elif how == "leaf":
        leaves[k] = Leaf("R02", items(1)[0]) if leaves[k].is_dummy else Leaf("R02")
    elif how == "swap":
        j = (k + 1) % 16
        if leaves[k] == leaves[j]:
            salts[k], salts[j] = salts[j], salts[k]
        else:
            leaves[k], leaves[j] = leaves[j], leaves[k]
    changed = dataclasses.replace(block, salts=tuple(salts), leaves=tuple(leaves))
    if how == "path":
        changed = dataclasses.replace(block, path=(bytes(32), *block.path[1:]))
    target = dataclasses.replace(public, root=bytes(32)) if how == "root" else public
    with pytest.raises(RevealRejected) as info:
        RevealState(target).check_all([dataclasses.replace(part, blocks=(changed,))])
    assert info.value.reason is RevealReason.NOT_IN_TREE


def test_leaves_are_bound_to_their_context() -> None:
    salt, leaf = bytes(32), Leaf("R00", items(1)[0])
    other = Context("phased-2030", "STATE-A", "D2")
    assert leaf_commitment(CTX, salt, leaf) != leaf_commitment(other, salt, leaf)
    assert leaf_commitment(CTX, salt, Leaf("R00")) != leaf_commitment(CTX, salt, leaf)


def test_tree_shape_does_not_depend_on_regional_counts() -> None:
    a, _ = declare(items(8, regions=1), ["R00", "R01"], 8)
    b, _ = declare(items(8, regions=2), ["R00", "R01"], 8)
    assert a.layout == b.layout and a.to_json().keys() == b.to_json().keys()


@pytest.mark.parametrize(
    ("its", "regions", "size", "match"),
    [
        ([*items(3), items(1)[0]], ["R00", "R01", "R02", "R03"], 4, "duplicate"),
        (items(3), ["R00"], 4, "unknown regions"),
        (items(9, regions=1), ["R00"], 4, "more than the region size"),
    ],
)
def test_bad_declarations(its: list[Item], regions: list[str], size: int, match: str) -> None:
    with pytest.raises(BadInput) as info:
        declare(its, regions, size)
    assert match in info.value.diagnostics()


def test_public_counts_must_match_items() -> None:
    with pytest.raises(BadInput, match="cannot be committed"):
        commit(items(3), {"warhead": 5}, CTX, ["R00", "R01", "R02"], 2, seeded(1))


def test_corrupt_opening_file_is_rejected() -> None:
    _, opening = declare(items(6), ["R00", "R01", "R02", "R03"], 2)
    data = opening.to_json()
    data["leaves"][0]["salt"] = "00" * 32
    with pytest.raises(BadInput, match="corrupt"):
        EscrowOpening.from_json(data)
    with pytest.raises(BadInput, match="not an escrow opening"):
        EscrowOpening.from_json({"v": "x"})


@pytest.mark.parametrize(
    ("field", "value"),
    [("region_size", 4.0), ("region_size", "4"), ("counts", {"warhead": 1.5}), ("total", 99)],
)
def test_public_part_parsing_is_strict(field: str, value: object) -> None:
    public, _ = declare(items(6, regions=2), ["R00", "R01"], 4)
    data = public.to_json()
    data[field] = value
    with pytest.raises(BadInput):
        PublicPart.from_json(data)
