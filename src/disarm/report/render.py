"""Render a `ReportData` as one self-contained HTML page (the shared templates of `disarm.render`).

No external URL is referenced: styles are inline, charts are SVG ``data:`` URIs, there is no
script. The page reads no clock; what it shows is fully determined by its input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from disarm.render import (
    ChartSpec,
    Point,
    chart_alt,
    chart_description,
    chart_svg,
    fmt,
    render,
    svg_data_uri,
)
from disarm.report.brief import brief
from disarm.report.document import VERDICT_COLUMNS, ReportData, worst

__all__ = ["fmt", "render_html"]

CEILING_KINDS = ("ceiling", "elimination")


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
    summary = _summary(data)
    return render(
        "compliance.html.j2",
        title=data.title,
        subtitle=data.subtitle,
        brief=list(data.brief) or brief(data, summary),
        data=data,
        summary=summary,
        status_totals=_status_totals(verdicts),
        parties=parties,
        tables=[
            {
                "title": t.title,
                "short": t.title.split(":")[0][:24].strip(),
                "note": t.note,
                "columns": [str(c) for c in t.frame.columns],
                "numeric": {
                    str(c): pd.api.types.is_numeric_dtype(t.frame[c]) for c in t.frame.columns
                },
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
                "alt": chart_alt(spec),
                "caption": chart_description(spec),
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
        phases=[(ph.deadline, ph.id) for ph in data.phases if ph.deadline is not None],
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
