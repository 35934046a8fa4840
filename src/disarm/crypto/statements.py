"""Signed statements: the one envelope for everything `disarm` appends to the transparency log.

A statement is {v, type, issuer, key_id, seq, prev, time, payload}. Its signing input is the
domain string `SIGNING_DOMAIN` followed by the RFC 8785 (JCS) canonical JSON of the statement
(`disarm.crypto.canonical`);
the signature is Ed25519 (PyNaCl). The bytes appended to the log are the canonical JSON of
{statement, signature}; the statement hash (used as `prev` by the issuer's next statement and
as a reference by other statements) is SHA-256 of those bytes.

This module only builds, encodes, decodes and checks signatures. Whether a key is known, not
revoked, allowed to sign this type, and in sequence is decided by `disarm.crypto.registry`.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from disarm.crypto.canonical import canonical as canonical  # re-exported: its old home
from disarm.errors import BadInput, VerificationError

VERSION = "disarm.statement/v1"
SIGNING_DOMAIN = b"disarm/statement/v1\n"
KEY_ID_DOMAIN = b"disarm/key-id/v1\n"
#: Canonical statement time: ASCII digits, UTC "Z", seconds, and an optional fraction of at
#: most 6 digits without trailing zeros, so that one instant has exactly one spelling.
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{0,5}[1-9])?Z")
_PARTY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", re.ASCII)
_TYPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


class Reason(enum.StrEnum):
    """Why a statement was rejected (stable codes, also in `--json` output)."""

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad-signature"
    UNKNOWN_KEY = "unknown-key"
    REVOKED_KEY = "revoked-key"
    RETIRED_KEY = "retired-key"
    UNKNOWN_PARTY = "unknown-party"
    REPLAY = "replay"
    GAP = "gap"
    PREVIOUS_MISMATCH = "previous-mismatch"
    ROLE_NOT_ALLOWED = "role-not-allowed"
    NOT_AUTHORISED = "not-authorised"
    BAD_GENESIS = "bad-genesis"
    TIME_REGRESSION = "time-regression"


class StatementRejected(VerificationError):
    """A statement failed verification; `reason` says which check."""

    def __init__(
        self, reason: Reason, message: str, *, expected: Any = None, computed: Any = None
    ) -> None:
        super().__init__(f"[{reason.value}] {message}", expected=expected, computed=computed)
        self.reason = reason


def key_id(public_key: bytes) -> str:
    """Key id: hex of the first 16 bytes of SHA-256(domain || public key)."""
    return hashlib.sha256(KEY_ID_DOMAIN + public_key).digest()[:16].hex()


def check_party_id(party: str) -> str:
    if not isinstance(party, str) or not _PARTY.fullmatch(party):
        raise BadInput(f"invalid party id {party!r}: use letters, digits and . _ : - (max 64)")
    return party


def strict_int(value: Any, what: str) -> int:
    """An integer from JSON (not a bool, float or string)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadInput(f"{what} must be an integer, got {value!r}")
    return value


def parse_time(time: str) -> dt.datetime:
    """The instant a canonical statement time names (timezone-aware, UTC); BadInput if it is not
    canonical ISO 8601 UTC (`YYYY-MM-DDTHH:MM:SS[.f]Z`, a real calendar date and clock time,
    fraction of at most 6 digits without trailing zeros)."""
    if not isinstance(time, str) or not _TIME.fullmatch(time):
        raise BadInput(
            f"invalid time {time!r}: expected canonical ISO 8601 UTC, e.g. 2026-01-31T12:00:00Z "
            "(ASCII digits, 'Z', optional fraction of at most 6 digits without trailing zeros)"
        )
    try:
        return dt.datetime.fromisoformat(time[:-1]).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise BadInput(f"invalid time {time!r}: {exc}") from exc


def check_time(time: str) -> str:
    """`time` itself if it is a canonical ISO 8601 UTC time (see `parse_time`), else BadInput."""
    parse_time(time)
    return time


@dataclass(frozen=True)
class Statement:
    """The signed content of a log entry."""

    type: str
    issuer: str
    key_id: str
    seq: int
    prev: str | None
    time: str
    payload: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "type": self.type,
            "issuer": self.issuer,
            "key_id": self.key_id,
            "seq": self.seq,
            "prev": self.prev,
            "time": self.time,
            "payload": dict(self.payload),
        }

    def signing_input(self) -> bytes:
        return SIGNING_DOMAIN + canonical(self.to_json())


@dataclass(frozen=True)
class SignedStatement:
    statement: Statement
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {"statement": self.statement.to_json(), "signature": self.signature.hex()}

    def encode(self) -> bytes:
        """The canonical bytes that go into the log."""
        return canonical(self.to_json())

    @property
    def hash(self) -> str:
        return statement_hash(self.encode())


def statement_hash(encoded: bytes) -> str:
    return hashlib.sha256(encoded).hexdigest()


def sign(statement: Statement, signing_key: SigningKey) -> SignedStatement:
    """Sign a statement. The key must be the one `statement.key_id` names."""
    check_statement(statement)
    own = key_id(bytes(signing_key.verify_key))
    if own != statement.key_id:
        raise BadInput(f"the signing key is {own}, but the statement names key {statement.key_id}")
    signature = signing_key.sign(statement.signing_input()).signature
    return SignedStatement(statement, bytes(signature))


def verify_signature(signed: SignedStatement, public_key: bytes) -> None:
    """Raise StatementRejected(BAD_SIGNATURE) unless the signature verifies under `public_key`."""
    if key_id(public_key) != signed.statement.key_id:
        raise StatementRejected(
            Reason.UNKNOWN_KEY,
            "the statement names a different key",
            expected=signed.statement.key_id,
            computed=key_id(public_key),
        )
    try:
        VerifyKey(public_key).verify(signed.statement.signing_input(), signed.signature)
    except BadSignatureError as exc:
        raise StatementRejected(
            Reason.BAD_SIGNATURE,
            f"statement seq {signed.statement.seq} of {signed.statement.issuer}: "
            "the Ed25519 signature does not verify",
        ) from exc


def check_statement(st: Statement) -> None:
    """Field-level validation (types and formats), raising BadInput."""
    if not isinstance(st.type, str) or not _TYPE.fullmatch(st.type):
        raise BadInput(f"invalid statement type {st.type!r}")
    check_party_id(st.issuer)
    if not isinstance(st.key_id, str) or not re.fullmatch(r"[0-9a-f]{32}", st.key_id):
        raise BadInput(f"invalid key id {st.key_id!r}")
    if not isinstance(st.seq, int) or isinstance(st.seq, bool) or st.seq < 0:
        raise BadInput(f"invalid sequence number {st.seq!r}")
    if st.prev is not None and not re.fullmatch(r"[0-9a-f]{64}", str(st.prev)):
        raise BadInput(f"invalid previous-statement hash {st.prev!r}")
    check_time(st.time)
    if not isinstance(st.payload, Mapping):
        raise BadInput("the payload must be a JSON object")


def decode(data: bytes) -> SignedStatement:
    """Parse log-entry bytes into a SignedStatement; BadInput if they are not one.

    The bytes must be exactly the canonical encoding, so that one statement has one hash.
    """
    try:
        obj = json.loads(data)
        st, sig = obj["statement"], bytes.fromhex(obj["signature"])
        if set(obj) != {"statement", "signature"} or st.get("v") != VERSION:
            raise ValueError("unknown envelope")
        if set(st) != {"v", "type", "issuer", "key_id", "seq", "prev", "time", "payload"}:
            raise ValueError("unexpected fields")
        statement = Statement(
            st["type"], st["issuer"], st["key_id"], st["seq"], st["prev"], st["time"], st["payload"]
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise BadInput(f"not a signed statement: {type(exc).__name__}: {exc}") from exc
    check_statement(statement)
    signed = SignedStatement(statement, sig)
    try:
        encoded = signed.encode()
    except RecursionError as exc:
        raise BadInput("not a signed statement: nested too deeply") from exc
    if encoded != data:
        raise BadInput("the statement bytes are not in canonical (RFC 8785) form")
    return signed


def is_statement(data: bytes) -> bool:
    """Cheap test whether a log entry claims to be a signed statement."""
    return data.startswith(b'{"signature":')
