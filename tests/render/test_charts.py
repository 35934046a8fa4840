"""Issue 15.9: charts whose labels fit, with readable legends, phase markers and alt text."""

from __future__ import annotations

import base64
import datetime as dt
import re
from xml.etree import ElementTree

from disarm.render import ChartSpec, Point, chart_alt, chart_svg
from disarm.render.charts import HEIGHT, WIDTH

D = dt.date
SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[ElementTree.Element]:
    return [e for e in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def test_y_label_and_tick_labels_stay_inside_the_image() -> None:
    spec = ChartSpec(
        "World", "warheads", points=[Point(D(2025, 1, 1), 12_331.0), Point(D(2030, 1, 1), 2_800)],
        schedule=[(D(2025, 1, 1), 12_331.0), (D(2030, 1, 1), 3_500.0)],
    )  # fmt: skip
    svg = chart_svg(spec)
    label = next(e for e in _texts(svg) if e.text == "warheads")
    x, y = map(float, re.findall(r"translate\(([\d.]+),([\d.]+)\)", label.get("transform", ""))[0])
    half = 7 * len("warheads") / 2  # rotated: the label's length runs vertically
    assert x >= 8 and y - half >= 0 and y + half <= HEIGHT
    ticks = [e for e in _texts(svg) if e.get("text-anchor") == "end" and e.text]
    widest = max(len(e.text or "") for e in ticks)  # "14,000"
    assert all(float(e.get("x", 0)) - 7.5 * widest > x + 6 for e in ticks)  # no overlap
    assert all(float(e.get("x", 0)) <= WIDTH for e in _texts(svg))


def test_legend_is_readable_and_every_series_is_in_it() -> None:
    spec = ChartSpec(
        "USA — deployed", "count", points=[Point(D(2019, 1, 1), 650, "compliant")],
        schedule=[(D(2018, 2, 5), 700.0)], baseline=882.0, baseline_label="baseline",
    )  # fmt: skip
    texts = {e.text: e for e in _texts(chart_svg(spec))}
    for label in ("ceiling", "baseline", "declared", "compliant"):
        assert label in texts
    root = ElementTree.fromstring(chart_svg(spec))
    assert float(root.get("font-size", 0)) >= 12  # legend and ticks inherit 12 px


def test_a_limit_that_starts_later_is_drawn_with_every_phase_marker() -> None:
    """The model report's deployed_total: no ceiling before P3, then 0; P2 is marked too."""
    phases = [(D(2026, 1, 1), "P1"), (D(2027, 1, 1), "P2"), (D(2030, 1, 1), "P3")]
    spec = ChartSpec(
        "USA — deployed_total", "count", schedule=[(D(2030, 1, 1), 0.0)],
        deadlines=[(D(2030, 1, 1), "P3")], baseline=1770.0, start=D(2025, 1, 1),
        end=D(2041, 1, 1), phases=phases,
    )  # fmt: skip
    svg = chart_svg(spec)
    words = [e.text for e in _texts(svg)]
    assert {"P1", "P2", "P3"} <= set(words)
    assert "no ceiling before 2030-01-01" in words
    assert svg.count("<polyline") == 1 and "<circle" in svg  # the ceiling, the estimate
    alt = chart_alt(spec)
    assert alt.startswith("Chart: USA — deployed_total, in count.")
    assert "Ceiling: 0 from 2030-01-01" in alt and "baseline: 1,770" in alt


def test_every_chart_of_the_demo_reports_has_alt_text(demo_reports: dict[str, str]) -> None:
    for name, html in demo_reports.items():
        imgs = re.findall(r"<img [^>]*>", html)
        assert imgs, name
        for img in imgs:
            alt = re.search(r'alt="([^"]+)"', img)
            assert alt and alt.group(1).startswith("Chart: ") and "." in alt.group(1)[7:], img[:200]


def test_model_report_deployed_total_charts_are_not_empty(demo_reports: dict[str, str]) -> None:
    html = demo_reports["model-report.html"]
    figs = re.findall(
        r'<figure class="chart"[^>]*data-category="deployed_total".*?</figure>', html, re.S
    )
    assert len(figs) >= 5
    for fig in figs:
        svg = base64.b64decode(re.search(r"base64,([^\"]+)", fig).group(1)).decode()  # type: ignore[union-attr]
        words = [e.text for e in _texts(svg)]
        assert "P2" in words and "P3" in words
        assert "<polyline" in svg and "estimate" in " ".join(w or "" for w in words)
