from __future__ import annotations

from tests.rules.helpers import programme, run, status

ALERT = {"id": "S1", "kind": "status", "category": "alert", "equals": 0}
NFU = {"id": "S2", "kind": "status", "category": "nfu", "equals": 1, "due": "T0+6mo"}


def test_status_equals_zero() -> None:
    v = run(
        programme([dict(ALERT)]),
        [
            ("2020-06-01", "AAA", "alert", 900),
            ("2021-02-01", "AAA", "alert", 0),
            ("2021-02-01", "BBB", "alert", 12),
            ("2021-08-01", "AAA", "alert", 0),
        ],
    )
    assert status(v, "AAA", "2020-06-01") == "not-yet-due"
    assert status(v, "AAA", "2021-02-01") == "compliant"
    assert status(v, "BBB", "2021-02-01") == "non-compliant"
    assert status(v, "BBB", "2021-08-01") == "no-data"


def test_status_flag_and_at_most_at_least() -> None:
    prog = programme(
        [
            dict(NFU),
            {"id": "S3", "kind": "status", "category": "alert", "at_most": 10},
            {"id": "S4", "kind": "status", "category": "warheads", "at_least": 1},
        ]
    )
    rows = [
        ("2021-03-01", "AAA", "nfu", 1),
        ("2021-03-01", "BBB", "nfu", 0),
        ("2021-03-01", "AAA", "alert", 10),
        ("2021-03-01", "BBB", "alert", 11),
        ("2021-03-01", "AAA", "warheads", 0),
        ("2021-03-01", "BBB", "warheads", 1),
    ]
    v = run(prog, rows)
    assert status(v, "AAA", "2021-03-01", "S2") == "compliant"
    assert status(v, "BBB", "2021-03-01", "S2") == "non-compliant"
    assert status(v, "AAA", "2021-03-01", "S3") == "compliant"
    assert status(v, "BBB", "2021-03-01", "S3") == "non-compliant"
    assert status(v, "AAA", "2021-03-01", "S4") == "non-compliant"
    assert status(v, "BBB", "2021-03-01", "S4") == "compliant"


def test_status_extension() -> None:
    ext = {"obligation": "S1", "party": "BBB", "new_deadline": "T0+18mo", "reason": "x"}
    prog = programme([dict(ALERT)], extensions=[ext])
    rows = [("2021-03-01", "AAA", "alert", 3), ("2021-03-01", "BBB", "alert", 3)]
    v = run(prog, [*rows, ("2021-07-01", "BBB", "alert", 3)])
    assert status(v, "AAA", "2021-03-01") == "non-compliant"
    assert status(v, "BBB", "2021-03-01") == "not-yet-due"
    assert status(v, "BBB", "2021-07-01") == "non-compliant"
