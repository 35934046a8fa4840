"""`disarm witness`: an independent witness that cosigns consistent checkpoints.

The witness directory (the adapter around the pure `disarm.tlog.witness` state machine):

    DIR/witness.key    the private key string (PRIVATE+KEY+..., type 0x04), mode 0600
    DIR/witness.vkey   the verifier key string, to give to verifiers
    DIR/state.json     the logs it serves, configured in advance (origin -> log key), and per
                       origin the latest cosigned checkpoint
    DIR/lock           held (flock) from reading the state to writing it, so that two
                       concurrent `cosign` calls cannot roll the state back

State is written atomically (temp file, fsync, rename, fsync of the directory) before the
cosignature is printed; a refused checkpoint changes nothing on disk.

A witness cosigns only for logs configured in advance (`witness init --log KEY`, `witness
add-log`): a checkpoint of any other origin, or signed by another key, is refused, so nobody can
make it pin a log it was never told about. Cosignature times are its own clock (``--time`` may
not run more than `MAX_CLOCK_SKEW` seconds ahead of it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from disarm.cli.app import group
from disarm.cli.output import emit, print_json, stderr
from disarm.errors import BadInput, Conflict, NotFound
from disarm.io import read_text
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.cosignature import add_cosignatures
from disarm.tlog.note import ALG_COSIGNATURE_V1, Signer, Verifier, generate_key, split_note
from disarm.tlog.witness import MAX_CLOCK_SKEW, LogState, add_checkpoint, parse_proof

witness_app = group(
    "witness", "A witness: cosigns a checkpoint only if it is consistent with the last one."
)


class UnknownLog(Conflict):
    """A checkpoint of a log this witness was not configured for (or under another key)."""


KEY_FILE, VKEY_FILE, STATE_FILE, LOCK_FILE = "witness.key", "witness.vkey", "state.json", "lock"
STATE_VERSION = 1
JSON_OPT = typer.Option(False, "--json", help="Print JSON instead of text.")


# ----------------------------------------------------------------------------- the directory


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_text(path: Path, what: str) -> str:
    return read_text(path, what)


def _witness_dir(directory: Path) -> Path:
    if not (directory / KEY_FILE).is_file() or not (directory / STATE_FILE).is_file():
        raise NotFound(f"{directory} is not a witness directory (run `disarm witness init`)")
    return directory


def _load_signer(directory: Path) -> Signer:
    path = directory / KEY_FILE
    if path.stat().st_mode & 0o077:
        raise BadInput(f"witness key {path} is readable by others; run: chmod 600 {path}")
    signer = Signer.from_key_string(_read_text(path, "witness key"))
    if signer.alg != ALG_COSIGNATURE_V1:
        raise BadInput(f"witness key {path} is not a cosignature (type 0x04) key")
    return signer


def _load_states(directory: Path) -> tuple[dict[str, LogState], dict[str, str]]:
    """(latest cosigned state per origin, configured log key per origin)."""
    path = directory / STATE_FILE
    try:
        data = json.loads(_read_text(path, "witness state"))
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


def _state_text(states: dict[str, LogState], configured: dict[str, str]) -> str:
    logs = {origin: states[origin].to_dict() for origin in sorted(states)}
    known = {origin: configured[origin] for origin in sorted(configured)}
    return (
        json.dumps({"version": STATE_VERSION, "configured": known, "logs": logs}, indent=2) + "\n"
    )


def _log_verifier(key: str) -> Verifier:
    try:
        return Verifier.from_key_string(key.strip())
    except (BadInput, ValueError) as exc:
        raise BadInput(f"log key {key!r} is not a verifier key (NAME+KEYID+BASE64)") from exc


def _configure(configured: dict[str, str], key: str) -> str:
    """Add a log (origin = the key's name) to the configured ones; never re-pin an origin."""
    verifier = _log_verifier(key)
    origin, key_string = verifier.name, verifier.key_string()
    if configured.get(origin, key_string) != key_string:
        raise BadInput(
            f"log {origin} is already configured with key {configured[origin]}; a witness never "
            "changes the key of a log it serves"
        )
    configured[origin] = key_string
    return origin


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / LOCK_FILE, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat().replace("+00:00", "Z")


# ----------------------------------------------------------------------------- commands


@witness_app.command("init")
def init(
    directory: Path = typer.Argument(..., help="Directory to create for the witness."),
    name: str = typer.Option(
        ..., "--name", help="The witness's key name, a schema-less URL, e.g. witness.example/w1."
    ),
    logs: list[str] = typer.Option(
        [], "--log", help="A log to serve: its verifier key (NAME+KEYID+BASE64); repeatable."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Create a witness: a new cosignature key pair (private key mode 0600) and empty state.

    Prints the verifier key, which log verifiers configure to count this witness.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BadInput(f"{directory} already exists and is not an empty directory")
    parent = directory.parent
    if not parent.is_dir():
        raise NotFound(f"parent directory {parent} does not exist")
    configured: dict[str, str] = {}
    for key in logs:
        _configure(configured, key)
    skey, vkey = generate_key(name, os.urandom(32), alg=ALG_COSIGNATURE_V1)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=parent))
    try:
        fd = os.open(tmp / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(skey + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        _write_atomic(tmp / VKEY_FILE, vkey + "\n")
        _write_atomic(tmp / STATE_FILE, _state_text({}, configured))
        os.chmod(tmp, 0o700)
        if directory.exists():
            directory.rmdir()  # empty: checked above
        os.rename(tmp, directory)
        _fsync_dir(parent)
    except BaseException:
        for child in tmp.glob("*") if tmp.exists() else []:
            child.unlink()
        if tmp.exists():
            tmp.rmdir()
        raise
    if as_json:
        print_json({"directory": directory, "name": name, "verifier_key": vkey})
    else:
        stderr.print(f"witness {name} created in {directory}; its verifier key:")
        typer.echo(vkey)


@witness_app.command("cosign")
def cosign_cmd(
    directory: Path = typer.Argument(..., help="The witness directory."),
    checkpoint: Path = typer.Option(
        ..., "--checkpoint", help="The log-signed checkpoint note (C2SP tlog-checkpoint)."
    ),
    proof: Path | None = typer.Option(
        None,
        "--proof",
        help="Consistency proof file: a line 'old <size>' (the size this witness last "
        "cosigned), then one base64 hash per line. Omit for a first checkpoint (old 0).",
    ),
    log_key: str | None = typer.Option(
        None,
        "--log-key",
        help="The log's verifier key, if given: it must be the one configured for the origin.",
    ),
    at: int | None = typer.Option(
        None,
        "--time",
        help=f"Cosignature time, POSIX seconds (default: now; at most {MAX_CLOCK_SKEW} s ahead).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Also write the checkpoint with this cosignature appended here."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Verify a checkpoint against the last one cosigned for its origin and cosign it.

    Refuses (exit 1) a log it is not configured for, a missing or forged log signature, a
    rollback, a fork, a bad proof.

    On refusal nothing on disk changes. Prints the cosignature line (or JSON).
    """
    _witness_dir(directory)
    signer = _load_signer(directory)
    note = _read_text(checkpoint, "checkpoint")
    old_size, hashes = parse_proof(_read_text(proof, "proof")) if proof else (0, [])
    now = int(time.time())
    timestamp = now if at is None else at
    given = None if log_key is None else _log_verifier(log_key).key_string()
    if out is not None and not out.parent.is_dir():
        raise NotFound(f"directory of --out {out} does not exist")
    origin = Checkpoint.parse(split_note(note)[0]).origin  # bad input: refused before locking
    with _locked(directory):
        states, configured = _load_states(directory)
        pinned = configured.get(origin)
        if pinned is None:
            raise UnknownLog(
                f"this witness is not configured for log {origin}: it cosigns only logs added "
                "in advance (`disarm witness add-log`)"
            )
        if given is not None and given != pinned:
            raise UnknownLog(f"log {origin} is configured with key {pinned}, not {given}")
        result = add_checkpoint(
            note=note,
            old_size=old_size,
            proof=hashes,
            log_key=pinned,
            latest=states.get(origin),
            signer=signer,
            timestamp=timestamp,
            now=now,
        )
        states[origin] = result.state
        _write_atomic(directory / STATE_FILE, _state_text(states, configured))
    if out is not None:
        _write_atomic(out, add_cosignatures(note, [result.line]))
    if as_json:
        print_json(
            {
                "origin": origin,
                "size": result.checkpoint.size,
                "root_hash": result.checkpoint.root_hash.hex(),
                "previous_size": result.previous_size,
                "timestamp": timestamp,
                "cosignature": result.line.rstrip("\n"),
            }
        )
    else:
        stderr.print(
            f"cosigned {origin} at size {result.checkpoint.size} "
            f"(consistent with size {result.previous_size})"
        )
        typer.echo(result.line, nl=False)


@witness_app.command("add-log")
def add_log(
    directory: Path = typer.Argument(..., help="The witness directory."),
    log_key: str = typer.Option(
        ..., "--log-key", help="The log's verifier key (NAME+KEYID+BASE64); its name is the origin."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Configure a log this witness serves (origin and key); it cosigns no other."""
    _witness_dir(directory)
    with _locked(directory):
        states, configured = _load_states(directory)
        origin = _configure(configured, log_key)
        _write_atomic(directory / STATE_FILE, _state_text(states, configured))
    if as_json:
        print_json({"origin": origin, "log_key": configured[origin]})
    else:
        stderr.print(f"witness serves log {origin} with key {configured[origin]}")


@witness_app.command("show")
def show(
    directory: Path = typer.Argument(..., help="The witness directory."),
    as_json: bool = JSON_OPT,
) -> None:
    """Show the witness's verifier key and the latest checkpoint it cosigned for each log."""
    _witness_dir(directory)
    vkey = _read_text(directory / VKEY_FILE, "witness verifier key").strip()
    states, configured = _load_states(directory)
    rows: list[dict[str, Any]] = [
        {
            "origin": s.origin,
            "size": s.size,
            "root_hash": s.root_hash.hex(),
            "cosigned_at": _iso(s.cosigned_at),
            "log_key": s.log_key,
        }
        for s in (states[o] for o in sorted(states))
    ]
    if as_json:
        print_json({"verifier_key": vkey, "configured": configured, "logs": rows})
    else:
        stderr.print(f"witness verifier key: {vkey}")
        for origin in sorted(configured):
            stderr.print(f"serves {origin} ({configured[origin]})")
        if rows:
            emit(rows, title=f"Latest cosigned checkpoints ({len(rows)} logs)")
        else:
            stderr.print("no checkpoint cosigned yet")
