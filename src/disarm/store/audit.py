"""Audit a stored log: recompute every leaf, every stored node, every root and checkpoint.

Streaming, not proofs: each entry bundle is decoded and hashed and compared with its level-0
tile, each full tile's interior nodes and root are recomputed and compared with what is stored
(the roots form the level above), and the right edge is checked the same way. Once every stored
hash is known to follow from the entries, each checkpoint's root is rebuilt from the tiles
(O(log n) reads), its signature verified, and each pair of consecutive checkpoints checked with an
RFC 9162 consistency proof. The first disagreement raises `VerificationError` naming the entry
and the stored byte (file and offset for a directory log, table row for PostgreSQL).

Level-0 work may be split across a standard process pool for directory logs (`audit_tiles`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from disarm.errors import BadInput, VerificationError
from disarm.store.tiled import TiledLog
from disarm.tlog import merkle
from disarm.tlog.checkpoint import open_checkpoint
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.note import Verifier
from disarm.tlog.tiles import (
    FULL_TILE_BYTES,
    TILE_HEIGHT,
    TILE_WIDTH,
    bundle_leaf_hashes,
    full_tile_tree,
)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class AuditReport:
    origin: str
    size: int
    root: bytes
    entries_checked: int
    tiles_checked: int
    checkpoints_checked: int
    consistency_proofs_checked: int
    #: The latest signed checkpoint, verified: what the audit vouches for (None: no checkpoint).
    checkpoint_size: int | None = None
    checkpoint_root: bytes | None = None
    #: Entries committed in the journal but not applied (a read-only opening leaves them out).
    pending: int = 0

    @property
    def unverified(self) -> int:
        """Entries no verified checkpoint covers: after the latest one, or all without one."""
        return self.size - (self.checkpoint_size or 0) + self.pending


def _first_difference(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def _check_hashes(
    log: TiledLog, level: int, first_hash: int, computed: bytes, stored: bytes, what: str
) -> None:
    if computed != stored:
        byte = _first_difference(computed, stored)
        k = byte // HASH_SIZE
        raise VerificationError(
            f"{what} {first_hash + k} does not match the stored hash: "
            f"{log.where('hash', level, first_hash + k, byte % HASH_SIZE)}",
            expected=computed[k * HASH_SIZE : (k + 1) * HASH_SIZE],
            computed=stored[k * HASH_SIZE : (k + 1) * HASH_SIZE],
        )


def _check_full_tile(log: TiledLog, level: int, index: int, hashes: bytes) -> bytes:
    """Recompute a full tile's interior nodes and root; compare the interior; return the root."""
    root, interior = full_tile_tree(hashes)
    stored = log._fetch_interior(level, index)
    if stored != interior:
        byte = _first_difference(interior, stored)
        raise VerificationError(
            f"an interior node of tile {level}/{index} does not match: "
            f"{log.where('interior', level, index, byte)}",
            expected=interior[byte // HASH_SIZE * HASH_SIZE :][:HASH_SIZE],
            computed=stored[byte // HASH_SIZE * HASH_SIZE :][:HASH_SIZE],
        )
    return root


def _check_bundle(log: TiledLog, index: int, data: bytes, width: int) -> bytes:
    """Hash the entries of a bundle and compare with the stored level-0 hashes."""
    try:
        computed, count = bundle_leaf_hashes(data)
    except VerificationError as exc:
        raise VerificationError(
            f"entry bundle {index} is damaged ({exc.message}): {log.where('bundle', 0, index, 0)}",
            expected=exc.expected,
            computed=exc.computed,
        ) from exc
    if count != width:
        raise VerificationError(
            f"entry bundle {index} holds {count} entries: {log.where('bundle', 0, index, 0)}",
            expected=width,
            computed=count,
        )
    first = index * TILE_WIDTH
    stored = log._fetch_tile(0, index) if width == TILE_WIDTH else log.frontier.partial(0)
    if computed != stored:
        byte = _first_difference(computed, stored)
        k = byte // HASH_SIZE
        raise VerificationError(
            f"entry {first + k} does not hash to its stored leaf hash: "
            f"{log.where('entry', 0, first + k, 0)} / {log.where('hash', 0, first + k, byte % 32)}"
            f" / {log.where('bundle', 0, index, 0)}",
            expected=computed[k * HASH_SIZE : (k + 1) * HASH_SIZE],
            computed=stored[k * HASH_SIZE : (k + 1) * HASH_SIZE],
        )
    return stored


def audit_level0(log: TiledLog, first: int, last: int, progress: Progress | None = None) -> bytes:
    """Check full entry bundles ``first..last-1`` against level 0; return their tile roots."""
    roots: list[bytes] = []
    for index in range(first, last):
        hashes = _check_bundle(log, index, log._fetch_bundle(index), TILE_WIDTH)
        roots.append(_check_full_tile(log, 0, index, hashes))
        if progress is not None and index % 64 == 63:
            progress(64 * TILE_WIDTH)
    return b"".join(roots)


def audit_job(path: str, size: int, first: int, last: int) -> bytes | tuple[str, object, object]:
    """Worker side: `audit_level0` on a read-only opening of the directory log at ``path``.

    Returns the tile roots, or (message, expected, computed) of the disagreement found.
    """
    from disarm.store.directory import DirectoryLog

    with DirectoryLog.open_readonly(path) as log:
        if log.size != size:
            return (f"the log changed size during the audit ({size} -> {log.size})", size, log.size)
        try:
            return audit_level0(log, first, last)
        except VerificationError as exc:
            return (exc.message, exc.expected, exc.computed)


def audit_tiles(log: TiledLog, *, workers: int = 1, progress: Progress | None = None) -> int:
    """Check every stored hash against the entries; return the number of tiles checked.

    With ``workers > 1`` (a directory log), ranges of level-0 tiles go to a standard process
    pool (`disarm.store.pool`), each worker reopening the log read-only.
    """
    size = log.size
    full0 = size >> TILE_HEIGHT
    path = getattr(log, "path", None)
    workers = max(1, min(workers, full0 // 64 or 1)) if log.parallel_reads and path else 1
    cuts = [full0 * k // workers for k in range(workers + 1)]
    futures = []
    if workers > 1:
        from disarm.store import pool

        executor = pool.pool(workers - 1)
        futures = [
            executor.submit(audit_job, str(path), size, cuts[k], cuts[k + 1])
            for k in range(1, workers)
        ]
    parts = [audit_level0(log, cuts[0], cuts[1], progress)]
    for k, future in enumerate(futures, start=1):
        try:
            result = future.result()
        except Exception:  # a worker died: check its range here
            result = audit_level0(log, cuts[k], cuts[k + 1])
        if isinstance(result, tuple):
            message, expected, computed = result
            raise VerificationError(message, expected=expected, computed=computed)
        parts.append(result)
        if progress is not None:
            progress(len(result) // HASH_SIZE * TILE_WIDTH)
    tiles = full0
    # The right edge of level 0.
    width = size & (TILE_WIDTH - 1)
    if width:
        _check_bundle(log, full0, log.frontier.bundle, width)
        tiles += 1
    # Levels 1 and up: the stored hashes must be the roots of the full tiles below.
    computed = b"".join(parts)
    level = 1
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        full = count >> TILE_HEIGHT
        stored_parts = [log._fetch_tile(level, i) for i in range(full)]
        stored_parts.append(log.frontier.partial(level))
        _check_hashes(log, level, 0, computed, b"".join(stored_parts), "tree node")
        roots = [_check_full_tile(log, level, i, stored_parts[i]) for i in range(full)]
        tiles += full + (1 if count & (TILE_WIDTH - 1) else 0)
        computed = b"".join(roots)
        level += 1
    if progress is not None and width:
        progress(width)
    return tiles


def audit_checkpoints(log: TiledLog, notes: Sequence[str], verifier: Verifier) -> tuple[int, int]:
    """Verify each checkpoint's signature and root, and consistency between consecutive ones."""
    previous: tuple[int, bytes] | None = None
    proofs = 0
    for i, note in enumerate(notes):
        place = f"checkpoint {i} ({log.where('history', 0, i, 0)})"
        try:
            checkpoint, _ = open_checkpoint(note, verifier)
        except VerificationError as exc:
            raise VerificationError(
                f"{place}: {exc.message}", expected=exc.expected, computed=exc.computed
            ) from exc
        except BadInput as exc:
            raise VerificationError(f"{place} is malformed: {exc}") from exc
        if checkpoint.origin != log.origin:
            raise VerificationError(
                f"{place} is for another origin than the log's ({log.where('origin', 0, 0, 0)})",
                expected=log.origin,
                computed=checkpoint.origin,
            )
        if checkpoint.size > log.size:
            raise VerificationError(
                f"{place} is for tree size {checkpoint.size}, beyond the log",
                expected=f"<= {log.size}",
                computed=checkpoint.size,
            )
        root = log.root(checkpoint.size)
        if root != checkpoint.root_hash:
            raise VerificationError(
                f"{place} (size {checkpoint.size}) has a root the log does not have",
                expected=root,
                computed=checkpoint.root_hash,
            )
        if previous is not None:
            old_size, old_root = previous
            if checkpoint.size < old_size:
                raise VerificationError(
                    f"{place} rolls the log back from size {old_size}",
                    expected=f">= {old_size}",
                    computed=checkpoint.size,
                )
            if old_size > 0:
                proof = log.consistency_proof(old_size, checkpoint.size)
                merkle.verify_consistency(
                    old_size, checkpoint.size, proof, old_root, checkpoint.root_hash
                )
                proofs += 1
        previous = (checkpoint.size, checkpoint.root_hash)
    return len(notes), proofs


def audit(
    log: TiledLog,
    verifier: Verifier | None,
    *,
    workers: int = 1,
    progress: Progress | None = None,
) -> AuditReport:
    """Audit everything: the backend's own structure, the tiles, the checkpoints.

    Writes nothing. The report says which size the latest verified checkpoint vouches for;
    entries beyond it are stored consistently but vouched for by no signature. Without a
    ``verifier`` a log with checkpoints is refused (they cannot be checked).
    """
    notes = log.checkpoints()
    if notes and verifier is None:
        raise BadInput(
            f"the log holds {len(notes)} signed checkpoint(s): pass the log's verifier key"
            " (--key) to check them"
        )
    log.audit_structure()
    tiles = audit_tiles(log, workers=workers, progress=progress)
    checked = proofs = 0
    size: int | None = None
    root: bytes | None = None
    if notes and verifier is not None:
        checked, proofs = audit_checkpoints(log, notes, verifier)
        last, _ = open_checkpoint(notes[-1], verifier)
        size, root = last.size, last.root_hash
    latest = log.latest_checkpoint()
    if notes and latest != notes[-1]:
        raise VerificationError(
            "the latest checkpoint is not the last one in the history: "
            + log.where("checkpoint", 0, 0, 0),
            expected=notes[-1],
            computed=latest,
        )
    if not notes and latest is not None:
        raise VerificationError("a latest checkpoint exists but the history is empty")
    pending = getattr(log, "pending", (0, 0))[0]
    return AuditReport(
        log.origin, log.size, log.root(), log.size, tiles, checked, proofs, size, root, pending
    )


__all__ = ["FULL_TILE_BYTES", "AuditReport", "audit", "audit_checkpoints", "audit_tiles"]
