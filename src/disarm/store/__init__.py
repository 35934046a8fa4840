"""Storage of the transparency log behind one narrow interface (`LogStore`).

``create_log(target, origin)`` and ``open_log(target)`` take a directory (the embedded default:
C2SP tlog tiles on disk, see `disarm.store.directory`) or a ``postgresql://`` URL (see
`disarm.store.postgres`). Both keep the same tiles, so proofs cost O(log n) reads and opening a
log does no O(n) work.
"""

from __future__ import annotations

from pathlib import Path

from disarm.store.tiled import CheckpointSigner, LogStore, TiledLog

__all__ = ["CheckpointSigner", "LogStore", "TiledLog", "create_log", "is_postgres_url", "open_log"]


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def create_log(target: str | Path, origin: str) -> TiledLog:
    """Create an empty log at a directory path or a ``postgresql://`` URL."""
    if is_postgres_url(target):
        from disarm.store.postgres import PostgresLog

        return PostgresLog.create(str(target), origin)
    from disarm.store.directory import DirectoryLog

    return DirectoryLog.create(target, origin)


def open_log(target: str | Path, *, read_only: bool = False) -> TiledLog:
    """Open an existing log (directory path or ``postgresql://`` URL).

    ``read_only`` opens a directory log without a lock and without replaying its journal, so
    that reads work on read-only media and write nothing (`DirectoryLog.open_readonly`).
    """
    if is_postgres_url(target):
        from disarm.store.postgres import PostgresLog

        return PostgresLog.open(str(target))
    from disarm.store.directory import DirectoryLog

    return DirectoryLog.open_readonly(target) if read_only else DirectoryLog.open(target)
