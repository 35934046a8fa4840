from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest

from disarm import data
from disarm.demo import DEMO_FILES, DemoResult, run_demo

CENTRAL = {"NS-700": "deployed_launchers", "NS-1550": "deployed_warheads", "NS-800": "launchers"}


@pytest.fixture(scope="module")
def demo() -> DemoResult:
    steps: list[str] = []
    result = run_demo(steps.append)
    assert len(steps) == 6
    return result


def test_every_file_is_built(demo: DemoResult) -> None:
    assert sorted(demo.files) == sorted(DEMO_FILES)
    assert all(text for text in demo.files.values())


def _verdicts(demo: DemoResult) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(demo.files["new-start-verdicts.json"])
    return doc


def test_new_start_central_limits_compliant_from_2018_to_last_data(demo: DemoResult) -> None:
    doc = _verdicts(demo)
    rows = [v for v in doc["verdicts"] if v["obligation"] in CENTRAL]
    tidy = data.new_start_declarations()
    for party in ("USA", "RUS"):
        for obligation, category in CENTRAL.items():
            mine_rows = tidy[(tidy["party"] == party) & (tidy["category"] == category)]
            known = {d.isoformat() for d in mine_rows.loc[mine_rows["value"].notna(), "date"]}
            unknown = {d.isoformat() for d in mine_rows.loc[mine_rows["value"].isna(), "date"]}
            last = max(known)
            mine = [
                v for v in rows
                if v["party"] == party and v["obligation"] == obligation
                and "2018-02-05" <= v["date"] <= last and v["date"] in known
            ]  # fmt: skip
            dates = {v["date"] for v in mine}
            assert "2018-02-05" in dates and last in dates
            assert len(dates) >= 9
            assert {v["status"] for v in mine} == {"compliant"}, (party, obligation)
            gaps = [
                v for v in rows
                if (v["party"], v["obligation"]) == (party, obligation)
                and v["date"] >= "2018-02-05" and v["date"] in unknown
            ]  # fmt: skip
            assert {v["date"] for v in gaps} == {"2022-09-01"}  # the exchange without figures
            assert {v["status"] for v in gaps} == {"no-data"}
            assert all(v["value"] <= v["limit"] == data.CENTRAL_LIMITS[category] for v in mine)
            before = [
                v for v in rows
                if (v["party"], v["obligation"]) == (party, obligation)
                and v["date"] < "2018-02-05"
            ]  # fmt: skip
            assert before and {v["status"] for v in before} == {"not-yet-due"}


def test_new_start_gaps_are_no_data_never_a_pass(demo: DemoResult) -> None:
    doc = _verdicts(demo)
    russia_2023 = [
        v for v in doc["verdicts"]
        if v["party"] == "RUS" and v["date"] == "2023-03-01" and v["obligation"] in CENTRAL
    ]  # fmt: skip
    assert len(russia_2023) == 3
    assert {v["status"] for v in russia_2023} == {"no-data"}
    # 2022-09-01: the exchange took place, its figures are not in the dataset
    sep_2022 = [v for v in doc["verdicts"] if v["date"] == "2022-09-01"]
    assert len(sep_2022) == 6 and {v["status"] for v in sep_2022} == {"no-data"}
    assert {v["note"] for v in sep_2022} == {"declared without a value"}
    reports = [v for v in doc["verdicts"] if v["kind"] == "reporting"]
    missed = [v for v in reports if v["party"] == "RUS" and v["status"] == "non-compliant"]
    assert missed[0]["date"] == "2023-04-15"  # evaluated to the retrieval date (issue 15.2)
    summary = {(s["party"], s["phase"]): s["verdict"] for s in doc["summary"]}
    assert summary[("USA", "central-limits")] == "no-data"
    assert summary[("RUS", "central-limits")] == "no-data"


def test_new_start_report_has_six_charts(demo: DemoResult) -> None:
    html = demo.files["new-start-report.html"]
    assert len(re.findall(r'<figure class="chart"', html)) == 6
    assert "<script" not in html


def test_model_schedule_on_2024_baselines(demo: DemoResult) -> None:
    doc = json.loads(demo.files["model-schedule.json"])
    assert doc["programme"] == "model"
    assert "SIPRI" in doc["baselines"]["source"] and "estimates" in doc["baselines"]["source"]
    base = doc["baselines"]["values"]
    assert sorted(base) == data.nuclear_armed_states()
    assert base["USA"]["total_inventory"] == 5044 and base["PRK"]["total_inventory"] == 50
    rows = doc["schedule"]
    parties = {r["party"] for r in rows}
    assert parties == set(data.nuclear_armed_states())
    # the same obligations bind every party
    per_party = {p: sorted(r["obligation"] for r in rows if r["party"] == p) for p in parties}
    assert len({tuple(v) for v in per_party.values()}) == 1
    table = list(csv.DictReader(io.StringIO(demo.files["model-schedule.csv"])))
    assert len(table) == len(rows)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", table[0]["deadline"])


def test_model_summary_ends_at_zero(demo: DemoResult) -> None:
    assert [r["party"] for r in demo.model_summary] == [
        "USA", "RUS", "GBR", "FRA", "CHN", "IND", "PAK", "ISR", "PRK"
    ]  # fmt: skip
    for row in demo.model_summary:
        limits = [v for k, v in row.items() if k.startswith("P")]
        assert limits[-1] == 0
        assert limits == sorted(limits, reverse=True)  # never goes back up
        assert limits[0] == row["baseline_total_inventory"]


def test_model_report_charts_and_estimate_label(demo: DemoResult) -> None:
    html = demo.files["model-report.html"]
    charts = re.findall(r'data-party="(\w+)" data-category="total_inventory"', html)
    assert sorted(charts) == data.nuclear_armed_states()
    assert "SIPRI 2024 estimate (not a declaration)" in html
    assert "Schedule each state must meet" in html
    assert "SIPRI Yearbook 2024" in html  # the baselines' source is cited
