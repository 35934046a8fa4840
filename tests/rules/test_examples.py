"""The documentation's example programmes and declarations are valid and do what they say."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from disarm.rules import evaluate, load_declarations, load_programme

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_inf_example() -> None:
    prog = load_programme(DOCS / "examples" / "inf.yaml")
    assert prog.parties == ("USA", "SUN")
    deadlines = {p.id: p.deadline.isoformat() for p in prog.phases}
    assert deadlines == {
        "shorter-range": "1989-12-01",
        "first-phase": "1990-11-01",
        "intermediate-range": "1991-06-01",
    }
    assert {r.kind for r in prog.rules} >= {"elimination", "prohibition", "ceiling", "reporting"}


def test_start_i_example_has_its_asymmetries_linted() -> None:
    prog = load_programme(DOCS / "examples" / "start-i.yaml")
    report = prog.lint()
    assert len(report["asymmetries"]) == 6
    assert all("Lisbon Protocol" in a["reason"] for a in report["asymmetries"])
    assert prog.rule("S3-SNDV").terms("UKR").max == 0
    assert prog.rule("S3-SNDV").terms("USA").max == 1600


def test_declarations_example() -> None:
    prog = load_programme("new-start")
    decls = load_declarations(DOCS / "examples" / "declarations.csv", programme=prog)
    result = evaluate(prog, decls)
    v = result.verdicts
    rus = v[(v["party"] == "RUS") & (v["obligation"] == "NS-800")]
    assert rus["status"].tolist() == ["not-yet-due", "compliant", "no-data"]
    assert rus["evidence_line"].tolist() == [7, 13, 19]  # the file lines of the rows used
    # The example is an excerpt from 2017-09-01: the record does not hold the 2011 baseline, so
    # the reporting rule finds it late, and each half-year up to the first row too (issue 15.4:
    # every missed period is a finding); nothing else is a finding.
    bad = v[v["status"] == "non-compliant"]
    assert set(bad["obligation"]) == {"NS-DATA"}
    assert bad.groupby("party", observed=True).size().to_dict() == {"USA": 13, "RUS": 13}
    assert bad["date"].min() == pd.Timestamp("2011-03-22")
    assert bad["date"].max() == pd.Timestamp("2017-03-22")
    assert set(bad["note"]) == {"declared late"}


def test_programme_format_doc_mentions_every_field_and_kind() -> None:
    from disarm.rules import schema

    text = (DOCS / "programme-format.md").read_text(encoding="utf-8")
    for model in (
        schema.ProgrammeFile,
        schema.Phase,
        schema.Category,
        schema.PartySelector,
        schema.Extension,
        schema.ExtensionPolicy,
        schema.Asymmetry,
        schema.Ceiling,
        schema.Elimination,
        schema.Status,
        schema.Reporting,
        schema.NonIncrease,
        schema.Prohibition,
    ):
        for name in model.model_fields:
            assert f"`{name}`" in text or f"{name}:" in text, (model.__name__, name)
    for kind in schema.KINDS:
        assert f"### `{kind}`" in text
