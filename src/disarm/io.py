"""File input and output for the adapters: bounded reads, atomic writes, private-key files.

One helper each, so that every command reads and writes files the same way (docs/limits.md):

- reads are bounded (`MAX_INPUT_BYTES` unless a caller passes a smaller limit) and refuse what is
  not a regular file (a FIFO, ``/dev/zero``, a directory) before reading anything;
- parsed JSON and YAML may nest at most `MAX_NESTING` levels;
- outputs meant to be shared (reports, plots, CSV, JSON) are written atomically with mode 0644;
- private keys are new files with mode 0600 from creation, never overwritten.

Every failure is a `BadInput` or `NotFound` naming the file, never a traceback.
"""

from __future__ import annotations

import csv
import io as iopkg
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from disarm.errors import BadInput, NotFound

#: The largest input file any command reads (bytes). Larger files are refused before reading.
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: The deepest nesting of lists and mappings accepted in a JSON or YAML input.
MAX_NESTING = 64
#: Permission bits of outputs meant to be shared (reports, plots, data).
SHARED = 0o644
#: Permission bits of private key files.
PRIVATE = 0o600


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


def _open_regular(path: Path, what: str, limit: int) -> int:
    """An open descriptor on `path`, checked to be a regular file of at most `limit` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise NotFound(f"{what} file {path} does not exist") from None
    except IsADirectoryError:
        raise BadInput(f"{what} {path} is a directory, not a file") from None
    except OSError as exc:
        raise BadInput(f"cannot read {what} file {path}: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = f"{what} {path} is a directory, not a file"
    elif not stat.S_ISREG(info.st_mode):
        problem = f"{what} {path} is not a regular file (a device, pipe or socket)"
    elif info.st_size > limit:
        problem = (
            f"{what} file {path} is {_mib(info.st_size)}, more than the limit of {_mib(limit)}"
        )
    if problem is not None:
        os.close(fd)
        raise BadInput(problem)
    return fd


def check_file(path: Path | str, what: str = "input", *, limit: int = MAX_INPUT_BYTES) -> None:
    """Check, without reading it, that `path` is a regular file within the size limit.

    For inputs that a library opens by name (pandas, the log store).
    """
    os.close(_open_regular(Path(path), what, limit))


def read_bytes(path: Path | str, what: str = "input", *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a regular file of at most `limit` bytes; anything else is a one-sentence error."""
    path = Path(path)
    fd = _open_regular(path, what, limit)
    try:
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise BadInput(f"{what} file {path} grew past the limit of {_mib(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise BadInput(f"cannot read {what} file {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_text(path: Path | str, what: str = "input", *, limit: int = MAX_INPUT_BYTES) -> str:
    """`read_bytes`, decoded as UTF-8 (a binary file is a one-sentence error)."""
    data = read_bytes(path, what, limit=limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{what} file {path} is not UTF-8 text") from None


def check_nesting(value: Any, source: str, *, limit: int = MAX_NESTING) -> None:
    """Refuse lists and mappings nested deeper than `limit` (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    seen: set[int] = set()
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth >= limit:
                raise BadInput(
                    f"{source} nests lists or mappings more than {limit} levels deep"
                ) from None
            if id(item) in seen:  # a YAML alias: checked once
                continue
            seen.add(id(item))
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _nested(source: str, load: Callable[[], Any]) -> Any:
    try:
        value = load()
    except RecursionError:
        raise BadInput(f"{source} nests lists or mappings too deeply to read") from None
    check_nesting(value, source)
    return value


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text, refusing malformed or too deeply nested input in one sentence."""

    def load() -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{source} is not valid JSON ({exc.msg} at line {exc.lineno})") from None

    return _nested(source, load)


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text safely, refusing malformed or too deeply nested input in one sentence."""
    import yaml

    def load() -> Any:
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise BadInput(f"{source} is not valid YAML: {str(exc).splitlines()[0]}") from None

    return _nested(source, load)


def parse_csv(text: str, source: str) -> list[list[str]]:
    """All rows of CSV text; a malformed file (a field over 128 KiB, a stray quote) is one
    sentence naming the line, never a `csv.Error` traceback."""
    reader = csv.reader(iopkg.StringIO(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        raise BadInput(f"{source} is not valid CSV at line {reader.line_num}: {exc}") from None
    return rows


def read_json(path: Path | str, what: str = "input", *, limit: int = MAX_INPUT_BYTES) -> Any:
    """Read and parse a bounded JSON file."""
    return parse_json(read_text(path, what, limit=limit), f"{what} file {path}")


def _directory_of(path: Path) -> Path:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise BadInput(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise BadInput(f"cannot write {path}: it is a directory")
    return directory


def write_atomic_with(
    path: Path | str, write: Callable[[Path], object], *, mode: int = SHARED
) -> None:
    """Let `write` fill a temporary file beside `path`, fsync it, set `mode`, then replace `path`.

    Readers see the old file or the new one, never a part; on failure `path` is untouched.
    """
    path = Path(path)
    directory = _directory_of(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path | str, data: str | bytes, *, mode: int = SHARED) -> None:
    """Write text (UTF-8) or bytes to `path` atomically with permission bits `mode`."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    write_atomic_with(path, lambda tmp: tmp.write_bytes(raw), mode=mode)


def write_private(path: Path | str, data: str | bytes) -> None:
    """Create a private-key file with mode 0600 from creation; never overwrite an existing file."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() or path.is_symlink():
        raise BadInput(f"{path} already exists; refusing to overwrite a secret file")
    if not path.parent.is_dir():
        raise NotFound(f"directory {path.parent} does not exist", source=str(path))
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # fails if `path` appeared meanwhile: no overwrite
    except FileExistsError:
        raise BadInput(f"{path} already exists; refusing to overwrite a secret file") from None
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
