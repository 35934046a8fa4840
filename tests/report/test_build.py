from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from disarm import data
from disarm.report import render_html
from disarm.report.build import deadlines, from_evaluation, schedule_frame, schedules
from disarm.rules import evaluate, load_declarations, load_programme

D = dt.date


@pytest.fixture(scope="module")
def new_start():  # type: ignore[no-untyped-def]
    programme = load_programme("new-start")
    tidy = data.new_start_declarations()
    result = evaluate(programme, load_declarations(tidy))
    return programme, tidy, result


def test_schedules_and_deadlines_come_from_the_engine(new_start) -> None:  # type: ignore[no-untyped-def]
    programme, _, _ = new_start
    s = schedules(programme, None)
    assert set(s) == {(p, c) for p in ("USA", "RUS") for c in data.CENTRAL_LIMITS}
    for (_, category), steps in s.items():
        assert steps[0] == (D(2018, 2, 5), float(data.CENTRAL_LIMITS[category]))
        assert math.isinf(steps[-1][1])  # the treaty's limits end in 2026
    marks = deadlines(programme)
    assert marks[("RUS", "launchers")] == [(D(2018, 2, 5), "central-limits")]


def test_schedule_frame_lists_every_rule_per_party(new_start) -> None:  # type: ignore[no-untyped-def]
    programme, _, _ = new_start
    f = schedule_frame(programme)
    assert len(f) == len(programme.rules) * len(programme.parties)
    assert list(dict.fromkeys(f["party"])) == list(programme.parties)
    ceilings = f[f["kind"] == "ceiling"].set_index(["party", "category"])
    assert ceilings.loc[("USA", "deployed_warheads"), "limit"] == 1550
    assert ceilings.loc[("USA", "deployed_warheads"), "condition"] == "≤ 1550"
    reporting = f[f["kind"] == "reporting"]
    assert reporting["condition"].str.contains("every 6 months").all()


def test_new_start_report_has_charts_tables_and_sources(new_start) -> None:  # type: ignore[no-untyped-def]
    programme, tidy, result = new_start
    doc = from_evaluation(programme, tidy, result)
    html = render_html(doc)
    charts = re.findall(r'<figure class="chart" data-party="(\w+)" data-category="(\w+)"', html)
    assert sorted(charts) == sorted((p, c) for p in ("USA", "RUS") for c in data.CENTRAL_LIMITS)
    for party in ("USA", "RUS"):
        assert f'data-party="{party}" data-phase="central-limits"' in html
        assert f'data-party="{party}" data-phase="standing"' in html
    assert "NS-1550" in html and "1,444" in html  # Russia's warheads on 2018-02-05
    assert "state.gov New START aggregate numbers page" in html
    assert "New START Treaty Aggregate Numbers of Strategic Offensive Arms" in html
    assert "<script" not in html


def test_model_report_charts_declared_series_and_amount_schedules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    programme = load_programme("model")
    decls = pd.DataFrame(
        {
            "date": ["2025-01-01", "2026-01-01", "2025-01-01", "2026-01-01", "2026-01-01"],
            "party": ["GBR", "GBR", "USA", "USA", "USA"],
            "category": ["total_inventory"] * 4 + ["alert_warheads"],
            "value": [225, 230, 5044, 4800, 0],
            "source": ["test"] * 5,
        }
    )
    tidy = load_declarations(decls)
    result = evaluate(programme, tidy)
    doc = from_evaluation(programme, tidy, result)
    keys = set(doc.chart_keys())
    assert ("USA", "alert_warheads") in keys  # declared: charted
    assert ("GBR", "alert_warheads") not in keys  # a flat zero with nothing declared: table only
    assert not [k for k in keys if k[1] == "nfu_nsa_declared"]  # flags are not amounts
    html = render_html(doc)
    gbr = html.split('id="party-GBR"')[1].split("</section>")[0]
    assert '<tr class="r-non-compliant">' in gbr  # 230 above the 225 baseline freeze
    # the ceiling follows the baseline the engine took from the declarations at entry into force
    assert doc.schedules[("GBR", "total_inventory")][0] == (dt.date(2025, 1, 1), 225.0)
    assert doc.baselines["GBR"]["total_inventory"] == 225.0
