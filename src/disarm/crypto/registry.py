"""The registry of parties, their roles and keys, rebuilt by replaying signed statements.

Trust model. The registry has exactly one trust anchor: the inspectorate's genesis public key,
which every verifier passes explicitly (`Registry(genesis_key)`), obtained out of band (treaty
text, published fingerprint). The first statement in the log must be a `registry.genesis`
statement signed by that key; it registers the inspectorate. From then on:

- the inspectorate registers parties (`registry.register`: party id, role, public key); the
  same statement for an existing party adds a new key (re-keying after a revocation);
- a party rotates its own key (`registry.rotate`, signed by its current key: the old key is
  retired, the new one active);
- a party or the inspectorate revokes a key (`registry.revoke`); statements signed afterwards
  with a retired or revoked key are rejected.

Simulation keys. A genesis, registration or rotation payload may carry ``"simulation": true``
(the only value allowed; absent means a real key): the key it adds was derived from a public or
guessable seed (`disarm demo --seed`), so anyone who knows the seed can sign with it. The marker
is signed like the rest of the statement and recorded per key (`KeyRecord.simulation`), so every
verifier sees it; `disarm verify DIR` refuses a registry holding one unless told
`--allow-simulation-keys`. Keys made by `disarm keys generate` never carry it.

Every statement, of any type, also advances its issuer's chain: its `seq` must be the
previous one plus one and its `prev` the hash of the issuer's previous statement, so replays,
gaps and reorderings are detected; and its `time` must not be earlier than the time of the
issuer's previous statement (equal times are allowed: a batch written at once), so an issuer
cannot backdate a statement behind one it already published. A role may only issue the
statement types listed in `ALLOWED_TYPES`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from disarm.crypto.statements import (
    Reason,
    SignedStatement,
    StatementRejected,
    check_party_id,
    decode,
    is_statement,
    key_id,
    parse_time,
    verify_signature,
)
from disarm.errors import BadInput

GENESIS = "registry.genesis"
REGISTER = "registry.register"
ROTATE = "registry.rotate"
REVOKE = "registry.revoke"
#: The payload field that marks the key a statement adds as a simulation key.
SIMULATION = "simulation"


class Role(enum.StrEnum):
    STATE = "state"
    INSPECTORATE = "inspectorate"
    WITNESS = "witness"


class KeyStatus(enum.StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"


#: Statement types each role may issue (a trailing ".*" matches a whole family).
ALLOWED_TYPES: Mapping[Role, tuple[str, ...]] = {
    Role.INSPECTORATE: (
        GENESIS,
        REGISTER,
        ROTATE,
        REVOKE,
        "programme.*",
        "inspection.*",
        "finding.*",
        "custody.*",
    ),
    Role.STATE: (ROTATE, REVOKE, "declaration.*", "custody.*"),
    Role.WITNESS: (ROTATE, REVOKE, "cosignature.*"),
}


def allowed(role: Role, statement_type: str) -> bool:
    for pattern in ALLOWED_TYPES[role]:
        if pattern.endswith(".*"):
            if statement_type.startswith(pattern[:-1]):
                return True
        elif statement_type == pattern:
            return True
    return False


@dataclass
class KeyRecord:
    key_id: str
    public_key: bytes
    status: KeyStatus = KeyStatus.ACTIVE
    #: Derived from a seed (a demo), not from the operating system's random source.
    simulation: bool = False


@dataclass
class Party:
    id: str
    role: Role
    name: str
    keys: dict[str, KeyRecord] = field(default_factory=dict)
    seq: int = -1
    last_hash: str | None = None
    last_time: str | None = None

    def active_key(self) -> KeyRecord | None:
        active = [k for k in self.keys.values() if k.status is KeyStatus.ACTIVE]
        return active[-1] if active else None

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.id,
            "role": self.role.value,
            "name": self.name,
            "seq": self.seq,
            "keys": [
                {
                    "key_id": k.key_id,
                    "public_key": k.public_key.hex(),
                    "status": k.status.value,
                    "simulation": k.simulation,
                }
                for k in self.keys.values()
            ],
        }


def _reject(reason: Reason, message: str, **kw: Any) -> StatementRejected:
    return StatementRejected(reason, message, **kw)


def _public_key(payload: Mapping[str, Any], name: str) -> bytes:
    try:
        key = bytes.fromhex(payload[name])
    except (KeyError, TypeError, ValueError) as exc:
        raise _reject(Reason.MALFORMED, f"payload field {name!r} must be a hex key") from exc
    if len(key) != 32:
        raise _reject(Reason.MALFORMED, f"payload field {name!r} must be 32 bytes")
    return key


def simulation_marker(payload: Mapping[str, Any]) -> bool:
    """Whether `payload` marks the key it adds as a simulation key (absent, or exactly true)."""
    if SIMULATION not in payload:
        return False
    if payload[SIMULATION] is not True:
        raise _reject(
            Reason.MALFORMED,
            f"payload field {SIMULATION!r} must be true when present (absent: a real key)",
        )
    return True


class Registry:
    """Parties, keys and per-issuer chains, as of the statements applied so far."""

    def __init__(self, genesis_key: bytes) -> None:
        if len(genesis_key) != 32:
            raise BadInput("the genesis (trust-anchor) public key must be 32 bytes")
        self.genesis_key = genesis_key
        self.parties: dict[str, Party] = {}
        self._key_owner: dict[str, str] = {}

    # -- queries ---------------------------------------------------------------------------
    def party(self, party_id: str) -> Party:
        try:
            return self.parties[party_id]
        except KeyError:
            raise _reject(Reason.UNKNOWN_PARTY, f"party {party_id!r} is not registered") from None

    def simulation_keys(self) -> list[tuple[str, KeyRecord]]:
        """(party id, key) of every simulation key ever registered, in registration order."""
        return [
            (self._key_owner[kid], rec)
            for kid in self._key_owner
            if (rec := self.parties[self._key_owner[kid]].keys[kid]).simulation
        ]

    def next_position(self, party_id: str) -> tuple[int, str | None]:
        """(seq, prev) for the party's next statement."""
        if party_id not in self.parties:
            return 0, None
        p = self.parties[party_id]
        return p.seq + 1, p.last_hash

    # -- verification ----------------------------------------------------------------------
    def check(self, signed: SignedStatement) -> None:
        """Raise StatementRejected (with its reason) unless `signed` may be appended now."""
        st = signed.statement
        if not self.parties:
            self._check_genesis(signed)
            return
        if st.type == GENESIS:
            raise _reject(Reason.BAD_GENESIS, "the registry already has a genesis statement")
        party = self.party(st.issuer)
        record = party.keys.get(st.key_id)
        if record is None:
            raise _reject(Reason.UNKNOWN_KEY, f"key {st.key_id} is not registered to {party.id}")
        if record.status is KeyStatus.REVOKED:
            raise _reject(Reason.REVOKED_KEY, f"key {st.key_id} of {party.id} is revoked")
        if record.status is KeyStatus.RETIRED:
            raise _reject(Reason.RETIRED_KEY, f"key {st.key_id} of {party.id} was rotated out")
        verify_signature(signed, record.public_key)
        if not allowed(party.role, st.type):
            raise _reject(
                Reason.ROLE_NOT_ALLOWED,
                f"a party with role {party.role.value} may not issue {st.type!r} statements",
            )
        self._check_sequence(party, st.seq, st.prev)
        self._check_time(party, st.seq, st.time)
        self._check_effect(party, signed)

    def _check_sequence(self, party: Party, seq: int, prev: str | None) -> None:
        if seq <= party.seq:
            raise _reject(
                Reason.REPLAY,
                f"{party.id} already issued statement seq {seq}",
                expected=party.seq + 1,
                computed=seq,
            )
        if seq > party.seq + 1:
            raise _reject(
                Reason.GAP,
                f"{party.id}'s statements skip from seq {party.seq} to {seq}",
                expected=party.seq + 1,
                computed=seq,
            )
        if prev != party.last_hash:
            raise _reject(
                Reason.PREVIOUS_MISMATCH,
                f"statement seq {seq} of {party.id} does not chain to its previous statement",
                expected=party.last_hash,
                computed=prev,
            )

    def _check_time(self, party: Party, seq: int, time: str) -> None:
        """Times never decrease along an issuer's chain (equal is allowed)."""
        if party.last_time is not None and parse_time(time) < parse_time(party.last_time):
            raise _reject(
                Reason.TIME_REGRESSION,
                f"statement seq {seq} of {party.id} is dated {time}, before its previous "
                f"statement ({party.last_time})",
                expected=f">= {party.last_time}",
                computed=time,
            )

    def _check_genesis(self, signed: SignedStatement) -> None:
        st = signed.statement
        if st.type != GENESIS or st.seq != 0 or st.prev is not None:
            raise _reject(Reason.BAD_GENESIS, "the first statement must be registry.genesis, seq 0")
        if st.key_id != key_id(self.genesis_key):
            raise _reject(
                Reason.BAD_GENESIS,
                "the genesis statement is not signed by the trusted genesis key",
                expected=key_id(self.genesis_key),
                computed=st.key_id,
            )
        verify_signature(signed, self.genesis_key)
        simulation_marker(st.payload)
        if _public_key(st.payload, "public_key") != self.genesis_key:
            raise _reject(Reason.BAD_GENESIS, "the genesis statement registers a different key")
        if (
            st.payload.get("role") != Role.INSPECTORATE.value
            or st.payload.get("party") != st.issuer
        ):
            raise _reject(
                Reason.BAD_GENESIS, "the genesis statement must register the inspectorate"
            )

    def _check_effect(self, issuer: Party, signed: SignedStatement) -> None:
        st, payload = signed.statement, signed.statement.payload
        if st.type in (REGISTER, ROTATE):
            simulation_marker(payload)
        if st.type == REGISTER:
            try:
                target = check_party_id(payload["party"])
                role = Role(payload["role"])
            except (KeyError, ValueError, BadInput) as exc:
                raise _reject(Reason.MALFORMED, f"bad registration payload: {exc}") from exc
            new_key = key_id(_public_key(payload, "public_key"))
            if new_key in self._key_owner:
                raise _reject(Reason.MALFORMED, f"key {new_key} is already registered")
            existing = self.parties.get(target)
            if existing is not None and existing.role is not role:
                raise _reject(
                    Reason.MALFORMED, f"{target} is already registered as {existing.role}"
                )
        elif st.type == ROTATE:
            new_key = key_id(_public_key(payload, "new_public_key"))
            if new_key in self._key_owner:
                raise _reject(Reason.MALFORMED, f"key {new_key} is already registered")
        elif st.type == REVOKE:
            revoked = payload.get("party")
            if revoked != issuer.id and issuer.role is not Role.INSPECTORATE:
                raise _reject(
                    Reason.NOT_AUTHORISED, f"{issuer.id} may not revoke keys of {revoked!r}"
                )
            if (
                not isinstance(revoked, str)
                or payload.get("key_id") not in self.party(revoked).keys
            ):
                raise _reject(Reason.MALFORMED, "the revocation names no registered key")

    # -- state changes ---------------------------------------------------------------------
    def apply(self, signed: SignedStatement) -> None:
        """Check `signed`, then record it (advance the issuer's chain, apply its effect)."""
        self.check(signed)
        st, payload = signed.statement, signed.statement.payload
        if st.type == GENESIS:
            self._add_key(
                st.issuer,
                Role.INSPECTORATE,
                str(payload.get("name", "")),
                self.genesis_key,
                simulation_marker(payload),
            )
        elif st.type == REGISTER:
            self._add_key(
                payload["party"],
                Role(payload["role"]),
                str(payload.get("name", "")),
                bytes.fromhex(payload["public_key"]),
                simulation_marker(payload),
            )
        elif st.type == ROTATE:
            party = self.parties[st.issuer]
            party.keys[st.key_id].status = KeyStatus.RETIRED
            self._add_key(
                party.id,
                party.role,
                party.name,
                bytes.fromhex(payload["new_public_key"]),
                simulation_marker(payload),
            )
        elif st.type == REVOKE:
            self.parties[payload["party"]].keys[payload["key_id"]].status = KeyStatus.REVOKED
        issuer = self.parties[st.issuer]
        issuer.seq, issuer.last_hash, issuer.last_time = st.seq, signed.hash, st.time

    def _add_key(
        self, party_id: str, role: Role, name: str, public_key: bytes, simulation: bool
    ) -> None:
        party = self.parties.setdefault(party_id, Party(party_id, role, name))
        kid = key_id(public_key)
        party.keys[kid] = KeyRecord(kid, public_key, simulation=simulation)
        self._key_owner[kid] = party_id

    @classmethod
    def replay(cls, entries: Iterable[bytes], genesis_key: bytes) -> Registry:
        """Rebuild the registry from log entries (entries that are not statements are skipped).

        Raises StatementRejected at the first statement that does not verify.
        """
        registry = cls(genesis_key)
        for data in entries:
            if is_statement(data):
                registry.apply(decode(data))
        return registry
