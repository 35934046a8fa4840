from __future__ import annotations

import pandas as pd

from tests.rules.helpers import programme, run, status

CEILING = {"id": "C1", "kind": "ceiling", "category": "warheads", "max": 100}


def test_compliant_violating_not_yet_due_and_no_data() -> None:
    prog = programme([dict(CEILING)])
    v = run(
        prog,
        [
            ("2020-06-01", "AAA", "warheads", 150),  # before the deadline 2021-01-01
            ("2021-06-01", "AAA", "warheads", 100),  # exactly at the limit
            ("2021-06-01", "BBB", "warheads", 101),  # one above
            ("2022-01-01", "AAA", "warheads", 90),  # BBB silent on this exchange date
        ],
    )
    assert status(v, "AAA", "2020-06-01") == "not-yet-due"
    assert status(v, "AAA", "2021-06-01") == "compliant"
    assert status(v, "BBB", "2021-06-01") == "non-compliant"
    assert status(v, "BBB", "2022-01-01") == "no-data"
    assert status(v, "BBB", "2020-06-01") == "not-yet-due"
    row = v[(v["party"] == "BBB") & (v["date"] == pd.Timestamp("2021-06-01"))].iloc[0]
    assert (row["limit"], row["value"], row["margin"]) == (100, 101, -1)
    assert row["deadline"] == pd.Timestamp("2021-01-01")
    assert "101" in row["evidence"] and "≤ 100" in row["evidence"]


def test_fraction_of_baseline_and_minimum_of_both() -> None:
    prog = programme([{**CEILING, "max": 100, "fraction": 0.5}])
    rows = [
        ("2020-01-01", "AAA", "warheads", 400),  # baseline at entry into force: limit min(100, 200)
        ("2020-01-01", "BBB", "warheads", 60),  # limit min(100, 30) = 30
        ("2021-03-01", "AAA", "warheads", 100),
        ("2021-03-01", "BBB", "warheads", 31),
    ]
    v = run(prog, rows)
    assert status(v, "AAA", "2021-03-01") == "compliant"
    assert status(v, "BBB", "2021-03-01") == "non-compliant"
    bbb = v[(v["party"] == "BBB") & (v["date"] == pd.Timestamp("2021-03-01"))].iloc[0]
    assert bbb["limit"] == 30 and bbb["baseline"] == 60


def test_fraction_without_baseline_is_no_data_and_explicit_baselines_fix_it() -> None:
    prog = programme([{**CEILING, "fraction": 0.5}])
    rows = [("2021-03-01", "AAA", "warheads", 40)]
    v = run(prog, rows)
    assert status(v, "AAA", "2021-03-01") == "no-data"
    v = run(prog, rows, baselines={"AAA": {"warheads": 100}})
    assert status(v, "AAA", "2021-03-01") == "compliant"
    v = run(prog, rows, baselines={"AAA": {"warheads": 60}})
    assert status(v, "AAA", "2021-03-01") == "non-compliant"


def test_missing_value_is_no_data_never_a_pass() -> None:
    v = run(programme([dict(CEILING)]), [("2021-03-01", "AAA", "warheads", None)])
    assert status(v, "AAA", "2021-03-01") == "no-data"
    assert status(v, "BBB", "2021-03-01") == "no-data"


def test_extension_moves_the_deadline_for_that_party_only() -> None:
    ext = {"obligation": "C1", "party": "BBB", "new_deadline": "T0+2y", "reason": "test"}
    prog = programme([dict(CEILING)], extensions=[ext])
    rows = [("2021-06-01", "AAA", "warheads", 150), ("2021-06-01", "BBB", "warheads", 150)]
    v = run(prog, rows)
    assert status(v, "AAA", "2021-06-01") == "non-compliant"
    assert status(v, "BBB", "2021-06-01") == "not-yet-due"
    bbb = v[v["party"] == "BBB"].iloc[0]
    assert bbb["deadline"] == pd.Timestamp("2022-01-01") and bool(bbb["extended"])
    v = run(prog, [*rows, ("2022-01-01", "BBB", "warheads", 150)])
    assert status(v, "BBB", "2022-01-01") == "non-compliant"


def test_until_ends_the_obligation() -> None:
    prog = programme([{**CEILING, "until": "T0+2y"}])
    v = run(prog, [("2021-06-01", "AAA", "warheads", 1), ("2023-06-01", "AAA", "warheads", 500)])
    assert set(v["date"]) == {pd.Timestamp("2021-06-01")}


def test_as_of_adds_an_evaluation_date_and_ignores_later_rows() -> None:
    prog = programme([dict(CEILING)])
    rows = [("2021-06-01", "AAA", "warheads", 10), ("2022-06-01", "AAA", "warheads", 500)]
    v = run(prog, rows, as_of="2022-01-01")
    assert sorted(v["date"].unique()) == [pd.Timestamp("2021-06-01"), pd.Timestamp("2022-01-01")]
    assert status(v, "AAA", "2022-01-01") == "no-data"


def test_unknown_baseline_is_still_decided_by_the_cap_and_by_zero() -> None:
    prog = programme([{**CEILING, "max": 30, "fraction": 0.5}])
    rows = [
        ("2021-03-01", "AAA", "warheads", 40),  # above the cap 30, whatever the baseline
        ("2021-03-01", "BBB", "warheads", 0),  # 0 meets any limit
        ("2021-06-01", "AAA", "warheads", 20),  # under the cap: depends on the baseline
    ]
    v = run(prog, rows)
    assert status(v, "AAA", "2021-03-01") == "non-compliant"
    assert status(v, "BBB", "2021-03-01") == "compliant"
    assert status(v, "AAA", "2021-06-01") == "no-data"
