"""The documentation's example programmes and declarations are valid and do what they say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from disarm.rules import evaluate, load_declarations, load_programme

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_inf_example() -> None:
    prog = load_programme(DOCS / "examples" / "inf.yaml")
    assert prog.parties == ("USA", "SUN")
    assert {p.id: p.deadline.isoformat() for p in prog.phases} == {"elimination": "1991-06-01"}
    assert prog.end == dt.date(2019, 8, 2)  # the US withdrawal took effect


def test_start_i_example_binds_the_successor_states_jointly() -> None:
    prog = load_programme(DOCS / "examples" / "start-i.yaml")
    final = prog.rule("S3-SNDV")
    assert final.spec.jointly == [["RUS", "UKR", "BLR", "KAZ"]] and final.spec.max == 1600
    assert final.deadline("USA") == dt.date(2001, 12, 5)
    assert {w["code"] for w in prog.lint()["warnings"]} >= {"joint"}


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
