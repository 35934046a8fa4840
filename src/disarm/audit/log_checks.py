"""Checks of the transparency log itself: storage, Merkle tree, checkpoints, cosignatures.

* `LogStorageCheck`: the stored log is whole (`disarm.store.audit`: every entry bundle hashes to
  its level-0 tile, every stored tree node and interior node follows from the entries, every
  stored checkpoint is signed by the log key and consistent with the one before it).
* `MerkleCheck`: the RFC 9162 tree rebuilt in memory from the entries alone (not from the stored
  hashes) has the root the store reports.
* `CheckpointCheck`: every checkpoint in the history is signed by the trusted log key and by no
  other key, has the rebuilt tree's root at its size, grows monotonically, and each consecutive
  pair is consistent (an RFC 9162 consistency proof from the rebuilt tree, verified).
* `CosignatureCheck`: every cosigned checkpoint file carries the log's signature and valid
  cosignatures from at least the quorum of trusted witnesses, no signature by an unknown key,
  and is one of the log's own checkpoints; every checkpoint of the history has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from disarm.audit.context import AuditContext, CosignedNote
from disarm.audit.model import CheckResult, Mismatch, OptionError, first_difference
from disarm.errors import BadInput, VerificationError
from disarm.store import journal
from disarm.store.audit import audit as audit_store
from disarm.tlog import merkle
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint
from disarm.tlog.cosignature import verify_checkpoint
from disarm.tlog.note import split_note

__all__ = ["CheckpointCheck", "CosignatureCheck", "LogStorageCheck", "MerkleCheck"]

_STORE_FILE = re.compile(
    r"\b(data|bundles|journal|checkpoints|checkpoint|log\.meta|"
    r"hashes/\d+|nodes/\d+)\b"
)


class LogStorageCheck:
    name = "log"
    title = "log storage: entry bundles, tiles, interior nodes, checkpoint history"

    def run(self, ctx: AuditContext) -> CheckResult:
        try:
            report = audit_store(ctx.store, ctx.trust.log_key)
        except (VerificationError, BadInput) as exc:
            m = _STORE_FILE.search(exc.message)
            inner = m.group(1) if m else None
            raise Mismatch(
                exc.message,
                file=f"{ctx.log_dir}/{inner}" if inner else ctx.log_dir,
                expected=getattr(exc, "expected", None),
                computed=getattr(exc, "computed", None),
            ) from exc
        files = _log_files(ctx)
        return CheckResult(
            self.name,
            self.title,
            checked=report.entries_checked,
            unit="entries",
            figures={
                "origin": report.origin,
                "size": report.size,
                "tiles": report.tiles_checked,
                "checkpoints": report.checkpoints_checked,
                "files": files,
            },
        )


_FIXED = {"log.meta", "journal", "data", "bundles", "checkpoint", "checkpoints", ".lock"}


def _log_files(ctx: AuditContext) -> int:
    """Every file of the log directory is one the store audit covered, the journal holds no
    pending record (a closed log), and the lock file is empty."""
    root = ctx.log_path
    count = 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        name = f"{ctx.log_dir}/{rel}"
        if path.is_dir():
            if rel in ("hashes", "nodes"):
                continue
            raise Mismatch("unexpected directory in the log", file=name)
        top = rel.split("/", 1)[0]
        if rel not in _FIXED and top not in ("hashes", "nodes"):
            raise Mismatch("unexpected file in the log directory", file=name)
        count += 1
        ctx.covered.add(name)
    lock = root / ".lock"
    if lock.exists() and lock.stat().st_size:
        raise Mismatch(
            "the lock file is not empty",
            file=f"{ctx.log_dir}/.lock",
            expected=0,
            computed=lock.stat().st_size,
        )
    history = (root / "checkpoints").read_bytes()
    expected = journal.encode_header(ctx.store.size, len(history))
    stored = (root / "journal").read_bytes()
    if stored != expected:
        at = first_difference(expected, stored)
        raise Mismatch(
            "the journal is not the header of a closed log of this size and history",
            file=f"{ctx.log_dir}/journal",
            byte=at,
            expected=expected.hex(),
            computed=stored.hex()[:160],
        )
    return count


class MerkleCheck:
    name = "merkle"
    title = "Merkle tree rebuilt from the entries alone"

    def run(self, ctx: AuditContext) -> CheckResult:
        tree, store = ctx.tree, ctx.store
        if tree.size != store.size:
            raise Mismatch(
                "the log yields another number of entries than its size",
                file=ctx.log_dir,
                expected=store.size,
                computed=tree.size,
            )
        root = tree.root()
        if root != store.root():
            raise Mismatch(
                "the root rebuilt from the entries differs from the stored tree's root",
                file=f"{ctx.log_dir}/hashes",
                expected=store.root(),
                computed=root,
            )
        return CheckResult(
            self.name,
            self.title,
            checked=tree.size,
            unit="leaves",
            figures={"root": root.hex()},
        )


class CheckpointCheck:
    name = "checkpoints"
    title = "checkpoint signatures, roots and consistency"

    def run(self, ctx: AuditContext) -> CheckResult:
        store, tree = ctx.store, ctx.tree
        notes = store.checkpoints()
        history = f"{ctx.log_dir}/checkpoints"
        if not notes:
            raise Mismatch("the log has no checkpoint", file=history, expected=">= 1", computed=0)
        previous: Checkpoint | None = None
        proofs = 0
        checkpoints: list[Checkpoint] = []
        for i, note in enumerate(notes):
            where = f"checkpoint {i} of the history"
            checkpoint = _open_strict(note, ctx, where, history, cosigned=False)
            if checkpoint.origin != store.origin:
                raise Mismatch(
                    f"{where} is for another log",
                    file=history,
                    expected=store.origin,
                    computed=checkpoint.origin,
                )
            if checkpoint.size > tree.size:
                raise Mismatch(
                    f"{where} is for tree size {checkpoint.size}, beyond the log",
                    file=history,
                    expected=f"<= {tree.size}",
                    computed=checkpoint.size,
                )
            root = tree.root(checkpoint.size)
            if checkpoint.root_hash != root:
                raise Mismatch(
                    f"{where} (size {checkpoint.size}) states a root the entries do not give",
                    file=history,
                    expected=checkpoint.root_hash,
                    computed=root,
                )
            if previous is not None:
                if checkpoint.size < previous.size:
                    raise Mismatch(
                        f"{where} rolls the log back from size {previous.size}",
                        file=history,
                        expected=f">= {previous.size}",
                        computed=checkpoint.size,
                    )
                if previous.size:
                    proof = tree.consistency_proof(previous.size, checkpoint.size)
                    merkle.verify_consistency(
                        previous.size,
                        checkpoint.size,
                        proof,
                        previous.root_hash,
                        checkpoint.root_hash,
                    )
                    proofs += 1
            checkpoints.append(checkpoint)
            previous = checkpoint
        latest = store.latest_checkpoint()
        if latest != notes[-1]:
            raise Mismatch(
                "the latest checkpoint file is not the last checkpoint of the history",
                file=f"{ctx.log_dir}/checkpoint",
                expected=notes[-1],
                computed=latest,
            )
        if checkpoints[-1].size != tree.size:
            raise Mismatch(
                "the last checkpoint does not cover the whole log",
                file=history,
                expected=tree.size,
                computed=checkpoints[-1].size,
            )
        ctx.checkpoints = checkpoints
        return CheckResult(
            self.name,
            self.title,
            checked=len(checkpoints),
            unit="checkpoints",
            figures={"consistency_proofs": proofs, "latest_size": checkpoints[-1].size},
        )


class CosignatureCheck:
    name = "cosignatures"
    title = "witness cosignatures and quorum on every checkpoint"

    def __init__(self, load: Callable[[Path], list[CosignedNote]] | None = None) -> None:
        #: Reads the cosigned checkpoint files of a directory (else `ctx.cosigned` is used).
        self.load = load

    def run(self, ctx: AuditContext) -> CheckResult:
        if self.load is not None:
            ctx.cosigned = self.load(ctx.root)
        if ctx.quorum is None:
            raise BadInput(
                "no witness quorum: the directory publishes none; give --quorum N explicitly"
            )
        witnesses = ctx.trust.witnesses
        if ctx.quorum > len(witnesses) and "quorum_from" not in ctx.facts:
            raise OptionError(
                f"--quorum {ctx.quorum} exceeds the {len(witnesses)} trusted witness keys; "
                f"use at most {len(witnesses)}"
            )
        if ctx.quorum > len(witnesses):
            raise Mismatch(
                f"the quorum {ctx.quorum} exceeds the {len(witnesses)} trusted witness keys",
                expected=f"<= {len(witnesses)}",
                computed=ctx.quorum,
            )
        bodies = {c.body(): i for i, c in enumerate(ctx.checkpoints)}
        covered: set[int] = set()
        last_time: dict[str, int] = {}
        signatures = 0
        for note in ctx.cosigned:
            checkpoint = _open_strict(
                note.text, ctx, "the cosigned checkpoint", note.path, cosigned=True
            )
            try:
                cosigned = verify_checkpoint(
                    note.text, ctx.trust.log_key, witnesses, ctx.quorum, origin=ctx.store.origin
                )
            except VerificationError as exc:
                raise Mismatch(
                    exc.message, file=note.path, expected=exc.expected, computed=exc.computed
                ) from exc
            at = bodies.get(checkpoint.body())
            if at is None:
                raise Mismatch(
                    "the cosigned checkpoint is not one of the log's checkpoints",
                    file=note.path,
                    expected="a checkpoint of the history",
                    computed=f"size {checkpoint.size}, root {checkpoint.root_hash.hex()}",
                )
            covered.add(at)
            for name, timestamp in cosigned.cosigners:
                if timestamp < last_time.get(name, 0):
                    raise Mismatch(
                        f"the cosignature of {name} is dated before its cosignature of a "
                        "smaller tree (a witness's time never goes backwards)",
                        file=note.path,
                        expected=f">= {last_time[name]}",
                        computed=timestamp,
                    )
                last_time[name] = timestamp
            signatures += len(cosigned.cosigners)
            ctx.covered.add(note.path)
        missing = [i for i in range(len(ctx.checkpoints)) if i not in covered]
        if missing:
            c = ctx.checkpoints[missing[0]]
            raise Mismatch(
                f"checkpoint {missing[0]} of the history (size {c.size}) has no cosigned copy",
                file=f"{ctx.log_dir}/checkpoints",
                expected=f"{len(ctx.checkpoints)} cosigned checkpoints",
                computed=len(covered),
            )
        return CheckResult(
            self.name,
            self.title,
            checked=len(ctx.cosigned),
            unit="cosigned checkpoints",
            figures={
                "cosignatures": signatures,
                "quorum": ctx.quorum,
                "quorum_from": ctx.facts.get("quorum_from", "--quorum"),
                "witnesses": len(witnesses),
            },
        )


def _open_strict(
    note: str, ctx: AuditContext, where: str, file: str, *, cosigned: bool
) -> Checkpoint:
    """Open a checkpoint note signed by the log key; refuse signature lines by unknown keys
    (a note in the directory carries only the signatures the regime made)."""
    known = {(ctx.trust.log_key.name, ctx.trust.log_key.key_id)}
    if cosigned:
        known |= {(w.name, w.key_id) for w in ctx.trust.witnesses}
    try:
        _, lines = split_note(note)
        for sig in lines:
            if (sig.name, sig.key_id) not in known:
                raise Mismatch(
                    f"{where} carries a signature by an unknown key",
                    file=file,
                    expected=", ".join(sorted(f"{n}+{k:08x}" for n, k in known)),
                    computed=f"{sig.name}+{sig.key_id:08x}",
                )
        checkpoint, _ = open_checkpoint(note, ctx.trust.log_key, cosigners=ctx.trust.witnesses)
    except Mismatch:
        raise
    except (VerificationError, BadInput) as exc:
        raise Mismatch(
            f"{where}: {exc.message}",
            file=file,
            expected=getattr(exc, "expected", None),
            computed=getattr(exc, "computed", None),
        ) from exc
    return checkpoint
