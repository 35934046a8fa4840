"""`disarm log`: the transparency log — init, append, checkpoint, prove, audit.

A log is a directory (C2SP tlog tiles packed into files, see `disarm.store.directory`) or a
``postgresql://...?schema=NAME`` URL. A directory log keeps its keys beside it:

    DIR/log.key     the log's Ed25519 signing key (signed-note key string), mode 0600
    DIR/log.vkey    its verifier key string, to give to witnesses and verifiers

Every command that changes the log validates all its input first: bad input changes nothing.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

import typer

from disarm.cli.app import group
from disarm.cli.log_append import (
    MAX_ENTRIES,
    Input,
    batches,
    durable_report,
    earlier_run,
    read_input,
    resume_point,
)
from disarm.cli.log_cosigned import cosigned_note, size_matches
from disarm.cli.output import print_json, progress, stderr, stdout
from disarm.errors import BadInput, NotFound
from disarm.service.logbook import AppendResult, Logbook, check_log_key
from disarm.store import TiledLog, create_log, is_postgres_url, open_log
from disarm.store.tiled import idle_workers
from disarm.tlog.bundle import ProofBundle, parse_bundle, verify_bundle
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.note import Signer, Verifier, generate_key, split_note
from disarm.tlog.witness import format_proof

log_app = group("log", "The append-only Merkle transparency log: append, checkpoint, prove, audit.")

KEY_FILE, VKEY_FILE = "log.key", "log.vkey"
JSON_OPT = typer.Option(False, "--json", help="Print JSON instead of text.")
QUIET_OPT = typer.Option(False, "--quiet", "-q", help="No progress bar.")
TARGET_ARG = typer.Argument(
    ..., help="The log: a directory, or a postgresql://...?schema=NAME URL."
)
KEY_FILE_OPT = typer.Option(
    None, "--key-file", help="The log's signing key file (default: DIR/log.key)."
)


# ----------------------------------------------------------------------------- helpers


def _open(target: str, *, read_only: bool = False) -> TiledLog:
    """Open the log; ``read_only`` takes no lock and writes nothing (reads on read-only media)."""
    if not is_postgres_url(target) and not Path(target).exists():
        raise NotFound(f"log directory {target} does not exist")
    return open_log(target, read_only=read_only)


def _key_path(target: str, key_file: Path | None) -> Path:
    if key_file is not None:
        return key_file
    if is_postgres_url(target):
        raise BadInput("a PostgreSQL log keeps no key files: pass --key-file")
    return Path(target) / KEY_FILE


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"{what} {path} does not exist") from exc
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise BadInput(f"{what} {path} is not a text file") from exc


def _load_signer(target: str, key_file: Path | None) -> Signer:
    path = _key_path(target, key_file)
    signer = Signer.from_key_string(_read_text(path, "signing key file").strip())
    vkey_path = None if is_postgres_url(target) else Path(target) / VKEY_FILE
    if (
        vkey_path is not None
        and vkey_path.exists()
        and _read_text(vkey_path, "verifier key file").strip() != signer.verifier_key()
    ):
        raise BadInput(f"{path} is not the key of this log (it does not match {vkey_path})")
    return signer


def _verifier_key(target: str | None, key: str | None) -> str:
    """A verifier key given as a string or a file holding it; else the log's log.vkey."""
    if key is None:
        if target is None or is_postgres_url(target):
            raise BadInput("pass the log's verifier key with --key")
        return _read_text(Path(target) / VKEY_FILE, "verifier key file").strip()
    if "+" not in key or Path(key).exists():
        return _read_text(Path(key), "verifier key file").strip()
    return key.strip()


def _write_key(path: Path, text: str) -> None:
    """Create a private key file with mode 0600; never overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _checkpoint_size(note: str) -> int:
    text, _ = split_note(note)
    return Checkpoint.parse(text).size


def _hashes(values: list[bytes]) -> list[str]:
    return [v.hex() for v in values]


def _out(data: dict[str, Any], as_json: bool, text: str) -> None:
    if as_json:
        print_json(data)
    else:
        stdout.print(text, highlight=False, markup=False)


# ----------------------------------------------------------------------------- commands


@log_app.command("init")
def init(
    target: str = TARGET_ARG,
    origin: str = typer.Option(
        ..., "--origin", help="The log's origin line, e.g. example.org/log."
    ),
    key_file: Path | None = typer.Option(
        None, "--key-file", help="Where to create the signing key (default: DIR/log.key; 0600)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Create an empty log and its Ed25519 signing key; print the verifier key."""
    Checkpoint(origin, 0, bytes(32))  # validates the origin line
    if not is_postgres_url(target):
        root = Path(target)
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise BadInput(f"{root} already exists and is not an empty directory")
    key_path = _key_path(target, key_file)
    if key_path.exists():
        raise BadInput(f"key file {key_path} already exists; it is never overwritten")
    if key_file is not None and not key_path.parent.is_dir():
        raise NotFound(f"directory {key_path.parent} for the key file does not exist")
    skey, vkey = generate_key(origin)
    with create_log(target, origin):
        pass
    _write_key(key_path, skey)
    if not is_postgres_url(target):
        (Path(target) / VKEY_FILE).write_text(vkey + "\n", "utf-8")
    data = {"target": target, "origin": origin, "key_file": str(key_path), "verifier_key": vkey}
    _out(data, as_json, vkey)


@log_app.command("append")
def append(
    target: str = TARGET_ARG,
    source: str = typer.Argument("-", help="File with one entry per line, or - for stdin."),
    key_file: Path | None = KEY_FILE_OPT,
    batch_size: int = typer.Option(
        100_000, "--batch-size", min=1, help="Entries per batch (one fsync, one checkpoint each)."
    ),
    workers: int = typer.Option(
        1, "--workers", min=0, help="Hashing processes (a process pool; 0: one per idle core)."
    ),
    resume: bool = typer.Option(
        False,
        "--resume",
        help="After an interrupted append of this input: check that the log holds its start "
        "and append only the rest.",
    ),
    allow_duplicates: bool = typer.Option(
        False,
        "--allow-duplicates",
        help="Append even when the log already holds the start of this input.",
    ),
    max_entries: int = typer.Option(
        MAX_ENTRIES, "--max-entries", min=1, help="Refuse inputs with more entries than this."
    ),
    quiet: bool = QUIET_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Append entries in batches; each batch is durable and gets one signed checkpoint.

    The input is validated whole (streamed, each line bounded) before anything is appended. If a
    write fails, the error says which lines are durable; re-run with --resume to finish.
    """
    if resume and allow_duplicates:
        raise BadInput("--resume and --allow-duplicates contradict each other")
    store = _open(target)
    try:
        signer = _load_signer(target, key_file)
        check_log_key(store, signer)
        store.workers = workers or idle_workers()
        with read_input(source, max_entries) as data:
            result, skip, seconds = _append_input(
                store, signer, data, batch_size, resume, allow_duplicates, quiet
            )
    finally:
        with contextlib.suppress(OSError):  # what is durable was reported; a reopen recovers
            store.close()
    out = {
        "first": result.first,
        "count": result.count,
        "size": result.size,
        "root": result.root.hex(),
        "batches": result.batches,
        "resumed_after": skip,
        "seconds": round(seconds, 3),
        "checkpoint": result.checkpoint or None,
    }
    text = (
        f"appended {result.count} entries ({result.first}..{result.size - 1})"
        f" in {result.batches} batch(es); size {result.size}\n{result.checkpoint}"
        if result.count
        else f"nothing to append: the log already holds all {data.count} entries of {data.name}"
    )
    if skip and result.count:
        text = f"resumed after line {skip}: " + text
    _out(out, as_json, text.rstrip("\n"))


def _append_input(
    store: TiledLog,
    signer: Signer,
    data: Input,
    batch_size: int,
    resume: bool,
    allow_duplicates: bool,
    quiet: bool,
) -> tuple[AppendResult, int, float]:
    """(result, input lines skipped as already in the log, seconds)."""
    first_batch = next(batches(data, batch_size))
    data.file.seek(0)
    start = None if allow_duplicates else earlier_run(store, first_batch)
    skip = 0
    if start is not None:
        if not resume:
            raise BadInput(
                f"the log already holds the first {len(first_batch)} entries of {data.name} at "
                f"positions {start}-{start + len(first_batch) - 1}: an earlier append of this "
                "input was interrupted, or it was appended before. Pass --resume to append only "
                "what is missing, or --allow-duplicates"
            )
        skip = resume_point(store, data, start)
    elif resume:
        raise BadInput(f"the log does not hold the start of {data.name}: nothing to resume")
    first = store.size
    started = time.perf_counter()
    if skip == data.count:
        return AppendResult(first, 0, first, store.root(), "", 0), skip, 0.0
    show = not quiet and stderr.is_terminal and data.count > batch_size
    try:
        with progress(show) as bar:
            task = bar.add_task("appending", total=data.count - skip)
            result = Logbook(store, signer).append_batches(
                batches(data, batch_size, skip), progress=lambda n: bar.advance(task, n)
            )
    except OSError as exc:
        raise durable_report(store, data, first, skip, exc) from exc
    return result, skip, time.perf_counter() - started


@log_app.command("checkpoint")
def checkpoint(
    target: str = TARGET_ARG, key_file: Path | None = KEY_FILE_OPT, as_json: bool = JSON_OPT
) -> None:
    """Sign and store a checkpoint of the current tree; print it."""
    with _open(target) as store:
        signer = _load_signer(target, key_file)
        note = Logbook(store, signer).checkpoint()
        size, root = store.size, store.root()
    _out({"size": size, "root": root.hex(), "checkpoint": note}, as_json, note.rstrip("\n"))


@log_app.command("prove")
def prove(
    target: str = TARGET_ARG,
    index: int = typer.Option(..., "--index", help="The entry's index."),
    size: int | None = typer.Option(
        None, "--size", help="Tree size (default: the latest checkpoint's, else the log's)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write an offline proof bundle (c2sp.org/tlog-proof) to this file."
    ),
    cosigned: Path | None = typer.Option(
        None,
        "--cosigned",
        help="Put this witness-cosigned checkpoint of the log in the bundle (a note file, or a "
        "directory of them such as a demo's cosigned/: the one of the tree size is taken).",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Print an inclusion proof for an entry; with --out, write an offline proof bundle."""
    if cosigned is not None and out is None:
        raise BadInput("--cosigned goes into a proof bundle: give --out too")
    with _open(target, read_only=True) as store:
        latest = store.latest_checkpoint()
        witnessed = None if cosigned is None else cosigned_note(cosigned, size)
        if witnessed is not None and cosigned is not None:
            size = size_matches(size, witnessed, cosigned)
        if size is None:
            size = _checkpoint_size(latest) if latest is not None else store.size
        if not 0 <= size <= store.size:
            raise BadInput(f"tree size {size} is out of range: the log has {store.size} entries")
        if not 0 <= index < size:
            raise BadInput(f"entry index {index} is out of range: the tree has {size} entries")
        proof = store.inclusion_proof(index, size)
        entry, leaf, root = store.entry(index), store.leaf_hash(index), store.root(size)
        note = None
        if out is not None:
            matching = [n for n in store.checkpoints() if _checkpoint_size(n) == size]
            if not matching:
                raise BadInput(
                    f"no signed checkpoint has tree size {size}; run `disarm log checkpoint`"
                )
            note = matching[-1]
            if witnessed is not None:
                if split_note(witnessed)[0] not in {split_note(n)[0] for n in matching}:
                    raise BadInput(
                        f"{cosigned} is not a checkpoint of this log: no stored checkpoint has "
                        f"its size ({size}) and root"
                    )
                note = witnessed
            if out.exists():
                raise BadInput(f"{out} already exists; it is never overwritten")
            if not out.parent.is_dir():
                raise NotFound(f"directory {out.parent} does not exist")
    if out is not None and note is not None:
        bundle = ProofBundle(index, tuple(proof), note, entry)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(bundle.format(), "utf-8")
        os.replace(tmp, out)
    data = {
        "index": index,
        "size": size,
        "leaf_hash": leaf.hex(),
        "root": root.hex(),
        "proof": _hashes(proof),
        "bundle": str(out) if out is not None else None,
        "cosigned": witnessed is not None,
    }
    text = "\n".join(
        [f"index {index} in tree size {size}", f"leaf hash {leaf.hex()}", f"root {root.hex()}"]
        + [f"  {h.hex()}" for h in proof]
        + ([f"bundle written to {out}"] if out is not None else [])
    )
    _out(data, as_json, text)


@log_app.command("consistency")
def consistency(
    target: str = TARGET_ARG,
    old: int = typer.Option(..., "--old", help="The older tree size."),
    new: int | None = typer.Option(None, "--new", help="The newer tree size (default: the log's)."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Also write the proof as a witness proof file ('old <size>' then one base64 hash "
        "per line), the input of `disarm witness cosign --proof`. Never overwritten.",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Print an RFC 9162 consistency proof between two tree sizes."""
    if out is not None:
        if out.exists():
            raise BadInput(f"{out} already exists; it is never overwritten")
        if not out.parent.is_dir():
            raise NotFound(f"directory {out.parent} does not exist")
    with _open(target, read_only=True) as store:
        new_size = store.size if new is None else new
        if not 0 <= new_size <= store.size:
            raise BadInput(f"tree size {new_size} is out of range: the log has {store.size}")
        if not 0 < old <= new_size:
            raise BadInput(f"old tree size {old} must be between 1 and the new size {new_size}")
        proof = store.consistency_proof(old, new_size)
        old_root, new_root = store.root(old), store.root(new_size)
    if out is not None:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(format_proof(old, proof), "utf-8")
        os.replace(tmp, out)
    data = {
        "old": old,
        "new": new_size,
        "old_root": old_root.hex(),
        "new_root": new_root.hex(),
        "proof": _hashes(proof),
    }
    text = "\n".join(
        [f"{old} -> {new_size}", f"old root {old_root.hex()}", f"new root {new_root.hex()}"]
        + [f"  {h.hex()}" for h in proof]
    )
    _out(data, as_json, text)


@log_app.command("verify-proof")
def verify_proof(
    bundle: Path = typer.Argument(..., help="The proof bundle file (c2sp.org/tlog-proof)."),
    key: str = typer.Option(..., "--key", help="The log's verifier key (string or file)."),
    witness: list[str] = typer.Option(
        [], "--witness", help="A witness verifier key (string or file); repeatable."
    ),
    quorum: int | None = typer.Option(
        None, "--quorum", min=0, help="Cosignatures required (default: every --witness given)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Verify an offline proof bundle: log signature, witness quorum, inclusion."""
    text = _read_text(bundle, "proof bundle")
    log_key = _verifier_key(None, key)
    witnesses = [_verifier_key(None, w) for w in witness]
    needed = len(witnesses) if quorum is None else quorum
    if needed > len(witnesses):
        raise BadInput(f"quorum {needed} is more than the {len(witnesses)} witness key(s) given")
    parsed = parse_bundle(text)
    verifier = Verifier.from_key_string(log_key)
    _, signatures = split_note(parsed.checkpoint_note)
    if not any(s.name == verifier.name and s.key_id == verifier.key_id for s in signatures):
        raise BadInput(
            f"the bundle's checkpoint carries no signature by key {verifier.name}"
            f"+{verifier.key_id:08x}: wrong --key?"
        )
    result = verify_bundle(parsed, log_key, witnesses, needed)
    given = {(v.name, v.key_id) for v in map(Verifier.from_key_string, witnesses)}
    verifiers = [(s.name, s.key_id) for s in signatures if (s.name, s.key_id) in given]
    data = {
        "verified": True,
        "origin": result.checkpoint.origin,
        "size": result.checkpoint.size,
        "root": result.checkpoint.root_hash.hex(),
        "index": result.index,
        "leaf_hash": result.leaf_hash.hex(),
        # Each cosigner by its key (name+key id), with the time of its cosignature apart.
        "cosigners": [_witness_id(name, verifiers) for name, _ in result.cosigners],
        "cosigned_at": {_witness_id(n, verifiers): t for n, t in result.cosigners},
    }
    _out(
        data,
        as_json,
        f"OK: entry {result.index} is in {result.checkpoint.origin} at size "
        f"{result.checkpoint.size} ({len(result.cosigners)} cosignature(s))",
    )


@log_app.command("audit")
def audit(
    target: str = TARGET_ARG,
    key: str | None = typer.Option(
        None,
        "--key",
        help="The log's verifier key (string or file), obtained out of band. Without it, "
        "DIR/log.vkey is used with a warning.",
    ),
    checkpoint: Path | None = typer.Option(
        None,
        "--checkpoint",
        help="A trusted earlier checkpoint note of this log (a file): fail on a rollback below "
        "it or a fork from it.",
    ),
    min_size: int | None = typer.Option(
        None, "--min-size", min=0, help="A trusted minimum tree size: fail on a rollback below it."
    ),
    workers: int = typer.Option(
        1, "--workers", min=0, help="Hashing processes (a process pool; 0: one per idle core)."
    ),
    quiet: bool = QUIET_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Read-only audit: recompute every leaf, node, root and checkpoint; report the first
    disagreement. Exit 1 when entries are beyond the latest signed checkpoint or there is none."""
    from disarm.cli.log_audit import audit_key, run_audit

    vkey, source = audit_key(target, key, _verifier_key)
    if vkey is not None and key is not None and not is_postgres_url(target):
        stored = Path(target) / VKEY_FILE
        if stored.is_file() and _read_text(stored, "verifier key").strip() != vkey:
            _warn(f"{stored} is not the verifier key given with --key; it is ignored")
    data, text, ok = run_audit(
        target,
        vkey,
        source,
        checkpoint=checkpoint,
        min_size=min_size,
        workers=workers,
        quiet=quiet,
    )
    _out(data, as_json, text)
    if not ok:
        raise typer.Exit(1)


def _warn(text: str) -> None:
    stderr.print(f"warning: {text}", highlight=False, markup=False)


def _witness_id(name: str, verifiers: list[tuple[str, int]]) -> str:
    """A cosigner as its key: ``name+keyid`` of the given witness key that signed."""
    return next(f"{n}+{kid:08x}" for n, kid in verifiers if n == name)


def _disk_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


@log_app.command("info")
def info(target: str = TARGET_ARG, as_json: bool = JSON_OPT) -> None:
    """Show the log's origin, size, root, latest checkpoint and storage use."""
    with _open(target, read_only=True) as store:
        latest = store.latest_checkpoint()
        data: dict[str, Any] = {
            "target": target,
            "origin": store.origin,
            "size": store.size,
            "root": store.root().hex(),
            "latest_checkpoint_size": _checkpoint_size(latest) if latest else None,
            "checkpoints": len(store.checkpoints()),
            # Read-only, batches committed in the journal but not applied are not counted above.
            "pending_journal_entries": getattr(store, "pending", (0, 0))[0],
        }
        if not is_postgres_url(target):
            root = Path(target)
            data["disk_bytes"] = _disk_bytes(root)
            vkey = root / VKEY_FILE
            data["verifier_key"] = (
                _read_text(vkey, "verifier key").strip() if vkey.exists() else None
            )
    text = "\n".join(f"{k}: {v}" for k, v in data.items())
    _out(data, as_json, text)


@log_app.command("export-tiles")
def export_tiles_cmd(
    target: str = TARGET_ARG,
    out: Path = typer.Argument(..., help="Empty directory to write the static tlog-tiles into."),
    as_json: bool = JSON_OPT,
) -> None:
    """Write the log as static C2SP tlog-tiles files (checkpoint, tile/...), ready to serve."""
    from disarm.store.tiles_view import export_tiles

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInput(f"{out} already exists and is not an empty directory")
    with _open(target, read_only=True) as store:
        sizes = [_checkpoint_size(n) for n in store.checkpoints()]
        out.mkdir(parents=True, exist_ok=True)
        count = export_tiles(store, out, sizes=sizes)
    _out({"out": str(out), "files": count}, as_json, f"wrote {count} tile files to {out}")
