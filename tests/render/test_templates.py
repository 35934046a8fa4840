"""Issue 15.8: one design: one environment, one stylesheet, a brief at the top of every report."""

from __future__ import annotations

import re

from disarm.render import environment, fmt, kg_sq, plus_minus, render, sq
from disarm.render.cells import SQ_PU_KG


def _style(html: str) -> str:
    m = re.search(r"<style>(.*?)</style>", html, re.S)
    assert m
    return m.group(1)


def test_the_reports_share_one_stylesheet_with_a_print_part(demo_reports: dict[str, str]) -> None:
    styles = {_style(h) for h in demo_reports.values()}
    assert len(styles) == 1
    css = styles.pop()
    assert "@media print" in css and "thead { display: table-header-group; }" in css
    assert "max-height" not in css  # no scroll box that would cut a table in print


def test_every_report_opens_with_a_plain_language_brief(demo_reports: dict[str, str]) -> None:
    for name, html in demo_reports.items():
        main = html[html.index("<main>") :]
        first = re.search(r"<section[^>]*>\s*<h2>([^<]+)</h2>(.*?)</section>", main, re.S)
        assert first and first.group(1) == "In brief", name
        sentences = re.findall(r"<p>(.*?)</p>", first.group(2), re.S)
        assert 2 <= len(sentences) <= 6, name
    ns = demo_reports["new-start-report.html"]
    assert "Russian Federation" in ns[ns.index("In brief") : ns.index("</section>")]


def test_one_environment_for_the_project() -> None:
    assert environment() is environment()
    html = render("base.html.j2", title="T <x>", subtitle=None, brief=["One.", "Two."])
    assert "<title>T &lt;x&gt;</title>" in html and "<p>One.</p>" in html


def test_amounts_of_plutonium_read_in_kilograms_and_significant_quantities() -> None:
    from disarm.stats.constants import SQ_PU_KG as SOURCE

    assert SQ_PU_KG == SOURCE
    assert kg_sq(310.62) == "310.6 kg (38.83 SQ)"
    assert sq(-0.001) == "0.00 SQ" and plus_minus(-0.001, 0.1) == "0.00 ± 0.10 kg"
    assert plus_minus(9.61, None) == "9.61 kg (σ not given)"
    assert fmt(1550.0) == "1,550" and fmt(None) == "—"
