from __future__ import annotations

import json
from pathlib import Path

from disarm.demo import DEMO_FILES


def test_demo_writes_every_file_and_prints_a_summary(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo"
    r = cli("demo", "--out", str(out), "--json")
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(DEMO_FILES)
    summary = json.loads(r.stdout)
    assert summary["files"] == list(DEMO_FILES)
    ns = {(x["party"], x["phase"]): x["verdict"] for x in summary["new_start"]}
    assert ns[("USA", "central-limits")] == "compliant"
    assert len(summary["model"]) == 9
    verdicts = json.loads((out / "new-start-verdicts.json").read_text())
    assert verdicts["programme"] == "new-start"
    assert (out / "model-report.html").read_text().startswith("<!DOCTYPE html>")


def test_demo_table_output_and_default_directory(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    r = cli("demo", "-q")
    assert r.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "demo-out").iterdir()) == sorted(DEMO_FILES)
    assert "New START" in r.stdout and "Model convention" in r.stdout
    assert "wrote demo-out/model-report.html" in r.stderr


def test_demo_out_is_a_file_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "file"
    target.write_text("x")
    r = cli("demo", "--out", str(target))
    assert r.exit_code == 2
    assert "not a directory" in r.stderr
    assert target.read_text() == "x"


def test_cli_file_list_matches_the_demo() -> None:
    from disarm.cli import demo as cli_demo

    assert cli_demo.DEMO_FILES == DEMO_FILES


def test_demo_out_below_a_file_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "file"
    target.write_text("x")
    r = cli("demo", "--out", str(target / "sub"))
    assert r.exit_code == 2
    assert "cannot create --out" in r.stderr
