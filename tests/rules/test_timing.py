from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.rules.timing import Duration, add_months, check_when, parse_duration, resolve_when

EIF = dt.date(2011, 2, 5)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("T0", dt.date(2011, 2, 5)),
        ("T0+7y", dt.date(2018, 2, 5)),
        ("T0+45d", dt.date(2011, 3, 22)),
        ("T0+2w", dt.date(2011, 2, 19)),
        ("T0+6mo", dt.date(2011, 8, 5)),
        ("T0+1y6mo", dt.date(2012, 8, 5)),
        ("T0+1y30d", dt.date(2012, 3, 6)),
        ("2018-02-05", dt.date(2018, 2, 5)),
        (dt.date(2020, 1, 1), dt.date(2020, 1, 1)),
    ],
)
def test_resolve_when(when: str | dt.date, expected: dt.date) -> None:
    assert resolve_when(when, EIF) == expected


@pytest.mark.parametrize("bad", ["T0+1year", "T0-1y", "T1+1y", "2018-02-30", "t0+1y", "T0+", "1y"])
def test_bad_whens(bad: str) -> None:
    with pytest.raises(ValueError):
        check_when(bad)


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert add_months(dt.date(2021, 1, 31), 1) == dt.date(2021, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert resolve_when("T0+1mo", dt.date(2021, 1, 31)) == dt.date(2021, 2, 28)


def test_durations() -> None:
    assert parse_duration("5y") == Duration(60, 0)
    assert parse_duration("1y6mo2w3d") == Duration(18, 17)
    assert str(parse_duration("1y6mo2w3d")) == "1y6mo17d"
    with pytest.raises(ValueError):
        parse_duration("five years")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)), st.integers(0, 600))
def test_add_months_is_a_calendar_month_shift(start: dt.date, months: int) -> None:
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or end.day < start.day  # clamped only at a month end
