"""Issue 15.8: the three reports print to PDF in headless Chromium with every table row present."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from disarm.demo import statements as S
from tests.render.printing import pdf_text, print_to_pdf, printed_row_starts, row_key, table_rows

REPORTS = (S.REPORT_FILE, "new-start-report.html", "model-report.html")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import Cli

    out = tmp_path_factory.mktemp("print") / "demo"
    args = ("--years", "1", "--scale", "0.02", "--seed", "3", "--cheat", "omit")
    r = Cli()("demo", "--out", str(out), *args, "--cheater", "GBR", "-q")
    assert r.exit_code == 0, r.stderr
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTS)
def test_every_table_row_is_in_the_printed_pdf(demo_dir: Path, name: str, tmp_path: Path) -> None:
    html = (demo_dir / name).read_text()
    rows = table_rows(html)
    assert len(rows) > 20  # the report has real tables
    expected = Counter(row_key(r) for r in rows)
    pdf = tmp_path / "report.pdf"
    print_to_pdf(demo_dir / name, pdf)
    text = pdf_text(pdf)
    printed = printed_row_starts(text, set(expected))
    missing = {k: n - printed[k] for k, n in expected.items() if printed[k] < n}
    assert not missing, f"{name}: rows missing from the PDF (first words: count): {missing}"
    # the brief comes first, and the collapsed log listing says where the entries are
    assert text.index("In brief") < text.index("Sources" if name != S.REPORT_FILE else "Headline")
    if name == S.REPORT_FILE:
        assert "left out of the printed copy" in text


def test_row_keys_count_lines_that_start_with_the_row() -> None:
    text = "  USA  P1  R1.2\n USA Name P1 R1.3\n  the USA P1 in prose\n  RUS P1 x"
    found = printed_row_starts(text, {("USA", "P1"), ("RUS", "P1"), ("GBR", "P2")})
    assert found == Counter({("USA", "P1"): 2, ("RUS", "P1"): 1})
    html = "<table><thead><tr><th>a</th></tr></thead><tr><td>USA</td><td>P1 x</td></tr></table>"
    html += "<details><table><tr><td>hidden</td></tr></table></details>"
    assert table_rows(html) == [["USA", "P1 x"]]
    assert row_key(["USA", "P1 x"]) == ("USA", "P1")
    assert row_key(["central-limits", "Central limits"]) == ("central-", "Central")
