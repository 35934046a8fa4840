"""The verifier's own memory of the log: a trusted earlier state, and how fresh the log must be.

A directory cut back to an earlier cosigned checkpoint (with its outputs re-rendered) is
internally consistent, so nothing inside it can reveal the rollback: only what the verifier
saw before can. Like a CT or sumdb client, the verifier passes the last checkpoint it trusts
(`--checkpoint FILE`, signed by the log key) or a minimum tree size (`--min-size N`), and the
log's latest checkpoint must extend it (`disarm.tlog.trusted.check_extends`). `--max-age`
bounds how old the latest checkpoint's witness cosignatures may be against the verifier's
clock (a frozen log shown forever). Both come from the verifier, never from the directory.
"""

from __future__ import annotations

from dataclasses import dataclass

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult, Mismatch
from disarm.errors import BadInput, VerificationError
from disarm.io import read_text
from disarm.tlog.cosignature import verify_checkpoint
from disarm.tlog.trusted import (
    NOTE_LIMIT,
    TrustedState,
    check_extends,
    trusted_checkpoint,
    trusted_minimum,
)
from disarm.tlog.witness import MAX_CLOCK_SKEW

__all__ = ["NO_TRUSTED_STATE", "Memory", "TrustedStateCheck"]

#: Said every time no trusted state was given.
NO_TRUSTED_STATE = (
    "no trusted checkpoint was given: a rollback of this directory to an earlier cosigned "
    "state (which erases later findings) cannot be detected; pass --checkpoint FILE (the last "
    "checkpoint you saw) or --min-size N"
)


@dataclass(frozen=True)
class Memory:
    """What the verifier brings: a trusted checkpoint file or minimum size, a maximum age of
    the latest cosignatures in seconds, and its own clock (POSIX seconds) for that age."""

    checkpoint_file: str | None = None
    min_size: int | None = None
    max_age: int | None = None
    now: int | None = None

    def __post_init__(self) -> None:
        if self.checkpoint_file is not None and self.min_size is not None:
            raise BadInput("give --checkpoint or --min-size, not both")
        if self.min_size is not None and self.min_size < 0:
            raise BadInput(f"--min-size {self.min_size} must be at least 0")
        if self.max_age is not None:
            if self.max_age < 0:
                raise BadInput(f"--max-age {self.max_age} must be at least 0 seconds")
            if self.now is None:
                raise BadInput("--max-age needs the verifier's clock")

    @property
    def given(self) -> bool:
        return self.checkpoint_file is not None or self.min_size is not None


class TrustedStateCheck:
    name = "trusted-state"
    title = "the log extends the verifier's trusted checkpoint; cosignatures fresh enough"

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def run(self, ctx: AuditContext) -> CheckResult:
        if not ctx.checkpoints:
            raise BadInput("the checkpoints check must run before this check")
        latest = ctx.checkpoints[-1]
        trusted = self._trusted(ctx)
        figures: dict[str, object] = {"latest_size": latest.size}
        if trusted is None:
            figures["trusted"] = "none given"
        else:
            try:
                check_extends(trusted, latest.size, latest.root_hash, ctx.tree.consistency_proof)
            except VerificationError as exc:
                raise Mismatch(
                    exc.message,
                    file=f"{ctx.log_dir}/checkpoints",
                    expected=exc.expected,
                    computed=exc.computed,
                ) from exc
            figures["trusted"] = trusted.describe()
        if self.memory.max_age is not None:
            figures["cosigned_at"] = self._fresh(ctx, latest.size)
        return CheckResult(
            self.name, self.title, checked=1, unit="latest checkpoint", figures=figures
        )

    def _trusted(self, ctx: AuditContext) -> TrustedState | None:
        if self.memory.checkpoint_file is not None:
            path = self.memory.checkpoint_file
            note = read_text(path, "trusted checkpoint", limit=NOTE_LIMIT)
            return trusted_checkpoint(note, ctx.trust.log_key, origin=ctx.store.origin, source=path)
        if self.memory.min_size is not None:
            return trusted_minimum(self.memory.min_size)
        return None

    def _fresh(self, ctx: AuditContext, size: int) -> int:
        """The time by which a quorum had cosigned the latest checkpoint, if recent enough."""
        assert self.memory.max_age is not None and self.memory.now is not None
        quorum = ctx.quorum or 0
        notes = [n for n in ctx.cosigned if _size_of(n.path) == size]
        if not notes:
            raise Mismatch(
                f"the latest checkpoint (size {size}) has no cosigned copy to date it",
                file=f"{ctx.log_dir}/checkpoints",
            )
        cosigned = verify_checkpoint(
            notes[-1].text, ctx.trust.log_key, ctx.trust.witnesses, quorum, origin=ctx.store.origin
        )
        times = sorted((t for _, t in cosigned.cosigners), reverse=True)
        if not times:
            raise Mismatch(
                "--max-age: the latest checkpoint carries no cosignature from a trusted witness",
                file=notes[-1].path,
            )
        # A quorum had cosigned by the quorum-th newest time (the newest, for quorum 0 or 1).
        at = times[max(quorum, 1) - 1]
        if times[0] > self.memory.now + MAX_CLOCK_SKEW:
            raise Mismatch(
                f"a cosignature of the latest checkpoint (size {size}) is dated {times[0]}, "
                f"{times[0] - self.memory.now} s after now: its age cannot be judged (a "
                "simulated clock, or a witness whose clock is wrong)",
                file=notes[-1].path,
                expected=f"<= {self.memory.now + MAX_CLOCK_SKEW}",
                computed=times[0],
            )
        oldest_allowed = self.memory.now - self.memory.max_age
        if at < oldest_allowed:
            raise Mismatch(
                f"stale: the latest checkpoint (size {size}) was cosigned by a quorum at "
                f"{at}, {self.memory.now - at} s before now; --max-age is {self.memory.max_age} s",
                file=notes[-1].path,
                expected=f">= {oldest_allowed}",
                computed=at,
            )
        return at


def _size_of(path: str) -> int | None:
    stem = path.rsplit("/", 1)[-1].split(".", 1)[0]
    return int(stem) if stem.isdigit() else None
