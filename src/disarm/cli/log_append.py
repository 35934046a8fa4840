"""`disarm log append`: streamed, bounded input; exact reports of what is durable; safe re-runs.

The input (a file, or standard input spooled to a temporary file) is read line by line with a
bound on each line, and validated whole before anything is appended, so bad input changes
nothing. Entries then go in batch by batch; each batch is durable with its signed checkpoint.

If a write fails (a full disk, an I/O error), the error says exactly which input lines are
durable as which log entries, and how to finish. Re-running the same command after such a failure
would append the durable part twice, so an append first looks whether the log already holds the
start of its input right after an earlier state (the first batch, ending at a signed checkpoint)
and, if so, refuses unless told ``--resume`` (append only what is missing, after checking that
what is there is exactly the input's start) or ``--allow-duplicates``.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from disarm.errors import BadInput, NotFound, StorageFailed
from disarm.store import TiledLog
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.note import split_note
from disarm.tlog.tiles import MAX_ENTRY_SIZE

#: Default bound on the number of entries one append reads (``--max-entries``).
MAX_ENTRIES = 100_000_000


@dataclass(frozen=True)
class Input:
    """A validated input: a binary file positioned at its start, its name and entry count."""

    file: IO[bytes]
    name: str
    count: int


def _validate(src: IO[bytes], name: str, limit: int, spool: IO[bytes] | None) -> int:
    count = 0
    while True:
        line = src.readline(MAX_ENTRY_SIZE + 2)
        if not line:
            break
        entry = line[:-1] if line.endswith(b"\n") else line
        if len(entry) > MAX_ENTRY_SIZE:
            raise BadInput(
                f"line {count + 1} is longer than {MAX_ENTRY_SIZE} bytes, the most an entry holds",
                source=name,
            )
        if not entry:
            raise BadInput(f"line {count + 1} is empty; every line is one entry", source=name)
        count += 1
        if count > limit:
            raise BadInput(
                f"the input holds more than {limit} entries (--max-entries)", source=name
            )
        if spool is not None:
            spool.write(entry + b"\n")
    if not count:
        raise BadInput(f"{name} holds no entries", source=name)
    return count


@contextmanager
def read_input(source: str, limit: int = MAX_ENTRIES) -> Iterator[Input]:
    """Validate the whole input in bounded memory; yield it ready to be read again."""
    if source == "-":
        with tempfile.TemporaryFile() as spool:
            count = _validate(sys.stdin.buffer, "standard input", limit, spool)
            spool.seek(0)
            yield Input(spool, "standard input", count)
        return
    path = Path(source)
    try:
        fh = path.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(f"entry file {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"entry file {path} is a directory") from exc
    with fh:
        if not path.is_file():  # a device or a pipe: read once, spooled
            with tempfile.TemporaryFile() as spool:
                count = _validate(fh, str(path), limit, spool)
                spool.seek(0)
                yield Input(spool, str(path), count)
            return
        count = _validate(fh, str(path), limit, None)
        fh.seek(0)
        yield Input(fh, str(path), count)


def batches(data: Input, size: int, skip: int = 0) -> Iterator[list[bytes]]:
    """The validated entries, ``size`` at a time, after the first ``skip``."""
    batch: list[bytes] = []
    for number, line in enumerate(data.file):
        if number < skip:
            continue
        batch.append(line[:-1] if line.endswith(b"\n") else line)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _checkpoint_sizes(store: TiledLog) -> list[int]:
    sizes = []
    for note in store.checkpoints():
        text, _ = split_note(note)
        sizes.append(Checkpoint.parse(text).size)
    return sizes


def earlier_run(store: TiledLog, first: list[bytes]) -> int | None:
    """Where an earlier, interrupted append of this input started, if the log shows one: a
    position ``p`` whose entries are exactly ``first`` (the input's first batch) and where a
    signed checkpoint covers that batch (an append stores one per batch)."""
    size, width = store.size, len(first)
    wanted = [leaf_hash(e) for e in first]
    for end in sorted(set(_checkpoint_sizes(store)), reverse=True):
        start = end - width
        if start < 0 or end > size:
            continue
        if all(store.leaf_hash(start + i) == h for i, h in enumerate(wanted)):
            return start
    return None


def resume_point(store: TiledLog, data: Input, start: int) -> int:
    """How many input entries the log already holds from ``start`` on (checked entry by entry
    up to the log's end); refuses if they are not exactly the input's start."""
    held = store.size - start
    if held > data.count:
        raise BadInput(
            f"the log holds {held} entries after position {start}, more than the {data.count} of"
            f" {data.name}: it is not an interrupted append of this input"
        )
    for k, line in enumerate(data.file):
        if k == held:
            break
        entry = line[:-1] if line.endswith(b"\n") else line
        if store.leaf_hash(start + k) != leaf_hash(entry):
            raise BadInput(
                f"log entry {start + k} differs from line {k + 1} of {data.name}: the log does "
                "not hold the start of this input, so there is nothing to resume"
            )
    data.file.seek(0)
    return held


def durable_report(
    store: TiledLog, data: Input, first: int, skipped: int, error: BaseException
) -> StorageFailed:
    """The error of a failed append, saying exactly what is durable."""
    durable = max(0, store.durable_size - first)
    reason = getattr(error, "strerror", None) or str(error)
    if durable == 0:
        done = "none of its entries is durable"
    else:
        lines = f"lines {skipped + 1}-{skipped + durable}"
        done = (
            f"{lines} are durable as log entries {first}-{first + durable - 1} (log size "
            f"{first + durable}, each batch with its signed checkpoint)"
        )
    rest = data.count - skipped - durable
    how = (
        " re-run the same command with --resume to append only the rest"
        if rest and durable + skipped
        else " re-run the same command"
    )
    return StorageFailed(
        f"writing to the log failed ({reason}): of {data.name}, {done}; {rest} entries were not"
        f" appended. Once the cause is fixed,{how}."
    )


__all__ = [
    "MAX_ENTRIES",
    "Input",
    "batches",
    "durable_report",
    "earlier_run",
    "read_input",
    "resume_point",
]
