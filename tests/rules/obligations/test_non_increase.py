from __future__ import annotations

import pandas as pd

from tests.rules.helpers import programme, run, status

RATCHET = {"id": "N1", "kind": "non-increase", "category": "warheads", "due": "T0"}


def test_ratchet_cases() -> None:
    v = run(
        programme([dict(RATCHET)]),
        [
            ("2019-01-01", "AAA", "warheads", 10),  # before the ratchet: not compared
            ("2020-01-01", "AAA", "warheads", 500),  # first under the ratchet: reference
            ("2020-07-01", "AAA", "warheads", 480),
            ("2021-01-01", "AAA", "warheads", 480),  # equal is not a rise
            ("2021-07-01", "AAA", "warheads", 481),  # a rise
            ("2021-07-01", "BBB", "warheads", 10),
            ("2022-01-01", "AAA", "warheads", 400),
        ],
    )
    assert status(v, "AAA", "2019-01-01") == "not-yet-due"
    assert status(v, "AAA", "2020-01-01") == "compliant"
    assert status(v, "AAA", "2020-07-01") == "compliant"
    assert status(v, "AAA", "2021-01-01") == "compliant"
    assert status(v, "AAA", "2021-07-01") == "non-compliant"
    assert status(v, "AAA", "2022-01-01") == "compliant"  # compared with 481, the last declared
    assert status(v, "BBB", "2021-01-01") == "no-data"
    row = v[(v["party"] == "AAA") & (v["date"] == pd.Timestamp("2021-07-01"))].iloc[0]
    assert row["limit"] == 480 and row["margin"] == -1
    assert row["reference_date"] == pd.Timestamp("2021-01-01")


def test_gap_is_no_data_and_the_ratchet_compares_with_the_last_known_value() -> None:
    v = run(
        programme([dict(RATCHET)]),
        [
            ("2020-01-01", "AAA", "warheads", 100),
            ("2020-07-01", "BBB", "warheads", 5),  # AAA silent
            ("2021-01-01", "AAA", "warheads", 120),
        ],
    )
    assert status(v, "AAA", "2020-07-01") == "no-data"
    assert status(v, "AAA", "2021-01-01") == "non-compliant"


def test_ratchet_extension() -> None:
    ext = {"obligation": "N1", "party": "AAA", "new_deadline": "T0+1y", "reason": "x"}
    prog = programme([dict(RATCHET)], extensions=[ext])
    rows = [
        ("2020-01-01", "AAA", "warheads", 100),
        ("2020-01-01", "BBB", "warheads", 100),
        ("2020-07-01", "AAA", "warheads", 200),
        ("2020-07-01", "BBB", "warheads", 200),
        ("2021-01-01", "AAA", "warheads", 150),
        ("2021-07-01", "AAA", "warheads", 160),
    ]
    v = run(prog, rows)
    assert status(v, "BBB", "2020-07-01") == "non-compliant"
    assert status(v, "AAA", "2020-07-01") == "not-yet-due"
    assert status(v, "AAA", "2021-01-01") == "compliant"  # first under its extended ratchet
    assert status(v, "AAA", "2021-07-01") == "non-compliant"
