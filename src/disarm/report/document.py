"""What a report shows, as plain values: the programme, the data, the verdicts, the sources.

`ReportData` is independent of the engine's classes, so the renderer can be tested on its own
and fed from an evaluation (`disarm.report.build.from_evaluation`) or a schedule alone
(`disarm.report.build.schedule_report`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

STATUS_ORDER = ("non-compliant", "no-data", "compliant", "not-yet-due")

#: Columns of the per-party verdict tables, in order (those present in the verdicts are shown).
VERDICT_COLUMNS = (
    "obligation",
    "kind",
    "category",
    "date",
    "status",
    "limit",
    "value",
    "margin",
    "deadline",
    "evidence",
)


@dataclass(frozen=True)
class PhaseInfo:
    id: str
    title: str
    deadline: dt.date | None = None
    source: str | None = None


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    unit: str = "count"
    description: str = ""


@dataclass(frozen=True)
class Table:
    """An extra table (e.g. the schedule every state must meet)."""

    title: str
    frame: pd.DataFrame
    note: str | None = None


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows. Only `title`, `parties` and `categories` are required."""

    title: str
    parties: Sequence[str]
    categories: Sequence[CategoryInfo]
    subtitle: str | None = None
    programme_id: str | None = None
    programme_title: str | None = None
    programme_source: str | None = None
    entry_into_force: dt.date | None = None
    as_of: dt.date | None = None
    #: where charts end (default: `as_of`, else the last date shown) and start
    chart_end: dt.date | None = None
    chart_start: dt.date | None = None
    phases: Sequence[PhaseInfo] = ()
    #: tidy declarations: date, party, category, value[, source]
    declarations: pd.DataFrame | None = None
    #: the engine's verdicts (party, obligation, kind, phase, category, date, status, ...)
    verdicts: pd.DataFrame | None = None
    #: the engine's summary (party, phase, compliant, non_compliant, not_yet_due, no_data, verdict)
    summary: pd.DataFrame | None = None
    #: (party, category) -> [(date from which the limit holds, limit)]
    schedules: Mapping[tuple[str, str], Sequence[tuple[dt.date, float]]] = field(
        default_factory=dict
    )
    #: (party, category) -> [(deadline, label)]
    deadlines: Mapping[tuple[str, str], Sequence[tuple[dt.date, str]]] = field(default_factory=dict)
    #: party -> category -> baseline value, and how the baselines were obtained
    baselines: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    baseline_label: str = "baseline"
    #: where the numbers come from: (label, citation)
    sources: Sequence[tuple[str, str]] = ()
    notes: Sequence[str] = ()
    tables: Sequence[Table] = ()
    party_names: Mapping[str, str] = field(default_factory=dict)
    #: the plain-language summary the report opens with (built from the data when empty)
    brief: Sequence[str] = ()

    def chart_keys(self) -> list[tuple[str, str]]:
        """(party, category) pairs that get a chart: any schedule or any declaration."""
        with_data: set[tuple[str, str]] = set(self.schedules)
        if self.declarations is not None and len(self.declarations):
            pairs = self.declarations[["party", "category"]].drop_duplicates()
            with_data |= {(str(p), str(c)) for p, c in pairs.itertuples(index=False)}
        order = [c.name for c in self.categories]
        return [(p, c) for p in self.parties for c in order if (p, c) in with_data]


def worst(statuses: Sequence[str]) -> str | None:
    """The most serious status among `statuses` (non-compliant > no-data > compliant > ...)."""
    for s in STATUS_ORDER:
        if s in statuses:
            return s
    return None


def json_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON-safe dicts: timestamps as ISO dates, NaN/NaT as None, NumPy scalars unboxed."""
    out: list[dict[str, object]] = []
    for rec in frame.to_dict("records"):
        out.append({str(k): _plain(v) for k, v in rec.items()})
    return out


def _plain(v: object) -> object:
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.date().isoformat()
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item") and callable(v.item):
        v = v.item()
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    try:
        if pd.isna(v):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):
        pass
    return v
