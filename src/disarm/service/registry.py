"""Use cases for signed statements and the party registry, on top of a transparency log.

The log is anything with `size`, `entry`, `entries` and `append` (`disarm.store` logs qualify).
Times come in as arguments. Writers check every statement against the registry rebuilt from
the log before appending it, so a statement the log's verifiers would reject (wrong key,
revoked key, a role that may not issue it) never enters the log: it is refused as bad input.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from nacl.signing import SigningKey

from disarm.crypto import registry as reg
from disarm.crypto.statements import (
    SignedStatement,
    Statement,
    StatementRejected,
    decode,
    is_statement,
    key_id,
    sign,
)
from disarm.errors import BadInput, NotFound, VerificationError
from disarm.tlog.tiles import MAX_ENTRY_SIZE


class EntryLog(Protocol):
    """The part of a log store the services use."""

    @property
    def size(self) -> int: ...
    def entry(self, index: int) -> bytes: ...
    def entries(self, start: int, end: int) -> Iterator[bytes]: ...
    def append(self, entries: Sequence[bytes]) -> range: ...


@dataclass(frozen=True)
class Signer:
    """A party's signing key, as loaded from its key file."""

    party: str
    key: SigningKey

    @property
    def public_key(self) -> bytes:
        return bytes(self.key.verify_key)

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)


def genesis_key_of(log: EntryLog) -> bytes:
    """The public key registered by the log's genesis statement (trust on first use).

    Writers use it to rebuild the registry of the log they append to. Verifiers must not: they
    pass the trust anchor they obtained out of band.
    """
    if log.size == 0:
        raise NotFound("the log is empty: it has no genesis statement yet")
    try:
        signed = decode(log.entry(0))
        if signed.statement.type != reg.GENESIS:
            raise BadInput("entry 0 is not a registry.genesis statement")
        return bytes.fromhex(signed.statement.payload["public_key"])
    except (KeyError, ValueError, TypeError) as exc:
        raise BadInput(f"entry 0 is not a valid genesis statement: {exc}") from exc


def replay(log: EntryLog, genesis_key: bytes, end: int | None = None) -> reg.Registry:
    """The registry as of entry `end` (default: the whole log), verifying every statement."""
    registry = reg.Registry(genesis_key)
    stop = log.size if end is None else end
    for index, data in enumerate(log.entries(0, stop)):
        if not is_statement(data):
            continue
        try:
            registry.apply(decode(data))
        except (StatementRejected, BadInput) as exc:
            raise VerificationError(
                f"log entry {index} does not verify: {exc.message}",
                expected=getattr(exc, "expected", None),
                computed=getattr(exc, "computed", None),
            ) from exc
    return registry


def statements(
    log: EntryLog, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, SignedStatement]]:
    """(index, statement) for the statements among log entries [start, end)."""
    stop = log.size if end is None else end
    for offset, data in enumerate(log.entries(start, stop)):
        if is_statement(data):
            yield start + offset, decode(data)


def decode_entry(log: EntryLog, index: int) -> SignedStatement:
    if not 0 <= index < log.size:
        raise NotFound(f"the log has no entry {index} (size {log.size})")
    return decode(log.entry(index))


def prepare(
    registry: reg.Registry,
    signer: Signer,
    type_: str,
    payload: Mapping[str, Any],
    time: str,
) -> SignedStatement:
    """Sign the signer's next statement and check it would be accepted; BadInput if not."""
    seq, prev = registry.next_position(signer.party)
    signed = sign(
        Statement(type_, signer.party, signer.key_id, seq, prev, time, dict(payload)), signer.key
    )
    try:
        registry.check(signed)
    except StatementRejected as exc:
        raise BadInput(
            f"refusing to log a statement the registry would reject: {exc.message}",
            source=signer.party,
        ) from exc
    size = len(signed.encode())
    if size > MAX_ENTRY_SIZE:
        raise BadInput(
            f"the {type_} statement would be {size} bytes; a log entry holds at most "
            f"{MAX_ENTRY_SIZE} (fewer regions or shorter names)"
        )
    return signed


def prepare_many(
    registry: reg.Registry,
    signer: Signer,
    type_: str,
    payloads: Sequence[Mapping[str, Any]],
    time: str,
) -> list[SignedStatement]:
    """Sign and check several consecutive statements of `signer` (registry left unchanged)."""
    trial = copy.deepcopy(registry)
    out = []
    for payload in payloads:
        signed = prepare(trial, signer, type_, payload, time)
        trial.apply(signed)
        out.append(signed)
    return out


def append_many(log: EntryLog, signed: Sequence[SignedStatement]) -> range:
    """Append statements in one atomic append; return their log indexes."""
    return log.append([s.encode() for s in signed])


def append(log: EntryLog, signed: SignedStatement) -> int:
    """Append one statement; return its log index."""
    return log.append([signed.encode()]).start


def issue(
    log: EntryLog,
    signer: Signer,
    type_: str,
    payload: Mapping[str, Any],
    time: str,
    *,
    genesis_key: bytes | None = None,
) -> tuple[int, SignedStatement]:
    """Sign, check and append one statement of `signer`; return (log index, statement)."""
    registry = replay(log, genesis_key or genesis_key_of(log))
    signed = prepare(registry, signer, type_, payload, time)
    return append(log, signed), signed


def bootstrap(log: EntryLog, signer: Signer, time: str, *, name: str = "") -> int:
    """Write the genesis statement: `signer` becomes the inspectorate and the trust anchor."""
    if log.size != 0:
        raise BadInput("the log is not empty: a genesis statement must be its first entry")
    registry = reg.Registry(signer.public_key)
    payload = {
        "party": signer.party,
        "role": reg.Role.INSPECTORATE.value,
        "public_key": signer.public_key.hex(),
        "name": name,
    }
    return append(log, prepare(registry, signer, reg.GENESIS, payload, time))


def register_party(
    log: EntryLog,
    signer: Signer,
    party: str,
    role: reg.Role,
    public_key: bytes,
    time: str,
    *,
    name: str = "",
) -> int:
    payload = {"party": party, "role": role.value, "public_key": public_key.hex(), "name": name}
    return issue(log, signer, reg.REGISTER, payload, time)[0]


def rotate_key(log: EntryLog, signer: Signer, new_public_key: bytes, time: str) -> int:
    return issue(log, signer, reg.ROTATE, {"new_public_key": new_public_key.hex()}, time)[0]


def revoke_key(
    log: EntryLog, signer: Signer, party: str, revoked_key_id: str, reason: str, time: str
) -> int:
    payload = {"party": party, "key_id": revoked_key_id, "reason": reason}
    return issue(log, signer, reg.REVOKE, payload, time)[0]


def verify_statement(log: EntryLog, index: int, genesis_key: bytes) -> SignedStatement:
    """Verify log entry `index` against the registry of the entries before it."""
    return verify_statement_key(log, index, genesis_key)[0]


def verify_statement_key(
    log: EntryLog, index: int, genesis_key: bytes
) -> tuple[SignedStatement, reg.KeyRecord]:
    """`verify_statement`, with the registered key that signed it (its status, and whether it
    is a simulation key)."""
    if not 0 <= index < log.size:
        raise NotFound(f"the log has no entry {index} (size {log.size})")
    registry = replay(log, genesis_key, end=index)
    data = log.entry(index)
    if not is_statement(data):
        raise BadInput(f"log entry {index} is not a signed statement")
    signed = decode(data)
    registry.check(signed)
    st = signed.statement
    if not registry.parties:  # the genesis statement: signed by the key it registers
        return signed, reg.KeyRecord(
            st.key_id, genesis_key, simulation=reg.simulation_marker(st.payload)
        )
    return signed, registry.party(st.issuer).keys[st.key_id]
