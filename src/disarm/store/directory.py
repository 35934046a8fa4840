"""The embedded log: C2SP tlog tiles in a directory, made crash-safe by a write-ahead journal.

Directory layout::

    log.meta            format line and origin (written once)
    journal             write-ahead journal (see `disarm.store.journal`)
    checkpoint          the latest signed checkpoint (tlog-tiles name)
    checkpoints         every checkpoint ever stored: u32 length + note, appended
    tile/<L>/<N>[.p/<W>]        hash tiles (tlog-tiles)
    tile/entries/<N>[.p/<W>]    entry bundles (tlog-tiles)
    nodes/<L>           interior nodes of the full tiles of level L, 8,128 bytes per tile
    .lock               flock(2) file: one writer at a time

Durability: a batch is first appended to the journal and fsynced (the one fsync per batch; the
entry is acknowledged then), then written to the tile files without fsync. On reopen the
journal's records after its base are replayed: tiles are rewritten from the journalled entries,
so a crash at any moment leaves nothing half-written. Tile files never change in place: a
partial tile ``.p/<W>`` is a new file per width, written to a temporary name and renamed.
When the journal grows past a limit, or on close, everything is synced (``syncfs``), obsolete
partial tiles are deleted, and the journal restarts from the new base.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import struct
from pathlib import Path

from disarm.errors import BadInput, Conflict, NotFound, VerificationError
from disarm.store import journal
from disarm.store.batch import Frontier, Update, build_update
from disarm.store.tiled import TiledLog
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.tiles import (
    FULL_TILE_BYTES,
    INTERIOR_BYTES,
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    bundle_offsets,
    decode_bundle,
    encode_index,
    entries_path,
    partial_width,
    tile_path,
)

FORMAT_LINE = "disarm tlog-tiles log v1"
META = "log.meta"
JOURNAL = "journal"
CHECKPOINT = "checkpoint"
HISTORY = "checkpoints"
LOCK = ".lock"
#: Replay bound: past this many journal bytes, sync the tiles and restart the journal.
JOURNAL_LIMIT = 256 << 20

_libc_syncfs = None
try:  # pragma: no branch
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    _libc_syncfs = _libc.syncfs
except (OSError, AttributeError):  # pragma: no cover - not Linux
    _libc_syncfs = None


def sync_filesystem(fd: int) -> None:
    """Flush every dirty file and directory of the filesystem holding ``fd`` to disk."""
    if _libc_syncfs is not None and _libc_syncfs(fd) == 0:
        return
    os.sync()  # pragma: no cover - fallback


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | memoryview, *, durable: bool) -> None:
    """Write a file under a temporary name and rename it over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if durable:
        fsync_dir(path.parent)


def meta_text(origin: str) -> str:
    return f"{FORMAT_LINE}\norigin {origin}\n"


def parse_meta(text: str, *, source: str) -> str:
    lines = text.split("\n")
    if len(lines) != 3 or lines[0] != FORMAT_LINE or not lines[1].startswith("origin "):
        raise VerificationError(
            "log.meta is not a disarm tlog-tiles log description",
            source=source,
            expected=FORMAT_LINE,
            computed=lines[0][:80],
        )
    origin = lines[1][len("origin ") :]
    if not origin or meta_text(origin) != text:
        raise VerificationError("log.meta is malformed", source=source)
    return origin


def is_log_directory(path: Path) -> bool:
    return (path / META).is_file()


class DirectoryLog(TiledLog):
    """A tlog-tiles log in a directory (the embedded default)."""

    def __init__(self, root: Path, origin: str, frontier: Frontier, lock_fd: int) -> None:
        super().__init__(origin, frontier)
        self.path = root
        self._lock_fd = lock_fd
        self._dirs: set[Path] = set()
        self._obsolete: list[tuple[int, int]] = []
        self._nodes: dict[int, int] = {}
        self._journal_fd = os.open(root / JOURNAL, os.O_RDWR)
        self._journal_size = os.fstat(self._journal_fd).st_size
        self._history_fd = os.open(root / HISTORY, os.O_RDWR | os.O_APPEND)
        self.journal_limit = JOURNAL_LIMIT

    # --- creation and opening ----------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, origin: str) -> DirectoryLog:
        root = Path(path)
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise Conflict(f"{root} already exists and is not an empty directory")
        if not origin or "\n" in origin or origin != origin.strip():
            raise BadInput(f"log origin {origin!r} must be one non-empty line")
        root.mkdir(parents=True, exist_ok=True)
        for name, data in (
            (JOURNAL, journal.encode_header(0, 0)),
            (HISTORY, b""),
            (LOCK, b""),
            (META, meta_text(origin).encode()),
        ):
            write_atomic(root / name, data, durable=True)
        return cls.open(root)

    @classmethod
    def open(cls, path: str | Path) -> DirectoryLog:
        root = Path(path)
        if not root.is_dir():
            raise NotFound(f"log directory {root} does not exist")
        if not is_log_directory(root):
            raise NotFound(f"{root} is not a log directory (no {META})")
        origin = parse_meta((root / META).read_text("utf-8"), source=str(root / META))
        lock_fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(lock_fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise Conflict(f"log {root} is in use by another process") from exc
            raise
        try:
            data = (root / JOURNAL).read_bytes()
            base, history = journal.decode_header(data, source=str(root / JOURNAL))
            frontier = load_frontier(root, base)
            log = cls(root, origin, frontier, lock_fd)
        except BaseException:
            os.close(lock_fd)
            raise
        records, end = journal.read_records(data)
        if records or end != len(data):
            log._recover(records, end, history)
        return log

    # --- reads -------------------------------------------------------------------------------

    def _read(self, rel: str) -> bytes:
        try:
            return (self.path / rel).read_bytes()
        except FileNotFoundError as exc:
            raise VerificationError(
                f"{rel} is missing from the log", source=str(self.path)
            ) from exc

    def _fetch_tile(self, level: int, index: int) -> bytes:
        return self._read(tile_path(level, index))

    def _fetch_bundle(self, index: int) -> bytes:
        return self._read(entries_path(index))

    def _node_fd(self, level: int) -> int:
        fd = self._nodes.get(level)
        if fd is None:
            nodes = self.path / "nodes"
            if nodes not in self._dirs:
                nodes.mkdir(exist_ok=True)
                self._dirs.add(nodes)
            fd = self._nodes[level] = os.open(nodes / str(level), os.O_RDWR | os.O_CREAT, 0o644)
        return fd

    def _fetch_interior(self, level: int, index: int) -> bytes:
        return os.pread(self._node_fd(level), INTERIOR_BYTES, index * INTERIOR_BYTES)

    def checkpoints(self) -> list[str]:
        data = (self.path / HISTORY).read_bytes()
        return [n.decode("utf-8") for n in split_history(data, source=str(self.path / HISTORY))]

    def latest_checkpoint(self) -> str | None:
        try:
            return (self.path / CHECKPOINT).read_text("utf-8")
        except FileNotFoundError:
            return None

    # --- writes ------------------------------------------------------------------------------

    def _commit(self, update: Update | None, note: str | None) -> None:
        parts: list[bytes | memoryview] = []
        if update is not None:
            count = update.new_size - update.old_size
            parts += [
                journal.encode_record(journal.APPEND, update.old_size, count, update.payload),
                update.payload,
            ]
        if note is not None:
            size = update.new_size if update is not None else self.size
            raw = note.encode("utf-8")
            parts += [journal.encode_record(journal.CHECKPOINT, size, 0, raw), raw]
        written = os.pwritev(self._journal_fd, parts, self._journal_size)
        total = sum(len(p) for p in parts)
        if written != total:  # pragma: no cover - short writes on regular files are rare
            raise OSError(errno.EIO, f"short write to the journal ({written} of {total} bytes)")
        os.fdatasync(self._journal_fd)  # the one sync of the batch: durable from here
        self._journal_size += total
        self._apply(update, note)
        if self._journal_size > self.journal_limit:
            self._rotate()

    def _apply(self, update: Update | None, note: str | None) -> None:
        if update is not None:
            for tile, data in update.tiles:
                self._write_file(tile.path, data)
            for tile, data in update.bundles:
                self._write_file(tile.path, data)
            for level, index, data in update.interiors:
                os.pwrite(self._node_fd(level), data, index * INTERIOR_BYTES)
            self._obsolete.extend(update.completed)
        if note is not None:
            raw = note.encode("utf-8")
            os.write(self._history_fd, struct.pack(">I", len(raw)) + raw)
            write_atomic(self.path / CHECKPOINT, raw, durable=False)

    def _write_file(self, rel: str, data: bytes | memoryview) -> None:
        path = self.path / rel
        parent = path.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        write_atomic(path, data, durable=False)

    def _rotate(self) -> None:
        """Sync everything, drop obsolete partial tiles, restart the journal at this size."""
        sync_filesystem(self._journal_fd)
        for level, index in self._obsolete:
            kinds = ("entries", "0") if level == 0 else (str(level),)
            for kind in kinds:
                shutil.rmtree(self.path / "tile" / kind / f"{encode_index(index)}.p", True)
        self._obsolete.clear()
        history = os.fstat(self._history_fd).st_size
        write_atomic(self.path / JOURNAL, journal.encode_header(self.size, history), durable=True)
        os.close(self._journal_fd)
        self._journal_fd = os.open(self.path / JOURNAL, os.O_RDWR)
        self._journal_size = journal.HEADER.size

    def _recover(self, records: list[journal.Record], end: int, history: int) -> None:
        """Replay the journal after a crash: rewrite the tiles of every intact record."""
        os.ftruncate(self._history_fd, history)
        for record in records:
            if record.kind == journal.APPEND:
                if record.a != self.size:
                    raise VerificationError(
                        "journal record does not continue the log",
                        source=str(self.path / JOURNAL),
                        expected=self.size,
                        computed=record.a,
                    )
                entries = decode_bundle(record.payload, source=str(self.path / JOURNAL))
                update = build_update(self.frontier, entries, workers=self.workers)
                self._apply(update, None)
                self._frontier = update.frontier
                self._partial_levels.clear()
            else:
                self._apply(None, record.payload.decode("utf-8"))
        os.ftruncate(self._journal_fd, end)
        self._journal_size = end
        self._rotate()

    def _close(self) -> None:
        try:
            if self._journal_size > journal.HEADER.size or self._obsolete:
                self._rotate()
        finally:
            for fd in (*self._nodes.values(), self._journal_fd, self._history_fd, self._lock_fd):
                os.close(fd)
            self._nodes.clear()


def split_history(data: bytes, *, source: str) -> list[bytes]:
    """The notes in a checkpoint history file; raises VerificationError if it is damaged."""
    notes: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 4 > len(data):
            raise VerificationError(f"checkpoint history is truncated at byte {pos}", source=source)
        (length,) = struct.unpack_from(">I", data, pos)
        if pos + 4 + length > len(data):
            raise VerificationError(
                f"checkpoint record {len(notes)} at byte {pos} runs past the end",
                source=source,
                expected=pos + 4 + length,
                computed=len(data),
            )
        notes.append(data[pos + 4 : pos + 4 + length])
        pos += 4 + length
    return notes


def load_frontier(root: Path, size: int) -> Frontier:
    """Read the right edge of a log of ``size``: the partial tiles and partial entry bundle.

    A partial tile whose file is gone (deleted once its full tile was written) is the prefix of
    the full tile.
    """
    partials: list[bytes] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        width = partial_width(level, size)
        index = size >> (TILE_HEIGHT * (level + 1))
        hashes = b""
        if width:
            hashes = _read_partial(root, tile_path(level, index, width), tile_path(level, index))
            hashes = hashes[: width * HASH_SIZE] if len(hashes) == FULL_TILE_BYTES else hashes
            if len(hashes) != width * HASH_SIZE:
                raise VerificationError(
                    f"{tile_path(level, index, width)} is {len(hashes)} bytes",
                    source=str(root),
                    expected=width * HASH_SIZE,
                    computed=len(hashes),
                )
        partials.append(hashes)
        level += 1
    width = size & (TILE_WIDTH - 1)
    bundle = b""
    if width:
        index = size >> TILE_HEIGHT
        bundle = _read_partial(root, entries_path(index, width), entries_path(index))
        entries = decode_bundle(bundle, source=str(root / entries_path(index, width)))
        if len(entries) > width:
            bundle = bundle[: bundle_offsets(entries)[width]]
        elif len(entries) != width:
            raise VerificationError(
                f"{entries_path(index, width)} holds {len(entries)} entries",
                source=str(root),
                expected=width,
                computed=len(entries),
            )
    return Frontier(size, partials, bundle)


def _read_partial(root: Path, partial: str, full: str) -> bytes:
    for rel in (partial, full):
        try:
            return (root / rel).read_bytes()
        except FileNotFoundError:
            continue
    raise VerificationError(f"{partial} is missing from the log", source=str(root))


__all__ = ["DirectoryLog", "Tile", "is_log_directory", "load_frontier", "split_history"]
