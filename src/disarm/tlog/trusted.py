"""A verifier's memory of the log: a trusted earlier checkpoint, or a minimum size.

A CT or sumdb client keeps the last checkpoint it saw and requires every later view of the log to
extend it: a log cut back to an earlier state (a rollback, which would erase entries) or one that
shows another history at the same size (a fork) is refused. `TrustedState` is that memory, given
by the verifier (``--checkpoint FILE`` or ``--min-size N``), never read from what is verified;
`check_extends` is the check, shared by `disarm log audit` and `disarm verify`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from disarm.errors import BadInput, VerificationError
from disarm.tlog import merkle
from disarm.tlog.checkpoint import open_checkpoint
from disarm.tlog.note import Verifier

#: Gives the RFC 9162 consistency proof between two tree sizes of the log being checked.
ProofSource = Callable[[int, int], Sequence[bytes]]

#: A checkpoint note is a few lines; an adapter reads a trusted checkpoint file at most this far.
NOTE_LIMIT = 64 * 1024


@dataclass(frozen=True)
class TrustedState:
    """What the verifier already trusts: a tree size, and its root when a checkpoint was given."""

    size: int
    root: bytes | None = None
    source: str = "--min-size"

    def describe(self) -> str:
        return f"size {self.size} ({self.source})"


def trusted_minimum(size: int) -> TrustedState:
    if size < 0:
        raise BadInput(f"--min-size {size} is negative")
    return TrustedState(size, None, f"--min-size {size}")


def trusted_checkpoint(note: str, verifier: Verifier, *, origin: str, source: str) -> TrustedState:
    """A trusted checkpoint note, signed by the log key (``verifier``) for ``origin``."""
    try:
        checkpoint, _ = open_checkpoint(note, verifier, origin=origin)
    except (VerificationError, BadInput) as exc:
        raise BadInput(f"trusted checkpoint {source} does not verify: {exc.message}") from exc
    return TrustedState(checkpoint.size, checkpoint.root_hash, source)


def check_extends(trusted: TrustedState, size: int, root: bytes, proof: ProofSource) -> None:
    """Raise `VerificationError` unless the tree (size, root) extends what is trusted.

    A smaller size is a rollback (both sizes named); with a trusted root, an equal size must
    have the same root (else a fork) and a larger one must be consistent with it (RFC 9162
    consistency proof from ``proof(trusted.size, size)``).
    """
    if size < trusted.size:
        raise VerificationError(
            f"rollback: the log's latest checkpoint has tree size {size}, smaller than the "
            f"trusted {trusted.describe()}",
            expected=f">= {trusted.size}",
            computed=size,
        )
    if trusted.root is None or trusted.size == 0:
        return
    if size == trusted.size:
        if root != trusted.root:
            raise VerificationError(
                f"fork: the log's checkpoint at size {size} has another root than the trusted "
                f"{trusted.describe()}",
                expected=trusted.root,
                computed=root,
            )
        return
    try:
        merkle.verify_consistency(trusted.size, size, proof(trusted.size, size), trusted.root, root)
    except VerificationError as exc:
        raise VerificationError(
            f"the log at size {size} does not extend the trusted {trusted.describe()}: "
            f"{exc.message}",
            expected=exc.expected,
            computed=exc.computed,
        ) from exc


__all__ = [
    "TrustedState",
    "check_extends",
    "trusted_checkpoint",
    "trusted_minimum",
]
