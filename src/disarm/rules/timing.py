"""Dates in programme files: absolute dates, offsets from entry into force, durations.

A *when* is either an ISO date (`2018-02-05`) or an offset from entry into force written
`T0`, `T0+90d`, `T0+2w`, `T0+6mo`, `T0+1y` or a sum such as `T0+1y6mo`. A *duration* is the
same offset without `T0+` (`5y`, `18mo`). Months and years are calendar months: adding one
month to 31 January gives 28 (or 29) February, the last day of the shorter month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

_TERM = re.compile(r"(\d+)(y|mo|w|d)")
_DURATION = re.compile(r"(?:\d+(?:y|mo|w|d))+", re.ASCII)
_OFFSET = re.compile(r"T0(?:\+((?:\d+(?:y|mo|w|d))+))?", re.ASCII)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Duration:
    """A calendar duration: whole months (years are 12 months) plus whole days."""

    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        parts = []
        years, months = divmod(self.months, 12)
        if years:
            parts.append(f"{years}y")
        if months:
            parts.append(f"{months}mo")
        if self.days or not parts:
            parts.append(f"{self.days}d")
        return "".join(parts)

    def after(self, start: dt.date) -> dt.date:
        """The date this duration after `start`."""
        return add_months(start, self.months) + dt.timedelta(days=self.days)


def parse_duration(text: str) -> Duration:
    """Parse `5y`, `6mo`, `90d`, `2w` or a sum like `1y6mo`; raise ValueError otherwise."""
    if not _DURATION.fullmatch(text):
        raise ValueError(
            f"{text!r} is not a duration: write a sum of terms like 1y, 6mo, 2w, 90d (e.g. 1y6mo)"
        )
    months = days = 0
    for number, unit in _TERM.findall(text):
        n = int(number)
        if unit == "y":
            months += 12 * n
        elif unit == "mo":
            months += n
        elif unit == "w":
            days += 7 * n
        else:
            days += n
    return Duration(months, days)


def check_when(text: str) -> str:
    """Validate the textual form of a when (ISO date or `T0+...`); return it unchanged."""
    if _ISO.fullmatch(text):
        try:
            dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a valid date: {exc}") from None
        return text
    if not _OFFSET.fullmatch(text):
        raise ValueError(
            f"{text!r} is neither a date (YYYY-MM-DD) nor an offset from entry into force "
            "(T0, T0+90d, T0+2w, T0+6mo, T0+1y, T0+1y6mo)"
        )
    return text


def resolve_when(when: dt.date | str, eif: dt.date) -> dt.date:
    """The calendar date of a when, given the entry-into-force date `eif`."""
    if isinstance(when, dt.date):
        return when
    if _ISO.fullmatch(when):
        return dt.date.fromisoformat(when)
    match = _OFFSET.fullmatch(when)
    if not match:
        raise ValueError(check_when(when))
    if match.group(1) is None:
        return eif
    return parse_duration(match.group(1)).after(eif)


def add_months(start: dt.date, months: int) -> dt.date:
    """`start` plus whole calendar months, clamped to the last day of the target month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last))


def shift_dates(dates: pd.Series, duration: Duration) -> pd.Series:
    """Vectorised `duration.after` over a datetime64 Series (calendar months, clamped)."""
    shifted = dates
    if duration.months:
        shifted = shifted + pd.DateOffset(months=duration.months)
    if duration.days:
        shifted = shifted + pd.Timedelta(days=duration.days)
    return shifted


def to_datetime64(day: dt.date) -> np.datetime64:
    """A date as a NumPy datetime64[ns] scalar, for comparisons with datetime columns."""
    return np.datetime64(day.isoformat(), "ns")
