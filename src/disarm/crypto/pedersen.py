"""Pedersen commitments to regional counts, and the check that they add up to a public total.

C = v·G + r·H, with G the Ed25519 base point and H derived by hash-to-curve from the public
string `H_DOMAIN` (see `disarm.crypto.hazmat.ed25519_group` for why nobody knows log_G H).
Commitments are perfectly hiding and computationally binding.

A declaring party publishes one commitment per region and, for the national total V (public),
the sum R = Σ r_i of its blinding factors. Anyone checks Σ C_i = V·G + R·H without learning any
regional count; when a region is revealed, its opening (v_i, r_i) is checked against C_i.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from disarm.crypto.hazmat import ed25519_group as grp
from disarm.errors import BadInput, VerificationError

#: Public domain string from which the second generator H is derived.
H_DOMAIN = b"disarm/pedersen/H/v1: second generator for counts in escrowed declarations"
H = grp.hash_to_point(H_DOMAIN)
#: Largest count a commitment may hold (far below the group order).
MAX_VALUE = 2**64 - 1


class PedersenError(VerificationError):
    """A Pedersen commitment or sum check failed."""


@dataclass(frozen=True)
class Opening:
    """The opening (value, blinding factor) of one commitment."""

    value: int
    blinding: bytes

    def to_json(self) -> dict[str, object]:
        return {"value": self.value, "blinding": self.blinding.hex()}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Opening:
        value, blinding = data.get("value"), data.get("blinding")
        if not isinstance(value, int) or isinstance(value, bool) or not isinstance(blinding, str):
            raise BadInput("a Pedersen opening needs an integer 'value' and a hex 'blinding'")
        return cls(value, _scalar_hex(blinding))


def _scalar_hex(text: str) -> bytes:
    try:
        return grp.check_scalar(bytes.fromhex(text))
    except (ValueError, grp.GroupError) as exc:
        raise BadInput(f"not a canonical scalar: {text!r}") from exc


def _value_scalar(value: int) -> bytes:
    if not 0 <= value <= MAX_VALUE:
        raise BadInput(f"a committed count must be between 0 and 2^64-1, not {value}")
    return grp.scalar_from_int(value)


def commit(value: int, blinding: bytes) -> bytes:
    """C = value·G + blinding·H."""
    return grp.point_add(grp.base_mul(_value_scalar(value)), grp.point_mul(blinding, H))


def new_opening(value: int, random: grp.Randomness) -> Opening:
    return Opening(value, grp.scalar_random(random))


def decode_commitment(text: str) -> bytes:
    """Parse and validate a commitment received from outside (hex)."""
    try:
        return grp.check_point(bytes.fromhex(text))
    except (ValueError, grp.GroupError) as exc:
        raise BadInput(f"not a valid commitment point: {text!r}") from exc


def verify_opening(commitment: bytes, opening: Opening, *, label: str = "commitment") -> None:
    """Raise PedersenError unless `opening` opens `commitment`."""
    computed = commit(opening.value, opening.blinding)
    if computed != commitment:
        raise PedersenError(
            f"{label}: the opening (value {opening.value}) does not match the commitment",
            expected=commitment.hex(),
            computed=computed.hex(),
        )


def blinding_sum(openings: Sequence[Opening]) -> bytes:
    return grp.scalar_sum(o.blinding for o in openings)


def verify_sum(commitments: Sequence[bytes], total: int, blinding_total: bytes) -> None:
    """Raise PedersenError unless Σ commitments = total·G + blinding_total·H."""
    expected = commit(total, grp.check_scalar(blinding_total))
    computed = grp.point_sum(commitments)
    if computed != expected:
        raise PedersenError(
            f"the regional commitments do not add up to a commitment of the total {total}",
            expected=expected.hex(),
            computed=computed.hex(),
        )
