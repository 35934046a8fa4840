"""Build `ReportData` from the rules engine: an evaluation, or a programme's schedule alone.

Uses the engine's public API only: a programme's `parties`, `categories`, `phases`, `rules`
(`id`, `kind`, `phase`, `category`, `source`, `deadline(party)`, `until(party)`) and
`ceiling_schedule(party, category, baselines)`, and an evaluation's `verdicts` and `summary`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from disarm.report.document import CategoryInfo, PhaseInfo, ReportData, Table
from disarm.rules.obligations.ceiling import ceiling_limit

#: units of categories that hold amounts (flags and levels are conditions, not amounts)
QUANTITY_UNITS = ("count", "kg", "tonnes")

LIMIT_KINDS = ("ceiling", "elimination", "prohibition", "status")

SCHEDULE_COLUMNS = (
    "party",
    "phase",
    "obligation",
    "kind",
    "category",
    "deadline",
    "until",
    "condition",
    "limit",
    "baseline",
    "extended",
    "source",
)


def _categories(programme: Any) -> list[CategoryInfo]:
    return [
        CategoryInfo(str(name), str(cat.unit), str(cat.description))
        for name, cat in programme.categories.items()
    ]


def _phases(programme: Any) -> list[PhaseInfo]:
    return [PhaseInfo(str(p.id), str(p.title), p.deadline, str(p.source)) for p in programme.phases]


def _finite(steps: Sequence[tuple[dt.date, float]]) -> bool:
    return any(math.isfinite(v) for _, v in steps)


def schedules(
    programme: Any, baselines: Mapping[str, Mapping[str, float]] | None
) -> dict[tuple[str, str], list[tuple[dt.date, float]]]:
    """(party, category) -> the engine's ceiling step schedule, where it has a finite limit."""
    out: dict[tuple[str, str], list[tuple[dt.date, float]]] = {}
    for party in programme.parties:
        for category in programme.categories:
            steps = programme.ceiling_schedule(party, category, baselines)
            if steps and _finite(steps):
                out[(str(party), str(category))] = [(d, float(v)) for d, v in steps]
    return out


def chart_schedules(
    programme: Any, baselines: Mapping[str, Mapping[str, float]] | None
) -> dict[tuple[str, str], list[tuple[dt.date, float]]]:
    """The schedules worth a chart of their own: amounts (not flags or levels) for which the
    party has a baseline or a limit above zero applies. Declared series are charted anyway."""
    base = baselines or {}
    return {
        key: steps
        for key, steps in schedules(programme, baselines).items()
        if str(programme.categories[key[1]].unit) in QUANTITY_UNITS and _chartable(key, steps, base)
    }


def deadlines(programme: Any) -> dict[tuple[str, str], list[tuple[dt.date, str]]]:
    """(party, category) -> the deadlines of the limit obligations on it, labelled by phase."""
    out: dict[tuple[str, str], list[tuple[dt.date, str]]] = {}
    for party in programme.parties:
        for rule in programme.rules:
            if rule.kind not in LIMIT_KINDS or not rule.category:
                continue
            day = rule.deadline(party)
            label = str(rule.phase) + (" (extended)" if party in rule.extensions else "")
            marks = out.setdefault((str(party), str(rule.category)), [])
            if all(d != day for d, _ in marks):
                marks.append((day, label))
    for marks in out.values():
        marks.sort()
    return out


def state_names() -> dict[str, str]:
    """ISO3 -> state name, from the bundled treaty table (for headings and sentences)."""
    from disarm import data

    df = data.treaty_status()
    return {str(i): str(n) for i, n in zip(df["iso3"], df["name"], strict=True)}


def rule_sources(programme: Any) -> list[tuple[str, str]]:
    """(obligation id, its cited source) for every rule, in programme order."""
    return [(f"{r.phase} / {r.id}", str(r.source)) for r in programme.rules]


def from_evaluation(
    programme: Any,
    declarations: pd.DataFrame,
    result: Any,
    *,
    as_of: dt.date | None = None,
    baselines: Mapping[str, Mapping[str, float]] | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    data_sources: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    party_names: Mapping[str, str] | None = None,
) -> ReportData:
    """A compliance report: declared series against ceilings, verdicts per party and phase.

    Ceiling schedules use `baselines` if given, else the baselines the engine used (each
    party's declarations at entry into force).
    """
    if baselines is None:
        baselines = getattr(result, "baselines", None) or None
    return ReportData(
        title=title or f"Compliance report: {programme.title}",
        subtitle=subtitle,
        parties=[str(p) for p in programme.parties],
        categories=_categories(programme),
        programme_id=str(programme.id),
        programme_title=str(programme.title),
        programme_source=str(programme.spec.source),
        entry_into_force=programme.entry_into_force,
        as_of=as_of,
        phases=_phases(programme),
        declarations=declarations,
        verdicts=result.verdicts,
        summary=result.summary,
        schedules=chart_schedules(programme, baselines),
        deadlines=deadlines(programme),
        baselines={p: dict(v) for p, v in (baselines or {}).items()},
        sources=_sources(programme, data_sources),
        notes=notes,
        party_names=dict(party_names or {}),
    )


def schedule_frame(
    programme: Any, baselines: Mapping[str, Mapping[str, float]] | None = None
) -> pd.DataFrame:
    """Every obligation with a limit or a condition, per party: what must hold from when.

    `limit` is the binding number for ceilings (``min(max, fraction × B)``), 0 for elimination
    and prohibition, the required value for status; NaN when it needs an unknown baseline.
    """
    base = baselines or {}
    rows: list[dict[str, Any]] = []
    for rule in programme.rules:
        for party in programme.parties:
            b = float(base.get(party, {}).get(rule.category, math.nan)) if rule.category else None
            condition, limit = _condition(rule, party, b)
            rows.append(
                {
                    "party": str(party),
                    "phase": str(rule.phase),
                    "obligation": str(rule.id),
                    "kind": str(rule.kind),
                    "category": str(rule.category),
                    "deadline": rule.deadline(party),
                    "until": rule.until(party),
                    "condition": condition,
                    "limit": limit,
                    "baseline": b,
                    "extended": party in rule.extensions,
                    "source": str(rule.source),
                }
            )
    frame = pd.DataFrame.from_records(rows, columns=list(SCHEDULE_COLUMNS))
    order = {str(p): i for i, p in enumerate(programme.parties)}
    frame["_party"] = frame["party"].map(order)
    frame = frame.sort_values(["_party", "deadline"], kind="stable")
    return frame.drop(columns="_party").reset_index(drop=True)


def _condition(rule: Any, party: str, baseline: float | None) -> tuple[str, float | None]:
    terms = rule.terms(party)
    if rule.kind in ("elimination", "prohibition"):
        return "= 0" if rule.kind == "prohibition" else "≤ 0", 0.0
    if rule.kind == "ceiling":
        parts = []
        if terms.max is not None:
            parts.append(f"{terms.max:g}")
        if terms.fraction is not None:
            parts.append(f"{terms.fraction:g} × baseline")
        text = "≤ " + (f"min({', '.join(parts)})" if len(parts) > 1 else parts[0])
        b = math.nan if baseline is None else baseline
        if terms.fraction is not None and math.isnan(b):
            return text, math.nan
        return text, ceiling_limit(terms.max, terms.fraction, b, whole=rule.whole)
    if rule.kind == "status":
        for name, sign in (("equals", "="), ("at_most", "≤"), ("at_least", "≥")):
            value = getattr(terms, name, None)
            if value is not None:
                return f"{sign} {value:g}", float(value)
    if rule.kind == "reporting":
        return (
            f"baseline within {terms.baseline_within_days} days, then every "
            f"{terms.every_months} months (+{terms.grace_days} days grace)",
            None,
        )
    if rule.kind == "non-increase":
        return "no increase between consecutive declarations", None
    return "", None


def _chartable(
    key: tuple[str, str],
    steps: Sequence[tuple[dt.date, float]],
    baselines: Mapping[str, Mapping[str, float]],
) -> bool:
    """Chart an amount when the party has a baseline for it or a limit above zero applies.

    A flat "must be 0 from date D" with nothing to reduce from says no more than its table row.
    """
    party, category = key
    if category in baselines.get(party, {}):
        return True
    return any(math.isfinite(v) and v > 0 for _, v in steps)


def schedule_report(
    programme: Any,
    baselines: Mapping[str, Mapping[str, float]],
    *,
    title: str | None = None,
    subtitle: str | None = None,
    baseline_label: str = "baseline",
    data_sources: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    party_names: Mapping[str, str] | None = None,
    tables: Sequence[Table] = (),
) -> ReportData:
    """A schedule report: the limits each party must meet, from its baselines (no verdicts)."""
    frame = schedule_frame(programme, baselines)
    sched = chart_schedules(programme, baselines)
    end = max((p.deadline for p in programme.phases), default=None)
    return ReportData(
        title=title or f"Schedule: {programme.title}",
        subtitle=subtitle,
        parties=[str(p) for p in programme.parties],
        categories=_categories(programme),
        programme_id=str(programme.id),
        programme_title=str(programme.title),
        programme_source=str(programme.spec.source),
        entry_into_force=programme.entry_into_force,
        chart_end=None if end is None else end + dt.timedelta(days=365),
        chart_start=programme.entry_into_force,
        phases=_phases(programme),
        schedules=sched,
        deadlines=deadlines(programme),
        baselines={p: dict(v) for p, v in baselines.items()},
        baseline_label=baseline_label,
        sources=_sources(programme, data_sources),
        notes=notes,
        tables=[
            *tables,
            Table(
                "Schedule each state must meet",
                _readable(frame),
                note="limit = the binding number from the deadline on (— where it needs a "
                "baseline the data do not give); conditions are identical for every party "
                "unless the programme writes an asymmetry.",
            ),
        ],
        party_names=dict(party_names or {}),
    )


def _sources(programme: Any, data_sources: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("Programme", str(programme.spec.source)), *data_sources, *rule_sources(programme)]


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The schedule for an HTML table: no long source column, lists with spaces."""
    view = frame.drop(columns=["source", "until", "extended"])
    view["category"] = view["category"].str.replace(",", ", ", regex=False)
    return view
