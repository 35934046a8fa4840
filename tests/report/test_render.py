from __future__ import annotations

import base64
import datetime as dt
import re
from xml.etree import ElementTree

import pandas as pd
import pytest

from disarm.render import ChartSpec, Point, chart_svg
from disarm.report import CategoryInfo, PhaseInfo, ReportData, Table, render_html
from disarm.report.document import json_records, worst
from disarm.report.render import fmt

D = dt.date


def _data(**kw: object) -> ReportData:
    decls = pd.DataFrame(
        {
            "date": [D(2017, 9, 1), D(2018, 2, 5), D(2017, 9, 1), D(2018, 2, 5)],
            "party": ["AAA", "AAA", "BBB", "BBB"],
            "category": ["warheads"] * 4,
            "value": [1600, 1500, 900, 1600],
            "source": ["fact sheet A", "fact sheet B", "fact sheet A", "fact sheet B"],
        }
    )
    verdicts = pd.DataFrame(
        {
            "party": ["AAA", "AAA", "BBB", "BBB"],
            "obligation": ["W-1550"] * 4,
            "kind": ["ceiling"] * 4,
            "phase": ["p1"] * 4,
            "category": ["warheads"] * 4,
            "date": pd.to_datetime(["2017-09-01", "2018-02-05", "2017-09-01", "2018-02-05"]),
            "status": ["not-yet-due", "compliant", "not-yet-due", "non-compliant"],
            "limit": [1550.0] * 4,
            "value": [1600.0, 1500.0, 900.0, 1600.0],
            "margin": [-50.0, 50.0, 650.0, -50.0],
            "deadline": pd.to_datetime(["2018-02-05"] * 4),
            "evidence": ["v ≤ 1550"] * 4,
            "evidence_source": ["fact sheet A", "fact sheet B", "fact sheet A", "fact sheet B"],
        }
    )
    summary = pd.DataFrame(
        {
            "party": ["AAA", "BBB"],
            "phase": ["p1", "p1"],
            "compliant": [1, 0],
            "non_compliant": [0, 1],
            "not_yet_due": [1, 1],
            "no_data": [0, 0],
            "verdict": ["compliant", "non-compliant"],
        }
    )
    args: dict[str, object] = {
        "title": "Test <report>",
        "parties": ["AAA", "BBB"],
        "categories": [CategoryInfo("warheads", "count", "deployed warheads"),
                       CategoryInfo("bombers", "count", "none declared")],
        "phases": [PhaseInfo("p1", "Central limits", D(2018, 2, 5), "treaty Art. II")],
        "declarations": decls,
        "verdicts": verdicts,
        "summary": summary,
        "schedules": {("AAA", "warheads"): [(D(2018, 2, 5), 1550.0)],
                      ("BBB", "warheads"): [(D(2018, 2, 5), 1550.0)]},
        "deadlines": {("AAA", "warheads"): [(D(2018, 2, 5), "p1")]},
        "sources": [("Programme", "the treaty text")],
    }  # fmt: skip
    args.update(kw)
    return ReportData(**args)  # type: ignore[arg-type]


def test_self_contained_no_external_urls() -> None:
    html = render_html(_data())
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html
    for uri in re.findall(r'src="(data:[^"]+)"', html):
        assert uri.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(uri.split(",", 1)[1]).decode()
        assert "<svg" in svg and "<metadata>" not in svg and "<!DOCTYPE" not in svg
        assert not re.search(r"""href\s*=\s*["']https?:""", svg)


def test_one_chart_per_party_and_category_with_data() -> None:
    html = render_html(_data())
    charts = re.findall(r'<figure class="chart" data-party="(\w+)" data-category="(\w+)"', html)
    assert charts == [("AAA", "warheads"), ("BBB", "warheads")]  # no data for bombers: no chart


def test_verdict_tables_and_status_colours() -> None:
    html = render_html(_data())
    assert 'data-party="BBB" data-phase="p1"' in html
    assert '<span class="status s-non-compliant">non-compliant</span>' in html
    assert 'tr class="r-non-compliant"' in html
    assert "1,550" in html and "1,600" in html and "-50" in html
    # evidence sources are numbered once and listed
    assert "[1]" in html and "[2]" in html
    assert '<li value="2">fact sheet B</li>' in html
    # escaped title
    assert "Test &lt;report&gt;" in html


def test_summary_lists_each_party_and_phase() -> None:
    html = render_html(_data())
    summary = html.split('id="summary"')[1].split("</section>")[0]
    assert 'href="#party-AAA"' in summary and 'href="#party-BBB"' in summary
    assert summary.count('class="status s-non-compliant"') >= 2  # BBB overall and p1


def test_schedule_only_report_and_extra_tables() -> None:
    data = _data(
        declarations=None,
        verdicts=None,
        summary=None,
        tables=[Table("Schedule", pd.DataFrame({"party": ["AAA"], "limit": [float("nan")]}))],
        baselines={"AAA": {"warheads": 2000.0}},
    )
    calls: list[tuple[str, str]] = []
    html = render_html(data, on_chart=lambda p, c: calls.append((p, c)))
    assert calls == [("AAA", "warheads"), ("BBB", "warheads")]
    assert "<h2>Schedule</h2>" in html and "—" in html
    assert "warheads 2,000" in html


def test_chart_svg_is_deterministic_and_handles_unbounded_steps() -> None:
    spec = ChartSpec(
        "X", "count",
        points=[Point(D(2011, 2, 5), 1800, "not-yet-due"), Point(D(2019, 3, 1), 1400, "compliant")],
        schedule=[(D(2018, 2, 5), 1550.0), (D(2026, 2, 6), float("inf"))],
        deadlines=[(D(2018, 2, 5), "central limits")],
        baseline=1800.0,
    )  # fmt: skip
    a, b = chart_svg(spec), chart_svg(spec)
    assert a == b
    root = ElementTree.fromstring(a)  # well-formed
    assert root.tag.endswith("svg") and "central limits" in a
    # the ceiling stops where the limit becomes unbounded: one run, from 2018 to 2026
    assert len([e for e in root.iter() if e.tag.endswith("polyline")]) == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (float("nan"), "—"), (1550.0, "1,550"), (2.5, "2.50"), (7, "7"),
     (pd.Timestamp("2018-02-05"), "2018-02-05"), (pd.NaT, "—"), (True, "yes"),
     (float("inf"), "∞"), ("x", "x")],
)  # fmt: skip
def test_cell_format(value: object, text: str) -> None:
    assert fmt(value) == text


def test_worst_and_json_records() -> None:
    assert worst(["compliant", "no-data", "not-yet-due"]) == "no-data"
    assert worst(["compliant", "non-compliant"]) == "non-compliant"
    assert worst([]) is None
    recs = json_records(
        pd.DataFrame({"d": pd.to_datetime(["2018-02-05", None]), "v": [1.0, float("nan")]})
    )
    assert recs == [{"d": "2018-02-05", "v": 1.0}, {"d": None, "v": None}]
