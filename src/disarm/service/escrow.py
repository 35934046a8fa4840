"""Use cases of the declaration escrow: declare, reveal, and audit a log's declarations.

Combines the crypto core with a log (see `disarm.service.registry.EntryLog`). Times and
randomness come in as arguments. Writers check everything before they append, so bad input
never leaves a partial record in the log: a declaration is one statement, a reveal is one
statement, and each is appended only after it verifies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from disarm.crypto.commitments import Context, Item
from disarm.crypto.continuity import (
    DeclarationView,
    Finding,
    check_found_item,
    reappeared,
    vanished,
)
from disarm.crypto.escrow import (
    COMMIT_TYPE,
    REVEAL_TYPE,
    EscrowOpening,
    PublicPart,
    Randomness,
    commit,
)
from disarm.crypto.reveal import Reveal, RevealKind, RevealRejected, RevealState, make_reveals
from disarm.crypto.statements import SignedStatement
from disarm.errors import BadInput, NotFound, VerificationError
from disarm.service import registry as regsvc
from disarm.service.registry import EntryLog, Signer


@dataclass
class DeclarationRecord:
    """One committed declaration in the log, with the reveals verified so far."""

    index: int
    statement: SignedStatement
    public: PublicPart
    state: RevealState
    reveals: list[int] = field(default_factory=list)

    @property
    def party(self) -> str:
        return self.statement.statement.issuer

    def view(self) -> DeclarationView:
        return DeclarationView(
            self.index, self.state.items(), dict(self.state.regions), self.state.complete
        )

    def summary(self) -> dict[str, Any]:
        p = self.public
        return {
            "index": self.index,
            "hash": self.statement.hash,
            "party": self.party,
            "programme": p.context.programme,
            "declaration": p.context.declaration,
            "root": p.root.hex(),
            "regions": list(p.layout.regions),
            "region_size": p.layout.region_size,
            "counts": dict(p.counts),
            "total": p.total,
            "supersedes": p.supersedes,
            "pedersen_sum": "ok",
            "reveals": list(self.reveals),
            "regions_revealed": sorted(self.state.regions),
            "items_opened": len(self.state.items()),
            "complete": self.state.complete,
        }


@dataclass
class Audit:
    """All declarations and reveals of a log, verified in log order."""

    declarations: dict[int, DeclarationRecord] = field(default_factory=dict)
    reveal_of: dict[int, int] = field(default_factory=dict)

    def find(self, party: str, declaration_id: str) -> DeclarationRecord | None:
        for record in self.declarations.values():
            if record.party == party and record.public.context.declaration == declaration_id:
                return record
        return None

    def continuity(self) -> list[Finding]:
        """Findings between each declaration and those before it in its chain.

        Vanished items are judged against the declaration superseded; dismantled or disposed
        items that come back are judged against every ancestor.
        """
        findings: list[Finding] = []
        for record in self.declarations.values():
            later = record.view()
            parent = record.public.supersedes
            if parent is not None and parent in self.declarations:
                findings += vanished(self.declarations[parent].view(), later)
            seen: set[str] = set()
            while parent is not None and parent in self.declarations:
                ancestor = self.declarations[parent]
                for f in reappeared(ancestor.view(), later):
                    if f.item not in seen:
                        seen.add(f.item)
                        findings.append(f)
                parent = ancestor.public.supersedes
        return findings


def _commit_public(signed: SignedStatement, index: int) -> PublicPart:
    public = PublicPart.from_json(signed.statement.payload)
    if public.context.party != signed.statement.issuer:
        raise VerificationError(
            f"declaration at {index} names party {public.context.party!r} but is signed by "
            f"{signed.statement.issuer!r}"
        )
    public.verify_sum()
    return public


def _reveal_of(signed: SignedStatement) -> tuple[int, str, Reveal]:
    payload = signed.statement.payload
    try:
        ref = payload["declaration"]
        target, target_hash = int(ref["index"]), str(ref["hash"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"a reveal must name its declaration (index, hash): {exc}") from exc
    body = {k: v for k, v in payload.items() if k != "declaration"}
    return target, target_hash, Reveal.from_json(body)


def audit(log: EntryLog, genesis_key: bytes, end: int | None = None) -> Audit:
    """Verify every statement, declaration and reveal in entries [0, end)."""
    regsvc.replay(log, genesis_key, end)
    result = Audit()
    for index, signed in regsvc.statements(log, 0, end):
        try:
            audit_statement(result, index, signed)
        except (VerificationError, BadInput) as exc:
            raise VerificationError(
                f"log entry {index} ({signed.statement.type}): {exc.message}",
                expected=getattr(exc, "expected", None),
                computed=getattr(exc, "computed", None),
            ) from exc
    return result


def audit_statement(result: Audit, index: int, signed: SignedStatement) -> None:
    """Audit one statement, log entry `index`, into `result` (the step `audit` repeats).

    A `declaration.commit` is checked (issuer, Pedersen sum, not a second declaration of the
    same id, a valid `supersedes`) and recorded; a `declaration.reveal` must name an earlier
    declaration of its issuer by index and hash, and its openings are applied to that
    declaration's reveal state. Other statement types are ignored. The caller must already
    have verified the statement's signature and registry (`disarm.service.registry.replay`)
    and must pass the statements in log order. Raises VerificationError or BadInput;
    `result` may then hold part of the statement's effect and should be discarded.
    """
    st = signed.statement
    if st.type == COMMIT_TYPE:
        public = _commit_public(signed, index)
        if result.find(st.issuer, public.context.declaration) is not None:
            raise VerificationError(f"{st.issuer} already declared {public.context.declaration!r}")
        if public.supersedes is not None:
            earlier = result.declarations.get(public.supersedes)
            if earlier is None or earlier.party != st.issuer:
                raise VerificationError(
                    f"supersedes {public.supersedes}, which is not an earlier declaration "
                    f"of {st.issuer}"
                )
        result.declarations[index] = DeclarationRecord(index, signed, public, RevealState(public))
    elif st.type == REVEAL_TYPE:
        target, target_hash, reveal = _reveal_of(signed)
        record = result.declarations.get(target)
        if record is None or record.statement.hash != target_hash or record.party != st.issuer:
            raise VerificationError(
                f"the reveal names declaration {target}, which is not a declaration of "
                f"{st.issuer} with that hash",
                expected=target_hash,
                computed=None if record is None else record.statement.hash,
            )
        record.state.apply(reveal, index)
        record.reveals.append(index)
        result.reveal_of[index] = target


def declare(
    log: EntryLog,
    signer: Signer,
    items: Sequence[Item],
    counts: dict[str, int],
    *,
    programme: str,
    declaration_id: str,
    regions: Iterable[str],
    region_size: int,
    time: str,
    random: Randomness,
    supersedes: int | None = None,
    keep_opening: Callable[[EscrowOpening], None],
) -> tuple[int, PublicPart]:
    """Commit a declaration and log its public part; return (log index, public part).

    `keep_opening` is called with the secret opening after every check has passed and before
    the statement is appended (the CLI writes the opening file there), so a failure to keep the
    opening leaves the log unchanged.
    """
    genesis = regsvc.genesis_key_of(log)
    registry = regsvc.replay(log, genesis)
    state = audit(log, genesis)
    if state.find(signer.party, declaration_id) is not None:
        raise BadInput(f"{signer.party} already declared {declaration_id!r} in this log")
    if supersedes is not None:
        earlier = state.declarations.get(supersedes)
        if earlier is None or earlier.party != signer.party:
            raise BadInput(
                f"log entry {supersedes} is not an earlier declaration of {signer.party}"
            )
    context = Context(programme, signer.party, declaration_id)
    public, opening = commit(
        items, counts, context, list(regions), region_size, random, supersedes=supersedes
    )
    signed = regsvc.prepare(registry, signer, COMMIT_TYPE, public.to_json(), time)
    keep_opening(opening)
    return regsvc.append(log, signed), public


def reveal(
    log: EntryLog,
    signer: Signer,
    opening: EscrowOpening,
    kind: RevealKind,
    *,
    target: str | None = None,
    ids: Iterable[str] = (),
    time: str,
) -> tuple[range, list[Reveal]]:
    """Open part of a declaration from its opening file and log the reveal.

    A large reveal becomes several consecutive statements (parts), appended atomically.
    Returns their log indexes and the parts.
    """
    genesis = regsvc.genesis_key_of(log)
    registry = regsvc.replay(log, genesis)
    state = audit(log, genesis)
    ctx = opening.context
    if ctx.party != signer.party:
        raise BadInput(f"the opening file belongs to {ctx.party!r}, not to {signer.party!r}")
    record = state.find(ctx.party, ctx.declaration)
    if record is None:
        raise NotFound(f"no declaration {ctx.declaration!r} of {ctx.party} in this log")
    if record.public.root != opening.root or record.public.context != ctx:
        raise BadInput(
            f"wrong opening file: it does not open declaration {ctx.declaration!r} "
            f"(log entry {record.index})"
        )
    parts = make_reveals(opening, kind, target=target, ids=ids)
    try:
        record.state.check_all(parts)
    except RevealRejected as exc:
        raise BadInput(
            f"refusing to log a reveal that verifiers would reject: {exc.message}"
        ) from exc
    ref = {"declaration": {"index": record.index, "hash": record.statement.hash}}
    payloads = [{**ref, **p.to_json()} for p in parts]
    signed = regsvc.prepare_many(registry, signer, REVEAL_TYPE, payloads, time)
    return regsvc.append_many(log, signed), parts


def verify_declaration(log: EntryLog, index: int, genesis_key: bytes) -> DeclarationRecord:
    """Verify a declaration and every reveal of it in the whole log."""
    result = audit(log, genesis_key)
    if index not in result.declarations:
        raise NotFound(f"log entry {index} is not a declaration")
    return result.declarations[index]


def verify_reveal(
    log: EntryLog, index: int, genesis_key: bytes
) -> tuple[DeclarationRecord, Reveal]:
    """Verify the reveal at `index` (and everything before it)."""
    result = audit(log, genesis_key, end=index + 1)
    if index not in result.reveal_of:
        raise NotFound(f"log entry {index} is not a reveal")
    record = result.declarations[result.reveal_of[index]]
    signed = regsvc.decode_entry(log, index)
    return record, _reveal_of(signed)[2]


def confront(log: EntryLog, genesis_key: bytes, declaration: int, found: Item) -> Finding | None:
    """Confront an item found at an inspection with a declaration's openings so far."""
    record = verify_declaration(log, declaration, genesis_key)
    return check_found_item(record.view(), found)
