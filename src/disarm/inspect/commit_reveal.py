"""Commit-then-reveal contributions to a selection seed.

Each party first publishes ``commitment = SHA-256(F("disarm/select/v1/commit") || F(party) ||
F(contribution))`` (F = 8-byte big-endian length prefix), before the checkpoint that seeds the
selection exists. After the checkpoint is signed, every party reveals its contribution. A
reveal that does not match its commitment, or a committed party that does not reveal, stops
the selection: otherwise the last party to reveal could choose, after seeing the others,
whether its contribution counts.

The party name is inside the commitment so that one party cannot copy another's commitment
and later replay its reveal as its own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from disarm.errors import BadInput, VerificationError
from disarm.inspect.selection import field
from disarm.model.identifiers import clip

_DOMAIN_COMMIT = b"disarm/select/v1/commit"
MIN_CONTRIBUTION_BYTES = 16
MAX_CONTRIBUTION_BYTES = 1024
_PARTY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,63}", re.ASCII)


@dataclass(frozen=True)
class Contribution:
    """A party's revealed contribution and the commitment it was checked against."""

    party: str
    reveal: bytes
    commitment: bytes


def check_party(party: str) -> str:
    if not isinstance(party, str) or not _PARTY.fullmatch(party):
        raise BadInput(
            f"party name {clip(party)} is not valid: use 1 to 64 letters, digits or _ . : @ / -, "
            "starting with a letter or digit"
        )
    return party


def check_contribution(party: str, contribution: bytes) -> bytes:
    if not MIN_CONTRIBUTION_BYTES <= len(contribution) <= MAX_CONTRIBUTION_BYTES:
        raise BadInput(
            f"contribution of party {party!r} has {len(contribution)} bytes; it must have "
            f"{MIN_CONTRIBUTION_BYTES} to {MAX_CONTRIBUTION_BYTES} (at least 128 bits, so that "
            "nobody can guess it from its commitment)"
        )
    return contribution


def commitment(party: str, contribution: bytes) -> bytes:
    """The commitment a party publishes before the seed checkpoint exists."""
    check_party(party)
    check_contribution(party, contribution)
    return hashlib.sha256(
        field(_DOMAIN_COMMIT) + field(party.encode("utf-8")) + field(contribution)
    ).digest()


def open_contributions(
    commitments: Mapping[str, bytes], reveals: Mapping[str, bytes]
) -> list[Contribution]:
    """Check every reveal against its commitment; return the contributions in party order.

    Raises VerificationError for a reveal that does not match its commitment or a committed
    party that did not reveal; BadInput for a reveal with no commitment (an uncommitted
    contribution could be chosen after seeing the checkpoint) or a malformed value.
    """
    for party in [*commitments, *reveals]:
        check_party(party)
    for party, value in commitments.items():
        if len(value) != hashlib.sha256().digest_size:
            raise BadInput(f"commitment of party {party!r} must be 32 bytes, got {len(value)}")
    uncommitted = sorted(set(reveals) - set(commitments))
    if uncommitted:
        raise BadInput(
            "a contribution was revealed without a published commitment: "
            + ", ".join(uncommitted)
            + " (only committed contributions may enter the seed)"
        )
    missing = sorted(set(commitments) - set(reveals))
    if missing:
        raise VerificationError(
            "committed parties did not reveal their contribution: " + ", ".join(missing),
            expected=f"a reveal from each of {len(commitments)} committed parties",
            computed=f"{len(commitments) - len(missing)} reveals",
        )
    out: list[Contribution] = []
    for party in sorted(reveals, key=lambda p: p.encode("utf-8")):
        reveal = check_contribution(party, reveals[party])
        committed = commitments[party]
        computed = commitment(party, reveal)
        if computed != committed:
            raise VerificationError(
                f"the reveal of party {party!r} does not match its commitment",
                expected=committed,
                computed=computed,
            )
        out.append(Contribution(party=party, reveal=reveal, commitment=committed))
    return out
