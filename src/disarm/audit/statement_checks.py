"""Checks of the signed statements: the registry replay and the escrow.

* `StatementsCheck`: every log entry is a canonical signed statement; replaying them from the
  trusted genesis key verifies each signature, key status, per-issuer sequence and chain, and
  that the issuer's role may issue the statement's type.
* `EscrowCheck`: every committed declaration (Pedersen sum of its public counts) and every
  reveal (each opening against the committed Merkle root, region completeness, counts), in log
  order; continuity between each declaration and the one it supersedes gives findings, which
  later checks compare with the published ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult, Mismatch
from disarm.crypto.registry import Registry
from disarm.crypto.statements import (
    SIGNING_DOMAIN,
    SignedStatement,
    Statement,
    StatementRejected,
    decode,
)
from disarm.errors import BadInput, DisarmError, VerificationError
from disarm.service import escrow as esc

__all__ = ["EscrowCheck", "StatementsCheck", "entry_place"]


@dataclass(frozen=True)
class _DecodedStatement(Statement):
    """A decoded statement that keeps its canonical JSON (a slice of the verified entry bytes),
    so that checking its signature does not canonicalise it again."""

    canonical_json: bytes = b""

    def signing_input(self) -> bytes:
        return SIGNING_DOMAIN + self.canonical_json


@dataclass(frozen=True)
class _DecodedEntry(SignedStatement):
    """A decoded log entry that keeps its bytes: `encode()` (and so `hash`) costs nothing."""

    raw: bytes = b""

    def encode(self) -> bytes:
        return self.raw


def decode_entry(data: bytes) -> SignedStatement:
    """`disarm.crypto.statements.decode` (which checks that `data` is exactly the canonical
    encoding), keeping the canonical bytes it verified for the later checks.

    The entry is ``{"signature":"<hex>","statement":{...}}`` in RFC 8785 form (keys sorted),
    so the statement's canonical JSON is the slice after ``"statement":`` up to the last byte.
    """
    signed = decode(data)
    prefix = b'{"signature":"' + signed.signature.hex().encode() + b'","statement":'
    if not data.startswith(prefix) or not data.endswith(b"}"):  # pragma: no cover - decode
        return signed
    st = signed.statement
    statement = _DecodedStatement(
        st.type,
        st.issuer,
        st.key_id,
        st.seq,
        st.prev,
        st.time,
        st.payload,
        canonical_json=data[len(prefix) : -1],
    )
    return _DecodedEntry(statement, signed.signature, raw=data)


def entry_place(ctx: AuditContext, index: int) -> tuple[str, int | None]:
    """The file and byte offset where log entry `index` is stored (directory logs)."""
    try:
        where = ctx.store.where("entry", 0, index, 0)
    except (OSError, ValueError, VerificationError):
        return ctx.log_dir, None
    if where.startswith("data byte "):
        return f"{ctx.log_dir}/data", int(where.split()[2])
    return ctx.log_dir, None


def fail_at(ctx: AuditContext, index: int, message: str, **kw: Any) -> Mismatch:
    """A `Mismatch` at log entry `index`: its file and byte, and `message` (plus expected/computed
    and the like in `kw`)."""
    file, byte = entry_place(ctx, index)
    return Mismatch(f"log entry {index}: {message}", file=file, index=index, byte=byte, **kw)


def rejected_at(ctx: AuditContext, index: int, message: str, exc: DisarmError) -> Mismatch:
    """`fail_at` for a rejection `exc`, keeping its expected and computed values."""
    expected, computed = getattr(exc, "expected", None), getattr(exc, "computed", None)
    return fail_at(ctx, index, message, expected=expected, computed=computed)


class StatementsCheck:
    name = "statements"
    title = "every statement: signature, key, sequence, chain, role (registry replay)"

    def run(self, ctx: AuditContext) -> CheckResult:
        registry = Registry(ctx.trust.genesis_key)
        types: Counter[str] = Counter()
        statements = []
        for index, data in enumerate(ctx.entries):
            try:
                signed = decode_entry(data)
                registry.apply(signed)
            except (StatementRejected, BadInput) as exc:
                raise rejected_at(ctx, index, f"does not verify: {exc.message}", exc) from exc
            statements.append((index, signed))
            types[signed.statement.type] += 1
        if not statements:
            raise Mismatch("the log holds no statement", file=ctx.log_dir, expected=">= 1")
        ctx.registry = registry
        ctx.statements = statements
        roles = Counter(p.role.value for p in registry.parties.values())
        return CheckResult(
            self.name,
            self.title,
            checked=len(statements),
            unit="statements",
            figures={
                "parties": sum(roles.values()),
                "statement_types": len(types),
                "parties_by_role": dict(sorted(roles.items())),
                "statements_by_type": dict(sorted(types.items())),
            },
        )


class EscrowCheck:
    name = "escrow"
    title = "escrowed declarations (Pedersen sums) and every reveal's openings"

    def run(self, ctx: AuditContext) -> CheckResult:
        ctx.require_registry()
        # The statements are verified (registry replay); audit each escrow statement in order.
        audit = esc.Audit()
        for index, signed in ctx.statements:
            try:
                esc.audit_statement(audit, index, signed)
            except (VerificationError, BadInput) as exc:
                message = f"({signed.statement.type}) {exc.message}"
                raise rejected_at(ctx, index, message, exc) from exc
        ctx.escrow = audit
        openings = sum(len(r.state.items()) for r in audit.declarations.values())
        return CheckResult(
            self.name,
            self.title,
            checked=len(audit.declarations) + len(audit.reveal_of),
            unit="declarations and reveals",
            figures={
                "declarations": len(audit.declarations),
                "reveals": len(audit.reveal_of),
                "items_opened": openings,
                "continuity_findings": len(audit.continuity()),
            },
        )
