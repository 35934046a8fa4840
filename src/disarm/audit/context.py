"""What the checks share: the directory, the trusted keys, the log (opened read-only on a private
copy) and what earlier checks established (entries, tree, checkpoints, registry, escrow).

Checks run in order and later ones read what earlier ones verified (a check never trusts a value
that no earlier check verified). Everything here is loaded lazily and once.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from disarm.audit.model import Mismatch
from disarm.audit.trust import Trust
from disarm.crypto.registry import Registry
from disarm.crypto.statements import SignedStatement
from disarm.errors import BadInput
from disarm.service.escrow import Audit as EscrowAudit
from disarm.store import TiledLog, open_log
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree

__all__ = ["AuditContext", "CosignedNote"]


@dataclass(frozen=True)
class CosignedNote:
    """A cosigned checkpoint file in the directory: its path (relative) and text."""

    path: str
    text: str


@dataclass
class AuditContext:
    """The inputs of one directory verification and the facts established so far."""

    root: Path
    #: The trusted keys; set up front (tests, pinned keys) or by the keys check.
    trust_anchors: Trust | None = None
    log_dir: str = "log"
    quorum: int | None = None
    cosigned: list[CosignedNote] = field(default_factory=list)
    #: Every check that verifies a whole file adds its relative path here; the file inventory
    #: check then refuses any file nobody verified.
    covered: set[str] = field(default_factory=set)
    # Established by the checks, in order.
    checkpoints: list[Checkpoint] = field(default_factory=list)
    registry: Registry | None = None
    statements: list[tuple[int, SignedStatement]] = field(default_factory=list)
    escrow: EscrowAudit | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    _store: TiledLog | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None
    _entries: list[bytes] | None = None
    _tree: InMemoryTree | None = None

    @property
    def trust(self) -> Trust:
        if self.trust_anchors is None:
            raise BadInput("the keys check must run before this check")
        return self.trust_anchors

    # -- the log ------------------------------------------------------------------------------
    @property
    def log_path(self) -> Path:
        return self.root / self.log_dir

    @property
    def store(self) -> TiledLog:
        """The log, opened from a private copy so that verification never writes to DIR (opening
        a directory log takes a lock and would replay a journal)."""
        if self._store is None:
            if not self.log_path.is_dir():
                raise Mismatch(
                    "the log directory is missing", file=self.log_dir, expected="a directory"
                )
            self._tmp = tempfile.TemporaryDirectory(prefix="disarm-verify-")
            copy = Path(self._tmp.name) / "log"
            shutil.copytree(self.log_path, copy, symlinks=True)
            self._store = open_log(copy)
        return self._store

    @property
    def entries(self) -> list[bytes]:
        if self._entries is None:
            store = self.store
            self._entries = list(store.entries(0, store.size)) if store.size else []
        return self._entries

    @property
    def tree(self) -> InMemoryTree:
        """The Merkle tree rebuilt from the entries alone (not from stored hashes)."""
        if self._tree is None:
            self._tree = InMemoryTree([leaf_hash(e) for e in self.entries])
        return self._tree

    def require_registry(self) -> Registry:
        if self.registry is None:
            raise BadInput("the statements check must run before this check")
        return self.registry

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> AuditContext:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
