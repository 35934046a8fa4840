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

from disarm import data
from disarm.demo import statements as S
from disarm.demo.balance import ALPHA, GOAL_SHARE
from disarm.demo.model import RegimeResult
from disarm.demo.world import BASELINE_SOURCE, BASELINE_YEAR
from disarm.render import (
    ChartSpec,
    Point,
    chart_alt,
    chart_description,
    chart_svg,
    render,
    svg_data_uri,
)
from disarm.render.cells import SQ_PU_KG
from disarm.render.csv import safe_cell
from disarm.report.build import state_names
from disarm.report.document import worst

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
        "states_at_last_round": summary_rows(res),
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
        aggregates = worst(statuses) or "no-data"
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
                "aggregates": aggregates,
                "headline": headline(aggregates, n_find[party]),
            }
        )
    return rows


def headline(aggregates: str, findings: int) -> str:
    """A state's headline: the verification findings first, then the verdict on its declared
    aggregates. A finding is never outranked by "compliant": with any finding the headline
    names the findings, whatever the aggregates say."""
    if not findings:
        return aggregates
    named = f"{findings} finding{'s' if findings > 1 else ''}"
    return named if aggregates == "compliant" else f"{named}, {aggregates}"


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
                phases=deadlines,
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
                    phases=deadlines,
                ),
            )
        )
    for name, spec in specs:
        charts.append(
            {
                "key": name,
                "src": svg_data_uri(chart_svg(spec)),
                "alt": chart_alt(spec),
                "caption": chart_description(spec),
            }
        )
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


#: How each cheat reads in a sentence ("... cheat by ...").
CHEAT_WORDS = {
    "omit": "hiding warheads from its committed item lists and declared totals",
    "redeclare": "declaring warheads it had recorded as dismantled again as new items",
    "divert": "taking plutonium from its dismantlement facility in small amounts",
}


#: Said near the top of report.html (issue 14.6); the same for every run, so that the verifier,
#: which never knows the seed, re-renders it from the log.
SIMULATION_KEYS_SENTENCE = (
    "Every private key of this run (the inspectorate's, each state's, the log's and both "
    "witnesses') was derived from the demo's seed: they are simulation keys, marked so in the "
    "log's registry. Anyone who knows the seed can sign as any party, so two runs with one seed "
    "form a fork that both witnesses cosigned; disarm verify refuses these keys unless given "
    "--allow-simulation-keys. A real deployment draws its keys from the operating system's "
    "random source only."
)


def brief(res: RegimeResult, summary: Sequence[dict[str, Any]]) -> list[str]:
    """The plain-language summary the report opens with."""
    last = res.rounds[-1].isoformat()
    scaled = "" if res.config.scale >= 1 else f", scaled by {res.config.scale:g} for a quick run"
    out = [
        f"This is a simulated run of the {res.programme.title} for the nine nuclear-armed "
        f"states, over {len(res.rounds)} half-yearly rounds from {res.rounds[0].isoformat()} "
        f"to {last}, starting from the SIPRI 2024 estimates{scaled}. Every item, site and "
        "measurement is synthetic.",
        SIMULATION_KEYS_SENTENCE,
    ]
    c = res.cheat
    if c["strategy"] == "none":
        out.append("No state was made to cheat in this run.")
    else:
        outcome = (
            f"the regime detected it on {c['first_detection']['date']}"
            if c["detected"]
            else "the regime did not detect it in this run"
        )
        name = state_names().get(c["party"], c["party"])
        out.append(
            f"The simulation made {name} ({c['party']}) cheat by {CHEAT_WORDS[c['strategy']]} "
            f"(a simulated strategy, not an allegation about the real state); {outcome}. "
            f"Before the run the plan had stated a detection probability of "
            f"{100 * c['stated_probability']:.1f} %."
        )
    flagged = [r for r in summary if r["findings"]]
    if flagged:
        out.append(
            f"The regime issued {len(res.findings)} verification finding(s), against "
            + ", ".join(f"{r['party']} ({r['findings']})" for r in flagged)
            + ". A state with a finding is headlined by it, whatever the verdict on the "
            "totals it declared."
        )
    else:
        out.append("The regime issued no verification finding.")
    clean = [r["party"] for r in summary if r["aggregates"] == "compliant"]
    other = [f"{r['party']} ({r['aggregates']})" for r in summary if r["aggregates"] != "compliant"]
    sentence = f"On {last}, the declared totals of {len(clean)} of {len(summary)} states meet "
    sentence += "the schedule" + (f"; not so for {', '.join(other)}." if other else ".")
    out.append(sentence)
    out.append(
        f"Every statement is in a public log of {res.log_size} signed entries whose "
        f"{res.checkpoints} checkpoints are each cosigned by two witnesses; "
        "the command disarm verify DIR --allow-simulation-keys re-checks everything from the log "
        "and the public keys alone."
    )
    return out


def _balance_rows(res: RegimeResult) -> list[dict[str, Any]]:
    last: dict[str, dict[str, Any]] = {}
    for b in res.balances:
        last[b["party"]] = b
    return [{**b, "alarm": b["page"] > b["page_threshold"]} for b in last.values()]


def report_html(res: RegimeResult) -> str:
    last = res.rounds[-1].isoformat()
    totals = {
        (d["party"], d["date"]): d["value"]
        for d in res.declarations
        if d["category"] == "total_inventory"
    }
    round_rows = []
    for day in res.rounds:
        iso = day.isoformat()
        cells = [
            (totals.get((party, iso)), dict(res.schedule[party]).get(iso)) for party in res.plans
        ]
        round_rows.append({"date": iso, "cells": cells})
    summary = summary_rows(res)
    return render(
        "regime.html.j2",
        title=f"The verification regime of the model programme, {res.rounds[0]} to {last}",
        subtitle=f"A simulated run of the {res.programme.title} for the nine nuclear-armed "
        "states. Baselines: SIPRI Yearbook 2024 estimates (estimates, not declarations)"
        + (f", scaled by {res.config.scale:g}" if res.config.scale < 1 else "")
        + ". Every statement is signed into a transparency log cosigned by two witnesses; "
        "entry numbers (#N) link to the list of log entries.",
        brief=brief(res, summary),
        res=res,
        S=S,
        last=last,
        summary=summary,
        final=_final_summary(res, last),
        statuses=STATUS_ORDER,
        charts=_charts(res),
        round_rows=round_rows,
        balance_rows=_balance_rows(res),
        entries=list(enumerate(res.entries)),
        finding_index={f["index"] for f in res.findings},
        alpha=ALPHA,
        goal_share=GOAL_SHARE,
        sq_source=f"{SQ_PU_KG:g} kg: IAEA Safeguards Glossary 2001, Table II",
        sources=sorted(set(data.baseline_sources(BASELINE_YEAR, BASELINE_SOURCE).values())),
        provenance=data.dataset("world_nuclear_forces").sources,
    )


def output_files(res: RegimeResult) -> dict[str, str]:
    """Every derived output file of the regime (relative path -> text)."""
    files = {S.REPORT_FILE: report_html(res), S.FINDINGS_FILE: findings_json(res)}
    files.update(csv_files(res))
    return files
