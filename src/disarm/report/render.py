"""Render a `ReportData` as one self-contained HTML page (Jinja2 template shipped as package data).

No external URL is referenced: styles are inline, charts are SVG ``data:`` URIs, there is no
script. The page reads no clock; what it shows is fully determined by its input.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import jinja2
import pandas as pd

from disarm.report.charts import ChartSpec, Point, chart_svg, svg_data_uri
from disarm.report.document import VERDICT_COLUMNS, ReportData, worst

CEILING_KINDS = ("ceiling", "elimination")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("disarm.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = fmt
    return env


def fmt(value: Any) -> str:
    """A table cell: integers without decimals, dates as ISO, missing as an em dash."""
    if value is None or value is pd.NaT:
        return "—"
    if isinstance(value, pd.Timestamp):
        return "—" if pd.isna(value) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if math.isinf(value):
            return "∞"
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    try:
        if pd.isna(value):
            return "—"
    except (TypeError, ValueError):
        pass
    return str(value)


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(str(value)).date()


class _Citations:
    """Numbers each distinct source text once, for compact evidence cells."""

    def __init__(self) -> None:
        self.items: dict[str, int] = {}

    def ref(self, text: str) -> int:
        return self.items.setdefault(text, len(self.items) + 1)

    def listing(self) -> list[tuple[int, str]]:
        return [(n, t) for t, n in self.items.items()]


def render_html(
    data: ReportData,
    *,
    on_chart: Callable[[str, str], None] | None = None,
) -> str:
    """The report as HTML text. `on_chart(party, category)` is called after each chart."""
    cites = _Citations()
    verdicts = _normalise(data.verdicts)
    parties = [_party_section(data, party, verdicts, cites, on_chart) for party in data.parties]
    template = _env().get_template("report.html.j2")
    return template.render(
        data=data,
        summary=_summary(data),
        status_totals=_status_totals(verdicts),
        parties=parties,
        tables=[
            {
                "title": t.title,
                "note": t.note,
                "columns": [str(c) for c in t.frame.columns],
                "rows": t.frame.to_dict("records"),
            }
            for t in data.tables
        ],
        citations=cites.listing(),
        n_charts=sum(len(p["charts"]) for p in parties),
    )


def _normalise(verdicts: pd.DataFrame | None) -> pd.DataFrame | None:
    if verdicts is None or verdicts.empty:
        return verdicts
    v = verdicts.copy()
    for col in ("date", "deadline"):
        if col in v.columns:
            v[col] = [_date(x) for x in v[col]]
    return v


def _summary(data: ReportData) -> dict[str, Any] | None:
    s = data.summary
    if s is None or s.empty:
        return None
    seen = list(dict.fromkeys(str(x) for x in s["phase"]))
    phases = [p.id for p in data.phases if p.id in seen] + [
        x for x in seen if x not in {p.id for p in data.phases}
    ]
    titles = {p.id: p.title for p in data.phases}
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in s.to_dict("records"):
        rec = {str(k): v for k, v in raw.items()}
        cells[(str(rec["party"]), str(rec["phase"]))] = rec
    rows = []
    for party in data.parties:
        row = []
        for ph in phases:
            cell = cells.get((party, ph))
            row.append(
                None
                if cell is None
                else {
                    "verdict": str(cell.get("verdict", "")),
                    "counts": {
                        k: int(cell.get(k, 0) or 0)
                        for k in ("compliant", "non_compliant", "not_yet_due", "no_data")
                    },
                }
            )
        verdict_values = [str(c["verdict"]) for c in row if c]
        rows.append(
            {
                "party": party,
                "name": data.party_names.get(party, party),
                "cells": row,
                "overall": worst(verdict_values) or "—",
            }
        )
    return {"phases": [(p, titles.get(p, p)) for p in phases], "rows": rows}


def _status_totals(verdicts: pd.DataFrame | None) -> list[tuple[str, int]]:
    if verdicts is None or verdicts.empty:
        return []
    counts = verdicts["status"].value_counts()
    order = ["compliant", "non-compliant", "not-yet-due", "no-data"]
    return [(s, int(counts.get(s, 0))) for s in order]


def _party_section(
    data: ReportData,
    party: str,
    verdicts: pd.DataFrame | None,
    cites: _Citations,
    on_chart: Callable[[str, str], None] | None,
) -> dict[str, Any]:
    mine = None if verdicts is None else verdicts[verdicts["party"] == party]
    charts = []
    units = {c.name: c for c in data.categories}
    for p, category in data.chart_keys():
        if p != party:
            continue
        spec = _chart_spec(data, party, category, mine, units[category].unit)
        charts.append(
            {
                "category": category,
                "description": units[category].description,
                "uri": svg_data_uri(chart_svg(spec)),
                "alt": f"{party} {category}: declared values against the ceiling schedule",
            }
        )
        if on_chart is not None:
            on_chart(party, category)
    phases = []
    if mine is not None and not mine.empty:
        order = [ph.id for ph in data.phases]
        seen = list(dict.fromkeys(str(x) for x in mine["phase"]))
        titles = {ph.id: ph for ph in data.phases}
        for ph in [*(o for o in order if o in seen), *(s for s in seen if s not in order)]:
            rows = mine[mine["phase"].astype(str) == ph]
            info = titles.get(ph)
            phases.append(
                {
                    "id": ph,
                    "title": info.title if info else ph,
                    "deadline": info.deadline if info else None,
                    "columns": [c for c in VERDICT_COLUMNS if c in rows.columns or c == "evidence"],
                    "rows": [
                        _verdict_row({str(k): v for k, v in r.items()}, cites)
                        for r in rows.to_dict("records")
                    ],
                    "verdict": worst([str(x) for x in rows["status"]]),
                }
            )
    return {
        "party": party,
        "name": data.party_names.get(party, party),
        "charts": charts,
        "phases": phases,
        "baselines": dict(data.baselines.get(party, {})),
    }


def _verdict_row(rec: dict[str, Any], cites: _Citations) -> dict[str, Any]:
    row = {c: rec.get(c) for c in VERDICT_COLUMNS}
    if isinstance(row["category"], str):
        row["category"] = row["category"].replace(",", ", ")
    row["evidence"] = _evidence(rec, cites)
    return row


def _evidence(rec: dict[str, Any], cites: _Citations) -> str:
    """The engine's evidence text, with the long source citation replaced by ``[n]``."""
    src = rec.get("evidence_source")
    src = src if isinstance(src, str) and src else None
    ev = rec.get("evidence")
    if isinstance(ev, str) and ev:
        if src is None:
            return ev
        n = cites.ref(src)
        return ev.replace(src, str(n)) if src in ev else f"{ev} [{n}]"
    parts: list[str] = []
    if isinstance(ev, dict | list) and ev:
        parts.append(_compact(ev))
    day = _date(rec.get("evidence_date"))
    if day is not None:
        parts.append(f"declared {day.isoformat()}")
    if src is not None:
        parts.append(f"[{cites.ref(src)}]")
    note = rec.get("note")
    if isinstance(note, str) and note:
        parts.append(note)
    return " ".join(parts)


def _compact(ev: Any) -> str:
    if isinstance(ev, dict):
        return "; ".join(f"{k}: {fmt(v)}" for k, v in ev.items())
    return "; ".join(_compact(x) if isinstance(x, dict | list) else fmt(x) for x in ev)


def _chart_spec(
    data: ReportData,
    party: str,
    category: str,
    verdicts: pd.DataFrame | None,
    unit: str,
) -> ChartSpec:
    points: list[Point] = []
    d = data.declarations
    if d is not None and len(d):
        rows = d[(d["party"] == party) & (d["category"] == category)]
        status_at = _status_by_date(verdicts, category)
        for rec in rows.to_dict("records"):
            day = _date(rec["date"])
            value = rec["value"]
            if day is None or value is None or pd.isna(value):
                continue
            points.append(Point(day, float(value), status_at.get(day)))
    schedule = [(_day, float(limit)) for _day, limit in data.schedules.get((party, category), ())]
    baseline = data.baselines.get(party, {}).get(category)
    end = data.chart_end or data.as_of
    return ChartSpec(
        title=f"{party} — {category}",
        unit=unit,
        points=points,
        schedule=schedule,
        deadlines=list(data.deadlines.get((party, category), ())),
        baseline=None if baseline is None else float(baseline),
        baseline_label=data.baseline_label,
        end=end,
        start=data.chart_start,
    )


def _status_by_date(verdicts: pd.DataFrame | None, category: str) -> dict[dt.date, str]:
    if verdicts is None or verdicts.empty:
        return {}
    v = verdicts[(verdicts["category"] == category) & (verdicts["kind"].isin(CEILING_KINDS))]
    out: dict[dt.date, str] = {}
    for day, group in v.groupby("date"):
        w = worst([str(s) for s in group["status"]])
        d = _date(day)
        if w is not None and d is not None:
            out[d] = w
    return out
