"""Build the demo's artefacts: New START verdicts and report, the model programme's schedule."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from disarm import data
from disarm.render.csv import frame_csv
from disarm.report.build import from_evaluation, schedule_frame, schedule_report, state_names
from disarm.report.document import Table, json_records
from disarm.report.render import render_html
from disarm.rules import evaluate, load_declarations, load_programme

DEMO_FILES: Final = (
    "new-start-report.html",
    "new-start-verdicts.json",
    "model-report.html",
    "model-schedule.json",
    "model-schedule.csv",
)

#: Steps reported to the progress callback, in order.
STEPS: Final = (
    "New START: convert the bundled exchanges",
    "New START: evaluate",
    "New START: render the report",
    "model: baselines (SIPRI 2024 estimates)",
    "model: schedule",
    "model: render the report",
)

BASELINE_YEAR: Final = 2024
BASELINE_SOURCE: Final = "SIPRI"

Progress = Callable[[str], None]


@dataclass
class DemoResult:
    """The demo's files (name -> text) and its summary rows."""

    files: dict[str, str] = field(default_factory=dict)
    new_start_summary: list[dict[str, Any]] = field(default_factory=list)
    model_summary: list[dict[str, Any]] = field(default_factory=list)


def _noop(_: str) -> None:
    return None


def run_demo(progress: Progress = _noop) -> DemoResult:
    """Run New START on its real data and the model programme's schedule; return the files."""
    out = DemoResult()
    names = state_names()
    _new_start(out, progress, names)
    _model(out, progress, names)
    return out


def _new_start(out: DemoResult, progress: Progress, names: dict[str, str]) -> None:
    progress(STEPS[0])
    tidy = data.new_start_declarations()
    programme = load_programme("new-start")
    decls = load_declarations(tidy)
    progress(STEPS[1])
    result = evaluate(programme, decls)
    verdicts = result.verdicts
    summary = result.summary
    last = max(tidy["date"])
    progress(STEPS[2])
    report = from_evaluation(
        programme,
        tidy,
        result,
        as_of=result.as_of,
        title="New START: compliance with the central limits, 2011–2023",
        subtitle=(
            "Declared aggregate numbers of the United States and Russia (US State Department "
            "fact sheets, as bundled) evaluated against the treaty's three central limits, "
            "binding from 2018-02-05, and its semiannual data exchanges."
        ),
        data_sources=[
            ("Declarations", "disarm data new-start: new_start_data_exchange.csv"),
            ("Data provenance", data.dataset("new_start_data_exchange").sources),
        ],
        notes=[
            "Gaps stay gaps: the 2022-09-01 exchange took place but its figures are not in "
            "the dataset (rows with empty values: the report counts as made, the limits are "
            "no-data, never a pass); Russia provided no data for 2023-03-01 after its "
            "purported suspension (no rows: the limits are no-data, and the report is a "
            "finding once due, 2023-04-15, after this evaluation's last date).",
            f"Last exchange in the data: {last.isoformat()}.",
        ],
        party_names=names,
    )
    out.files["new-start-report.html"] = render_html(report)
    doc = {
        "programme": programme.id,
        "title": programme.title,
        "declarations": "bundled new_start_data_exchange.csv (disarm.data.new_start_declarations)",
        "last_declaration": last.isoformat(),
        "summary": json_records(summary),
        "verdicts": json_records(verdicts),
    }
    out.files["new-start-verdicts.json"] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    for rec in json_records(summary):
        out.new_start_summary.append(
            {
                "party": rec["party"],
                "phase": rec["phase"],
                "verdict": rec["verdict"],
                "compliant": rec["compliant"],
                "non_compliant": rec["non_compliant"],
                "not_yet_due": rec["not_yet_due"],
                "no_data": rec["no_data"],
            }
        )


def model_baselines(programme: Any) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Central values of the 2024 SIPRI estimates for the programme's categories, and labels."""
    published = data.baselines(BASELINE_YEAR, BASELINE_SOURCE)
    base: dict[str, dict[str, float]] = {}
    labels: dict[str, str] = {}
    for party in programme.parties:
        cats = published.get(party, {})
        base[party] = {c: float(q.central) for c, q in cats.items() if c in programme.categories}
        labels[party] = ", ".join(f"{c} {q.text}" for c, q in cats.items())
    return base, labels


def _model(out: DemoResult, progress: Progress, names: dict[str, str]) -> None:
    progress(STEPS[3])
    programme = load_programme("model")
    base, _ = model_baselines(programme)
    cites = data.baseline_sources(BASELINE_YEAR, BASELINE_SOURCE)
    progress(STEPS[4])
    frame = schedule_frame(programme, base)
    summary = _model_summary(programme, base)
    label = f"{BASELINE_SOURCE} {BASELINE_YEAR} estimate (not a declaration)"
    progress(STEPS[5])
    report = schedule_report(
        programme,
        base,
        title=f"Model convention: the schedule each state must meet ({programme.title})",
        subtitle=(
            "Illustrative complete-elimination programme applied identically to the nine "
            f"nuclear-armed states, from their {BASELINE_SOURCE} {BASELINE_YEAR} estimates. "
            "Baselines are public estimates, not declarations; a real programme starts from "
            "verified baseline declarations."
        ),
        baseline_label=label,
        data_sources=[
            (
                f"Baselines ({BASELINE_SOURCE} {BASELINE_YEAR}, estimates)",
                "; ".join(sorted(set(cites.values()))),
            ),
            ("Data provenance", data.dataset("world_nuclear_forces").sources),
        ],
        notes=[
            "Baselines use the central value of each published estimate; a category the "
            "source does not give (e.g. launchers, or deployed warheads for states SIPRI lists "
            "with none deployed) has no baseline, and a limit that needs it shows as unknown.",
        ],
        party_names=names,
        tables=[
            Table(
                "Total inventory ceiling per state after each phase",
                pd.DataFrame(summary),
                note=f"From the {BASELINE_SOURCE} {BASELINE_YEAR} total inventory estimates "
                "(baseline_total_inventory); each column is the binding ceiling on the phase's "
                "deadline.",
            )
        ],
    )
    out.files["model-report.html"] = render_html(report)
    records = json_records(frame)
    doc = {
        "programme": programme.id,
        "title": programme.title,
        "entry_into_force": programme.entry_into_force.isoformat(),
        "baselines": {
            "source": f"{BASELINE_SOURCE} Yearbook {BASELINE_YEAR} (estimates, central values)",
            "values": base,
        },
        "schedule": records,
    }
    out.files["model-schedule.json"] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    out.files["model-schedule.csv"] = frame_csv(frame, date_format="%Y-%m-%d")
    out.model_summary = summary


def _model_summary(programme: Any, base: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    """Per party: its baseline total inventory and its total_inventory limit after each phase."""
    rows: list[dict[str, Any]] = []
    phases = list(programme.phases)
    for party in programme.parties:
        row: dict[str, Any] = {
            "party": party,
            "baseline_total_inventory": _num(base.get(party, {}).get("total_inventory")),
        }
        steps = programme.ceiling_schedule(party, "total_inventory", base)
        for ph in phases:
            row[f"{ph.id} ({ph.deadline.isoformat()})"] = _num(_limit_on(steps, ph.deadline))
        rows.append(row)
    return rows


def _limit_on(steps: list[tuple[dt.date, float]], day: dt.date) -> float | None:
    current: float | None = None
    for start, limit in steps:
        if start <= day:
            current = limit
    return current


def _num(v: float | None) -> int | float | None:
    if v is None or not math.isfinite(v):
        return None
    return int(v) if float(v).is_integer() else round(v, 1)
