"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and their key strings.

A note is a UTF-8 text ending in a newline, a blank line, then signature lines
``— <key name> base64(key ID || signature)``. Keys are written as strings:

* verifier key: ``<name>+<key ID, 8 hex digits>+base64(<type byte> || 32-byte public key)``
* signer key:   ``PRIVATE+KEY+<name>+<key ID>+base64(<type byte> || 32-byte Ed25519 seed)``

with key ID = SHA-256(name || 0x0A || type byte || public key)[:4], big-endian. Two types are
supported: 0x01, Ed25519 signatures over the note text (logs), and 0x04, timestamped
``cosignature/v1`` signatures (c2sp.org/tlog-cosignature; witnesses), whose signed message is
``"cosignature/v1\\ntime <T>\\n" || text`` and whose signature is ``uint64 T || Ed25519 sig``.

Ed25519 comes from PyNaCl; nothing here is a hand-made primitive.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

from disarm.errors import BadInput, VerificationError

__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "Note",
    "NoteSignature",
    "Signer",
    "Verifier",
    "cosignature_message",
    "generate_key",
    "key_id",
    "open_note",
    "open_split_note",
    "sign_note",
    "split_note",
]

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
_ALGS = {ALG_ED25519: "Ed25519", ALG_COSIGNATURE_V1: "cosignature/v1 (timestamped Ed25519)"}
EM_DASH = "\u2014"
#: Notes with more signature lines than this are refused (the spec asks for at least 16).
MAX_SIGNATURES = 100
_MAX_TIMESTAMP = 2**63 - 1
#: ASCII control characters other than newline, which notes must not contain.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")
_BAD_NAME_CHAR = re.compile("[\\s+\x00-\x1f\u2014]")


def key_id(name: str, alg: int, public_key: bytes) -> int:
    """SHA-256(name || 0x0A || type byte || public key)[:4] as a big-endian uint32."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _check_name(name: str) -> None:
    if not name or _BAD_NAME_CHAR.search(name):
        raise BadInput(
            f"key name {name!r} must be non-empty, without spaces, '+', control characters "
            "or em dashes"
        )


def _b64decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise BadInput(f"{what} is not valid base64") from exc
    if base64.b64encode(raw).decode() != text:
        raise BadInput(f"{what} is not canonical base64")
    return raw


def _parse_key_string(text: str, what: str) -> tuple[str, int, int, bytes]:
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise BadInput(f"{what} must look like NAME+KEYID+BASE64")
    name, hex_id, b64 = parts
    _check_name(name)
    if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
        raise BadInput(f"{what}: key ID {hex_id!r} is not 8 lowercase hex digits")
    raw = _b64decode(b64, f"{what}: key material")
    if len(raw) != 33 or raw[0] not in _ALGS:
        raise BadInput(
            f"{what}: key material must be a type byte (0x01 or 0x04) and 32 bytes of Ed25519 key"
        )
    return name, int(hex_id, 16), raw[0], raw[1:]


def cosignature_message(text: str, timestamp: int) -> bytes:
    """The message a cosignature/v1 signs: header, time line, then the checkpoint text."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


class Verifier:
    """A verifier key: name, key ID, type and Ed25519 public key."""

    def __init__(self, name: str, alg: int, public_key: bytes) -> None:
        _check_name(name)
        if alg not in _ALGS or len(public_key) != 32:
            raise BadInput("a verifier needs type 0x01 or 0x04 and a 32-byte Ed25519 key")
        self.name = name
        self.alg = alg
        self.public_key = public_key
        self.key_id = key_id(name, alg, public_key)
        self._key = nacl.signing.VerifyKey(public_key)

    @classmethod
    def from_key_string(cls, vkey: str) -> Verifier:
        name, kid, alg, pub = _parse_key_string(vkey, "verifier key")
        verifier = cls(name, alg, pub)
        if verifier.key_id != kid:
            raise BadInput(
                f"verifier key {name}: key ID {kid:08x} does not match the key "
                f"(computed {verifier.key_id:08x})"
            )
        return verifier

    def key_string(self) -> str:
        b64 = base64.b64encode(bytes([self.alg]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{b64}"

    def verify(self, text: str, signature: bytes) -> int | None:
        """Check a signature (without its key ID) over a note text.

        Returns the cosignature timestamp for type 0x04 keys, None for 0x01 keys; raises
        `VerificationError` if the signature does not verify.
        """
        timestamp: int | None = None
        if self.alg == ALG_COSIGNATURE_V1:
            if len(signature) != 8 + 64:
                raise VerificationError(
                    f"cosignature by {self.name} has {len(signature)} bytes, not 72",
                    expected=72,
                    computed=len(signature),
                )
            (timestamp,) = struct.unpack(">Q", signature[:8])
            if timestamp > _MAX_TIMESTAMP:
                raise VerificationError(
                    f"cosignature by {self.name} has a timestamp beyond 2^63-1",
                    expected=f"<= {_MAX_TIMESTAMP}",
                    computed=timestamp,
                )
            message, raw = cosignature_message(text, timestamp), signature[8:]
        else:
            message, raw = text.encode(), signature
        try:
            self._key.verify(message, raw)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError) as exc:
            raise VerificationError(
                f"signature by {self.name} ({self.key_id:08x}) does not verify",
                expected=f"a valid {_ALGS[self.alg]} signature by {self.key_string()}",
                computed=base64.b64encode(signature).decode(),
            ) from exc
        return timestamp

    def __repr__(self) -> str:
        return f"Verifier({self.key_string()!r})"


class Signer:
    """A private signing key. Its key string is a secret: never log or print it."""

    def __init__(self, name: str, alg: int, seed: bytes) -> None:
        _check_name(name)
        if alg not in _ALGS or len(seed) != 32:
            raise BadInput("a signer needs type 0x01 or 0x04 and a 32-byte Ed25519 seed")
        self.name = name
        self.alg = alg
        self._key = nacl.signing.SigningKey(seed)
        self.verifier = Verifier(name, alg, bytes(self._key.verify_key))
        self.key_id = self.verifier.key_id

    @classmethod
    def from_key_string(cls, skey: str) -> Signer:
        text = skey.strip()
        if not text.startswith("PRIVATE+KEY+"):
            raise BadInput("signer key must start with PRIVATE+KEY+")
        name, kid, alg, seed = _parse_key_string(text[len("PRIVATE+KEY+") :], "signer key")
        signer = cls(name, alg, seed)
        if signer.key_id != kid:
            raise BadInput(f"signer key {name}: key ID {kid:08x} does not match the key")
        return signer

    def key_string(self) -> str:
        """The private key string (secret)."""
        seed = bytes(self._key)
        b64 = base64.b64encode(bytes([self.alg]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{b64}"

    def verifier_key(self) -> str:
        return self.verifier.key_string()

    def sign_raw(self, message: bytes) -> bytes:
        """An Ed25519 signature of `message` (64 bytes). Low-level: prefer `sign`/`cosign`."""
        return bytes(self._key.sign(message).signature)

    def signature_line(self, signature: bytes) -> str:
        b64 = base64.b64encode(self.key_id.to_bytes(4, "big") + signature).decode()
        return f"{EM_DASH} {self.name} {b64}\n"

    def sign(self, text: str) -> str:
        """The signature line (ending in a newline) of an Ed25519 (type 0x01) key over `text`."""
        if self.alg != ALG_ED25519:
            raise BadInput(f"key {self.name} is a cosignature key; use cosignature.cosign")
        _check_text(text)
        return self.signature_line(self.sign_raw(text.encode()))

    def __repr__(self) -> str:  # never show the secret
        return f"Signer({self.verifier_key()!r})"


def generate_key(
    name: str, seed: bytes | None = None, *, alg: int = ALG_ED25519
) -> tuple[str, str]:
    """A new key pair as (signer key string, verifier key string).

    `seed` (32 bytes) makes it deterministic; without it the seed comes from the operating
    system's CSPRNG (via PyNaCl). `alg` is 0x01 for a log key, 0x04 for a witness key.
    """
    if seed is None:
        seed = bytes(nacl.signing.SigningKey.generate())
    signer = Signer(name, alg, seed)
    return signer.key_string(), signer.verifier_key()


# ----------------------------------------------------------------------------- notes


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes
    #: For verified cosignatures (type 0x04), the cosignature's POSIX timestamp.
    timestamp: int | None = None

    def line(self) -> str:
        b64 = base64.b64encode(self.key_id.to_bytes(4, "big") + self.signature).decode()
        return f"{EM_DASH} {self.name} {b64}\n"


@dataclass(frozen=True)
class Note:
    """An opened note: the text, the signatures that verified, and those from unknown keys."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]

    def verified_by(self, verifier: Verifier) -> NoteSignature | None:
        for sig in self.verified:
            if sig.name == verifier.name and sig.key_id == verifier.key_id:
                return sig
        return None


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise BadInput("note text must end with a newline")
    if _CONTROL.search(text):
        raise BadInput("note text must not contain control characters other than newline")


def split_note(note: str | bytes) -> tuple[str, list[NoteSignature]]:
    """Parse a note into its text and signature lines, without verifying anything."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput("note is not valid UTF-8") from exc
    if _CONTROL.search(note):
        raise BadInput("note contains a control character other than newline (e.g. CR or tab)")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise BadInput("note has no blank line between its text and its signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    if not block:
        raise BadInput("note has no signature lines after its blank line")
    if not block.endswith("\n"):
        raise BadInput("note's last signature line does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise BadInput(f"note has {len(lines)} signatures, more than {MAX_SIGNATURES}")
    signatures = []
    for i, line in enumerate(lines, 1):
        prefix = EM_DASH + " "
        rest = line[len(prefix) :] if line.startswith(prefix) else None
        fields = rest.split(" ") if rest is not None else []
        if len(fields) != 2 or not fields[0]:
            raise BadInput(f"note signature line {i} is not '— NAME BASE64': {line[:80]!r}")
        name, b64 = fields
        _check_name(name)
        raw = _b64decode(b64, f"note signature line {i}")
        if len(raw) < 5:
            raise BadInput(f"note signature line {i} is too short for a key ID and signature")
        signatures.append(NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return text, signatures


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """A signed note: the text, a blank line, one Ed25519 signature line per signer."""
    _check_text(text)
    if not signers:
        raise BadInput("a note needs at least one signer")
    return text + "\n" + "".join(s.sign(text) for s in signers)


def open_note(note: str | bytes, verifiers: Sequence[Verifier]) -> Note:
    """Parse and verify a note against known keys.

    Signatures from unknown keys (name and key ID not both matching) are ignored. A signature
    from a known key that fails rejects the whole note; so does a note with no verified
    signature. Raises `BadInput` for a malformed note, `VerificationError` otherwise.
    """
    text, signatures = split_note(note)
    return open_split_note(text, signatures, verifiers)


def open_split_note(
    text: str, signatures: Sequence[NoteSignature], verifiers: Sequence[Verifier]
) -> Note:
    """`open_note` for a note already split by `split_note`."""
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            unverified.append(sig)
            continue
        timestamp = verifier.verify(text, sig.signature)
        if (sig.name, sig.key_id) in seen:
            continue  # a second valid signature by the same key adds nothing
        seen.add((sig.name, sig.key_id))
        verified.append(NoteSignature(sig.name, sig.key_id, sig.signature, timestamp))
    if not verified:
        names = ", ".join(f"{v.name}+{v.key_id:08x}" for v in verifiers) or "none given"
        present = ", ".join(f"{s.name}+{s.key_id:08x}" for s in signatures)
        raise VerificationError(
            "note has no signature from a known key",
            expected=names,
            computed=present or "no signatures",
        )
    return Note(text, tuple(verified), tuple(unverified))
