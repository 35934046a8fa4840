"""`disarm log audit`: a read-only audit that vouches only for what a signed checkpoint covers.

The log is opened read-only (no lock, no journal replay: nothing is written, so it works on
read-only media). Every stored byte is checked against the entries; every checkpoint's signature,
root and consistency with the one before; then the result says how far the latest verified
checkpoint reaches. Entries beyond it, and batches committed in a journal but never applied, are
reported as unverified: the command then exits 1, as it does for a log with no checkpoint at
all. The verifier key comes from the caller (``--key``); falling back to ``DIR/log.vkey`` (which
whoever controls the directory controls) is said in a warning. A trusted earlier checkpoint
(``--checkpoint FILE``) or size (``--min-size N``) makes a rollback or a fork fail, naming both
sizes; without one the output says that a rollback cannot be detected.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from disarm.cli.output import progress, stderr
from disarm.errors import BadInput, VerificationError
from disarm.io import read_text
from disarm.store import TiledLog, is_postgres_url, open_log
from disarm.store.audit import AuditReport
from disarm.store.audit import audit as audit_log
from disarm.store.tiled import idle_workers
from disarm.tlog.note import Verifier
from disarm.tlog.trusted import (
    NOTE_LIMIT,
    TrustedState,
    check_extends,
    trusted_checkpoint,
    trusted_minimum,
)

VKEY_FILE = "log.vkey"
NO_TRUST = (
    "no trusted checkpoint given (--checkpoint FILE or --min-size N): a rollback of the log to "
    "an earlier state cannot be detected"
)


def _warn(text: str) -> None:
    stderr.print(f"warning: {text}", highlight=False, markup=False)


def audit_key(target: str, key: str | None, read_key: Any) -> tuple[str | None, str]:
    """(verifier key or None, where it came from): ``--key``, else DIR/log.vkey with a warning."""
    if key is not None:
        return read_key(None, key), "--key"
    stored = None if is_postgres_url(target) else Path(target) / VKEY_FILE
    if stored is not None and stored.is_file():
        _warn(
            f"no --key given: using {stored} from the directory under audit; whoever controls "
            "the directory controls that file. Pass the log's key obtained out of band."
        )
        return read_key(target, None), str(stored)
    return None, "none"


def _trusted(
    checkpoint: Path | None, min_size: int | None, verifier: Verifier | None, origin: str
) -> list[TrustedState]:
    states = []
    if checkpoint is not None:
        if verifier is None:
            raise BadInput("--checkpoint needs the log's verifier key (--key) to check it")
        note = read_text(checkpoint, "trusted checkpoint", limit=NOTE_LIMIT)
        states.append(trusted_checkpoint(note, verifier, origin=origin, source=str(checkpoint)))
    if min_size is not None:
        states.append(trusted_minimum(min_size))
    return states


def run_audit(
    target: str,
    vkey: str | None,
    key_source: str,
    *,
    checkpoint: Path | None,
    min_size: int | None,
    workers: int,
    quiet: bool,
) -> tuple[dict[str, Any], str, bool]:
    """Audit the log; return (JSON data, text, whether everything is vouched for)."""
    with open_log(target, read_only=True) as store:
        verifier = None if vkey is None else Verifier.from_key_string(vkey)
        if verifier is not None and verifier.name != store.origin:
            raise BadInput(f"key {verifier.name!r} is not for this log ({store.origin!r})")
        trusted = _trusted(checkpoint, min_size, verifier, store.origin)
        if not trusted:
            _warn(NO_TRUST)
        n = workers or idle_workers()
        started = time.perf_counter()
        with progress(not quiet and stderr.is_terminal) as bar:
            task = bar.add_task("auditing", total=store.size)
            report = audit_log(store, verifier, workers=n, progress=lambda k: bar.advance(task, k))
        seconds = time.perf_counter() - started
        _check_trusted(store, report, trusted)
    return _result(target, report, trusted, key_source, seconds)


def _check_trusted(store: TiledLog, report: AuditReport, trusted: list[TrustedState]) -> None:
    for state in trusted:
        if report.checkpoint_size is None or report.checkpoint_root is None:
            raise VerificationError(
                f"rollback: the log has no signed checkpoint, but the trusted "
                f"{state.describe()} has size {state.size}",
                expected=f">= {state.size}",
                computed=0,
            )
        check_extends(
            state, report.checkpoint_size, report.checkpoint_root, store.consistency_proof
        )


def _result(
    target: str,
    report: AuditReport,
    trusted: list[TrustedState],
    key_source: str,
    seconds: float,
) -> tuple[dict[str, Any], str, bool]:
    vouched = report.checkpoint_size
    ok = vouched is not None and report.unverified == 0
    status = "ok" if ok else ("no-checkpoint" if vouched is None else "unverified")
    data: dict[str, Any] = {
        "ok": ok,
        "status": status,
        "origin": report.origin,
        "size": report.size,
        "root": report.root.hex(),
        "checkpoint_size": vouched,
        "unverified_entries": report.unverified,
        "pending_journal_entries": report.pending,
        "entries_checked": report.entries_checked,
        "tiles_checked": report.tiles_checked,
        "checkpoints_checked": report.checkpoints_checked,
        "consistency_proofs_checked": report.consistency_proofs_checked,
        "key_source": key_source,
        "trusted": [{"size": t.size, "source": t.source} for t in trusted] or None,
        "seconds": round(seconds, 3),
        "entries_per_second": round(report.size / seconds) if seconds > 0 else None,
    }
    stored = (
        f"{report.size} entries, {report.tiles_checked} tiles, {report.checkpoints_checked} "
        f"checkpoints, {report.consistency_proofs_checked} consistency proofs checked in "
        f"{seconds:.2f} s"
    )
    pending = (
        f"; {report.pending} more entries are committed in the journal but not applied (a "
        "writable open replays them) and are not checked"
        if report.pending
        else ""
    )
    if vouched is None:
        text = (
            f"NO CHECKPOINT: {target} has no signed checkpoint, so none of its "
            f"{report.size + report.pending} entries is vouched for (storage: {stored}){pending}"
        )
    elif ok:
        text = (
            f"OK: the checkpoint at size {vouched} vouches for every entry; {stored}; "
            f"root {report.root.hex()}"
        )
    else:
        beyond = report.size - vouched
        text = (
            f"UNVERIFIED: {beyond} entries after the latest signed checkpoint (size {vouched} of "
            f"{report.size}) are covered by no checkpoint{pending}; up to size {vouched}: {stored}"
        )
    if trusted:
        text += "\n" + "; ".join(f"extends the trusted {t.describe()}" for t in trusted)
    return data, text, ok


__all__ = ["NO_TRUST", "audit_key", "run_audit"]
