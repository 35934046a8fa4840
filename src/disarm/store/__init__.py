"""Storage of the transparency log behind one narrow interface (`LogStore`).

``create_log(target, origin)`` and ``open_log(target)`` take a directory (the embedded default:
C2SP tlog tiles on disk, see `disarm.store.directory`) or a ``postgresql://`` URL (see
`disarm.store.postgres`). Both keep the same tiles, so proofs cost O(log n) reads and opening a
log does no O(n) work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from disarm.errors import BadInput
from disarm.store.tiled import CheckpointSigner, LogStore, TiledLog

if TYPE_CHECKING:
    from disarm.store.postgres import PostgresLog

__all__ = ["CheckpointSigner", "LogStore", "TiledLog", "create_log", "is_postgres_url", "open_log"]

POSTGRES_EXTRA_MISSING = (
    "a postgresql:// log needs the PostgreSQL driver, which is not installed:"
    " install it with `python3 -m pip install 'disarm[postgres]'`"
)


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def create_log(target: str | Path, origin: str) -> TiledLog:
    """Create an empty log at a directory path or a ``postgresql://`` URL."""
    if is_postgres_url(target):
        return _postgres_log().create(str(target), origin)
    from disarm.store.directory import DirectoryLog

    return DirectoryLog.create(target, origin)


def open_log(target: str | Path, *, read_only: bool = False) -> TiledLog:
    """Open an existing log (directory path or ``postgresql://`` URL).

    ``read_only`` opens a directory log without a lock and without replaying its journal, so
    that reads work on read-only media and write nothing (`DirectoryLog.open_readonly`).
    """
    if is_postgres_url(target):
        return _postgres_log().open(str(target))
    from disarm.store.directory import DirectoryLog

    return DirectoryLog.open_readonly(target) if read_only else DirectoryLog.open(target)


def _postgres_log() -> type[PostgresLog]:
    """The PostgreSQL backend, or `BadInput` (exit 2) when the ``postgres`` extra is missing."""
    try:
        from disarm.store.postgres import PostgresLog
    except ImportError as exc:
        # psycopg absent, or present without a libpq wrapper (neither psycopg[binary] nor libpq)
        if (exc.name or "").split(".")[0] != "psycopg" and "pq wrapper" not in str(exc):
            raise
        raise BadInput(POSTGRES_EXTRA_MISSING) from None
    return PostgresLog
