"""The regime's outputs in DIR: report.html, findings.json and the open-data CSVs.

Everything here is derived from the `RegimeResult` (which mirrors what the log holds) and is
deterministic: the same run gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import jinja2

from disarm import data
from disarm.demo import statements as S
from disarm.demo.balance import ALPHA, GOAL_SHARE
from disarm.demo.model import DETECTED_BY, RegimeResult
from disarm.demo.world import BASELINE_SOURCE, BASELINE_YEAR
from disarm.render.csv import safe_cell
from disarm.report.charts import ChartSpec, Point, chart_svg, svg_data_uri
from disarm.report.document import worst
from disarm.report.render import fmt

STATUS_ORDER = ("non-compliant", "no-data", "compliant", "not-yet-due")


def _csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for row in rows:
        w.writerow({c: "" if row.get(c) is None else safe_cell(row.get(c)) for c in columns})
    return buf.getvalue()


def csv_files(res: RegimeResult) -> dict[str, str]:
    findings = [
        {**f, "evidence": " ".join(f"{e['index']}:{e['role']}" for e in f["evidence"])}
        for f in res.findings
    ]
    return {
        "data/declarations.csv": _csv(
            res.declarations, ("round", "date", "party", "category", "value", "log_index")
        ),
        "data/verdicts.csv": _csv(res.verdicts, ("round", "date", *S.VERDICT_COLUMNS)),
        "data/inspections.csv": _csv(
            res.inspections,
            (
                "round",
                "date",
                "party",
                "site",
                "items_found",
                "findings",
                "selection_index",
                "result_index",
                "p_detect_round_1_site",
            ),
        ),
        "data/balances.csv": _csv(
            res.balances,
            (
                "party",
                "area",
                "period",
                "start",
                "end",
                "input_kg",
                "output_kg",
                "closing_inventory_kg",
                "muf_kg",
                "sigma_muf_kg",
                "sitmuf",
                "page",
                "page_threshold",
                "evaluated_at_index",
            ),
        ),
        "data/findings.csv": _csv(
            findings,
            (
                "index",
                "round",
                "date",
                "kind",
                "code",
                "party",
                "item",
                "stated_probability",
                "evidence",
                "message",
            ),
        ),
    }


def findings_json(res: RegimeResult) -> str:
    last = res.rounds[-1].isoformat()
    doc = {
        "format": S.DEMO_FORMAT,
        "programme": res.programme.id,
        "rounds": [d.isoformat() for d in res.rounds],
        "log": {
            "size": res.log_size,
            "checkpoints": res.checkpoints,
            "final_checkpoint": res.final_checkpoint,
        },
        "findings": res.findings,
        "detection_plan": res.detection,
        "verdicts_at_last_round": _final_summary(res, last),
        "simulation_truth": {
            "note": "What the simulation did (known only to the simulation, not in the log); "
            "the regime's findings above are derived from the log alone.",
            **res.cheat,
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _final_summary(res: RegimeResult, day: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for v in res.verdicts:
        if v["date"] == day:
            out.setdefault(v["party"], dict.fromkeys(STATUS_ORDER, 0))[v["status"]] += 1
    return out


def summary_rows(res: RegimeResult) -> list[dict[str, Any]]:
    """One row per state: the figures of the closing summary table."""
    last = res.rounds[-1].isoformat()
    totals = {
        (d["party"], d["date"]): d["value"]
        for d in res.declarations
        if d["category"] == "total_inventory"
    }
    finals = _final_summary(res, last)
    n_find = Counter(f["party"] for f in res.findings)
    n_insp = Counter(i["party"] for i in res.inspections)
    rows = []
    for party, plan in res.plans.items():
        first = totals.get((party, res.rounds[0].isoformat()))
        now = totals.get((party, last))
        statuses = [s for s, n in finals.get(party, {}).items() if n]
        limit = dict(res.schedule.get(party, [])).get(last)
        rows.append(
            {
                "party": party,
                "estimate": int(res.baselines[party]),
                "baseline": None if first is None else int(first),
                "declared": None if now is None else int(now),
                "limit": None if limit is None else int(limit),
                "per_year": plan.capacity_per_year,
                "inspected": n_insp[party],
                "findings": n_find[party],
                "verdict": worst(statuses) or "no-data",
            }
        )
    return rows


def _charts(res: RegimeResult) -> list[dict[str, str]]:
    status: dict[tuple[str, str], list[str]] = {}
    for v in res.verdicts:
        if v["category"] == "total_inventory":
            status.setdefault((v["party"], v["date"]), []).append(v["status"])
    values = {
        (d["party"], d["date"]): float(d["value"])
        for d in res.declarations
        if d["category"] == "total_inventory"
    }
    deadlines = [(ph.deadline, ph.id) for ph in res.programme.phases]
    end = res.rounds[-1]
    charts = []
    world_points = []
    for day in res.rounds:
        iso = day.isoformat()
        world_points.append(Point(day, sum(values.get((p, iso), 0.0) for p in res.plans)))
    steps = {party: _ceiling_steps(res, party) for party in res.plans}
    world_dates = sorted({d for party_steps in steps.values() for d, _ in party_steps})
    world_limits = {d: sum(_in_force(steps[p], d) for p in res.plans) for d in world_dates}
    specs = [
        (
            "world",
            ChartSpec(
                title="All nine states: declared total inventory and the sum of ceilings",
                unit="warheads",
                points=world_points,
                schedule=list(world_limits.items()),
                deadlines=deadlines,
                end=end,
                start=res.rounds[0],
            ),
        )
    ]
    for party in res.plans:
        pts = []
        for day in res.rounds:
            key = (party, day.isoformat())
            if key in values:
                pts.append(Point(day, values[key], worst(status.get(key, []))))
        sched = steps[party]
        specs.append(
            (
                party,
                ChartSpec(
                    title=f"{party}: declared total inventory and the schedule's ceiling",
                    unit="warheads",
                    points=pts,
                    schedule=sched,
                    deadlines=deadlines,
                    baseline=res.baselines[party],
                    baseline_label="SIPRI 2024 estimate (scaled)"
                    if res.config.scale < 1
                    else "SIPRI 2024 estimate",
                    end=end,
                    start=res.rounds[0],
                ),
            )
        )
    for name, spec in specs:
        charts.append({"key": name, "src": svg_data_uri(chart_svg(spec))})
    return charts


def _ceiling_steps(res: RegimeResult, party: str) -> list[tuple[dt.date, float]]:
    """The programme's whole total-inventory ceiling schedule for `party`, including the
    phases after the simulated run, from the baseline the party declared first."""
    first = next(
        (
            float(d["value"])
            for d in res.declarations
            if d["party"] == party and d["category"] == "total_inventory"
        ),
        math.nan,
    )
    base = {party: {"total_inventory": first}}
    return [
        (day, float(v))
        for day, v in res.programme.ceiling_schedule(party, "total_inventory", base)
        if v is not None and math.isfinite(v)
    ]


def _in_force(steps: list[tuple[dt.date, float]], day: dt.date) -> float:
    """The step value in force on `day` (0 before the first step)."""
    current = 0.0
    for start, value in steps:
        if start > day:
            break
        current = value
    return current


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("disarm.demo", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = fmt
    env.filters["pct"] = lambda p: "—" if p is None else f"{100 * float(p):.1f} %"
    return env


def report_html(res: RegimeResult) -> str:
    last = res.rounds[-1].isoformat()
    balances_last: dict[str, dict[str, Any]] = {}
    for b in res.balances:
        balances_last[b["party"]] = b
    cum_muf: Counter[str] = Counter()
    for b in res.balances:
        cum_muf[b["party"]] += b["muf_kg"]
    totals = {
        (d["party"], d["date"]): d["value"]
        for d in res.declarations
        if d["category"] == "total_inventory"
    }
    schedule_rows = []
    for party in res.plans:
        row: dict[str, Any] = {"party": party, "cells": []}
        for day in res.rounds:
            iso = day.isoformat()
            value = totals.get((party, iso))
            row["cells"].append((value, dict(res.schedule[party]).get(iso)))
        schedule_rows.append(row)
    return (
        _env()
        .get_template("regime.html.j2")
        .render(
            res=res,
            S=S,
            last=last,
            summary=summary_rows(res),
            final=_final_summary(res, last),
            statuses=STATUS_ORDER,
            charts=_charts(res),
            schedule_rows=schedule_rows,
            balances_last=balances_last,
            cum_muf=cum_muf,
            detected_by=DETECTED_BY,
            entries=list(enumerate(res.entries)),
            finding_index={f["index"] for f in res.findings},
            alpha=ALPHA,
            goal_share=GOAL_SHARE,
            sources=sorted(set(data.baseline_sources(BASELINE_YEAR, BASELINE_SOURCE).values())),
            provenance=data.dataset("world_nuclear_forces").sources,
        )
    )


def output_files(res: RegimeResult) -> dict[str, str]:
    """Every derived output file of the regime (relative path -> text)."""
    files = {S.REPORT_FILE: report_html(res), S.FINDINGS_FILE: findings_json(res)}
    files.update(csv_files(res))
    return files
