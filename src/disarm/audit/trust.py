"""The keys a verifier trusts, and where each came from.

Three kinds of key anchor the verification: the inspectorate's genesis key (the registry's trust
anchor: every party and key is registered by a chain of statements starting from it), the log's
checkpoint key, and the witnesses' cosignature keys. A key the user pins (a flag) was obtained
out of band; a key read from the directory under verification proves only that the directory
is internally consistent (whoever wrote the directory could have written the key too), so
`Trust.warnings` says so for every key that was not pinned.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from disarm.errors import BadInput
from disarm.tlog.note import ALG_COSIGNATURE_V1, ALG_ED25519, Verifier

__all__ = ["KeySource", "Trust", "parse_genesis_key", "parse_log_key", "parse_witness_key"]


class KeySource(enum.StrEnum):
    PINNED = "pinned"
    DIRECTORY = "directory"


@dataclass(frozen=True)
class Trust:
    """The trust anchors of one verification and the source of each."""

    genesis_key: bytes
    log_key: Verifier
    witnesses: tuple[Verifier, ...]
    genesis_source: KeySource
    log_source: KeySource
    witness_source: KeySource

    def __post_init__(self) -> None:
        if len(self.genesis_key) != 32:
            raise BadInput("the genesis (trust-anchor) key must be 32 bytes")
        if self.log_key.alg != ALG_ED25519:
            raise BadInput(f"the log key {self.log_key.name} is not an Ed25519 (type 0x01) key")
        ids = set()
        for w in self.witnesses:
            if w.alg != ALG_COSIGNATURE_V1:
                raise BadInput(f"witness key {w.name} is not a cosignature (type 0x04) key")
            if (w.name, w.key_id) in ids:
                raise BadInput(f"witness key {w.name} is given twice")
            ids.add((w.name, w.key_id))

    def warnings(self) -> list[str]:
        """One warning per kind of key that was read from the directory, not pinned."""
        out = []
        for what, source, flag in (
            ("inspectorate genesis key", self.genesis_source, "--trust"),
            ("log key", self.log_source, "--log-key"),
            ("witness keys", self.witness_source, "--witness-key"),
        ):
            if source is KeySource.DIRECTORY:
                plural = what.endswith("keys")
                out.append(
                    f"the {what} {'were' if plural else 'was'} read from the directory under "
                    f"verification: this proves only internal consistency; pin "
                    f"{'them' if plural else 'it'} with {flag} (obtained out of band)"
                )
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "genesis_key": {"key": self.genesis_key.hex(), "source": self.genesis_source.value},
            "log_key": {"key": self.log_key.key_string(), "source": self.log_source.value},
            "witness_keys": {
                "keys": [w.key_string() for w in self.witnesses],
                "source": self.witness_source.value,
            },
        }


def parse_genesis_key(text: str, what: str = "genesis key") -> bytes:
    """A 32-byte Ed25519 public key in hex."""
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        # Never echo the text: a mistaken or planted file may hold a private key.
        raise BadInput(f"{what} is not hex ({len(text)} characters; not shown)") from None
    if len(key) != 32:
        raise BadInput(f"{what} must be 32 bytes (64 hex digits), not {len(key)}")
    if key.hex() != text.strip():
        raise BadInput(f"{what} is not canonical hex (64 lowercase digits)")
    return key


def parse_log_key(text: str, what: str = "log key") -> Verifier:
    """A C2SP verifier key string of type 0x01 (``name+id+base64``)."""
    verifier = Verifier.from_key_string(text.strip())
    if verifier.alg != ALG_ED25519:
        raise BadInput(f"{what} {verifier.name} is not an Ed25519 (type 0x01) key")
    return verifier


def parse_witness_key(text: str, what: str = "witness key") -> Verifier:
    """A C2SP verifier key string of type 0x04 (cosignature/v1)."""
    verifier = Verifier.from_key_string(text.strip())
    if verifier.alg != ALG_COSIGNATURE_V1:
        raise BadInput(f"{what} {verifier.name} is not a cosignature (type 0x04) key")
    return verifier


def witness_tuple(keys: Sequence[Verifier]) -> tuple[Verifier, ...]:
    return tuple(sorted(keys, key=lambda v: (v.name, v.key_id)))
