"""`disarm inspect`: verifiable random selection, inspection plans, chain of custody.

The commands only read files, call `disarm.inspect` and print; see docs/inspections.md.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from disarm.cli.app import group
from disarm.cli.output import emit, print_json, stderr, stdout, to_jsonable
from disarm.errors import BadInput
from disarm.inspect.commit_reveal import check_party, commitment
from disarm.inspect.custody import ALLOWED, validate_custody
from disarm.inspect.custody_events import IPNDV_STEPS, State, parse_events
from disarm.inspect.record import make_record, verify_selection
from disarm.inspect.selection import Population, population_list, population_range
from disarm.io import PRIVATE, read_json, read_text, write_atomic
from disarm.model.identifiers import ASCII_SPACE, check_identifier

if TYPE_CHECKING:
    pass

inspect_app = group(
    "inspect", "Inspections: verifiable random selection, plans with detection probabilities."
)

JSON_OPT = typer.Option(
    False, "--json", help="Print JSON (shapes in docs/inspections.md) instead of text or a table."
)


def _pairs(values: list[str], what: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for value in values:
        party, sep, hexdata = value.partition("=")
        if not sep:
            raise BadInput(f"{what} {value!r} must look like PARTY=HEX")
        check_party(party)
        if party in out:
            raise BadInput(f"{what} for party {party!r} is given twice")
        try:
            out[party] = bytes.fromhex(hexdata)
        except ValueError:
            raise BadInput(f"{what} of party {party!r} is not hexadecimal") from None
    return out


def _population(path: Path | None, n: int | None) -> Population:
    if (path is None) == (n is None):
        raise BadInput("give exactly one of --population FILE and --n N")
    if n is not None:
        return population_range(n)
    assert path is not None
    text = read_text(path, "population")
    lines = [line.strip() for line in text.splitlines()]
    return population_list([line for line in lines if line], source=str(path))


@inspect_app.command("select")
def select_command(
    population: Path | None = typer.Option(
        None, "--population", help="File of item, site or region ids, one a line.", dir_okay=False
    ),
    n: int | None = typer.Option(None, "--n", help="Select from the items 1..N instead."),
    k: int = typer.Option(..., "--k", help="How many to select."),
    checkpoint: Path = typer.Option(
        ...,
        "--checkpoint",
        help="Signed log checkpoint (note text) published after the declaration.",
    ),
    key: str | None = typer.Option(
        None, "--key", help="The log's verifier key; without it the checkpoint is not verified."
    ),
    min_tree_size: int | None = typer.Option(
        None, "--min-tree-size", help="Log size right after the declaration was committed."
    ),
    contribution: list[str] = typer.Option(
        [], "--contribution", help="A party's revealed contribution, PARTY=HEX (repeatable)."
    ),
    commitment_opt: list[str] = typer.Option(
        [], "--commitment", help="A party's published commitment, PARTY=HEX (repeatable)."
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the selection record (JSON) here."),
    as_json: bool = typer.Option(False, "--json", help="Print the selection record as JSON."),
) -> None:
    """Select k of N items from a public seed, reproducibly (algorithm disarm-select-v1)."""
    pop = _population(population, n)
    note = read_text(checkpoint, "checkpoint")
    record = make_record(
        pop,
        k,
        note,
        commitments=_pairs(commitment_opt, "commitment"),
        reveals=_pairs(contribution, "contribution"),
        key=key,
        min_tree_size=min_tree_size,
    )
    if out is not None:
        write_atomic(out, json.dumps(to_jsonable(record), indent=2, ensure_ascii=False) + "\n")
        stderr.print(f"selection record written to {out}")
    if not record["checkpoint"]["signature_verified"]:
        stderr.print("warning: the checkpoint signature was NOT verified (no --key given)")
    if as_json:
        print_json(record)
        return
    rows = [{"draw": i + 1, "selected": item} for i, item in enumerate(record["selected"])]
    emit(rows, title=f"{k} of {pop.size} selected (seed {record['seed_sha256'][:16]}…)")


@inspect_app.command("verify-selection")
def verify_selection_command(
    record_path: Path = typer.Argument(..., help="A selection record (JSON) to re-derive."),
    key: str | None = typer.Option(
        None, "--key", help="The log's verifier key you trust; the checkpoint must be signed by it."
    ),
    min_tree_size: int | None = typer.Option(
        None, "--min-tree-size", help="Log size right after the declaration, as you know it."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Re-derive a selection from its published inputs; exit 1 if anything disagrees.

    Without --key the record's own key is used, which proves only that the record is
    self-consistent; pass the log's key to check the checkpoint came from the log."""
    record = read_json(record_path, "selection record")
    verified = verify_selection(record, trusted_key=key, min_tree_size=min_tree_size)
    signed = (
        "by your key"
        if key
        else ("by the record's own key" if verified["checkpoint"]["signature_verified"] else None)
    )
    summary = {
        "verified": True,
        "algorithm": verified["algorithm"],
        "population_size": verified["population"]["size"],
        "k": verified["k"],
        "checkpoint_signature_verified": signed is not None,
        "checkpoint_key_trusted": key is not None,
        "contributions": [c["party"] for c in verified["contributions"]],
        "selected": verified["selected"],
    }
    if as_json:
        print_json(summary)
        return
    stdout.print(
        f"selection verified: {summary['k']} of {summary['population_size']} "
        f"({summary['algorithm']}); checkpoint signature "
        + (f"verified {signed}" if signed else "NOT verified (no key)")
        + f"; contributions: {', '.join(summary['contributions']) or 'none'}"
    )


@inspect_app.command("commit")
def commit_command(
    party: str = typer.Option(..., "--party", help="Your party name."),
    contribution: str | None = typer.Option(
        None, "--contribution", help="Your contribution (hex); omit to generate 32 random bytes."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Where to keep a generated contribution (written with mode 0600)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Compute the commitment to publish before the seed checkpoint (commit-then-reveal)."""
    if contribution is None:
        if out is None:
            raise BadInput("a generated contribution is secret until the reveal: give --out FILE")
        value = secrets.token_bytes(32)
        write_atomic(out, value.hex() + "\n", mode=PRIVATE)
        stderr.print(f"contribution written to {out} (keep it secret until the reveal)")
    else:
        try:
            value = bytes.fromhex(contribution)
        except ValueError:
            raise BadInput("--contribution is not hexadecimal") from None
    result = {"party": party, "commitment": commitment(party, value).hex()}
    if as_json:
        print_json(result)
    else:
        stdout.print(f"{party}={result['commitment']}")


@inspect_app.command("plan")
def plan_command(
    sites: Path = typer.Option(..., "--sites", help="Sites CSV: site,items[,stratum]."),
    quota: int = typer.Option(..., "--quota", help="Inspections available in the year."),
    defects: int = typer.Option(..., "--defects", help="Falsified items the plan must detect (M)."),
    items_per_inspection: int = typer.Option(
        1, "--items-per-inspection", help="Items verified in one inspection (c)."
    ),
    mode: str = typer.Option(
        "random", "--mode", help="random (unannounced site draws) or scheduled (fixed visits)."
    ),
    beta: float | None = typer.Option(
        None, "--beta", help="Target non-detection probability; reports the quota it needs."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Spread a year's quota of inspections over sites; report the worst-case detection
    probability against the evader's best placement of the falsified items."""
    from disarm.inspect.plan import parse_sites, plan_inspections

    plan = plan_inspections(
        parse_sites(read_text(sites, "sites"), source=str(sites)),
        quota,
        defects,
        items_per_inspection=items_per_inspection,
        mode=mode,
        beta=beta,
    )
    if as_json:
        print_json(plan)
        return
    rows: list[dict[str, Any]] = [
        {
            "site": r.site,
            "stratum": r.stratum,
            "items": r.items,
            "inspections": f"{r.inspections:.2f}" if mode == "random" else int(r.inspections),
            "items verified": f"{r.items_verified:.2f}"
            if mode == "random"
            else int(r.items_verified),
            "worst-case defects": r.worst_case_defects,
        }
        for r in plan.sites
    ]
    emit(rows, title=f"inspection plan ({mode}): {quota} inspections, {defects} defects")
    if any(s.sites > 1 for s in plan.strata):  # a stratum table only when it adds something
        emit(
            [
                {
                    "stratum": s.stratum,
                    "sites": s.sites,
                    "items": s.items,
                    "inspections": round(s.inspections, 2),
                    "items verified": round(s.items_verified, 2),
                    "worst-case defects": s.worst_case_defects,
                }
                for s in plan.strata
            ],
            title="by stratum",
        )
    stdout.print(
        f"detection probability {plan.detection_probability:.4f} "
        f"(non-detection {plan.nondetection:.4g}) against the worst placement"
    )
    if beta is not None:
        verdict = "meets" if plan.meets_target else "does NOT meet"
        needed = plan.quota_needed if plan.quota_needed is not None else "no quota"
        stdout.print(f"{verdict} the target beta {beta}; quota needed: {needed}")


@inspect_app.command("custody")
def custody_command(
    events: Path = typer.Argument(..., help="Events CSV (item,time,location,event,actor,...)."),
    items: Path | None = typer.Option(
        None, "--items", help="Declared inventory: item ids, one a line."
    ),
    max_unverified: float | None = typer.Option(
        None,
        "--max-unverified",
        help="Longest interval (days) a tagged or sealed item may go unverified.",
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help=(
            "Check the unverified interval up to this time (ISO 8601, with offset); "
            "default: the time of the last event in the file."
        ),
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Validate every item's chain of custody; exit 1 if there is any finding."""
    parsed = parse_events(read_text(events, "events"), source=str(events))
    inventory = None
    if items is not None:
        lines = read_text(items, "items").splitlines()
        ids = [x.strip(ASCII_SPACE) for x in lines if x.strip(ASCII_SPACE)]
        inventory = {check_identifier(i, f"item in {items}:") for i in ids}
    limit = None
    if max_unverified is not None:
        if not max_unverified > 0:
            raise BadInput(
                f"--max-unverified must be a positive number of days, got {max_unverified}"
            )
        limit = dt.timedelta(days=max_unverified)
    when = None
    if as_of is not None:
        try:
            when = dt.datetime.fromisoformat(as_of)
        except ValueError:
            raise BadInput(f"--as-of {as_of!r} is not an ISO 8601 time") from None
        if when.tzinfo is None:
            raise BadInput("--as-of needs a UTC offset, e.g. 2026-06-01T00:00:00Z")
        if limit is None:
            raise BadInput("--as-of only makes sense with --max-unverified")
    findings = validate_custody(parsed, inventory=inventory, max_unverified=limit, as_of=when)
    n_items = len({e.item for e in parsed})
    if as_json:
        print_json(
            {
                "events": len(parsed),
                "items": n_items,
                "clean": not findings,
                "findings": [f.as_dict() for f in findings],
            }
        )
    elif findings:
        emit(
            [
                {
                    "code": f.code,
                    "item": f.item,
                    "lines": ",".join(str(e.line) for e in f.evidence),
                    "finding": f.message,
                }
                for f in findings
            ],
            title=f"{len(findings)} custody findings",
        )
    else:
        stdout.print(f"chain of custody unbroken: {len(parsed)} events, {n_items} items")
    if findings:
        stderr.print(f"{len(findings)} finding(s) in {len(parsed)} events for {n_items} items")
        raise typer.Exit(1)


@inspect_app.command("custody-states")
def custody_states_command(as_json: bool = JSON_OPT) -> None:
    """List the custody states, the IPNDV steps they cover and the states that may follow."""
    rows = [
        {
            "state": state.value,
            "ipndv_steps": IPNDV_STEPS[state],
            "may_follow_with": [b.value for a, b in sorted_allowed() if a is state],
        }
        for state in State
    ]
    if as_json:
        print_json(rows)
        return
    emit(
        [{**r, "may_follow_with": ", ".join(r["may_follow_with"])} for r in rows],
        title="custody states (entry: deployed or in_storage)",
    )


def sorted_allowed() -> list[tuple[State, State]]:
    order = list(State)
    return sorted(ALLOWED, key=lambda ab: (order.index(ab[0]), order.index(ab[1])))
