"""The embedded log: C2SP tlog tiles packed into a few append-only files in a directory.

Directory layout::

    log.meta        format line and origin (written once)
    journal         write-ahead journal (see `disarm.store.journal`)
    data            the entries, each prefixed by its big-endian uint16 length: the
                    concatenation of every tlog-tiles entry bundle
    bundles         u64 byte offset in ``data`` where entry bundle N starts, for N = 0..size/256
    hashes/<L>      the tree hashes at height 8L, 32 bytes each, in order: tile ``tile/L/N`` is
                    bytes [N * 8192, (N + 1) * 8192) and a partial tile is a prefix of that
    nodes/<L>       interior nodes (heights 4-7) of the full tiles of level L, 960 bytes each
    checkpoint      the latest signed checkpoint (tlog-tiles name)
    checkpoints     every checkpoint ever stored: u32 length + note, appended
    .lock           flock(2) file: one process at a time

Why packed files rather than one file per tile: on this project's reference machine creating a
file costs about 1 ms (ext4 on a virtual disk), i.e. two files per 256 entries capped appends at
~125,000 entries/s. Tiles and entry bundles are byte ranges of the packed files; `read_tile`
serves any tlog-tiles path from them and `export_tiles` writes the standard static layout.

Durability: a batch's entries are written once, to ``data``; then a small commit record (where
the entries are, their CRC, and the batch's signed checkpoint) is appended to the journal. Two
``fdatasync`` calls per batch (``data``, then ``journal``) make it durable, whatever its size;
then the entry is acknowledged. Bundle offsets, hashes and interior nodes are then written at
fixed offsets without fsync. On reopen the journal's records after its base are replayed: each
batch's entries are read back from ``data``, checked against the CRC (a batch torn by a crash
was never acknowledged and is dropped) and hashed again, their derived bytes rewritten at the
same offsets (idempotent), and the files cut to their exact lengths, so a crash at any moment
leaves nothing half-written. When the journal passes a limit, or on close, the packed files are
fsynced and the journal restarts from the new base.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
import threading
import zlib
from pathlib import Path

from disarm.errors import BadInput, Conflict, NotFound, VerificationError
from disarm.store import journal
from disarm.store.batch import Frontier, Update, build_update
from disarm.store.tiled import TiledLog
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.tiles import (
    FULL_TILE_BYTES,
    INTERIOR_BYTES,
    MAX_ENTRY_SIZE,
    TILE_HEIGHT,
    TILE_WIDTH,
    decode_bundle,
    entries_path,
    partial_width,
    tile_path,
)

FORMAT_LINE = "disarm tlog-tiles log v1"
META = "log.meta"
JOURNAL = "journal"
DATA = "data"
BUNDLES = "bundles"
CHECKPOINT = "checkpoint"
HISTORY = "checkpoints"
LOCK = ".lock"
OFFSET = struct.Struct(">Q")
#: Replay bound: past this many journal bytes, sync the packed files and restart the journal.
JOURNAL_LIMIT = 256 << 20


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
    """The origin named by a ``log.meta`` text; `BadInput` (one sentence) if it is not one."""
    lines = text.split("\n")
    origin = lines[1][len("origin ") :] if len(lines) == 3 else ""
    if lines[0] != FORMAT_LINE or not lines[1].startswith("origin ") or not origin:
        raise BadInput(
            f"{source} is not a disarm log description (it must be the line {FORMAT_LINE!r}"
            " then 'origin <origin>')",
        )
    if meta_text(origin) != text:
        raise BadInput(f"{source} is malformed (extra lines, spaces or a missing newline)")
    return origin


#: A log.meta is two short lines; anything longer is not one (and is not read whole).
META_LIMIT = 4096


def read_meta(root: Path) -> str:
    """The origin of the log directory ``root``, checked: the directory exists and holds a
    readable, well-formed ``log.meta`` (else `NotFound` or `BadInput`)."""
    if not root.is_dir():
        raise NotFound(f"log directory {root} does not exist")
    if not is_log_directory(root):
        raise NotFound(f"{root} is not a log directory (no {META})")
    path = root / META
    with path.open("rb") as fh:
        raw = fh.read(META_LIMIT + 1)
    if len(raw) > META_LIMIT:
        raise BadInput(f"{path} is not a disarm log description (over {META_LIMIT} bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path} is not a disarm log description (not UTF-8 text)") from exc
    return parse_meta(text, source=str(path))


def is_log_directory(path: Path) -> bool:
    return (path / META).is_file()


class _Sync:
    """``pwrite`` then ``fdatasync`` in a background thread (both release the GIL)."""

    def __init__(self, fd: int, data: bytes | memoryview, offset: int) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fd, data, offset), daemon=True)
        self._thread.start()

    def _run(self, fd: int, data: bytes | memoryview, offset: int) -> None:
        try:
            _pwrite_all(fd, data, offset)
            os.fdatasync(fd)
        except BaseException as exc:  # pragma: no cover - disk errors
            self._error = exc

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:  # pragma: no cover - disk errors
            raise self._error


def _pwrite_all(fd: int, data: bytes | memoryview, offset: int) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, offset)
        view, offset = view[done:], offset + done


def _pread_exact(fd: int, length: int, offset: int, what: str) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise VerificationError(
            f"{what} is truncated (wanted {length} bytes at offset {offset})",
            expected=length,
            computed=len(data),
        )
    return data


class DirectoryLog(TiledLog):
    """A tlog-tiles log packed into a directory (the embedded default)."""

    parallel_reads = True

    def __init__(self, root: Path, origin: str, lock_fd: int | None) -> None:
        super().__init__(origin, Frontier())
        self.path = root
        #: Opened for reading only: no lock, no journal replay, nothing written (`open_readonly`).
        self.read_only = lock_fd is None
        self._lock_fd = lock_fd
        self._fds: dict[str, int] = {}
        mode = os.O_RDONLY if self.read_only else os.O_RDWR
        self._journal_fd = os.open(root / JOURNAL, mode)
        self._journal_size = os.fstat(self._journal_fd).st_size
        self._history_fd = os.open(root / HISTORY, mode if self.read_only else mode | os.O_APPEND)
        self._history_length: int | None = None  # read-only: the durable prefix of the history
        #: Read-only: (entries, checkpoints) committed in the journal but not yet applied to the
        #: packed files (a writer crashed or is running); a writable open replays them.
        self.pending = (0, 0)
        self._data_end = 0  # bytes of `data` in use at the current size
        self._broken = False
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
        for sub in ("hashes", "nodes"):
            (root / sub).mkdir()
        for name, data in (
            (JOURNAL, journal.encode_header(0, 0)),
            (HISTORY, b""),
            (DATA, b""),
            (BUNDLES, OFFSET.pack(0)),
            (LOCK, b""),
            (META, meta_text(origin).encode()),  # last: its presence marks a complete log
        ):
            write_atomic(root / name, data, durable=True)
        return cls.open(root)

    @classmethod
    def open(cls, path: str | Path) -> DirectoryLog:
        root = Path(path)
        origin = read_meta(root)
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
            for name in (JOURNAL, CHECKPOINT):  # left by a crash inside write_atomic
                (root / f"{name}.tmp").unlink(missing_ok=True)
            log = cls(root, origin, lock_fd)
        except BaseException:
            os.close(lock_fd)
            raise
        try:
            log._load(base)
            records, end = journal.read_records(data)
            if records or end != len(data):
                log._recover(records, end, history)
            else:
                log._truncate()  # drop the entries of a batch that crashed before its commit
            log.durable_size = log.size
        except BaseException:
            log.close_files()
            raise
        return log

    @classmethod
    def open_readonly(cls, path: str | Path) -> DirectoryLog:
        """Open for reading only: no lock, nothing written, so it works on read-only media and
        beside a running writer. The log is seen at the journal's base size: batches committed
        in the journal but not yet applied (after a crash, or while a writer runs) are counted in
        `pending` and left out, as are checkpoints past the history's durable length."""
        root = Path(path)
        origin = read_meta(root)
        data = (root / JOURNAL).read_bytes()
        base, history = journal.decode_header(data, source=str(root / JOURNAL))
        records, _ = journal.read_records(data)
        log = cls(root, origin, None)
        try:
            log._history_length = history
            log._load(base)
            appended = sum(r.b for r in records if r.kind == journal.APPEND)
            log.pending = (appended, sum(r.kind == journal.CHECKPOINT for r in records))
        except BaseException:
            log.close_files()
            raise
        return log

    def _fd(self, rel: str) -> int:
        fd = self._fds.get(rel)
        if fd is None:
            if self.read_only:
                try:
                    fd = os.open(self.path / rel, os.O_RDONLY)
                except FileNotFoundError as exc:
                    raise VerificationError(f"{rel} is missing from the log directory") from exc
            else:
                fd = os.open(self.path / rel, os.O_RDWR | os.O_CREAT, 0o644)
            self._fds[rel] = fd
        return fd

    def _bundle_start(self, index: int) -> int:
        raw = _pread_exact(self._fd(BUNDLES), OFFSET.size, index * OFFSET.size, BUNDLES)
        (offset,) = OFFSET.unpack(raw)
        return int(offset)

    def _load(self, size: int) -> None:
        """Read the right edge of a log of ``size``: O(log n) small reads."""
        partials: list[bytes] = []
        level = 0
        while size >> (TILE_HEIGHT * level):
            width = partial_width(level, size)
            index = size >> (TILE_HEIGHT * (level + 1))
            what = f"hashes/{level} ({tile_path(level, index, width or 1)})"
            fd = self._fd(f"hashes/{level}")
            partials.append(_pread_exact(fd, width * HASH_SIZE, index * FULL_TILE_BYTES, what))
            level += 1
        width = size & (TILE_WIDTH - 1)
        start = self._bundle_start(size >> TILE_HEIGHT)
        bundle = b""
        if width:
            # Read the partial bundle: at most 256 entries of at most 64 KiB.
            fd = self._fd(DATA)
            pos = start
            try:
                for _ in range(width):
                    (length,) = struct.unpack(">H", _pread_exact(fd, 2, pos, DATA))
                    pos += 2 + length
                bundle = _pread_exact(fd, pos - start, start, DATA)
            except VerificationError as exc:
                where = (size >> TILE_HEIGHT) * OFFSET.size
                raise VerificationError(
                    f"the partial entry bundle {entries_path(size >> TILE_HEIGHT, width)} does not"
                    f" fit in data from byte {start} (bundles byte {where}): {exc.message}",
                    source=str(self.path),
                ) from exc
        self._frontier = Frontier(size, partials, bundle)
        self.durable_size = size
        self._data_end = start + len(bundle)
        self._partial_levels.clear()

    # --- reads -------------------------------------------------------------------------------

    def _fetch_tile(self, level: int, index: int) -> bytes:
        fd = self._fd(f"hashes/{level}")
        return _pread_exact(fd, FULL_TILE_BYTES, index * FULL_TILE_BYTES, tile_path(level, index))

    def _fetch_interior(self, level: int, index: int) -> bytes:
        fd = self._fd(f"nodes/{level}")
        what = f"nodes/{level} (tile {index})"
        return _pread_exact(fd, INTERIOR_BYTES, index * INTERIOR_BYTES, what)

    def _fetch_bundle(self, index: int) -> bytes:
        start, end = self._bundle_start(index), self._bundle_start(index + 1)
        if not start < end <= self._data_end or end - start > TILE_WIDTH * (MAX_ENTRY_SIZE + 2):
            raise VerificationError(
                f"bundles byte {index * OFFSET.size}: entry bundle {index} would be data bytes"
                f" {start}..{end}, outside the {self._data_end} bytes in use",
            )
        return _pread_exact(self._fd(DATA), end - start, start, f"data ({entries_path(index)})")

    def checkpoints(self) -> list[str]:
        data = (self.path / HISTORY).read_bytes()
        if self._history_length is not None:
            data = data[: self._history_length]
        notes = split_history(data, source=str(self.path / HISTORY))
        return [_decode(n, f"{HISTORY} record {i}") for i, n in enumerate(notes)]

    def latest_checkpoint(self) -> str | None:
        if self.read_only and self.pending != (0, 0):  # the file may be ahead of the base
            notes = self.checkpoints()
            return notes[-1] if notes else None
        try:
            return _decode((self.path / CHECKPOINT).read_bytes(), CHECKPOINT)
        except FileNotFoundError:
            return None

    # --- writes ------------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise Conflict(f"log {self.path} is open for reading only")

    def _stage(self, encoded: bytes) -> object:
        """Write the entries to `data` and start syncing them while the batch is hashed."""
        self._writable()
        if self._broken:
            raise Conflict(f"a write to {self.path} failed half-way; reopen the log to recover")
        return _Sync(self._fd(DATA), encoded, self._data_end)

    def _commit(self, update: Update | None, note: str | None, staged: object = None) -> None:
        self._writable()
        if self._broken:
            raise Conflict(f"a write to {self.path} failed half-way; reopen the log to recover")
        parts: list[bytes | memoryview] = []
        if update is not None:
            # The entries go to `data` once; the journal records where they are and their CRC.
            if not isinstance(staged, _Sync):
                staged = _Sync(self._fd(DATA), update.payload, self._data_end)
            count = update.new_size - update.old_size
            meta = journal.append_payload(self._data_end, update.payload)
            parts += [journal.encode_record(journal.APPEND, update.old_size, count, meta), meta]
        if note is not None:
            size = update.new_size if update is not None else self.size
            raw = note.encode("utf-8")
            parts += [journal.encode_record(journal.CHECKPOINT, size, 0, raw), raw]
        _pwrite_all(self._journal_fd, b"".join(parts), self._journal_size)
        # Durable from here: the batch's entries, then its commit record (with the checkpoint).
        if isinstance(staged, _Sync):
            staged.wait()
        os.fdatasync(self._journal_fd)
        self._journal_size += sum(len(p) for p in parts)
        if update is not None:
            self.durable_size = update.new_size
        try:
            self._apply(update, note)
        except BaseException:
            # The batch is durable but the derived files are not written: only a reopen
            # (which replays the journal) may continue from here.
            self._broken = True
            raise
        if self._journal_size > self.journal_limit:
            self._rotate()

    def _apply(self, update: Update | None, note: str | None) -> None:
        """Write what a committed batch derives: bundle offsets, hashes, interior nodes."""
        if update is not None:
            old = update.old_size
            start = self._data_end - len(self._frontier.bundle)
            offsets = []
            for tile, data in update.bundles:
                if not tile.is_partial:
                    start += len(data)
                    offsets.append(OFFSET.pack(start))
            if offsets:
                at = ((old >> TILE_HEIGHT) + 1) * OFFSET.size
                _pwrite_all(self._fd(BUNDLES), b"".join(offsets), at)
            for level, hashes in enumerate(update.appended):
                if hashes:
                    at = (old >> (TILE_HEIGHT * level)) * HASH_SIZE
                    _pwrite_all(self._fd(f"hashes/{level}"), hashes, at)
            for level, index, data in update.interiors:
                _pwrite_all(self._fd(f"nodes/{level}"), data, index * INTERIOR_BYTES)
            self._data_end += len(update.payload)
            self._frontier = update.frontier
            self._partial_levels.clear()
        if note is not None:
            raw = note.encode("utf-8")
            os.write(self._history_fd, struct.pack(">I", len(raw)) + raw)
            write_atomic(self.path / CHECKPOINT, raw, durable=False)

    def _rotate(self) -> None:
        """Make the packed files durable and restart the journal at this size."""
        self._truncate()
        for fd in (*self._fds.values(), self._history_fd):
            os.fsync(fd)
        for sub in (self.path, self.path / "hashes", self.path / "nodes"):
            fsync_dir(sub)
        history = os.fstat(self._history_fd).st_size
        write_atomic(self.path / JOURNAL, journal.encode_header(self.size, history), durable=True)
        os.close(self._journal_fd)
        self._journal_fd = os.open(self.path / JOURNAL, os.O_RDWR)
        self._journal_size = journal.HEADER.size

    def _truncate(self) -> None:
        """Cut every packed file to its exact length at the current size (bytes past it belong
        to a batch that was never committed)."""
        size = self.size
        lengths = {DATA: self._data_end, BUNDLES: ((size >> TILE_HEIGHT) + 1) * OFFSET.size}
        level = 0
        while size >> (TILE_HEIGHT * level) or f"hashes/{level}" in self._fds:
            lengths[f"hashes/{level}"] = (size >> (TILE_HEIGHT * level)) * HASH_SIZE
            full = size >> (TILE_HEIGHT * (level + 1))
            if full or f"nodes/{level}" in self._fds:
                lengths[f"nodes/{level}"] = full * INTERIOR_BYTES
            level += 1
        for rel, length in lengths.items():
            fd = self._fd(rel)
            if os.fstat(fd).st_size != length:
                os.ftruncate(fd, length)

    def _recover(self, records: list[journal.Record], end: int, history: int) -> None:
        """Replay the journal after a crash: re-derive the files of every committed batch."""
        os.ftruncate(self._history_fd, history)
        for record in records:
            if record.kind == journal.APPEND:
                offset, length, crc = journal.APPENDED.unpack(record.payload)
                if record.a != self.size or offset != self._data_end:
                    raise VerificationError(
                        "journal record does not continue the log",
                        source=str(self.path / JOURNAL),
                        expected=(self.size, self._data_end),
                        computed=(record.a, offset),
                    )
                payload = os.pread(self._fd(DATA), length, offset)
                if len(payload) != length or zlib.crc32(payload) != crc:
                    end = record.offset  # torn: the entries never reached the disk whole
                    break
                entries = decode_bundle(payload, source=str(self.path / DATA))
                self._apply(build_update(self.frontier, entries, workers=self.workers), None)
            else:
                self._apply(None, record.payload.decode("utf-8"))
        os.ftruncate(self._journal_fd, end)
        self._journal_size = end
        self._rotate()

    def close_files(self) -> None:
        for fd in (*self._fds.values(), self._journal_fd, self._history_fd, self._lock_fd):
            if fd is not None:
                os.close(fd)
        self._fds.clear()

    def _close(self) -> None:
        if self.read_only:
            self.close_files()
            return
        try:
            if self._journal_size > journal.HEADER.size and not self._broken:
                self._rotate()
            elif not self._broken:
                self._truncate()  # entries staged for a batch that was never committed
        finally:
            self.close_files()

    # --- audit support ---------------------------------------------------------------------------

    def where(self, kind: str, level: int, index: int, byte: int) -> str:
        if kind == "hash":
            return f"hashes/{level} byte {index * HASH_SIZE + byte}"
        if kind == "interior":
            return f"nodes/{level} byte {index * INTERIOR_BYTES + byte}"
        if kind == "entry":
            start = self._bundle_start(index >> TILE_HEIGHT)
            pos = start
            for _ in range(index & (TILE_WIDTH - 1)):
                raw = os.pread(self._fd(DATA), 2, pos)
                pos += 2 + (int.from_bytes(raw, "big") if len(raw) == 2 else 0)
            return f"data byte {pos} (entry {index})"
        if kind == "bundle":
            start = self._bundle_start(index)
            return f"data from byte {start} ({entries_path(index)}; bundles byte {index * 8})"
        if kind == "checkpoint":
            return f"file {CHECKPOINT}"
        if kind == "history":
            return f"{HISTORY} record {index}"
        if kind == "origin":
            return META
        return kind

    def audit_structure(self) -> None:
        """Journal header, exact file lengths, bundle offsets: what the tiles do not cover."""
        data = (self.path / JOURNAL).read_bytes()
        base, history = journal.decode_header(data, source=str(self.path / JOURNAL))
        records, end = journal.read_records(data)
        if (not records or self.read_only) and base != self.size:
            raise VerificationError(
                "journal base size differs from the log size (journal bytes 4-11)",
                expected=self.size,
                computed=base,
            )
        # Read-only, committed batches not yet applied (or a torn record a writer will drop) may
        # follow the base: the files may then be longer than the base size needs.
        ahead = self.read_only and (bool(records) or end != len(data))
        if end != len(data) and not self.read_only:
            raise VerificationError(f"journal has {len(data) - end} unreadable bytes at {end}")
        size = self.size
        expected = {
            DATA: self._data_end,
            BUNDLES: ((size >> TILE_HEIGHT) + 1) * OFFSET.size,
        }
        level = 0
        while size >> (TILE_HEIGHT * level):
            expected[f"hashes/{level}"] = (size >> (TILE_HEIGHT * level)) * HASH_SIZE
            expected[f"nodes/{level}"] = (size >> (TILE_HEIGHT * (level + 1))) * INTERIOR_BYTES
            level += 1
        for sub in ("hashes", "nodes"):
            for path in sorted((self.path / sub).iterdir()):
                rel = f"{sub}/{path.name}"
                if rel not in expected and path.stat().st_size and not ahead:
                    raise VerificationError(f"{rel} holds {path.stat().st_size} unexpected bytes")
        for rel, length in expected.items():
            actual = (self.path / rel).stat().st_size if (self.path / rel).exists() else 0
            if actual != length and not (ahead and actual > length):
                raise VerificationError(
                    f"{rel} is {actual} bytes; a log of size {size} needs {length}",
                    expected=length,
                    computed=actual,
                )
        if self._bundle_start(0) != 0:
            raise VerificationError("bundles byte 0: the first entry bundle must start at 0")
        raw = (self.path / HISTORY).read_bytes()
        split_history(raw[:history] if ahead else raw, source=HISTORY)
        if self.read_only and not ahead and history != len(raw):
            raise VerificationError(
                f"{HISTORY} holds {len(raw) - history} bytes beyond the history length the"
                " journal names (journal bytes 12-19)",
                expected=history,
                computed=len(raw),
            )
        if history > os.fstat(self._history_fd).st_size:
            raise VerificationError(
                "journal header names more checkpoint history than exists (journal bytes 12-19)"
            )

    # --- the tlog-tiles view -------------------------------------------------------------------

    def read_tile(self, path: str) -> bytes:
        """The bytes of a tlog-tiles resource (``tile/...``) of the current tree."""
        from disarm.store.tiles_view import read_tile

        return read_tile(self, path)


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VerificationError(f"{what} is not UTF-8 text (byte {exc.start})") from exc


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


__all__ = ["DirectoryLog", "is_log_directory", "split_history"]
