"""Property: the vectorised engine agrees with a slow, obvious per-row reference."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rules.helpers import programme, run

EIF = dt.date(2020, 1, 1)
DAYS = [dt.date(2019, 7, 1) + dt.timedelta(days=61 * i) for i in range(16)]
PARTIES = ("AAA", "BBB")

Row = tuple[str, str, str, float | None]


@st.composite
def declarations(draw: st.DrawFn) -> list[Row]:
    rows: list[Row] = []
    for day in DAYS:
        for party in PARTIES:
            kind = draw(st.sampled_from(["value", "value", "value", "none", "absent"]))
            if kind == "absent":
                continue
            value = None if kind == "none" else float(draw(st.integers(0, 200)))
            rows.append((day.isoformat(), party, "warheads", value))
    return rows


def reference_level(
    rows: list[Row],
    due: dict[str, dt.date],
    limit: dict[str, float],
    op: str,
    caps: dict[str, float] | None = None,
) -> dict[tuple[str, dt.date], str]:
    caps = caps or {}
    dates = sorted({dt.date.fromisoformat(r[0]) for r in rows})
    table = {(r[1], dt.date.fromisoformat(r[0])): r[3] for r in rows}
    out = {}
    for party in PARTIES:
        for day in dates:
            value = table.get((party, day))
            if day < due[party]:
                out[party, day] = "not-yet-due"
            elif value is None:
                out[party, day] = "no-data"
            elif math.isnan(limit[party]):  # unknown baseline: the limit lies in [0, cap]
                cap = caps.get(party, math.inf)
                out[party, day] = (
                    "non-compliant" if value > cap else "compliant" if value == 0 else "no-data"
                )
            elif (op == "le" and value <= limit[party]) or (op == "eq" and value == limit[party]):
                out[party, day] = "compliant"
            else:
                out[party, day] = "non-compliant"
    return out


def reference_ratchet(rows: list[Row], due: dict[str, dt.date]) -> dict[tuple[str, dt.date], str]:
    dates = sorted({dt.date.fromisoformat(r[0]) for r in rows})
    table = {(r[1], dt.date.fromisoformat(r[0])): r[3] for r in rows}
    out = {}
    for party in PARTIES:
        previous = None
        for day in dates:
            value = table.get((party, day))
            if day < due[party]:
                out[party, day] = "not-yet-due"
                continue
            if value is None:
                out[party, day] = "no-data"
                continue
            ok = previous is None or value <= previous
            out[party, day] = "compliant" if ok else "non-compliant"
            previous = value
    return out


def engine(verdicts: pd.DataFrame, obligation: str) -> dict[tuple[str, dt.date], str]:
    rows = verdicts[verdicts["obligation"] == obligation]
    return {
        (p, d.date()): s
        for p, d, s in zip(rows["party"], rows["date"], rows["status"], strict=True)
    }


SETTINGS: dict[str, Any] = {
    "max_examples": 40,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}


@settings(**SETTINGS)
@given(
    rows=declarations(),
    cap=st.integers(0, 200),
    fraction=st.sampled_from([None, 0.5, 1.0]),
    due_months=st.integers(0, 30),
    extend=st.booleans(),
)
def test_ceiling_agrees_with_reference(
    rows: list[Row], cap: int, fraction: float | None, due_months: int, extend: bool
) -> None:
    due = (pd.Timestamp(EIF) + pd.DateOffset(months=due_months)).date()
    ob: dict[str, Any] = {"id": "C", "kind": "ceiling", "category": "warheads", "max": cap}
    ob["due"] = due
    if fraction is not None:
        ob["fraction"] = fraction
    new = due + dt.timedelta(days=200)
    ext = [{"obligation": "C", "party": "BBB", "new_deadline": new, "reason": "r"}]
    prog = programme([ob], deadline="T0+3y", extensions=ext if extend else None)
    verdicts = run(prog, rows)
    dues = {"AAA": due, "BBB": new if extend else due}
    limits = {}
    for party in PARTIES:
        before = [r for r in rows if r[1] == party and r[0] <= EIF.isoformat() and r[3] is not None]
        base = before[-1][3] if before else math.nan
        limits[party] = cap if fraction is None or math.isnan(base) else min(cap, fraction * base)
        if fraction is not None and math.isnan(base):
            limits[party] = math.nan
    caps = dict.fromkeys(PARTIES, float(cap))
    assert engine(verdicts, "C") == reference_level(rows, dues, limits, "le", caps)


@settings(**SETTINGS)
@given(rows=declarations(), required=st.integers(0, 3), due_months=st.integers(0, 30))
def test_status_agrees_with_reference(rows: list[Row], required: int, due_months: int) -> None:
    due = (pd.Timestamp(EIF) + pd.DateOffset(months=due_months)).date()
    ob = {"id": "S", "kind": "status", "category": "warheads", "equals": required, "due": due}
    rows = [(d, p, c, None if v is None else float(int(v) % 4)) for d, p, c, v in rows]
    verdicts = run(programme([ob], deadline="T0+3y"), rows)
    expected = reference_level(
        rows, dict.fromkeys(PARTIES, due), dict.fromkeys(PARTIES, required), "eq"
    )
    assert engine(verdicts, "S") == expected


@settings(**SETTINGS)
@given(rows=declarations(), due_months=st.integers(-6, 30))
def test_ratchet_agrees_with_reference(rows: list[Row], due_months: int) -> None:
    due = (pd.Timestamp(EIF) + pd.DateOffset(months=due_months)).date()
    if due < EIF:
        due = EIF
    ob = {"id": "N", "kind": "non-increase", "category": "warheads", "due": due}
    verdicts = run(programme([ob], deadline="T0+3y"), rows)
    assert engine(verdicts, "N") == reference_ratchet(rows, dict.fromkeys(PARTIES, due))


def reference_reporting(
    rows: list[Row], due: dt.date, months: int, horizon: dt.date
) -> dict[tuple[str, dt.date], str]:
    """Checkpoints per party, computed one by one: late or missing is non-compliant whatever
    the other parties did; a declaration without values counts as made; every period a late
    or missing declaration leaves uncovered is a finding of its own."""
    out: dict[tuple[str, dt.date], str] = {}

    def plus(day: dt.date) -> dt.date:
        return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()

    def judge(party: str, deadline: dt.date, came: dt.date | None) -> None:
        if came is not None and came <= deadline:
            out[party, deadline] = "compliant"
            return
        while True:
            if came is None and deadline > horizon:
                out[party, deadline] = "not-yet-due"
            else:  # late, or missing by a due date within the horizon
                out[party, deadline] = "non-compliant"
            start, deadline = deadline, plus(deadline)
            if (came is not None and deadline >= came) or (came is None and start > horizon):
                return

    for party in PARTIES:
        days = sorted({dt.date.fromisoformat(d) for d, p, _, _ in rows if p == party})
        judge(party, due, days[0] if days else None)
        for i, day in enumerate(days):
            judge(party, plus(day), days[i + 1] if i + 1 < len(days) else None)
    return out


def test_silent_then_late_counts_like_never_heard_from() -> None:
    """Issue 15.4: four years of silence are eight missed half-years, whether or not the
    party declares afterwards."""
    ob = {"id": "D", "kind": "reporting", "baseline_within_days": 0, "every_months": 6}
    first = [("2020-01-01", p, "warheads", 1.0) for p in PARTIES]
    late = [("2024-01-15", "AAA", "warheads", 1.0)]  # BBB: nothing, up to the same date
    verdicts = run(programme([ob]), first + late)
    found = verdicts[(verdicts["obligation"] == "D") & (verdicts["status"] == "non-compliant")]
    counts = found.groupby("party", observed=True).size().to_dict()
    assert counts == {"AAA": 8, "BBB": 8}


@settings(**SETTINGS)
@given(rows=declarations(), months=st.sampled_from([2, 3, 6]), within=st.integers(0, 200))
def test_reporting_agrees_with_reference(rows: list[Row], months: int, within: int) -> None:
    ob = {
        "id": "D",
        "kind": "reporting",
        "baseline_within_days": within,
        "every_months": months,
    }
    verdicts = run(programme([ob]), rows)
    horizon = max(dt.date.fromisoformat(r[0]) for r in rows) if rows else EIF
    due = EIF + dt.timedelta(days=within)
    assert engine(verdicts, "D") == reference_reporting(rows, due, months, horizon)
