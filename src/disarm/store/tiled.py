"""A Merkle log stored as C2SP tlog tiles: reads, proofs and appends common to every backend.

Every perfect subtree of height ``h = 8L + r`` is one read: for ``r = 0`` it is a hash in a tile
of level ``L``; for ``r = 1..3`` at most 7 hashes over a run of such a tile; for ``r = 4..7`` an
interior node stored beside the tile (30 hashes per full tile). The right edge (partial tiles)
is kept in memory. So a proof is O(log n) reads, and opening a log reads only the right edge:
no O(n) work.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Protocol, runtime_checkable

from disarm.errors import BadInput, VerificationError
from disarm.store.batch import Frontier, Update, build_update
from disarm.tlog import merkle
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.tiles import (
    FULL_TILE_BYTES,
    INTERIOR_BASE,
    INTERIOR_BYTES,
    INTERIOR_MIN_HEIGHT,
    TILE_HEIGHT,
    TILE_WIDTH,
    check_entry_sizes,
    decode_bundle,
    encode_bundle,
    entries_path,
    tile_levels,
    tile_path,
)

#: Signs the new tree head of a batch: (size, root hash) -> signed checkpoint note.
CheckpointSigner = Callable[[int, bytes], str]


@runtime_checkable
class LogStore(Protocol):
    """What the services need from a log's storage (directory or PostgreSQL)."""

    @property
    def origin(self) -> str: ...
    @property
    def size(self) -> int: ...
    def append(
        self, entries: Sequence[bytes], *, checkpoint: CheckpointSigner | None = None
    ) -> range: ...
    def entry(self, index: int) -> bytes: ...
    def entries(self, start: int, end: int) -> Iterator[bytes]: ...
    def leaf_hash(self, index: int) -> bytes: ...
    def subtree_hash(self, start: int, end: int) -> bytes: ...
    def root(self, size: int | None = None) -> bytes: ...
    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]: ...
    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]: ...
    def latest_checkpoint(self) -> str | None: ...
    def put_checkpoint(self, note: str) -> None: ...
    def checkpoints(self) -> list[str]: ...
    def close(self) -> None: ...
    def __enter__(self) -> LogStore: ...
    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class _Lru(OrderedDict[tuple[int, int], bytes]):
    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def put(self, key: tuple[int, int], value: bytes) -> bytes:
        self[key] = value
        if len(self) > self.capacity:
            self.popitem(last=False)
        return value


def cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def idle_workers() -> int:
    """Worker processes worth starting now: one per core that is not already busy.

    Parallel hashing costs some CPU in total (copying entries to shared memory, joining results),
    so it only pays when a core is free; on a loaded machine one process is faster. Only the
    command line asks this (``--workers 0``); the library's default is one process.
    """
    cores = cpu_count()
    try:
        busy = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average on this platform
        return cores
    return max(1, min(cores, round(cores - busy + 1)))


class TiledLog(ABC):
    """Reads, proofs and appends over tiles; subclasses persist and fetch the bytes."""

    #: Whether audit worker processes may reopen this log read-only by its path (files: yes; a
    #: database connection: no).
    parallel_reads = False

    def __init__(self, origin: str, frontier: Frontier, *, cache_tiles: int = 4096) -> None:
        self._origin = origin
        self._frontier = frontier
        self._tiles = _Lru(cache_tiles)
        self._interiors = _Lru(cache_tiles)
        self._bundles = _Lru(64)
        self._partial_levels: dict[int, list[bytes]] = {}
        #: Processes hashing a big batch (`disarm.store.pool`); 1, the default, starts none.
        self.workers = 1
        #: The size known durable: after a failed write, what a reopen will find.
        self.durable_size = frontier.size
        self._closed = False

    # --- backend hooks ---------------------------------------------------------------------

    @abstractmethod
    def _fetch_tile(self, level: int, index: int) -> bytes:
        """The full hash tile (8,192 bytes)."""

    @abstractmethod
    def _fetch_interior(self, level: int, index: int) -> bytes:
        """The stored interior nodes of a full tile (heights 4..7, 960 bytes)."""

    @abstractmethod
    def _fetch_bundle(self, index: int) -> bytes:
        """The full entry bundle ``index``."""

    def _stage(self, encoded: bytes) -> object:
        """Start storing a batch's encoded entries before it is hashed (optional)."""
        return None

    @abstractmethod
    def _commit(self, update: Update | None, note: str | None, staged: object = None) -> None:
        """Make the update and/or checkpoint durable (one transaction / one sync step)."""

    @abstractmethod
    def latest_checkpoint(self) -> str | None: ...

    @abstractmethod
    def checkpoints(self) -> list[str]: ...

    @abstractmethod
    def _close(self) -> None: ...

    def where(self, kind: str, level: int, index: int, byte: int) -> str:
        """Name the stored place of a hash, interior node, entry or bundle (for audits)."""
        if kind == "hash":
            tile, slot = divmod(index, TILE_WIDTH)
            return f"{tile_path(level, tile)} byte {slot * HASH_SIZE + byte}"
        if kind == "interior":
            return f"interior nodes of {tile_path(level, index)} byte {byte}"
        if kind == "entry":
            return f"entry {index} in {entries_path(index >> TILE_HEIGHT)}"
        if kind == "bundle":
            return entries_path(index)
        return kind

    def audit_structure(self) -> None:
        """Check the backend's own bookkeeping (lengths, headers); raise VerificationError."""
        return None

    # --- state -------------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return self._origin

    @property
    def size(self) -> int:
        return self._frontier.size

    @property
    def frontier(self) -> Frontier:
        return self._frontier

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> TiledLog:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise BadInput("the log is closed")

    # --- appends -----------------------------------------------------------------------------

    def append(
        self, entries: Sequence[bytes], *, checkpoint: CheckpointSigner | None = None
    ) -> range:
        """Append entries; durable (and the checkpoint, if any, signed and stored) on return."""
        self._check_open()
        if not isinstance(entries, list | tuple):
            entries = list(entries)
        if not set(map(type, entries)) <= {bytes}:
            i, e = next((i, e) for i, e in enumerate(entries) if type(e) is not bytes)
            raise BadInput(f"entry {i} is {type(e).__name__}, not bytes")
        check_entry_sizes(entries)
        old = self.size
        if not entries:
            if checkpoint is not None:
                self.put_checkpoint(checkpoint(old, self._frontier.root()))
            return range(old, old)
        encoded = encode_bundle(entries)
        staged = self._stage(encoded)  # e.g. start writing the entries while we hash them
        update = build_update(self._frontier, entries, workers=self.workers, encoded=encoded)
        note = checkpoint(update.new_size, update.frontier.root()) if checkpoint else None
        self._commit(update, note, staged)
        self.durable_size = update.new_size
        self._frontier = update.frontier
        self._partial_levels.clear()
        return range(old, update.new_size)

    def put_checkpoint(self, note: str) -> None:
        """Store a signed checkpoint note (the caller signed it for the current tree)."""
        self._check_open()
        self._commit(None, note)

    # --- reads -------------------------------------------------------------------------------

    def _tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        tile = self._tiles.get(key)
        if tile is None:
            tile = self._fetch_tile(level, index)
            if len(tile) != FULL_TILE_BYTES:
                raise VerificationError(
                    f"{tile_path(level, index)} is {len(tile)} bytes, not a full tile",
                    expected=FULL_TILE_BYTES,
                    computed=len(tile),
                )
            self._tiles.put(key, tile)
        return tile

    def _interior(self, level: int, index: int) -> bytes:
        key = (level, index)
        interior = self._interiors.get(key)
        if interior is None:
            interior = self._fetch_interior(level, index)
            if len(interior) != INTERIOR_BYTES:
                raise VerificationError(
                    f"interior nodes of {tile_path(level, index)} are {len(interior)} bytes",
                    expected=INTERIOR_BYTES,
                    computed=len(interior),
                )
            self._interiors.put(key, interior)
        return interior

    def _partial(self, level: int) -> list[bytes]:
        levels = self._partial_levels.get(level)
        if levels is None:
            levels = self._partial_levels[level] = tile_levels(self._frontier.partial(level))
        return levels

    def perfect_hash(self, height: int, index: int) -> bytes:
        """Hash of the perfect subtree of leaves ``[index << height, (index + 1) << height)``."""
        size = self._frontier.size
        if height < 0 or index < 0 or (index + 1) << height > size:
            raise BadInput(
                f"no complete subtree at height {height}, index {index} in a log of {size}"
            )
        level, r = divmod(height, TILE_HEIGHT)
        first = index << r  # index of the first hash at tree height 8L under this node
        tile, slot = first >> TILE_HEIGHT, first & (TILE_WIDTH - 1)
        if tile == size >> (TILE_HEIGHT * (level + 1)):
            row = self._partial(level)[r]
            at = (slot >> r) * HASH_SIZE
            return row[at : at + HASH_SIZE]
        key = (level, tile)
        if r < INTERIOR_MIN_HEIGHT:  # in the tile itself, or at most 7 hashes above it
            data = self._tiles.get(key) or self._tile(level, tile)
            run = data[slot * HASH_SIZE : (slot + (1 << r)) * HASH_SIZE]
            return run if r == 0 else tile_levels(run)[r]
        at = (INTERIOR_BASE[r] + (slot >> r)) * HASH_SIZE
        data = self._interiors.get(key) or self._interior(level, tile)
        return data[at : at + HASH_SIZE]

    def subtree_hash(self, start: int, end: int) -> bytes:
        if not 0 <= start < end <= self._frontier.size:
            raise BadInput(f"range [{start}, {end}) is not inside a log of size {self.size}")
        n = end - start
        if n & (n - 1) == 0 and start & (n - 1) == 0:  # a perfect subtree: one read
            height = n.bit_length() - 1
            return self.perfect_hash(height, start >> height)
        return merkle.hash_from_perfect(self.perfect_hash, start, end)

    def leaf_hash(self, index: int) -> bytes:
        self._check_index(index)
        return self.perfect_hash(0, index)

    def _check_index(self, index: int, size: int | None = None) -> None:
        size = self.size if size is None else size
        if not 0 <= index < size:
            raise BadInput(f"entry index {index} is out of range: the tree has {size} entries")

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise BadInput(f"tree size {size} is out of range: the log has {self.size} entries")
        return size

    def _bundle_entries(self, index: int) -> list[bytes]:
        if index == self.size >> TILE_HEIGHT:
            return decode_bundle(self._frontier.bundle, source=entries_path(index, 1))
        key = (-1, index)
        cached = self._bundles.get(key)
        if cached is None:
            cached = self._bundles.put(key, self._fetch_bundle(index))
        entries = decode_bundle(cached, source=entries_path(index))
        if len(entries) != TILE_WIDTH:
            raise VerificationError(
                f"{entries_path(index)} holds {len(entries)} entries, not {TILE_WIDTH}",
                expected=TILE_WIDTH,
                computed=len(entries),
            )
        return entries

    def entry(self, index: int) -> bytes:
        """The entry at ``index``."""
        self._check_index(index)
        return self._bundle_entries(index >> TILE_HEIGHT)[index & (TILE_WIDTH - 1)]

    def entries(self, start: int, end: int) -> Iterator[bytes]:
        """Entries ``start`` to ``end - 1``, read bundle by bundle."""
        if not 0 <= start <= end <= self.size:
            raise BadInput(f"entry range [{start}, {end}) is outside a log of size {self.size}")
        pos = start
        while pos < end:
            bundle = self._bundle_entries(pos >> TILE_HEIGHT)
            lo = pos & (TILE_WIDTH - 1)
            hi = min(TILE_WIDTH, lo + end - pos)
            yield from bundle[lo:hi]
            pos += hi - lo

    # --- proofs ------------------------------------------------------------------------------

    def root(self, size: int | None = None) -> bytes:
        size = self._check_size(size)
        if size == self.size:
            return self._frontier.root()
        return merkle.root(self, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self._check_size(size)
        self._check_index(index, size)
        return merkle.inclusion_proof(self, index, size)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = self._check_size(new)
        if not 0 < old <= new:
            raise BadInput(f"old tree size {old} must be between 1 and the new size {new}")
        return merkle.consistency_proof(self, old, new)
