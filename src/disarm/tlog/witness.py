"""The witness: cosigns a log's checkpoint only if it is consistent with the last one it
cosigned for that origin (the rules of c2sp.org/tlog-witness ``add-checkpoint``).

Pure: the caller loads the witness's `LogState` for the origin, calls `add_checkpoint` with the
time, and must persist the returned state atomically *before* releasing the cosignature (and
must hold a lock across load, check and store, or two requests could roll the state back).
`disarm witness` does this with a locked directory and temp-file + fsync + rename.

Refusals, each with its reason:

* the log's signature is missing or does not verify → `VerificationError`;
* the checkpoint is smaller than the cosigned one → `Rollback` (a `Conflict`);
* same size, different root → `Fork` (a `Conflict`);
* the proof starts from another size than the cosigned one → `StaleOldSize` (a `Conflict`);
* the consistency proof does not verify → `VerificationError` with expected/computed roots;
* the origin is pinned to another log key, or the time goes backwards → `Conflict`;
* given the witness's clock (``now``), a cosignature time more than `MAX_CLOCK_SKEW` ahead of it
  → `BadInput`; a remembered time that far ahead (a state wedged by such a time) does not count
  as "backwards", so one bad time can never make the witness refuse everything after it.

Which logs a witness serves (origin and key, configured in advance) is the caller's policy:
`disarm witness` refuses an origin it was not configured for before calling this.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from disarm.errors import BadInput, Conflict, VerificationError
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint
from disarm.tlog.cosignature import cosign
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.merkle import verify_consistency
from disarm.tlog.note import Signer, Verifier

__all__ = [
    "MAX_CLOCK_SKEW",
    "MAX_PROOF_HASHES",
    "Cosigned",
    "Fork",
    "LogState",
    "Rollback",
    "StaleOldSize",
    "add_checkpoint",
    "format_add_checkpoint",
    "format_proof",
    "parse_add_checkpoint",
    "parse_proof",
]

#: c2sp.org/tlog-witness: a client must not send more than 63 consistency proof lines.
MAX_PROOF_HASHES = 63
#: How far ahead of the witness's own clock a cosignature time may be (seconds).
MAX_CLOCK_SKEW = 300
#: Cosignature timestamps are uint64 seconds (c2sp.org/tlog-cosignature).
MAX_TIMESTAMP = 2**64 - 1


class Rollback(Conflict):
    """The log presented a smaller tree than one the witness already cosigned."""


class Fork(Conflict):
    """The log presented two different roots for one tree size."""


class StaleOldSize(Conflict):
    """The consistency proof starts from a size the witness did not cosign last."""

    def __init__(self, message: str, *, latest_size: int) -> None:
        super().__init__(message)
        self.latest_size = latest_size


@dataclass(frozen=True)
class LogState:
    """What a witness remembers of one log: the latest checkpoint it cosigned."""

    origin: str
    log_key: str  # the verifier key the origin is pinned to
    size: int
    root_hash: bytes
    checkpoint: str  # the log-signed note that was cosigned
    cosigned_at: int  # POSIX seconds of the latest cosignature

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "log_key": self.log_key,
            "size": self.size,
            "root_hash": base64.b64encode(self.root_hash).decode(),
            "checkpoint": self.checkpoint,
            "cosigned_at": self.cosigned_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LogState:
        try:
            state = cls(
                origin=str(data["origin"]),
                log_key=str(data["log_key"]),
                size=int(data["size"]),
                root_hash=base64.b64decode(str(data["root_hash"]), validate=True),
                checkpoint=str(data["checkpoint"]),
                cosigned_at=int(data["cosigned_at"]),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise BadInput(f"witness state record is malformed: {exc}") from exc
        if not 0 <= state.cosigned_at <= MAX_TIMESTAMP:
            raise BadInput(f"witness state for {state.origin} has a bad cosignature time")
        if len(state.root_hash) != HASH_SIZE or state.size < 0:
            raise BadInput(f"witness state for {state.origin} has a bad size or root hash")
        return state


@dataclass(frozen=True)
class Cosigned:
    """The result of a successful `add_checkpoint`: persist `state`, then hand out `line`."""

    checkpoint: Checkpoint
    state: LogState
    line: str  # the cosignature line, ending in a newline
    previous_size: int


def add_checkpoint(
    *,
    note: str | bytes,
    old_size: int,
    proof: Sequence[bytes],
    log_key: str,
    latest: LogState | None,
    signer: Signer,
    timestamp: int,
    now: int | None = None,
) -> Cosigned:
    """Check a log-signed checkpoint against the witness's `latest` state for its origin and
    cosign it. `old_size` is the size the proof starts from (the size the submitter believes
    the witness cosigned last; 0 for a first checkpoint, with an empty proof). ``now`` is the
    witness's clock (POSIX seconds): the cosignature time is bounded by it (`MAX_CLOCK_SKEW`)."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise BadInput(f"cosignature time {timestamp} is outside 0..2^64-1")
    if now is not None and timestamp > now + MAX_CLOCK_SKEW:
        raise BadInput(
            f"cosignature time {timestamp} is more than {MAX_CLOCK_SKEW} s ahead of this "
            f"witness's clock ({now})"
        )
    log_verifier = Verifier.from_key_string(log_key)
    checkpoint, _ = open_checkpoint(note, log_verifier)
    if isinstance(note, bytes):
        note = note.decode()
    if latest is not None and latest.origin != checkpoint.origin:
        raise BadInput(f"state for {latest.origin} given for a checkpoint of {checkpoint.origin}")
    if latest is not None and latest.log_key != log_verifier.key_string():
        raise Conflict(
            f"origin {checkpoint.origin} is pinned to log key {latest.log_key}, "
            f"not {log_verifier.key_string()}"
        )
    latest_size = latest.size if latest is not None else 0
    if latest is not None and checkpoint.size < latest.size:
        raise Rollback(
            f"rollback refused: {checkpoint.origin} checkpoint has size {checkpoint.size}, "
            f"smaller than the size {latest.size} this witness already cosigned"
        )
    if old_size < 0 or old_size > checkpoint.size:
        raise BadInput(f"old size {old_size} is not between 0 and the checkpoint size")
    if len(proof) > MAX_PROOF_HASHES:
        raise BadInput(f"consistency proof has {len(proof)} hashes, more than 63")
    same_size = latest is not None and checkpoint.size == latest.size
    if latest is not None and same_size and checkpoint.root_hash != latest.root_hash:
        raise Fork(
            f"fork refused: {checkpoint.origin} has two roots at size {latest.size}: "
            f"cosigned {_b64(latest.root_hash)}, presented {_b64(checkpoint.root_hash)}"
        )
    if old_size != latest_size:
        raise StaleOldSize(
            f"the proof starts at size {old_size} but this witness last cosigned size "
            f"{latest_size} for {checkpoint.origin}",
            latest_size=latest_size,
        )
    wedged = latest is not None and now is not None and latest.cosigned_at > now + MAX_CLOCK_SKEW
    if latest is not None and timestamp < latest.cosigned_at and not wedged:
        raise Conflict(
            f"time goes backwards: {timestamp} is before the last cosignature "
            f"({latest.cosigned_at}) for {checkpoint.origin}"
        )
    if latest is None or checkpoint.size == latest.size:
        if proof:
            raise VerificationError(
                f"consistency proof from size {latest_size} to {checkpoint.size} must be empty",
                expected=0,
                computed=len(proof),
            )
    else:
        try:
            verify_consistency(
                latest.size, checkpoint.size, proof, latest.root_hash, checkpoint.root_hash
            )
        except VerificationError as exc:
            raise VerificationError(
                f"bad consistency proof from the cosigned size {latest.size} to "
                f"{checkpoint.size} for {checkpoint.origin}: {exc.message}",
                expected=exc.expected,
                computed=exc.computed,
            ) from exc
    line = cosign(checkpoint, signer, timestamp)
    state = LogState(
        origin=checkpoint.origin,
        log_key=log_verifier.key_string(),
        size=checkpoint.size,
        root_hash=checkpoint.root_hash,
        checkpoint=note,
        cosigned_at=timestamp,
    )
    return Cosigned(checkpoint, state, line, latest_size)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def format_proof(old_size: int, proof: Sequence[bytes]) -> str:
    """The proof file: ``old <size>`` then one base64 hash per line (as in tlog-witness)."""
    return f"old {old_size}\n" + "".join(_b64(h) + "\n" for h in proof)


def parse_proof(text: str) -> tuple[int, list[bytes]]:
    """Parse a proof file written by `format_proof`. Raises `BadInput`."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].startswith("old "):
        raise BadInput("proof must start with a line 'old <size>'")
    size_text = lines[0][4:]
    if (
        not size_text.isascii()
        or not size_text.isdigit()
        or (size_text != "0" and size_text.startswith("0"))
    ):
        raise BadInput(f"old size {size_text!r} is not a decimal without leading zeroes")
    hashes = []
    for i, line in enumerate(lines[1:], 2):
        try:
            raw = base64.b64decode(line.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError) as exc:
            raise BadInput(f"proof line {i} is not base64") from exc
        if len(raw) != HASH_SIZE or _b64(raw) != line:
            raise BadInput(f"proof line {i} is not one canonical base64 SHA-256 hash")
        hashes.append(raw)
    if len(hashes) > MAX_PROOF_HASHES:
        raise BadInput(f"proof has {len(hashes)} hashes, more than {MAX_PROOF_HASHES}")
    return int(size_text), hashes


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The body of a c2sp.org/tlog-witness ``add-checkpoint`` request: the proof, an empty
    line, then the checkpoint note."""
    return (format_proof(old_size, proof) + "\n" + note).encode()


def parse_add_checkpoint(body: bytes) -> tuple[int, list[bytes], str]:
    """(old size, proof hashes, checkpoint note) of an ``add-checkpoint`` request body; the
    note is not parsed or verified here. Raises `BadInput`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput("add-checkpoint body is not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise BadInput("add-checkpoint body has no empty line between the proof and the checkpoint")
    old_size, proof = parse_proof(head + "\n")
    return old_size, proof, note
