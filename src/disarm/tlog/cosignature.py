"""Witness cosignatures (c2sp.org/tlog-cosignature, Ed25519 ``cosignature/v1``) and the
quorum policy a verifier applies to a cosigned checkpoint.

A cosignature is a note signature line by a witness key of type 0x04 over

    cosignature/v1
    time <POSIX seconds>
    <the checkpoint text>

and its signature bytes are ``uint64 timestamp (big-endian) || Ed25519 signature``. It states
that, at that time, this was the largest consistent tree the witness had seen for the origin.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from disarm.errors import BadInput, VerificationError
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint
from disarm.tlog.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    Signer,
    Verifier,
    cosignature_message,
    split_note,
)

__all__ = [
    "CosignedCheckpoint",
    "add_cosignatures",
    "cosign",
    "cosignature_message",
    "verify_checkpoint",
    "verify_cosignature",
]

_MAX_TIMESTAMP = 2**63 - 1


def _check_timestamp(timestamp: int) -> None:
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise BadInput(f"cosignature timestamp {timestamp} is not in 0..2^63-1")


def cosign(checkpoint: Checkpoint, signer: Signer, timestamp: int) -> str:
    """The cosignature line (ending in newline) of a witness key over `checkpoint` at
    `timestamp` (POSIX seconds, given by the caller: the core reads no clock)."""
    if signer.alg != ALG_COSIGNATURE_V1:
        raise BadInput(f"key {signer.name} is not a cosignature (type 0x04) key")
    _check_timestamp(timestamp)
    raw = signer.sign_raw(cosignature_message(checkpoint.body(), timestamp))
    return signer.signature_line(struct.pack(">Q", timestamp) + raw)


def verify_cosignature(checkpoint: Checkpoint, line: str, verifier: Verifier) -> int:
    """Verify one cosignature line by `verifier` on `checkpoint`; return its timestamp."""
    if verifier.alg != ALG_COSIGNATURE_V1:
        raise BadInput(f"verifier {verifier.name} is not a cosignature (type 0x04) key")
    _, signatures = split_note(checkpoint.body() + "\n" + line)
    if len(signatures) != 1:
        raise BadInput("give exactly one cosignature line")
    sig = signatures[0]
    if (sig.name, sig.key_id) != (verifier.name, verifier.key_id):
        raise VerificationError(
            "cosignature is by another key",
            expected=f"{verifier.name}+{verifier.key_id:08x}",
            computed=f"{sig.name}+{sig.key_id:08x}",
        )
    timestamp = verifier.verify(checkpoint.body(), sig.signature)
    assert timestamp is not None
    return timestamp


def add_cosignatures(note: str, lines: Sequence[str]) -> str:
    """The note with extra signature lines appended (each must end in a newline)."""
    for line in lines:
        if not line.endswith("\n") or line.count("\n") != 1:
            raise BadInput("each cosignature must be one line ending in a newline")
    split_note(note)  # well-formed before
    out = note + "".join(lines)
    split_note(out)  # and after
    return out


@dataclass(frozen=True)
class CosignedCheckpoint:
    """A checkpoint whose log signature verified, with the witnesses that cosigned it."""

    checkpoint: Checkpoint
    #: (witness name, cosignature timestamp) of every known witness whose cosignature verified.
    cosigners: tuple[tuple[str, int], ...]


def verify_checkpoint(
    note: str | bytes,
    log_verifier: Verifier,
    witnesses: Sequence[Verifier],
    quorum: int,
    *,
    origin: str | None = None,
    not_after: int | None = None,
) -> CosignedCheckpoint:
    """Accept a checkpoint only if the log signed it and at least `quorum` of the known
    `witnesses` cosigned it. `quorum` has no default on purpose; 0 means "no witness needed"
    and must be asked for explicitly.

    Unknown signatures are ignored; a signature by a known key that fails rejects the note.
    With `not_after` (POSIX seconds, e.g. now plus an allowed clock skew), a cosignature dated
    later rejects the note.
    """
    if quorum < 0 or quorum > len(witnesses):
        raise BadInput(f"witness quorum {quorum} must be between 0 and {len(witnesses)}")
    if log_verifier.alg != ALG_ED25519:
        # A witness key given as the log key would let a cosignature count as the log's.
        raise BadInput(f"log key {log_verifier.name} is not an Ed25519 (type 0x01) key")
    ids = {(w.name, w.key_id) for w in witnesses}
    if len(ids) != len(witnesses):
        raise BadInput("the same witness key is given twice")
    for w in witnesses:
        if w.alg != ALG_COSIGNATURE_V1:
            raise BadInput(f"witness key {w.name} is not a cosignature (type 0x04) key")
    checkpoint, opened = open_checkpoint(note, log_verifier, origin=origin, cosigners=witnesses)
    cosigners = tuple(
        (s.name, s.timestamp)
        for s in opened.verified
        if (s.name, s.key_id) in ids and s.timestamp is not None
    )
    for name, timestamp in cosigners:
        if not_after is not None and timestamp > not_after:
            raise VerificationError(
                f"cosignature by {name} is dated in the future",
                expected=f"<= {not_after}",
                computed=timestamp,
            )
    if len(cosigners) < quorum:
        raise VerificationError(
            f"checkpoint has {len(cosigners)} valid cosignatures from known witnesses; "
            f"the quorum is {quorum}",
            expected=quorum,
            computed=len(cosigners),
        )
    return CosignedCheckpoint(checkpoint, cosigners)
