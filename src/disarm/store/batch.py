"""Turning a batch of entries into the tiles it adds: the right edge of the log and its update.

The log's right edge (`Frontier`) is everything needed to append: the size, the partial hash
tile of each level and the partial entry bundle. An `Update` is what one batch writes: new full
tiles with their interior nodes, new partial tiles, entry bundles, and the new right edge. Both
backends (directory and PostgreSQL) persist an `Update` in one durable step.

Level-0 work (encoding entries, leaf hashes, the 255 interior nodes of each full tile) is ~1 µs
per entry of pure-Python hashing; large batches are split at tile boundaries and hashed by
forked worker processes, one per core (hashlib releases the GIL only for large inputs, so
threads would not help).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from disarm.tlog.hashing import EMPTY_ROOT, HASH_SIZE, node_hash
from disarm.tlog.tiles import (
    FULL_TILE_BYTES,
    INTERIOR_BYTES,
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    encode_bundle,
    full_tile_tree,
    leaf_hashes,
    tile_levels,
)

#: Batches at least this large are hashed in parallel worker processes.
PARALLEL_THRESHOLD = 1 << 15


@dataclass
class Frontier:
    """The right edge: ``partials[L]`` are the hashes of the partial tile at level L."""

    size: int = 0
    partials: list[bytes] = field(default_factory=list)
    bundle: bytes = b""  # the partial entry bundle, encoded

    def partial(self, level: int) -> bytes:
        return self.partials[level] if level < len(self.partials) else b""

    def root(self) -> bytes:
        """The root of the whole tree, from the right edge alone (no reads)."""
        return right_edge_root(self.partials)


@dataclass
class Update:
    """What appending one batch writes."""

    old_size: int
    new_size: int
    payload: bytes  # the new entries, encoded as in an entry bundle
    tiles: list[tuple[Tile, bytes | memoryview]]  # hash tiles, full and partial
    interiors: list[tuple[int, int, bytes | memoryview]]  # (level, index, interior) of full tiles
    bundles: list[tuple[Tile, bytes | memoryview]]
    completed: list[tuple[int, int]]  # (level, index) whose partial tiles are now obsolete
    frontier: Frontier
    #: Per level L, the hashes at tree height 8L that this batch adds (level 0: leaf hashes).
    appended: list[bytes] = field(default_factory=list)


def right_edge_root(partials: Sequence[bytes]) -> bytes:
    """Fold the perfect subtrees of the right edge (one per set bit of the size) from the right."""
    acc: bytes | None = None
    for hashes in partials:  # lowest level first: the rightmost, smallest subtrees first
        if not hashes:
            continue
        levels = tile_levels(hashes)
        width = len(hashes) // HASH_SIZE
        for r in range(len(levels)):
            if (width >> r) & 1:
                node = (width >> r) - 1
                h = levels[r][node * HASH_SIZE : (node + 1) * HASH_SIZE]
                acc = h if acc is None else node_hash(h, acc)
    return EMPTY_ROOT if acc is None else acc


def _tile_trees(stream: bytes) -> tuple[bytes, bytes]:
    """(interiors, roots) of the full tiles at the start of a run of level-0 hashes."""
    interiors: list[bytes] = []
    roots: list[bytes] = []
    for start in range(0, len(stream) - FULL_TILE_BYTES + 1, FULL_TILE_BYTES):
        root, interior = full_tile_tree(stream[start : start + FULL_TILE_BYTES])
        roots.append(root)
        interiors.append(interior)
    return b"".join(interiors), b"".join(roots)


def hash_segment(
    prefix: bytes, entries: Sequence[bytes], encode: bool = True
) -> tuple[bytes, bytes, bytes, bytes]:
    """Level-0 work for entries that start a tile, after ``prefix`` (leaf hashes already in it).

    Returns (encoded entries, or b"" without ``encode``; their leaf hashes; interiors of the
    full tiles; roots of the full tiles), full tiles counted over ``prefix + hashes``.
    """
    hashes = leaf_hashes(entries)
    interiors, roots = _tile_trees(prefix + hashes if prefix else hashes)
    return encode_bundle(entries) if encode else b"", hashes, interiors, roots


def _fork_segment(entries: Sequence[bytes], shared: mmap.mmap, offset: int, encode: bool) -> int:
    """Start a child that runs `hash_segment` on a tile-aligned run of entries and writes the
    four results, one after the other, into ``shared`` at ``offset``; return its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            at = offset
            for part in hash_segment(b"", entries, encode):
                shared[at : at + len(part)] = part
                at += len(part)
            code = 0
        finally:
            os._exit(code)
    return pid


def hash_level0(
    prefix: bytes, entries: Sequence[bytes], workers: int, encode: bool = True
) -> tuple[bytes, bytes, bytes, bytes]:
    """`hash_segment` over the whole batch, split at tile boundaries across worker processes.

    Children are forked first (they read their entries through copy-on-write memory) and write
    their results into one shared anonymous mapping: no pickling, no pipe. This process hashes
    the first part meanwhile. A part whose child fails is redone here.
    """
    m = len(entries)
    if workers <= 1 or m < PARALLEL_THRESHOLD or not hasattr(os, "fork"):
        return hash_segment(prefix, entries, encode)
    first = (TILE_WIDTH - (len(prefix) // HASH_SIZE)) % TILE_WIDTH  # new entries closing a tile
    per = -(-((m - first) // TILE_WIDTH) // workers) * TILE_WIDTH
    cuts = [0, min(m, first + per)]
    while cuts[-1] < m:
        cuts.append(min(m, cuts[-1] + per))
    jobs = []  # (segment, offset in shared, sizes of its four results)
    total = 0
    for k in range(1, len(cuts) - 1):
        seg = entries[cuts[k] : cuts[k + 1]]
        full = len(seg) // TILE_WIDTH
        sizes = (
            sum(map(len, seg)) + 2 * len(seg) if encode else 0,
            len(seg) * HASH_SIZE,
            full * INTERIOR_BYTES,
            full * HASH_SIZE,
        )
        jobs.append((seg, total, sizes))
        total += sum(sizes)
    shared = mmap.mmap(-1, max(1, total))
    view = memoryview(shared)
    slices: list[memoryview] = []
    try:
        pids = [_fork_segment(seg, shared, off, encode) for seg, off, _ in jobs]
        first_part = hash_segment(prefix, entries[: cuts[1]], encode)
        parts: list[Sequence[bytes | memoryview]] = [first_part]
        for pid, (seg, off, sizes) in zip(pids, jobs, strict=True):
            _, status = os.waitpid(pid, 0)
            if status != 0:
                parts.append(hash_segment(b"", seg, encode))
                continue
            out = []
            for length in sizes:
                out.append(view[off : off + length])
                off += length
            slices += out
            parts.append(out)
        return (
            b"".join(p[0] for p in parts),
            b"".join(p[1] for p in parts),
            b"".join(p[2] for p in parts),
            b"".join(p[3] for p in parts),
        )
    finally:
        for piece in slices:
            piece.release()
        view.release()
        shared.close()


def build_update(
    frontier: Frontier,
    entries: Sequence[bytes],
    *,
    workers: int = 1,
    encoded: bytes | None = None,
) -> Update:
    """Compute everything appending ``entries`` writes, without changing ``frontier``.

    ``encoded`` is ``encode_bundle(entries)`` if the caller already has it.
    """
    old, new = frontier.size, frontier.size + len(entries)
    prefix = frontier.partial(0)
    made, hashes, interiors0, roots = hash_level0(prefix, entries, workers, encoded is None)
    encoded = made if encoded is None else encoded
    tiles: list[tuple[Tile, bytes | memoryview]] = []
    interiors: list[tuple[int, int, bytes | memoryview]] = []
    bundles: list[tuple[Tile, bytes | memoryview]] = []
    completed: list[tuple[int, int]] = []

    # Level 0: hash tiles and entry bundles.
    first_tile = old >> TILE_HEIGHT
    stream = memoryview(prefix + hashes)
    full = len(stream) // FULL_TILE_BYTES
    ent_stream = memoryview(frontier.bundle + encoded)
    pos = 0
    have = len(prefix) // HASH_SIZE
    lens = list(map(len, entries))
    taken = 0
    ivw = memoryview(interiors0)
    for t in range(full):
        index = first_tile + t
        tiles.append((Tile(0, index), stream[t * FULL_TILE_BYTES : (t + 1) * FULL_TILE_BYTES]))
        interiors.append((0, index, ivw[t * INTERIOR_BYTES : (t + 1) * INTERIOR_BYTES]))
        need = TILE_WIDTH - (have if t == 0 else 0)
        size = (len(frontier.bundle) if t == 0 else 0) + 2 * need + sum(lens[taken : taken + need])
        bundles.append((Tile(-1, index), ent_stream[pos : pos + size]))
        pos += size
        taken += need
        completed.append((0, index))
    new_partials: list[bytes] = [bytes(stream[full * FULL_TILE_BYTES :])]
    new_bundle = bytes(ent_stream[pos:])
    width0 = new & (TILE_WIDTH - 1)
    if width0 and new != old:
        tiles.append((Tile(0, new >> TILE_HEIGHT, width0), new_partials[0]))
        bundles.append((Tile(-1, new >> TILE_HEIGHT, width0), new_bundle))

    # Levels 1 and up: the roots of the full tiles below.
    appended = [hashes]
    level = 1
    carry = roots
    while new >> (TILE_HEIGHT * level):
        appended.append(carry)
        old_part = frontier.partial(level)
        buf = old_part + carry
        first = old >> (TILE_HEIGHT * (level + 1))
        nfull = len(buf) // FULL_TILE_BYTES
        next_carry: list[bytes] = []
        for t in range(nfull):
            tile_bytes = buf[t * FULL_TILE_BYTES : (t + 1) * FULL_TILE_BYTES]
            root, interior = full_tile_tree(tile_bytes)
            tiles.append((Tile(level, first + t), tile_bytes))
            interiors.append((level, first + t, interior))
            completed.append((level, first + t))
            next_carry.append(root)
        rest = buf[nfull * FULL_TILE_BYTES :]
        new_partials.append(rest)
        if rest and carry:
            tiles.append((Tile(level, first + nfull, len(rest) // HASH_SIZE), rest))
        carry = b"".join(next_carry)
        level += 1
    return Update(
        old_size=old,
        new_size=new,
        payload=encoded,
        tiles=tiles,
        interiors=interiors,
        bundles=bundles,
        completed=completed,
        frontier=Frontier(new, new_partials, new_bundle),
        appended=appended,
    )
