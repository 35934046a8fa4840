"""Reporting: a baseline declaration within D days of the start, then one every M months.

Checkpoints, per party:
- the baseline, due `start + D days` (an extension replaces this date): met by the party's
  first declaration if it is dated on or before the due date;
- after each declaration dated `e`, the next is due by `e + M months + grace days`;
- when a checkpoint is missed (the next declaration came late, or has not come), a further
  checkpoint follows every M months: up to the late declaration (each period it leaves uncovered
  is one finding), or up to the evaluation horizon. A party silent for four years and then late
  has as many findings as a party silent for four years and never heard from again.

A declaration is any row of the party in scope, with or without a value: a row with an empty
value records that the declaration was made although its figures are not known to us (the limits
on it are `no-data`); no row at all means no declaration.

A checkpoint is `compliant` when the next declaration came in time (with or without values);
`not-yet-due` when its due date lies after the horizon and nothing has come yet; and
`non-compliant` when the declaration came late, or never by a due date on or before the horizon,
whatever the other parties did. `margin` is in days: the due date minus the date of the
declaration that met it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from disarm.rules.obligations.base import (
    COMPLIANT,
    NON_COMPLIANT,
    NOT_YET_DUE,
    NOTE,
    STATUS,
    Context,
    Rule,
)
from disarm.rules.obligations.frames import Findings, conform
from disarm.rules.timing import (
    Duration,
    add_months,
    resolve_when,
    shift_dates,
    to_datetime64,
)

_COLUMNS = ["party", "date", "reference_date", "has_value", "window_start", "evidence_date"]


@dataclass(frozen=True)
class ReportingRule(Rule):
    """Declarations must arrive on time: a baseline, then every `every_months` months."""

    kind: ClassVar[str] = "reporting"
    scope: tuple[str, ...] = ()  # the categories whose declarations count as a report

    @property
    def category(self) -> str:
        return ",".join(self.scope)

    def original_deadline(self, party: str) -> dt.date:
        """The baseline's due date: the start (`due`, default entry into force) + D days."""
        terms = self.terms(party)
        start = self.eif if terms.due is None else resolve_when(terms.due, self.eif)
        return start + dt.timedelta(days=terms.baseline_within_days)

    def period(self, party: str) -> Duration:
        terms = self.terms(party)
        return Duration(terms.every_months, terms.grace_days)

    def events(self, ctx: Context) -> pd.DataFrame:
        """One row per (party, date) with any declaration in scope; `has_value` if any value.

        Read off the categories' dates × parties matrices (no pass over the rows)."""
        shape = (len(ctx.dates), len(ctx.parties))
        present, has = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
        for category in self.scope:
            m = ctx.matrix(category)
            present |= m.present
            has |= m.present & ~np.isnan(m.values)
        column, row = np.nonzero(present.T)  # party by party, dates in order
        return pd.DataFrame(
            {
                "party": np.array(ctx.parties, dtype=object)[column],
                "date": ctx.dates.to_numpy(dtype="datetime64[ns]")[row],
                "has_value": has[row, column],
            }
        )

    def evaluate(self, ctx: Context) -> Findings:
        events = self.events(ctx)
        horizon = ctx.horizon
        frame = pd.concat(
            [self._baseline(events, horizon), self._periodic(events, horizon)],
            ignore_index=True,
        )
        frame = frame[frame["date"] <= frame["party"].map(self._ends())]
        out = _judge(frame, horizon)
        out["deadline"] = out["date"]
        out["extended"] = out["party"].isin(list(self.extensions)) & frame["baseline"].to_numpy()
        out["party"] = pd.Index(self.parties).get_indexer(pd.Index(out["party"])).astype(np.int32)
        out = out.sort_values(["party", "date"], kind="stable")  # the engine relies on this order
        return conform(out.reset_index(drop=True))

    def _ends(self) -> pd.Series:
        ends = np.minimum(self.ends(), np.datetime64("2262-01-01", "D"))  # ns-safe
        return pd.Series(ends.astype("datetime64[ns]"), index=list(self.parties))

    def _baseline(self, events: pd.DataFrame, horizon: pd.Timestamp) -> pd.DataFrame:
        """The baseline checkpoint of each party, then every period it leaves uncovered."""
        first = events.groupby("party", sort=False).head(1).set_index("party")
        rows: list[tuple[object, ...]] = []
        for party in self.parties:  # one checkpoint per party, not per declaration
            due = pd.Timestamp(to_datetime64(self.deadline(party)))
            came = first["date"].get(party, pd.NaT)
            has = bool(first["has_value"].get(party, False))
            rows.append((party, due, came, has, pd.Timestamp.min, pd.NaT, True))
            if pd.isna(came) or came > due:  # missed: each later period is a finding too
                months = self.period(party).months
                for start, later in _missed(due, months, came, horizon):
                    rows.append((party, later, came, has, start, pd.NaT, False))
        return _typed(pd.DataFrame(rows, columns=[*_COLUMNS, "baseline"]))

    def _periodic(self, events: pd.DataFrame, horizon: pd.Timestamp) -> pd.DataFrame:
        """After each declaration, the next is due one period (plus grace) later; when it came
        late or never, every further period it leaves uncovered is a finding of its own, so a
        party silent for years and then late counts as many findings as one never heard from."""
        parts = []
        groups: dict[Duration, list[str]] = {}
        for party in self.parties:
            groups.setdefault(self.period(party), []).append(party)
        for period, members in groups.items():
            e = events[events["party"].isin(members)]
            grouped = e.groupby("party", sort=False)
            frame = pd.DataFrame(
                {
                    "party": e["party"].to_numpy(),
                    "date": shift_dates(e["date"], period).to_numpy(),
                    "reference_date": grouped["date"].shift(-1).to_numpy(),
                    "has_value": grouped["has_value"].shift(-1).fillna(False).to_numpy(bool),
                    "window_start": e["date"].to_numpy(),
                    "evidence_date": e["date"].to_numpy(),
                    "baseline": False,
                }
            )
            parts.append(frame)
            came = frame["reference_date"]
            uncovered = (came.isna() | (came > frame["date"])).to_numpy()
            rows = [  # few: the last declaration of each party, and the late ones
                (party, later, nxt, has, start, previous, False)
                for party, due, nxt, has, previous in frame.loc[
                    uncovered, ["party", "date", "reference_date", "has_value", "evidence_date"]
                ].itertuples(index=False)
                for start, later in _missed(due, period.months, nxt, horizon)
            ]
            if rows:  # typed first: an object column would make the concatenation slow
                parts.append(_typed(pd.DataFrame(rows, columns=[*_COLUMNS, "baseline"])))
        if not parts:
            return _typed(pd.DataFrame(columns=[*_COLUMNS, "baseline"]))
        return _typed(pd.concat(parts, ignore_index=True))


def _missed(
    due: pd.Timestamp, months: int, came: pd.Timestamp, horizon: pd.Timestamp
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The checkpoints after a missed one due `due`: (window start, due date), every `months`.

    A declaration that `came` later covers the periods before it: one finding per checkpoint
    due before it. Without one, the checkpoints run while their window opens by the horizon
    (the last of them may be not yet due).
    """
    out = []
    start, later = due, pd.Timestamp(add_months(due.date(), months))
    while (later < came) if pd.notna(came) else (start <= horizon):
        out.append((start, later))
        start, later = later, pd.Timestamp(add_months(later.date(), months))
    return out


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("date", "reference_date", "window_start", "evidence_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["has_value"] = frame["has_value"].astype(bool)
    frame["baseline"] = frame["baseline"].astype(bool)
    return frame


def _judge(frame: pd.DataFrame, horizon: pd.Timestamp) -> pd.DataFrame:
    due, came = frame["date"], frame["reference_date"]
    on_time = (came.notna() & (came <= due)).to_numpy()
    has = frame["has_value"].to_numpy()
    late = came.notna().to_numpy() & ~on_time
    future = ~on_time & ~late & (due > horizon).to_numpy()
    conditions = [on_time & has, on_time, late, future]
    status = np.select(
        conditions,
        [STATUS[s] for s in (COMPLIANT, COMPLIANT, NON_COMPLIANT, NOT_YET_DUE)],
        STATUS[NON_COMPLIANT],
    )
    note = np.select(
        conditions,
        [
            NOTE["declared on time"],
            NOTE["declared on time without values"],
            NOTE["declared late"],
            NOTE["not yet due"],
        ],
        NOTE["missing: no declaration by the due date"],
    )
    out = frame[["party", "date", "reference_date", "evidence_date"]].copy()
    out["status"] = status.astype(np.int8)
    out["margin"] = (due - came).dt.days.astype(float).to_numpy()
    out["note"] = note.astype(np.int16)
    return out
