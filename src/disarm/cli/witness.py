"""`disarm witness`: an independent witness that cosigns consistent checkpoints.

The witness directory (its key, state file and lock) is `disarm.store.witness_state`; the
locked check-and-persist step is `disarm.service.witness.cosign_checkpoint`, shared with
`witness serve` (the HTTP side of c2sp.org/tlog-witness, `disarm.api.witness`).

State is written atomically (temp file, fsync, rename, fsync of the directory) before the
cosignature is printed; a refused checkpoint changes nothing on disk.

A witness cosigns only for logs configured in advance (`witness init --log KEY`, `witness
add-log`): a checkpoint of any other origin, or signed by another key, is refused, so nobody can
make it pin a log it was never told about. Cosignature times are its own clock (``--time`` may
not run more than `MAX_CLOCK_SKEW` seconds ahead of it).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import typer

from disarm.cli.app import group
from disarm.cli.output import emit, print_json, stderr
from disarm.errors import BadInput, NotFound
from disarm.io import read_text
from disarm.service.witness import cosign_checkpoint
from disarm.store import witness_state as ws
from disarm.store.witness_state import KEY_FILE, STATE_FILE, VKEY_FILE
from disarm.tlog.cosignature import add_cosignatures
from disarm.tlog.note import ALG_COSIGNATURE_V1, generate_key
from disarm.tlog.witness import MAX_CLOCK_SKEW, parse_proof

witness_app = group(
    "witness", "A witness: cosigns a checkpoint only if it is consistent with the last one."
)


JSON_OPT = typer.Option(False, "--json", help="Print JSON instead of text.")


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
        ws.configure(configured, key)
    skey, vkey = generate_key(name, os.urandom(32), alg=ALG_COSIGNATURE_V1)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=parent))
    try:
        fd = os.open(tmp / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(skey + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        ws.write_atomic(tmp / VKEY_FILE, vkey + "\n")
        ws.write_atomic(tmp / STATE_FILE, ws.state_text({}, configured))
        os.chmod(tmp, 0o700)
        if directory.exists():
            directory.rmdir()  # empty: checked above
        os.rename(tmp, directory)
        ws.fsync_dir(parent)
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
    ws.witness_dir(directory)
    signer = ws.load_signer(directory)
    note = read_text(checkpoint, "checkpoint")
    old_size, hashes = parse_proof(read_text(proof, "proof")) if proof else (0, [])
    now = int(time.time())
    timestamp = now if at is None else at
    given = None if log_key is None else ws.log_verifier(log_key).key_string()
    if out is not None and not out.parent.is_dir():
        raise NotFound(f"directory of --out {out} does not exist")
    result = cosign_checkpoint(
        directory,
        note=note,
        old_size=old_size,
        proof=hashes,
        signer=signer,
        timestamp=timestamp,
        now=now,
        log_key=given,
    )
    origin = result.checkpoint.origin
    if out is not None:
        ws.write_atomic(out, add_cosignatures(note, [result.line]))
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
    ws.witness_dir(directory)
    with ws.locked(directory):
        states, configured = ws.load_states(directory)
        origin = ws.configure(configured, log_key)
        ws.write_states(directory, states, configured)
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
    ws.witness_dir(directory)
    vkey = read_text(directory / VKEY_FILE, "witness verifier key").strip()
    states, configured = ws.load_states(directory)
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


@witness_app.command("serve")
def serve(
    directory: Path = typer.Argument(..., help="The witness directory."),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on (default loopback only; 0.0.0.0 only if given here).",
    ),
    port: int = typer.Option(
        7380, "--port", min=1, max=65535, help="TCP port to listen on (1-65535)."
    ),
) -> None:
    """Serve the witness over HTTP: c2sp.org/tlog-witness `POST /add-checkpoint`.

    Cosigns only the logs configured in advance, with this witness's own clock; the state is
    updated under the same lock as `witness cosign`. One JSON log line per request on stderr.
    """
    ws.witness_dir(directory)
    ws.load_signer(directory)  # a bad key fails here, before listening
    import logging

    import uvicorn

    from disarm.api.witness import witness_app as make_app

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("disarm.witness")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    stderr.print(f"witness serving {directory} on http://{host}:{port}/add-checkpoint")
    uvicorn.run(make_app(directory), host=host, port=port, access_log=False, log_level="warning")
