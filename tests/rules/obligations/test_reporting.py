from __future__ import annotations

from typing import Any

import pandas as pd
import yaml

from disarm.rules import Programme, parse_programme
from tests.rules.helpers import programme, run, spec

REPORT = {
    "id": "D1",
    "kind": "reporting",
    "categories": ["warheads"],
    "baseline_within_days": 30,
    "every_months": 6,
}


def checkpoints(v: pd.DataFrame, party: str) -> list[tuple[str, str]]:
    rows = v[(v["party"] == party) & (v["obligation"] == "D1")]
    return [(str(d.date()), s) for d, s in zip(rows["date"], rows["status"], strict=True)]


def test_on_time_reports() -> None:
    rows = [
        (d, p, "warheads", 10)
        for d in ("2020-01-15", "2020-07-15", "2021-01-10")
        for p in ("AAA", "BBB")
    ]
    v = run(programme([dict(REPORT)]), rows)
    assert checkpoints(v, "AAA") == [
        ("2020-01-31", "compliant"),  # baseline within 30 days of 2020-01-01
        ("2020-07-15", "compliant"),
        ("2021-01-15", "compliant"),
        ("2021-07-10", "not-yet-due"),  # after the horizon 2021-01-10
    ]


def test_late_baseline_and_missing_report_are_violations() -> None:
    rows = [
        ("2020-01-10", "BBB", "warheads", 10),
        ("2020-03-01", "AAA", "warheads", 10),  # baseline late (due 2020-01-31)
        ("2020-07-01", "BBB", "warheads", 10),
        ("2020-08-01", "AAA", "warheads", 10),
        ("2021-01-05", "BBB", "warheads", 10),  # AAA misses its report due 2021-02-01
        ("2021-03-01", "BBB", "warheads", 10),
    ]
    v = run(programme([dict(REPORT)]), rows)
    aaa = checkpoints(v, "AAA")
    assert aaa[0] == ("2020-01-31", "non-compliant")
    assert ("2020-09-01", "compliant") in aaa  # 2020-08-01 met the report due after 2020-03-01
    assert ("2021-02-01", "non-compliant") in aaa
    late = v[(v["party"] == "AAA") & (v["date"] == pd.Timestamp("2020-01-31"))].iloc[0]
    assert late["margin"] == -30 and "late" in late["note"]


def test_a_declaration_without_values_counts_and_a_period_nobody_declared_is_a_finding() -> None:
    rows = [
        ("2020-01-10", "AAA", "warheads", 10),
        ("2020-01-10", "BBB", "warheads", 10),
        ("2020-07-01", "AAA", "warheads", None),  # declared, figures not known to us
        ("2020-07-01", "BBB", "warheads", 5),
        # nobody declared between 2020-07-01 and 2021-03-01: both missed the report due
        # 2021-01-01, whatever the other party did
        ("2021-03-01", "AAA", "warheads", 10),
        ("2021-03-01", "BBB", "warheads", 10),
    ]
    v = run(programme([dict(REPORT)]), rows)
    assert ("2020-07-10", "compliant") in checkpoints(v, "AAA")
    row = v[(v["party"] == "AAA") & (v["date"] == pd.Timestamp("2020-07-10"))].iloc[0]
    assert row["note"] == "declared on time without values" and row["margin"] == 9
    for party in ("AAA", "BBB"):
        assert ("2021-01-01", "non-compliant") in checkpoints(v, party)
    late = v[(v["party"] == "BBB") & (v["date"] == pd.Timestamp("2021-01-01"))].iloc[0]
    assert late["note"] == "declared late" and late["margin"] == -59


def one_party(obligation: dict[str, Any]) -> Programme:
    data = spec([obligation])
    data["parties"] = ["AAA"]
    return parse_programme(yaml.safe_dump(data, sort_keys=False), "one.yaml")


def test_one_party_programme_finds_a_missed_report() -> None:
    prog = one_party(dict(REPORT))
    rows = [("2020-01-10", "AAA", "warheads", 10), ("2020-07-01", "AAA", "warheads", 9)]
    # with no later row, only the schedule says a report was due: checkpoints up to --as-of
    v = run(prog, rows, as_of="2021-08-01")
    assert checkpoints(v, "AAA") == [
        ("2020-01-31", "compliant"),
        ("2020-07-10", "compliant"),
        ("2021-01-01", "non-compliant"),
        ("2021-07-01", "non-compliant"),
        ("2022-01-01", "not-yet-due"),
    ]
    missing = v[v["date"] == pd.Timestamp("2021-01-01")].iloc[0]
    assert missing["note"] == "missing: no declaration by the due date"
    # without --as-of the horizon is the last declaration: nothing is due yet
    assert checkpoints(run(prog, rows), "AAA")[-1] == ("2021-01-01", "not-yet-due")


def test_no_declaration_at_all_misses_the_baseline_once_due() -> None:
    prog = one_party(dict(REPORT))
    empty: list[tuple[str, str, str, float | None]] = []
    assert checkpoints(run(prog, empty, as_of="2020-01-30"), "AAA") == [
        ("2020-01-31", "not-yet-due")
    ]
    # on the due date itself the record is complete up to that day: nothing came, so it is missed
    assert checkpoints(run(prog, empty, as_of="2020-01-31"), "AAA") == [
        ("2020-01-31", "non-compliant"),
        ("2020-07-31", "not-yet-due"),
    ]


def test_a_party_that_never_declares() -> None:
    rows = [("2020-01-10", "BBB", "warheads", 10), ("2020-07-01", "BBB", "warheads", 10)]
    v = run(programme([dict(REPORT)]), rows, as_of="2020-12-01")
    assert checkpoints(v, "AAA") == [
        ("2020-01-31", "non-compliant"),
        ("2020-07-31", "non-compliant"),
        ("2021-01-31", "not-yet-due"),
    ]


def test_reporting_extension_moves_the_baseline_deadline() -> None:
    ext = {"obligation": "D1", "party": "AAA", "new_deadline": "T0+90d", "reason": "x"}
    prog = programme([dict(REPORT)], extensions=[ext])
    rows = [("2020-01-10", "BBB", "warheads", 10), ("2020-03-01", "AAA", "warheads", 10)]
    v = run(prog, rows)
    assert checkpoints(v, "AAA")[0] == ("2020-03-31", "compliant")
    assert bool(v[(v["party"] == "AAA")].iloc[0]["extended"])
