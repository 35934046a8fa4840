"""The naive reference of the compliance engine: per-row Python loops, one verdict at a time.

It validates each declaration row and evaluates each verdict with dict look-ups, the way one
would write it without NumPy. The property tests require the vectorised engine to reach
exactly its verdicts on random programmes and declarations, and `benchmarks/bench_compliance.py`
measures the engine against it on the same rows. Everything `evaluate` does is covered except
explicit `baselines` (baselines come from the declarations) and the retrieval-date horizon
(give `as_of`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from disarm.errors import BadInput
from disarm.rules.obligations.base import Rule, condition_of
from disarm.rules.programme import Programme
from disarm.rules.timing import add_months

#: (obligation, party, date, status): one verdict; a list of them is compared as a multiset
Verdict = tuple[str, str, dt.date, str]
Table = dict[tuple[str, str, dt.date], float | None]
_ISO3 = re.compile(r"[A-Z]{3}")
_WHOLE = ("count", "flag", "level")


def validate(frame: pd.DataFrame, programme: Programme) -> Table:
    """{(party, category, date): value or None}, checking each row; BadInput on the first
    problem (the fast path lists them all; here only agreement on valid input matters)."""
    units = {name: c.unit for name, c in programme.categories.items()}
    parties = set(programme.parties)
    table: Table = {}
    columns = (frame["date"], frame["party"], frame["category"], frame["value"])
    for row, (d, p, c, v) in enumerate(zip(*columns, strict=True), start=1):
        day = d.date() if isinstance(d, dt.datetime) else dt.date.fromisoformat(str(d).strip())
        party, category = str(p).strip(), str(c).strip()
        if not _ISO3.fullmatch(party) or party not in parties:
            raise BadInput(f"row {row}: party {party!r} is not a party")
        if category not in units:
            raise BadInput(f"row {row}: unknown category {category!r}")
        value = None if pd.isna(v) else float(v)
        if value is not None:
            if math.isinf(value) or value < 0:
                raise BadInput(f"row {row}: value {value} is not a count")
            if units[category] in _WHOLE and not value.is_integer():
                raise BadInput(f"row {row}: value {value} is not a whole number")
            if units[category] == "flag" and value not in (0, 1):
                raise BadInput(f"row {row}: value {value} is not 0 or 1")
        if (party, category, day) in table:
            raise BadInput(f"row {row}: duplicate row for {party} {category} on {day}")
        table[party, category, day] = value
    return table


def evaluate(programme: Programme, table: Table, as_of: dt.date | None = None) -> list[Verdict]:
    """Every verdict, computed one at a time."""
    dates = sorted({day for (_, _, day) in table if as_of is None or day <= as_of})
    if as_of is not None and as_of not in dates:
        dates.append(as_of)
    horizon = dates[-1] if dates else programme.entry_into_force
    eif = programme.entry_into_force
    baseline: dict[tuple[str, str], tuple[dt.date, float]] = {}
    for (party, category, day), value in table.items():
        known = baseline.get((party, category))
        if day <= eif and value is not None and (known is None or day > known[0]):
            baseline[party, category] = (day, value)
    out: list[Verdict] = []
    for rule in programme.rules:
        for party in programme.parties:
            if not rule.bound(party):
                continue
            end = rule.until(party)
            found: Iterable[tuple[dt.date, str]]
            if rule.kind == "reporting":
                found = _reporting(rule, party, table, horizon)
            elif rule.kind == "non-increase":
                found = _ratchet(rule, party, table, dates)
            else:
                group = _group(rule, party)
                bases = [baseline.get((p, rule.category)) for p in group]
                base = None if None in bases else sum(b[1] for b in bases if b is not None)
                found = _levels(rule, party, table, dates, base)
            out += [(rule.id, party, d, s) for d, s in found if end is None or d <= end]
    return out


def _group(rule: Rule, party: str) -> list[str]:
    """The parties whose values are summed for `party` (itself, or its joint group)."""
    for group in getattr(rule.spec, "jointly", []):
        if party in group:
            return list(group)
    return [party]


def _levels(
    rule: Rule, party: str, table: Table, dates: list[dt.date], baseline: float | None
) -> Iterator[tuple[dt.date, str]]:
    due, group = rule.deadline(party), _group(rule, party)
    for day in dates:
        values = [table.get((p, rule.category, day)) for p in group]
        known = [v for v in values if v is not None]
        total = sum(known) if known else None
        status = _level(rule, party, day, total, due, baseline)
        if len(known) < len(group) and known and status == "compliant":
            status = "no-data"  # a silent member: the known sum only bounds the total below
        yield day, status


def _level(
    rule: Rule, party: str, day: dt.date, v: float | None, due: dt.date, baseline: float | None
) -> str:
    if day < due:
        return "not-yet-due"
    if v is None:
        return "no-data"
    if rule.kind in ("elimination", "prohibition"):
        return "compliant" if v <= 0 else "non-compliant"
    terms = rule.terms(party)
    if rule.kind == "status":
        op, need = condition_of(terms)
        ok = v == need if op == "eq" else v <= need if op == "le" else v >= need
        return "compliant" if ok else "non-compliant"
    cap = math.inf if terms.max is None else terms.max
    if terms.fraction is None:
        return "compliant" if v <= cap else "non-compliant"
    if baseline is None:  # the limit is unknown, but lies in [0, cap]
        return "non-compliant" if v > cap else "compliant" if v == 0 else "no-data"
    limit = min(cap, terms.fraction * baseline)
    if getattr(rule, "whole", False):  # a ceiling on a count is a whole number, rounded down
        limit = math.floor(round(limit, 6))
    return "compliant" if v <= limit else "non-compliant"


def _ratchet(
    rule: Rule, party: str, table: Table, dates: list[dt.date]
) -> Iterator[tuple[dt.date, str]]:
    due, previous = rule.deadline(party), None
    for day in dates:
        v = table.get((party, rule.category, day))
        if day < due:
            yield day, "not-yet-due"
        elif v is None:
            yield day, "no-data"
        else:
            yield day, "compliant" if previous is None or v <= previous else "non-compliant"
            previous = v


def _reporting(rule: Rule, party: str, table: Table, horizon: dt.date) -> list[tuple[dt.date, str]]:
    terms = rule.terms(party)
    scope: Any = getattr(rule, "scope", ())
    days = sorted({d for (p, c, d) in table if p == party and c in scope and d <= horizon})
    out: list[tuple[dt.date, str]] = []

    def checkpoints(due: dt.date, came: dt.date | None) -> None:
        if came is not None and came <= due:
            out.append((due, "compliant"))
            return
        while True:  # missed: one finding per period until the declaration came, or to now
            late_or_missing = came is not None or due <= horizon
            out.append((due, "non-compliant" if late_or_missing else "not-yet-due"))
            start, due = due, add_months(due, terms.every_months)
            if (came is not None and due >= came) or (came is None and start > horizon):
                return

    checkpoints(rule.deadline(party), days[0] if days else None)
    for i, day in enumerate(days):
        due = add_months(day, terms.every_months) + dt.timedelta(days=terms.grace_days)
        checkpoints(due, days[i + 1] if i + 1 < len(days) else None)
    return out


def engine_verdicts(verdicts: pd.DataFrame) -> list[Verdict]:
    """The engine's verdicts in the reference's form, for comparison as sorted lists."""
    columns = (verdicts["obligation"], verdicts["party"], verdicts["date"], verdicts["status"])
    return [(str(o), str(p), d.date(), str(s)) for o, p, d, s in zip(*columns, strict=True)]
