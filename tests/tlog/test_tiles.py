"""C2SP tlog-tiles arithmetic: paths, partial widths, entry bundles, tile subtrees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.errors import BadInput, VerificationError
from disarm.tlog import merkle
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.tiles import (
    FULL_TILE_BYTES,
    INTERIOR_BYTES,
    Tile,
    bundle_leaf_hashes,
    bundles_for_size,
    decode_bundle,
    encode_bundle,
    encode_index,
    entries_path,
    full_tile_tree,
    interior_offset,
    leaf_hashes,
    parse_tile_path,
    partial_width,
    tile_levels,
    tile_path,
    tiles_for_size,
)


@pytest.mark.parametrize(
    ("index", "text"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_encode_index(index: int, text: str) -> None:
    assert encode_index(index) == text


def test_paths_from_the_spec() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(3, 1234067, 8) == "tile/3/x001/x234/067.p/8"
    assert entries_path(1234067, 8) == "tile/entries/x001/x234/067.p/8"
    assert entries_path(5) == "tile/entries/005"


@given(level=st.integers(-1, 63), index=st.integers(0, 10**12), width=st.integers(1, 256))
def test_path_round_trip(level: int, index: int, width: int) -> None:
    tile = Tile(level, index, width)
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",  # not zero-padded
        "tile/00/000",  # level with a leading zero
        "tile/0/001/002",  # first element lacks the x
        "tile/0/x001",  # last element has an x
        "tile/0/000.p/256",  # a full width is not partial
        "tile/0/000.p/0",
        "tile/0/000.p/07",
        "tile/64/000",
        "tiles/0/000",
        "tile/entries/abc",
    ],
)
def test_bad_paths(path: str) -> None:
    with pytest.raises(BadInput):
        parse_tile_path(path)


def test_spec_example_70000() -> None:
    """Size 70,000: 273 full level-0 tiles and one of width 112; level 1: one full and one of
    width 17; level 2: one of width 1."""
    tiles = list(tiles_for_size(70_000))
    assert [t for t in tiles if t.level == 0 and not t.is_partial] == [
        Tile(0, i) for i in range(273)
    ]
    assert [t for t in tiles if t.is_partial] == [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]
    assert Tile(1, 0) in tiles
    assert [partial_width(level, 70_000) for level in range(4)] == [112, 17, 1, 0]
    assert list(tiles_for_size(256)) == [Tile(0, 0), Tile(1, 0, 1)]
    assert list(bundles_for_size(300)) == [Tile(-1, 0), Tile(-1, 1, 44)]


@given(st.lists(st.binary(max_size=300), max_size=40))
def test_bundle_round_trip(entries: list[bytes]) -> None:
    data = encode_bundle(entries)
    assert len(data) == sum(len(e) + 2 for e in entries)
    assert decode_bundle(data) == entries


def test_bundle_format_and_damage() -> None:
    assert encode_bundle([b"one", b""]) == b"\x00\x03one\x00\x00"
    with pytest.raises(VerificationError, match="truncated"):
        decode_bundle(b"\x00\x03one\x00")
    with pytest.raises(VerificationError, match="runs past"):
        decode_bundle(b"\x00\x04one")


@given(st.integers(1, 256))
def test_tile_levels_give_subtree_roots(width: int) -> None:
    leaves = [leaf_hash(b"%d" % i) for i in range(width)]
    levels = tile_levels(b"".join(leaves))
    tree = merkle.InMemoryTree(leaves)
    for r, row in enumerate(levels):
        assert len(row) == (width >> r) * 32
        for j in range(width >> r):
            assert row[j * 32 : (j + 1) * 32] == tree.perfect_hash(r, j)


def test_full_tile_tree_and_interior_offsets() -> None:
    leaves = leaf_hashes([b"%d" % i for i in range(256)])
    assert len(leaves) == FULL_TILE_BYTES
    root, interior = full_tile_tree(leaves)
    tree = merkle.InMemoryTree([leaves[i : i + 32] for i in range(0, FULL_TILE_BYTES, 32)])
    assert root == tree.root()
    assert len(interior) == INTERIOR_BYTES == 30 * 32
    for height in range(4, 8):
        for j in (0, (256 >> height) - 1):
            at = interior_offset(height, j)
            assert interior[at : at + 32] == tree.perfect_hash(height, j)
    for height in (1, 3, 8):
        with pytest.raises(BadInput):
            interior_offset(height, 0)
    with pytest.raises(BadInput):
        full_tile_tree(leaves[:-32])


@given(
    st.one_of(
        st.lists(st.binary(max_size=20), max_size=30),
        st.integers(0, 40).flatmap(
            lambda n: st.lists(st.binary(min_size=n, max_size=n), min_size=1, max_size=30)
        ),
    )
)
def test_bundle_leaf_hashes(entries: list[bytes]) -> None:
    """The fast path (equal lengths) and the general path agree with plain leaf hashing."""
    hashes, count = bundle_leaf_hashes(encode_bundle(entries))
    assert count == len(entries)
    assert hashes == b"".join(leaf_hash(e) for e in entries)
    if entries:
        with pytest.raises(VerificationError):
            bundle_leaf_hashes(encode_bundle(entries)[:-1] + b"\xff\xff")
