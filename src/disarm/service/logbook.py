"""The log's use cases: open a store, append batches, sign one checkpoint per batch.

Keys come in as arguments (a `Signer` loaded by the caller); nothing here reads a clock or a
key file. Each batch is durable and its checkpoint signed and stored in the same durable step
(one journal fsync, or one database transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from disarm.errors import BadInput
from disarm.store import LogStore, create_log, open_log
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from disarm.tlog.note import Signer, Verifier

__all__ = ["AppendResult", "Logbook", "check_log_key"]


@dataclass(frozen=True)
class AppendResult:
    """What a batch (or an import of many batches) added, and the checkpoint that covers it."""

    first: int
    count: int
    size: int
    root: bytes
    checkpoint: str
    batches: int = 1


def check_log_key(store: LogStore, signer: Signer) -> None:
    """Refuse a signing key whose name is not the log's origin (a key for another log)."""
    if signer.name != store.origin:
        raise BadInput(
            f"the signing key is for {signer.name!r}, but this log's origin is {store.origin!r}"
        )


class Logbook:
    """A log store and the log's signing key."""

    def __init__(self, store: LogStore, signer: Signer) -> None:
        check_log_key(store, signer)
        self.store = store
        self.signer = signer

    @classmethod
    def create(cls, target: str | Path, origin: str, signer: Signer) -> Logbook:
        if signer.name != origin:
            raise BadInput(f"the signing key is for {signer.name!r}, not the origin {origin!r}")
        return cls(create_log(target, origin), signer)

    @classmethod
    def open(cls, target: str | Path, signer: Signer) -> Logbook:
        store = open_log(target)
        try:
            return cls(store, signer)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Logbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sign(self, size: int, root: bytes) -> str:
        return sign_checkpoint(Checkpoint(self.store.origin, size, root), self.signer)

    def append_batch(self, entries: Sequence[bytes]) -> AppendResult:
        """Append one batch and sign one checkpoint for it, durably together."""
        notes: list[str] = []

        def sign(size: int, root: bytes) -> str:
            notes.append(self._sign(size, root))
            return notes[-1]

        added = self.store.append(entries, checkpoint=sign)
        return AppendResult(added.start, len(added), self.store.size, self.store.root(), notes[-1])

    def append_batches(
        self,
        batches: Iterable[Sequence[bytes]],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> AppendResult:
        """Append batch after batch (one checkpoint each); report the whole import."""
        first = self.store.size
        last: AppendResult | None = None
        count = 0
        for batch in batches:
            last = self.append_batch(batch)
            count += 1
            if progress is not None:
                progress(last.count)
        if last is None:
            raise BadInput("there is nothing to append: the input has no entries")
        return AppendResult(first, last.size - first, last.size, last.root, last.checkpoint, count)

    def checkpoint(self) -> str:
        """Sign and store a checkpoint of the current tree."""
        note = self._sign(self.store.size, self.store.root())
        self.store.put_checkpoint(note)
        return note

    def verifier(self) -> Verifier:
        return Verifier.from_key_string(self.signer.verifier_key())

    def latest(self) -> Checkpoint | None:
        note = self.store.latest_checkpoint()
        if note is None:
            return None
        checkpoint, _ = open_checkpoint(note, self.verifier(), origin=self.store.origin)
        return checkpoint
