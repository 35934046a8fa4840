from __future__ import annotations

from pathlib import Path

from disarm import data

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_data_docs_cover_every_dataset_and_command() -> None:
    text = (DOCS / "data.md").read_text(encoding="utf-8")
    for d in data.datasets():
        assert f"`{d.name}`" in text
    for command in ("data list", "data show", "data states", "data forces", "data new-start"):
        assert f"disarm {command}" in text
    for form in ("`130-140`", "`~5600`", "`<10`", "`>10`", "missing"):
        assert form in text
