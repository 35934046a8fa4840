"""C2SP tlog-tiles arithmetic: tile coordinates, paths, entry bundles and tile subtrees.

A tile at level ``L`` and index ``N`` holds up to 256 consecutive Merkle tree hashes at tree
height ``8 * L``: hash ``i`` is MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L]). A full
tile holds 256 hashes (8,192 bytes); the rightmost tile of each level may be *partial* with
``floor(size / 256**L) mod 256`` hashes. Entry bundles hold the entries of one level-0 tile,
each prefixed by its length as a big-endian uint16.

Paths (``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``) encode ``N`` in zero-padded
3-digit elements, all but the last prefixed with ``x``: 1234067 -> ``x001/x234/067``.

Pure: no I/O. Everything here works on ``bytes``.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain

from disarm.errors import BadInput, VerificationError
from disarm.tlog.hashing import HASH_SIZE

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF
#: Interior nodes kept beside a full tile: heights 4..7 inside it (16 + 8 + 4 + 2 hashes).
#: Heights 1..3 cost at most 7 hashes to recompute from the tile, so they are not stored.
INTERIOR_MIN_HEIGHT = 4
INTERIOR_HASHES = sum(TILE_WIDTH >> h for h in range(INTERIOR_MIN_HEIGHT, TILE_HEIGHT))
INTERIOR_BYTES = INTERIOR_HASHES * HASH_SIZE

_sha256 = hashlib.sha256
_LENGTH_PREFIX = [n.to_bytes(2, "big") for n in range(MAX_ENTRY_SIZE + 1)]


@dataclass(frozen=True, order=True)
class Tile:
    """A tile coordinate: ``level`` (or -1 for an entry bundle), ``index`` and ``width``."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not -1 <= self.level <= MAX_LEVEL:
            raise BadInput(f"tile level {self.level} is outside -1..{MAX_LEVEL}")
        if self.index < 0:
            raise BadInput(f"tile index {self.index} is negative")
        if not 1 <= self.width <= TILE_WIDTH:
            raise BadInput(f"tile width {self.width} is outside 1..{TILE_WIDTH}")

    @property
    def is_entries(self) -> bool:
        return self.level == -1

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        """The tlog-tiles path of this tile or entry bundle."""
        kind = "entries" if self.is_entries else str(self.level)
        suffix = f".p/{self.width}" if self.is_partial else ""
        return f"tile/{kind}/{encode_index(self.index)}{suffix}"

    @property
    def start(self) -> int:
        """Index of the first entry this tile (or bundle) covers."""
        return self.index << (TILE_HEIGHT * (max(self.level, 0) + 1))


def encode_index(index: int) -> str:
    """Encode a tile index as zero-padded 3-digit path elements: 1234067 -> x001/x234/067."""
    if index < 0:
        raise BadInput(f"tile index {index} is negative")
    groups: list[str] = []
    while True:
        index, rest = divmod(index, 1000)
        groups.append(f"{rest:03d}")
        if index == 0:
            break
    groups.reverse()
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    return Tile(level, index, width).path


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    return Tile(-1, index, width).path


def parse_tile_path(path: str) -> Tile:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]`` back into a Tile."""
    parts = path.split("/")
    problem = f"{path!r} is not a tlog-tiles path"
    if len(parts) < 3 or parts[0] != "tile":
        raise BadInput(problem)
    kind, rest = parts[1], parts[2:]
    if kind == "entries":
        level = -1
    elif kind.isdigit() and (kind == "0" or not kind.startswith("0")):
        level = int(kind)
    else:
        raise BadInput(problem)
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        w = rest[-1]
        if not w.isdigit() or w.startswith("0") or not 1 <= int(w) < TILE_WIDTH:
            raise BadInput(problem)
        width = int(w)
        rest = [*rest[:-2], rest[-2][:-2]]
    index = 0
    for i, element in enumerate(rest):
        digits = element[1:] if i < len(rest) - 1 else element
        if (i < len(rest) - 1) != element.startswith("x") or len(digits) != 3:
            raise BadInput(problem)
        if not digits.isdigit():
            raise BadInput(problem)
        index = index * 1000 + int(digits)
    tile = Tile(level, index, width)
    if tile.path != path:
        raise BadInput(problem)
    return tile


def partial_width(level: int, size: int) -> int:
    """Width of the partial tile at ``level`` for a tree of ``size`` (0 means none)."""
    return (size >> (TILE_HEIGHT * level)) & (TILE_WIDTH - 1)


def tiles_for_size(size: int) -> Iterator[Tile]:
    """Every hash tile (full and the partial ones) that represents a tree of ``size``."""
    level = 0
    while size >> (TILE_HEIGHT * level):
        hashes = size >> (TILE_HEIGHT * level)
        for index in range(hashes >> TILE_HEIGHT):
            yield Tile(level, index)
        width = hashes & (TILE_WIDTH - 1)
        if width:
            yield Tile(level, hashes >> TILE_HEIGHT, width)
        level += 1


def bundles_for_size(size: int) -> Iterator[Tile]:
    """Every entry bundle (full and the partial one) of a tree of ``size``."""
    for index in range(size >> TILE_HEIGHT):
        yield Tile(-1, index)
    if size & (TILE_WIDTH - 1):
        yield Tile(-1, size >> TILE_HEIGHT, size & (TILE_WIDTH - 1))


# --- entry bundles -------------------------------------------------------------------------


def check_entry_sizes(entries: Sequence[bytes], *, source: str | None = None) -> None:
    """Raise BadInput unless every entry fits a uint16 length prefix."""
    if entries and max(map(len, entries)) > MAX_ENTRY_SIZE:
        i = next(i for i, e in enumerate(entries) if len(e) > MAX_ENTRY_SIZE)
        raise BadInput(
            f"entry {i} is {len(entries[i])} bytes; tlog-tiles entries hold at most "
            f"{MAX_ENTRY_SIZE}",
            source=source,
        )


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """Concatenate entries, each prefixed by its big-endian uint16 length."""
    entries = entries if isinstance(entries, list | tuple) else list(entries)
    if not entries:
        return b""
    lengths = set(map(len, entries))
    if len(lengths) == 1:  # fixed-size entries: one join with the length prefix as separator
        prefix = _LENGTH_PREFIX[lengths.pop()]
        return prefix + prefix.join(entries)
    prefixes = map(_LENGTH_PREFIX.__getitem__, map(len, entries))
    return b"".join(chain.from_iterable(zip(prefixes, entries, strict=True)))


def decode_bundle(data: bytes, *, source: str | None = None) -> list[bytes]:
    """Split an entry bundle into its entries; raise VerificationError if it is malformed."""
    out: list[bytes] = []
    pos, end = 0, len(data)
    while pos < end:
        if pos + 2 > end:
            raise VerificationError(
                f"entry bundle is truncated in a length prefix at byte {pos}",
                source=source,
                expected=pos + 2,
                computed=end,
            )
        length = (data[pos] << 8) | data[pos + 1]
        stop = pos + 2 + length
        if stop > end:
            raise VerificationError(
                f"entry {len(out)} of the bundle runs past its end (byte {pos})",
                source=source,
                expected=stop,
                computed=end,
            )
        out.append(data[pos + 2 : stop])
        pos = stop
    return out


@lru_cache(maxsize=64)
def _fixed(length: int, count: int) -> struct.Struct:
    """Cuts ``count`` entries of ``length`` bytes, each after its 2-byte prefix, in one C call."""
    return struct.Struct(f"2x{length}s" * count)


def split_bundle(data: bytes | memoryview, *, source: str | None = None) -> Sequence[bytes]:
    """The entries of an entry bundle (as `decode_bundle`), cut in C when they are equal-length.

    Bundles of equal-length entries (common: fixed-size records) take a fast path that checks
    every length prefix at once with strided slices and cuts the entries with `struct`.
    """
    if len(data) >= 2:
        length = (data[0] << 8) | data[1]
        step = length + 2
        count, rest = divmod(len(data), step)
        if (
            not rest
            and data[0::step] == bytes([data[0]]) * count
            and data[1::step] == bytes([data[1]]) * count
        ):
            out: list[bytes] = []
            chunk = 4096
            for first in range(0, count, chunk):
                n = min(chunk, count - first)
                out += _fixed(length, n).unpack_from(data, first * step)
            return out
    return decode_bundle(bytes(data), source=source)


def bundle_leaf_hashes(data: bytes, *, source: str | None = None) -> tuple[bytes, int]:
    """(concatenated leaf hashes, entry count) of an entry bundle."""
    entries = split_bundle(data, source=source)
    return leaf_hashes(entries), len(entries)


def bundle_offsets(entries: Sequence[bytes]) -> list[int]:
    """Byte offset of each entry's length prefix inside ``encode_bundle(entries)``."""
    return [0, *accumulate(n + 2 for n in map(len, entries))][:-1] if entries else []


# --- hashing of tiles ----------------------------------------------------------------------
#
# Batch hashing: the cost of a hash of a small input is the hashlib call, not SHA-256 itself, so
# each loop below makes as few Python-level operations per hash as possible: a hash object primed
# with the RFC 9162 prefix is copied (cheaper than a new one), and the pairs of a level are cut
# out in one `struct` call rather than sliced one by one. Results are byte-identical to the naive
# tree (tests compare them).

_LEAF = _sha256(b"\x00")
_NODE = _sha256(b"\x01")


@lru_cache(maxsize=64)
def _pairs(count: int) -> struct.Struct:
    """Cuts ``count`` adjacent 64-byte pairs of hashes out of a level in one C call."""
    return struct.Struct("64s" * count)


def leaf_hashes(entries: Iterable[bytes]) -> bytes:
    """The concatenated RFC 9162 leaf hashes SHA-256(0x00 || entry)."""
    copy = _LEAF.copy
    out: list[bytes] = []
    append = out.append
    for entry in entries:
        h = copy()
        h.update(entry)
        append(h.digest())
    return b"".join(out)


def parent_level(hashes: bytes | memoryview) -> bytes:
    """Hash adjacent pairs: the next level up (an odd last hash is left out)."""
    pairs = len(hashes) // (2 * HASH_SIZE)
    copy = _NODE.copy
    out: list[bytes] = []
    append = out.append
    step = 4096  # pairs per struct call: bounds the cached format's size
    for first in range(0, pairs, step):
        for pair in _pairs(min(step, pairs - first)).unpack_from(hashes, first * 2 * HASH_SIZE):
            h = copy()
            h.update(pair)
            append(h.digest())
    return b"".join(out)


def tile_levels(hashes: bytes) -> list[bytes]:
    """All complete levels above the given tile hashes: ``[hashes, level1, ..., top]``."""
    levels = [hashes]
    while len(levels[-1]) >= 2 * HASH_SIZE:
        levels.append(parent_level(levels[-1]))
    return levels


def full_tile_tree(hashes: bytes) -> tuple[bytes, bytes]:
    """For a full tile: (root, interior) with interior = its nodes at heights 4..7."""
    if len(hashes) != FULL_TILE_BYTES:
        raise BadInput(f"a full tile is {FULL_TILE_BYTES} bytes, not {len(hashes)}")
    levels = tile_levels(hashes)
    return levels[-1], b"".join(levels[INTERIOR_MIN_HEIGHT:-1])


def full_tile_trees(hashes: bytes | memoryview) -> tuple[bytes, bytes]:
    """`full_tile_tree` of every full tile at the start of a run of hashes, level by level.

    Returns (interiors, roots): the interior records of the tiles one after another, and their
    roots. Each level of all the tiles is hashed in one pass (tiles are aligned, so pairs never
    cross a tile boundary), which keeps the Python cost per tile to a few slices.
    """
    tiles = len(hashes) // FULL_TILE_BYTES
    if not tiles:
        return b"", b""
    level: bytes | memoryview = hashes[: tiles * FULL_TILE_BYTES]
    rows: list[bytes] = []
    for _ in range(TILE_HEIGHT):
        level = parent_level(level)
        rows.append(level)
    kept = rows[INTERIOR_MIN_HEIGHT - 1 : TILE_HEIGHT - 1]  # heights 4..7
    widths = [(TILE_WIDTH >> h) * HASH_SIZE for h in range(INTERIOR_MIN_HEIGHT, TILE_HEIGHT)]
    interiors = b"".join(
        row[t * w : (t + 1) * w] for t in range(tiles) for row, w in zip(kept, widths, strict=True)
    )
    return interiors, rows[-1]


#: Offset (in hashes) of each height's first node inside an interior record.
INTERIOR_BASE = tuple(
    sum(TILE_WIDTH >> h for h in range(INTERIOR_MIN_HEIGHT, r)) for r in range(TILE_HEIGHT)
)


def interior_offset(height: int, index: int) -> int:
    """Byte offset, inside an interior record, of node ``index`` at ``height`` (4..7)."""
    if not INTERIOR_MIN_HEIGHT <= height < TILE_HEIGHT or not 0 <= index < TILE_WIDTH >> height:
        raise BadInput(f"no stored interior node at height {height}, index {index}")
    return (INTERIOR_BASE[height] + index) * HASH_SIZE
