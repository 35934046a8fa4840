"""A witness's directory: its key, the logs it serves and the latest checkpoint it cosigned.

    DIR/witness.key    the private key string (PRIVATE+KEY+..., type 0x04), mode 0600
    DIR/witness.vkey   the verifier key string, to give to verifiers
    DIR/state.json     the logs it serves, configured in advance (origin -> log key), and per
                       origin the latest cosigned checkpoint
    DIR/lock           held (flock) from reading the state to writing it, so that two
                       concurrent updates (two `cosign` calls, two HTTP requests, or one of each)
                       can never both advance from the same size or roll the state back

State is written atomically (temp file, fsync, rename, fsync of the directory). Shared by
`disarm witness` (the CLI) and `disarm witness serve` (the HTTP API) through
`disarm.service.witness`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from disarm.errors import BadInput, NotFound
from disarm.io import read_text
from disarm.store.directory import fsync_dir
from disarm.tlog.note import ALG_COSIGNATURE_V1, Signer, Verifier
from disarm.tlog.witness import LogState

__all__ = [
    "KEY_FILE",
    "LOCK_FILE",
    "STATE_FILE",
    "VKEY_FILE",
    "configure",
    "fsync_dir",
    "load_signer",
    "load_states",
    "locked",
    "log_verifier",
    "state_text",
    "witness_dir",
    "write_atomic",
    "write_states",
]

KEY_FILE, VKEY_FILE, STATE_FILE, LOCK_FILE = "witness.key", "witness.vkey", "state.json", "lock"
STATE_VERSION = 1


def write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    """Temp file beside `path`, fsync, rename over it, fsync the directory.

    Unlike `disarm.io.write_atomic` (which reports a failed write as bad input), an OSError
    here propagates: a witness that cannot store its state must not answer as if the request
    were at fault, and must not cosign."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def witness_dir(directory: Path) -> Path:
    if not (directory / KEY_FILE).is_file() or not (directory / STATE_FILE).is_file():
        raise NotFound(f"{directory} is not a witness directory (run `disarm witness init`)")
    return directory


def load_signer(directory: Path) -> Signer:
    path = directory / KEY_FILE
    if path.stat().st_mode & 0o077:
        raise BadInput(f"witness key {path} is readable by others; run: chmod 600 {path}")
    signer = Signer.from_key_string(read_text(path, "witness key"))
    if signer.alg != ALG_COSIGNATURE_V1:
        raise BadInput(f"witness key {path} is not a cosignature (type 0x04) key")
    return signer


def load_states(directory: Path) -> tuple[dict[str, LogState], dict[str, str]]:
    """(latest cosigned state per origin, configured log key per origin)."""
    path = directory / STATE_FILE
    try:
        data = json.loads(read_text(path, "witness state"))
    except json.JSONDecodeError as exc:
        raise BadInput(f"witness state {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise BadInput(f"witness state {path} is not version {STATE_VERSION}")
    logs = data.get("logs")
    if not isinstance(logs, dict):
        raise BadInput(f"witness state {path} has no 'logs' object")
    states = {origin: LogState.from_dict(rec) for origin, rec in logs.items()}
    # A state written before logs were configured: the logs it pinned are the configured ones.
    configured = data.get("configured", {o: st.log_key for o, st in states.items()})
    if not isinstance(configured, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in configured.items()
    ):
        raise BadInput(f"witness state {path} has a malformed 'configured' object")
    return states, configured


def state_text(states: dict[str, LogState], configured: dict[str, str]) -> str:
    logs = {origin: states[origin].to_dict() for origin in sorted(states)}
    known = {origin: configured[origin] for origin in sorted(configured)}
    return (
        json.dumps({"version": STATE_VERSION, "configured": known, "logs": logs}, indent=2) + "\n"
    )


def write_states(directory: Path, states: dict[str, LogState], configured: dict[str, str]) -> None:
    """Replace the state file atomically; call with the lock held."""
    write_atomic(directory / STATE_FILE, state_text(states, configured))


def log_verifier(key: str) -> Verifier:
    try:
        return Verifier.from_key_string(key.strip())
    except (BadInput, ValueError) as exc:
        raise BadInput(f"log key {key!r} is not a verifier key (NAME+KEYID+BASE64)") from exc


def configure(configured: dict[str, str], key: str) -> str:
    """Add a log (origin = the key's name) to the configured ones; never re-pin an origin."""
    verifier = log_verifier(key)
    origin, key_string = verifier.name, verifier.key_string()
    if configured.get(origin, key_string) != key_string:
        raise BadInput(
            f"log {origin} is already configured with key {configured[origin]}; a witness never "
            "changes the key of a log it serves"
        )
    configured[origin] = key_string
    return origin


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the witness's exclusive lock (flock: also excludes other threads of one process)."""
    with open(directory / LOCK_FILE, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
