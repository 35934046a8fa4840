from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_report_docs_cover_the_commands_and_demo_files() -> None:
    from disarm.cli.demo import DEMO_FILES

    text = (DOCS / "report.md").read_text(encoding="utf-8")
    assert "disarm report" in text and "disarm demo" in text
    for name in DEMO_FILES:
        assert f"`{name}`" in text
    for option in ("--programme", "--declarations", "--as-of", "--out", "--baselines", "--json"):
        assert option in text
