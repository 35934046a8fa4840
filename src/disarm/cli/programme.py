"""`disarm programme ...` and `disarm comply`: programme files and compliance verdicts."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from disarm.cli.app import app, group
from disarm.cli.baselines import HELP as BASELINES_HELP
from disarm.cli.baselines import baselines_option
from disarm.cli.output import emit, print_json, stderr, stdout
from disarm.errors import BadInput
from disarm.io import check_file

if TYPE_CHECKING:
    import pandas as pd

    from disarm.rules import Programme

programme_app = group("programme", "Programme files: validate, show and lint phased obligations.")

PROGRAMME_ARG = typer.Argument(
    ..., help="A programme file (YAML) or a built-in name (new-start, model, cd2402)."
)
JSON_OPT = typer.Option(False, "--json", help="Print JSON (stable shape) instead of a table.")


@programme_app.command("validate")
def validate_cmd(programme: str = PROGRAMME_ARG) -> None:
    """Check a programme file; print every problem (field path, line) and exit 2 if invalid."""
    from disarm.rules import load_programme

    p = load_programme(programme)
    n = len(p.rules)
    stderr.print(
        f"ok: {p.origin}: programme {p.id}, {len(p.parties)} parties, {len(p.phases)} phases, "
        f"{n} obligations"
    )


@programme_app.command("show")
def show_cmd(
    programme: str = PROGRAMME_ARG,
    party: str | None = typer.Option(
        None, "--party", help="Show this party's terms and deadlines (asymmetries, extensions)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Show a programme: parties, entry into force, phases, deadlines and obligations."""
    from disarm.rules import load_programme

    p = load_programme(programme)
    if party is not None and party not in p.parties:
        raise BadInput(f"--party {party}: not a party of {p.id} ({', '.join(p.parties)})")
    info = p.describe(party)
    if as_json:
        print_json(info)
        return
    stdout.print(f"[bold]{info['title']}[/bold] ({info['id']}, {info['format']})")
    stdout.print(f"entry into force: {info['entry_into_force']}")
    stdout.print(f"parties: {', '.join(info['parties'])}")
    stdout.print(f"source: {info['source']}")
    emit(
        [{"category": k, **v} for k, v in info["categories"].items()],
        columns=["category", "unit", "description"],
        title="Categories",
    )
    phases = [
        {**ph, "deadline": f"{ph['deadline']}" + (" (provisional)" if ph["provisional"] else "")}
        for ph in info["phases"]
    ]
    emit(phases, columns=["id", "title", "deadline", "source"], title="Phases")
    obligations = [
        {
            **o,
            "deadline": f"{o['deadline']}" + (" (provisional)" if o["provisional"] else ""),
            "until": o["until"] or "",
            "terms": o["terms"] + (" *" if o["party_specific"] else ""),
            "binds": _binds(o["binds"]),
        }
        for o in info["obligations"]
    ]
    emit(
        obligations,
        columns=["id", "phase", "kind", "terms", "binds", "deadline", "until", "source"],
        title="Obligations" + (f" for {party} (* = party-specific)" if party else ""),
    )
    lint = p.lint()
    if lint["asymmetries"] or lint["extensions"]:
        stdout.print("party-specific terms (see `disarm programme lint`):")
        for item in [*lint["asymmetries"], *lint["extensions"]]:
            stdout.print(f"  - {item['message']}")


def _binds(binds: list[str] | None) -> str:
    """Whom an obligation binds, short: `all`, up to nine codes, else their number."""
    if binds is None:
        return "all"
    return ", ".join(binds) if len(binds) <= 9 else f"{len(binds)} parties"


@programme_app.command("lint")
def lint_cmd(programme: str = PROGRAMME_ARG, as_json: bool = JSON_OPT) -> None:
    """Report every party-specific term (asymmetry) with its reason, extensions and warnings."""
    from disarm.rules import load_programme

    p = load_programme(programme)
    report = p.lint()
    if as_json:
        print_json({"programme": p.id, **report})
        return
    for title, key in (("asymmetries", "asymmetries"), ("extensions", "extensions")):
        stdout.print(f"[bold]{title}[/bold]: {len(report[key])}")
        for item in report[key]:
            stdout.print(f"  - {item['message']}")
    stdout.print(f"[bold]warnings[/bold]: {len(report['warnings'])}")
    for w in report["warnings"]:
        stdout.print(escape(f"  - [{w['code']}] {w['message']}"))


@programme_app.command("list")
def list_cmd(as_json: bool = JSON_OPT) -> None:
    """List the programmes shipped with disarm."""
    from disarm.rules import builtin_names, load_programme

    rows = []
    for name in builtin_names():
        p = load_programme(name)
        rows.append(
            {
                "name": name,
                "title": p.title,
                "entry_into_force": p.entry_into_force,
                "parties": len(p.parties),
                "phases": len(p.phases),
                "obligations": len(p.rules),
            }
        )
    emit(rows, as_json=as_json, title="Built-in programmes")


@programme_app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the programme format (disarm-programme/1)."""
    from disarm.rules import json_schema

    print_json(json_schema())


TABLE_COLUMNS = [
    "party",
    "obligation",
    "phase",
    "date",
    "status",
    "limit",
    "value",
    "margin",
    "deadline",
    "note",
    "source",
]

#: Longest citation shown in the table's `source` column (JSON and CSV keep `rule_source`).
CITATION_CHARS = 40


def citation(rule_source: object) -> str:
    """The citation an obligation's source begins with: its text up to the first colon
    ("CD/2402 para 30(c): ..." -> "CD/2402 para 30(c)"), at most `CITATION_CHARS` long."""
    text = " ".join(str(rule_source or "").split())
    head = text.split(":", 1)[0]
    return head if len(head) <= CITATION_CHARS else head[: CITATION_CHARS - 1] + "…"


def _declarations(programme: Programme, programme_name: str, path: Path | None) -> pd.DataFrame:
    from disarm.rules import load_declarations

    if path is not None:
        check_file(path, "declarations")
        return load_declarations(path, programme=programme)
    bundled = BUNDLED_DECLARATIONS.get(programme_name)
    if bundled is not None:
        from disarm import data

        frame = getattr(data, bundled)()
        frame.attrs.pop("origin", None)
        return load_declarations(frame)
    raise BadInput(
        "--declarations FILE is required (bundled declarations exist only for "
        + " and ".join(BUNDLED_DECLARATIONS)
        + ")"
    )


#: Built-in programmes with bundled declarations -> the `disarm.data` function giving them.
BUNDLED_DECLARATIONS = {
    "new-start": "new_start_declarations",
    "cd2402": "cd2402_declarations",
}


#: Significant digits of a fractional number in tables and CSV (JSON keeps every digit).
DISPLAY_DIGITS = 10


def _row(record: dict[Any, Any], display: bool = False) -> dict[str, Any]:
    """A verdict or summary row with JSON-friendly values (whole floats as ints to display)."""
    import pandas as pd

    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, float) and math.isnan(v):
            out[str(k)] = None
        elif display and isinstance(v, float) and v.is_integer():
            out[str(k)] = int(v)
        elif display and isinstance(v, float):  # 1238.6999999999998 -> 1238.7
            out[str(k)] = float(f"{v:.{DISPLAY_DIGITS}g}")
        elif isinstance(v, pd.Timestamp):
            out[str(k)] = v.date().isoformat()
        elif v is pd.NaT:
            out[str(k)] = None
        else:
            out[str(k)] = v
    return out


@app.command("comply")
def comply_cmd(
    programme: str = typer.Option(
        ..., "--programme", "-p", help="Programme file or built-in name (new-start, model, cd2402)."
    ),
    declarations: Path | None = typer.Option(
        None,
        "--declarations",
        "-d",
        help="Tidy declarations (.csv or .jsonl: date, party, category, value[, source]). "
        "Optional for new-start (the bundled data exchanges) and cd2402 (the bundled treaty "
        "status).",
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Evaluate up to this date (YYYY-MM-DD); later rows are ignored. Default: the earlier "
        "of the programme's end and the data set's retrieval date (bundled data, --retrieved), "
        "else the last declaration date.",
    ),
    retrieved: str | None = typer.Option(
        None,
        "--retrieved",
        help="The date the declarations were retrieved (YYYY-MM-DD): reports due by then that "
        "are not in the file count as missing.",
    ),
    allow_no_data: bool = typer.Option(
        False,
        "--allow-no-data",
        help="Exit 0 instead of 3 when verdicts that fell due have no data.",
    ),
    baselines: str | None = typer.Option(None, "--baselines", help=BASELINES_HELP),
    party: list[str] | None = typer.Option(
        None, "--party", help="Show only this party (repeat for several)."
    ),
    status: list[str] | None = typer.Option(
        None,
        "--status",
        help="Show only verdicts with this status (repeatable: compliant, non-compliant, "
        "not-yet-due, no-data); the summary and the exit code still count every verdict.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print verdicts and summary as JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print the verdict table as CSV."),
) -> None:
    """Evaluate declarations against a programme.

    Exit 0 if every verdict that fell due is compliant, 1 if any is non-compliant, 3 if none
    is non-compliant but some have no data (missing data is never a pass; --allow-no-data
    exits 0 instead), 2 on bad input.
    """
    from disarm.rules import NO_DATA, NON_COMPLIANT, STATUSES, evaluate, load_programme
    from disarm.rules.engine import with_evidence

    p = load_programme(programme)
    decls = _declarations(p, programme, declarations)
    result = evaluate(
        p, decls, as_of=as_of, baselines=baselines_option(baselines, p), retrieved=retrieved
    )
    findings, summary = result.findings, result.summary
    if party:
        unknown = [x for x in party if x not in p.parties]
        if unknown:
            raise BadInput(f"--party {', '.join(unknown)}: not a party of {p.id}")
        findings = findings[findings["party"].isin(party)]
        summary = summary[summary["party"].isin(party)]
    failed = bool((findings["status"] == NON_COMPLIANT).any())
    counts = findings["status"].value_counts()
    no_data = int(counts.get(NO_DATA, 0))
    code = 1 if failed else 3 if no_data and not allow_no_data else 0
    if status:
        unknown = [s for s in status if s not in STATUSES]
        if unknown:
            raise BadInput(f"--status {', '.join(unknown)}: use {', '.join(STATUSES)}")
        findings = findings[findings["status"].isin(status)]
    verdicts = with_evidence(findings)  # the sentences of the verdicts shown, only
    rows = [_row(r, display=not as_json) for r in verdicts.to_dict("records")]
    if as_json:
        print_json(
            {
                "programme": p.id,
                "as_of": result.as_of,
                "horizon": result.horizon,
                "holds_until": result.holds_until,
                "non_compliant": failed,
                "exit_code": code,
                "verdicts": rows,
                "summary": [_row(r) for r in summary.to_dict("records")],
            }
        )
    elif as_csv:
        emit(rows, as_csv=True)
    else:
        emit(
            [{**r, "source": citation(r.get("rule_source"))} for r in rows],
            columns=TABLE_COLUMNS,
            title=f"{p.title}: verdicts up to {result.holds_until}",
        )
        emit([_row(r) for r in summary.to_dict("records")], title="Summary per party and phase")
    stderr.print(
        f"{p.id}: {int(counts.sum())} verdicts up to {result.holds_until}; "
        + ", ".join(f"{k} {int(counts.get(k, 0))}" for k in sorted(counts.index))
        + f"; exit {code}: {_meaning(code, no_data)}",
        highlight=False,
    )
    if code:
        raise typer.Exit(code)


def _meaning(code: int, no_data: int) -> str:
    """The exit code in words, for the summary line."""
    if code == 1:
        return "a verdict is non-compliant"
    if code == 3:
        return f"{no_data} verdicts that fell due have no data (never a pass; --allow-no-data)"
    if no_data:
        return f"{no_data} verdicts that fell due have no data, allowed by --allow-no-data"
    return "every verdict that fell due is compliant"
