"""`disarm verify`: check statements, declarations and reveals.

Every command rebuilds the registry from the log, starting from the trust anchor given with
`--trust` (or DISARM_TRUST), and verifies every statement up to the one asked about. Exit 0 when
everything verifies, 1 when a check fails, 2 on bad input.
"""

from __future__ import annotations

from typing import Any

import typer

from disarm.cli.app import group
from disarm.cli.keys import JSON_OPT, LOG_OPT, TRUST_OPT, opened_log, parse_key_hex
from disarm.cli.output import emit, print_json
from disarm.crypto.commitments import Item
from disarm.crypto.continuity import DeclarationView, check_found_item
from disarm.errors import NotFound
from disarm.service import escrow as esc
from disarm.service import registry as svc

verify_app = group("verify", "Verify signed statements, committed declarations and reveals.")

INDEX_OPT = typer.Option(..., "--index", help="Log index of the entry to verify.")


def _show(result: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        print_json(result)
    else:
        emit([{"field": k, "value": v} for k, v in result.items()], title=title)


@verify_app.command("statement")
def verify_statement(
    log: str = LOG_OPT, index: int = INDEX_OPT, trust: str = TRUST_OPT, as_json: bool = JSON_OPT
) -> None:
    """Verify one signed statement: signature, key, sequence, chain and role.

    Also says whether the signing key is a simulation key (registered with the
    simulation marker, as every disarm demo key is: derived from a seed).
    """
    with opened_log(log) as store:
        _check_index(store.size, index)
        signed, key = svc.verify_statement_key(store, index, parse_key_hex(trust, "trust anchor"))
    st = signed.statement
    _show(
        {
            "index": index,
            "status": "ok",
            "hash": signed.hash,
            "type": st.type,
            "issuer": st.issuer,
            "key_id": st.key_id,
            "seq": st.seq,
            "prev": st.prev,
            "time": st.time,
            # a key derived from a seed (disarm demo): anyone who knows the seed can sign
            "simulation_key": key.simulation,
        },
        as_json,
        "statement",
    )


@verify_app.command("declaration")
def verify_declaration(
    log: str = LOG_OPT, index: int = INDEX_OPT, trust: str = TRUST_OPT, as_json: bool = JSON_OPT
) -> None:
    """Verify a declaration (signature, Pedersen sum) and all its reveals in the log so far.

    Also reports continuity findings against the declaration it supersedes; any finding makes
    the exit code 1.
    """
    with opened_log(log) as store:
        _check_index(store.size, index)
        audit = esc.audit(store, parse_key_hex(trust, "trust anchor"))
    if index not in audit.declarations:
        raise NotFound(f"log entry {index} is not a declaration")
    record = audit.declarations[index]
    findings = [
        f.to_json() for f in audit.continuity() if any(e.index == index for e in f.evidence)
    ]
    result = {"status": "ok" if not findings else "findings", **record.summary()}
    result["findings"] = findings
    _show(result, as_json, "declaration")
    if findings:
        raise typer.Exit(1)


@verify_app.command("reveal")
def verify_reveal(
    log: str = LOG_OPT, index: int = INDEX_OPT, trust: str = TRUST_OPT, as_json: bool = JSON_OPT
) -> None:
    """Verify a reveal: every opening against the committed root, region completeness, counts."""
    with opened_log(log) as store:
        _check_index(store.size, index)
        record, rev = esc.verify_reveal(store, index, parse_key_hex(trust, "trust anchor"))
    _show(
        {
            "index": index,
            "status": "ok",
            "declaration": record.index,
            "kind": rev.kind.value,
            "target": rev.target,
            "part": rev.part,
            "parts": rev.parts,
            "leaves": len(rev.leaves()),
            "items": [lf.item.to_json() for lf in rev.leaves().values() if lf.item is not None],
        },
        as_json,
        "reveal",
    )


def _check_index(size: int, index: int) -> None:
    """An index beyond the log is a plain out-of-range error, not "not a declaration"."""
    if not 0 <= index < size:
        raise NotFound(f"log index {index} is out of range: the log holds entries 0 to {size - 1}")


def _no_finding(view: DeclarationView, found: Item) -> tuple[str, str]:
    """Whether an item that gives no finding is confirmed by the openings or still undecided."""
    opened = view.items.get(found.id)
    region_ref = view.regions.get(found.region)
    if opened is not None:
        where = (
            f"region {found.region!r} was fully revealed at log index {region_ref}"
            if region_ref is not None
            else f"region {found.region!r} is not fully revealed yet"
        )
        return "confirmed", (
            f"opened at log index {opened[1]} as {found.category} in {found.region}, as found; "
            + where
        )
    return "undecided", (
        f"region {found.region!r} is not revealed yet, so the openings cannot tell whether the "
        "declaration holds the item there: ask the party to open it"
    )


@verify_app.command("found-item")
def verify_found_item(
    log: str = LOG_OPT,
    declaration: int = typer.Option(..., "--declaration", help="Log index of the declaration."),
    item_id: str = typer.Option(..., "--id", help="Identifier of the item found."),
    category: str = typer.Option(..., "--category", help="Its category."),
    region: str = typer.Option(..., "--region", help="Region where it was found."),
    status: str = typer.Option("found", "--status", help="Its status as found."),
    trust: str = TRUST_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Confront an item found at an inspection with a declaration's openings so far.

    Exit 1 with a finding (and its evidence: log indexes) when the openings prove the
    declaration did not commit to the item as found; exit 0 otherwise, saying which: confirmed
    (the item was opened as found) or undecided (its region is not revealed yet), and why.
    """
    found = Item.from_json(
        {"id": item_id, "category": category, "region": region, "status": status}
    )
    with opened_log(log) as store:
        _check_index(store.size, declaration)
        record = esc.verify_declaration(store, declaration, parse_key_hex(trust, "trust anchor"))
    view = record.view()
    finding = check_found_item(view, found)
    if finding is None:
        status, reason = _no_finding(view, found)
        result = {"status": status, "reason": reason, "item": item_id, "declaration": declaration}
        _show(result, as_json, "found item")
        return
    _show({"status": "finding", **finding.to_json()}, as_json, "found item")
    raise typer.Exit(1)
