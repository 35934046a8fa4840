"""Turning a batch of entries into the tiles it adds: the right edge of the log and its update.

The log's right edge (`Frontier`) is everything needed to append: the size, the partial hash
tile of each level and the partial entry bundle. An `Update` is what one batch writes: new full
tiles with their interior nodes, new partial tiles, entry bundles, and the new right edge. Both
backends (directory and PostgreSQL) persist an `Update` in one durable step.

Level-0 work (leaf hashes, the 255 interior nodes of each full tile) is about two SHA-256 calls
per entry, made from C loops (`disarm.tlog.tiles`). A caller may ask for more than one worker:
large batches are then split at tile boundaries and hashed in a standard process pool
(`disarm.store.pool`: forkserver or spawn, shared memory; hashlib releases the GIL only for
large inputs, so threads would not help). One process is the default.
"""

from __future__ import annotations

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
    full_tile_trees,
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


def hash_segment(prefix: bytes, entries: Sequence[bytes]) -> tuple[bytes, bytes, bytes]:
    """Level-0 work for entries that start a tile, after ``prefix`` (leaf hashes already in it).

    Returns (their leaf hashes; interiors of the full tiles; roots of the full tiles), full tiles
    counted over ``prefix + hashes``.
    """
    hashes = leaf_hashes(entries)
    interiors, roots = full_tile_trees(prefix + hashes if prefix else hashes)
    return hashes, interiors, roots


#: This process's share of the hashing, relative to a worker's: it also encodes, copies the
#: entries to shared memory, joins the results and writes the files.
OWN_SHARE = 0.5


def _cuts(first: int, m: int, workers: int) -> list[int]:
    """Entry indices where the segments start: tile-aligned after ``first``; this process's
    segment (the first) is `OWN_SHARE` of a worker's."""
    tiles = (m - first) // TILE_WIDTH
    own = int(tiles * OWN_SHARE / (OWN_SHARE + workers - 1))
    per = -(-(tiles - own) // (workers - 1)) * TILE_WIDTH
    cuts = [0, min(m, first + own * TILE_WIDTH)]
    for _ in range(workers - 2):
        cuts.append(min(m, cuts[-1] + per))
    return [*dict.fromkeys([*cuts, m])]  # the last worker takes the partial tile at the end


def hash_level0(
    prefix: bytes, entries: Sequence[bytes], workers: int, encoded: bytes
) -> tuple[bytes, bytes, bytes]:
    """`hash_segment` over the whole batch, split at tile boundaries across worker processes.

    The parent writes the encoded entries of every segment but the first into one shared-memory
    file, hands each segment to a pool worker (`disarm.store.pool`) and hashes the first segment
    itself meanwhile. A segment whose worker fails is redone here, and the pool is restarted.
    """
    m = len(entries)
    if workers <= 1 or m < PARALLEL_THRESHOLD:
        return hash_segment(prefix, entries)
    from disarm.store import pool

    first = (TILE_WIDTH - (len(prefix) // HASH_SIZE)) % TILE_WIDTH  # new entries closing a tile
    cuts = _cuts(first, m, workers)
    starts = [0]  # byte offset of each segment in `encoded`
    for k in range(1, len(cuts)):
        seg = entries[cuts[k - 1] : cuts[k]]
        starts.append(starts[-1] + sum(map(len, seg)) + 2 * len(seg))
    base = starts[1]
    jobs = []  # (first entry, end entry, input offset, input length, output offset, output size)
    out = len(encoded) - base
    for k in range(1, len(cuts) - 1):
        count = cuts[k + 1] - cuts[k]
        full = count // TILE_WIDTH
        size = count * HASH_SIZE + full * (INTERIOR_BYTES + HASH_SIZE)
        jobs.append((cuts[k], cuts[k + 1], starts[k] - base, starts[k + 1] - starts[k], out, size))
        out += size
    path, fd = pool.shared_file(out)
    try:
        _pwrite_all(fd, memoryview(encoded)[base:], 0)
        try:
            futures = [pool.submit(workers - 1, path, *job[2:5]) for job in jobs]
        except Exception:  # the pool cannot start (e.g. no semaphores here): hash here
            pool.discard(workers - 1)
            return hash_segment(prefix, entries)
        parts: list[tuple[bytes | memoryview, ...]] = [hash_segment(prefix, entries[: cuts[1]])]
        for future, (lo, hi, _, _, at, size) in zip(futures, jobs, strict=True):
            try:
                future.result()
                raw = os.pread(fd, size, at)
            except Exception:  # a worker died or failed: redo its segment here
                pool.discard(workers - 1)
                parts.append(hash_segment(b"", entries[lo:hi]))
                continue
            hashes = (hi - lo) * HASH_SIZE
            full = (hi - lo) // TILE_WIDTH
            view = memoryview(raw)
            interiors = view[hashes : hashes + full * INTERIOR_BYTES]
            parts.append((view[:hashes], interiors, view[hashes + full * INTERIOR_BYTES :]))
    finally:
        os.close(fd)
        pool.remove(path)
    return (
        b"".join(p[0] for p in parts),
        b"".join(p[1] for p in parts),
        b"".join(p[2] for p in parts),
    )


def _pwrite_all(fd: int, data: bytes | memoryview, offset: int) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, offset)
        view, offset = view[done:], offset + done


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
    encoded = encode_bundle(entries) if encoded is None else encoded
    hashes, interiors0, roots = hash_level0(prefix, entries, workers, encoded)
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
