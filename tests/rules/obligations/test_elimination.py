from __future__ import annotations

from tests.rules.helpers import programme, run, status

ELIM = {"id": "E1", "kind": "elimination", "category": "warheads", "due": "T0+2y"}


def test_elimination_cases() -> None:
    prog = programme([dict(ELIM)], deadline="T0+2y")
    v = run(
        prog,
        [
            ("2021-01-01", "AAA", "warheads", 50),
            ("2022-01-01", "AAA", "warheads", 0),
            ("2022-01-01", "BBB", "warheads", 1),
            ("2023-01-01", "AAA", "warheads", 0),
        ],
    )
    assert status(v, "AAA", "2021-01-01") == "not-yet-due"
    assert status(v, "AAA", "2022-01-01") == "compliant"
    assert status(v, "BBB", "2022-01-01") == "non-compliant"
    assert status(v, "BBB", "2023-01-01") == "no-data"
    assert set(v["limit"]) == {0}


def test_elimination_extension() -> None:
    ext = {"obligation": "E1", "party": "AAA", "new_deadline": "2023-06-01", "reason": "x"}
    prog = programme([dict(ELIM)], deadline="T0+2y", extensions=[ext])
    rows = [("2022-06-01", "AAA", "warheads", 5), ("2022-06-01", "BBB", "warheads", 5)]
    v = run(prog, [*rows, ("2023-06-01", "AAA", "warheads", 5)])
    assert status(v, "AAA", "2022-06-01") == "not-yet-due"
    assert status(v, "BBB", "2022-06-01") == "non-compliant"
    assert status(v, "AAA", "2023-06-01") == "non-compliant"
