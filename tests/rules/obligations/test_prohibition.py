from __future__ import annotations

from tests.rules.helpers import programme, run, status

BAN = {"id": "B1", "kind": "prohibition", "category": "tests"}


def test_prohibition_binds_from_entry_into_force() -> None:
    v = run(
        programme([dict(BAN)]),
        [
            ("2019-06-01", "AAA", "tests", 2),  # before entry into force 2020-01-01
            ("2020-01-01", "AAA", "tests", 0),
            ("2020-03-01", "BBB", "tests", 1),
            ("2020-03-01", "AAA", "tests", 0),
        ],
    )
    assert status(v, "AAA", "2019-06-01") == "not-yet-due"
    assert status(v, "AAA", "2020-01-01") == "compliant"
    assert status(v, "BBB", "2020-03-01") == "non-compliant"
    assert status(v, "BBB", "2020-01-01") == "no-data"


def test_prohibition_on_a_quantity_in_tonnes() -> None:
    prog = programme([{"id": "B2", "kind": "prohibition", "category": "material"}])
    v = run(prog, [("2020-02-01", "AAA", "material", 0.25), ("2020-02-01", "BBB", "material", 0)])
    assert status(v, "AAA", "2020-02-01") == "non-compliant"
    assert status(v, "BBB", "2020-02-01") == "compliant"


def test_prohibition_extension_delays_its_start_for_one_party() -> None:
    ext = {"obligation": "B1", "party": "AAA", "new_deadline": "T0+1y", "reason": "x"}
    prog = programme([dict(BAN)], extensions=[ext])
    v = run(prog, [("2020-06-01", "AAA", "tests", 1), ("2020-06-01", "BBB", "tests", 1)])
    assert status(v, "AAA", "2020-06-01") == "not-yet-due"
    assert status(v, "BBB", "2020-06-01") == "non-compliant"
