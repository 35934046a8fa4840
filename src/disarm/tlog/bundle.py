"""Offline proof bundles: one text file that proves an entry is in the log, verifiable by
anyone holding the log's verifier key and a witness policy, without contacting the log.

The format is c2sp.org/tlog-proof v1, with the entry itself carried in the ``extra`` line
(base64); the leaf hash is RFC 9162's SHA-256(0x00 || entry):

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry>
    index <leaf index>
    <inclusion proof: one base64 hash per line, leaf's sibling first>
    <empty line>
    <the checkpoint note, verbatim, with the log signature and witness cosignatures>

The ``extra`` line is optional in tlog-proof; without it the verifier must supply the entry.
It is not trusted as such: it is only accepted because its leaf hash proves into the signed root.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from disarm.errors import BadInput, VerificationError
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.cosignature import verify_checkpoint
from disarm.tlog.hashing import HASH_SIZE, leaf_hash
from disarm.tlog.merkle import SubtreeSource, inclusion_proof, verify_inclusion
from disarm.tlog.note import Verifier, split_note

__all__ = [
    "HEADER",
    "ProofBundle",
    "VerifiedBundle",
    "make_bundle",
    "parse_bundle",
    "verify_bundle",
]

HEADER = "c2sp.org/tlog-proof@v1"
#: A proof in a tree of at most 2^64 leaves has at most 64 hashes.
_MAX_PROOF = 64


@dataclass(frozen=True)
class ProofBundle:
    """An entry (optional), its index, its inclusion proof and the (cosigned) checkpoint note."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint_note: str
    entry: bytes | None = None

    def format(self) -> str:
        """The bundle as a tlog-proof text (store it with the extension ``.tlog-proof``)."""
        lines = [HEADER]
        if self.entry is not None:
            lines.append("extra " + base64.b64encode(self.entry).decode())
        lines.append(f"index {self.index}")
        lines.extend(base64.b64encode(h).decode() for h in self.proof)
        return "\n".join(lines) + "\n\n" + self.checkpoint_note


def _b64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise BadInput(f"proof bundle: {what} is not base64") from exc
    if base64.b64encode(raw).decode() != text:
        raise BadInput(f"proof bundle: {what} is not canonical base64")
    return raw


def parse_bundle(text: str | bytes) -> ProofBundle:
    """Parse a proof bundle. Raises `BadInput` naming the first thing that is wrong."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput("proof bundle is not UTF-8 text") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise BadInput("proof bundle has no empty line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise BadInput(f"proof bundle must start with the line {HEADER!r}")
    at = 1
    entry = None
    if at < len(lines) and lines[at].startswith("extra "):
        entry = _b64(lines[at][len("extra ") :], "the extra (entry) line")
        at += 1
    if at >= len(lines) or not lines[at].startswith("index "):
        raise BadInput("proof bundle has no 'index <n>' line")
    index_text = lines[at][len("index ") :]
    if (
        not index_text.isascii()
        or not index_text.isdigit()
        or (index_text != "0" and index_text.startswith("0"))
    ):
        raise BadInput(f"proof bundle index {index_text!r} is not a decimal without leading zeroes")
    proof = []
    for i, line in enumerate(lines[at + 1 :], 1):
        raw = _b64(line, f"inclusion proof line {i}")
        if len(raw) != HASH_SIZE:
            raise BadInput(f"proof bundle: inclusion proof line {i} is not a 32-byte hash")
        proof.append(raw)
    if len(proof) > _MAX_PROOF:
        raise BadInput(f"proof bundle has {len(proof)} proof hashes, more than {_MAX_PROOF}")
    split_note(note)  # the checkpoint must at least be a well-formed note
    return ProofBundle(int(index_text), tuple(proof), note, entry)


@dataclass(frozen=True)
class VerifiedBundle:
    """What a verified bundle establishes."""

    checkpoint: Checkpoint
    index: int
    entry: bytes
    leaf_hash: bytes
    cosigners: tuple[tuple[str, int], ...]


def verify_bundle(
    bundle: str | bytes | ProofBundle,
    log_key: str,
    witness_keys: Sequence[str],
    quorum: int,
    *,
    entry: bytes | None = None,
    origin: str | None = None,
    not_after: int | None = None,
) -> VerifiedBundle:
    """Verify a proof bundle offline.

    Checks, in order: the bundle parses; the checkpoint is signed by `log_key` (and is for
    `origin`, if given); at least `quorum` of `witness_keys` cosigned it (quorum is explicit;
    0 accepts a checkpoint without witnesses) and none of their cosignatures is dated after
    `not_after`, if given; the entry (from the bundle, or `entry`, which
    must then match) is at `index` in the checkpoint's tree. Raises `BadInput` for malformed
    input and keys, `VerificationError` (expected/computed) for every failed check.
    """
    parsed = bundle if isinstance(bundle, ProofBundle) else parse_bundle(bundle)
    log_verifier = Verifier.from_key_string(log_key)
    witnesses = [Verifier.from_key_string(k) for k in witness_keys]
    cosigned = verify_checkpoint(
        parsed.checkpoint_note, log_verifier, witnesses, quorum, origin=origin, not_after=not_after
    )
    if entry is not None and parsed.entry is not None and entry != parsed.entry:
        raise VerificationError(
            "the entry given differs from the entry in the bundle",
            expected=parsed.entry,
            computed=entry,
        )
    data = entry if entry is not None else parsed.entry
    if data is None:
        raise BadInput("the bundle carries no entry (no 'extra' line); give the entry")
    lh = leaf_hash(data)
    checkpoint = cosigned.checkpoint
    verify_inclusion(lh, parsed.index, checkpoint.size, parsed.proof, checkpoint.root_hash)
    return VerifiedBundle(checkpoint, parsed.index, data, lh, cosigned.cosigners)


def make_bundle(
    source: SubtreeSource, entry: bytes, index: int, checkpoint_note: str
) -> ProofBundle:
    """Build the bundle for `entry` at `index` against a (cosigned) checkpoint note, reading
    the inclusion proof from `source` at the checkpoint's size.

    The proof is checked against the checkpoint's root before it is returned, so a store that
    disagrees with its own checkpoint raises `VerificationError` here rather than handing out a
    bundle that cannot verify. Signatures are not checked (the log made the note).
    """
    text, _ = split_note(checkpoint_note)
    checkpoint = Checkpoint.parse(text)
    proof = inclusion_proof(source, index, checkpoint.size)
    verify_inclusion(leaf_hash(entry), index, checkpoint.size, proof, checkpoint.root_hash)
    return ProofBundle(index, tuple(proof), checkpoint_note, entry)
