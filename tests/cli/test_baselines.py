"""Issue 15.12: `--baselines` has one meaning, accepted by `comply` and `report` alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DECL = "date,party,category,value\n2030-01-01,USA,total_inventory,900\n"


@pytest.fixture
def decl(tmp_path: Path) -> Path:
    path = tmp_path / "d.csv"
    path.write_text(DECL)
    return path


def _r34_limit(cli, decl: Path, baselines: str) -> float:  # type: ignore[no-untyped-def]
    result = cli("comply", "-p", "model", "-d", str(decl), "--baselines", baselines, "--json")
    assert result.exit_code in (0, 1), result.stderr
    rows = json.loads(result.stdout)["verdicts"]
    return float(
        next(v["limit"] for v in rows if v["obligation"] == "R3.4" and v["party"] == "USA")
    )


def test_comply_takes_bundled_estimates_and_report_takes_a_file(
    cli, decl: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert _r34_limit(cli, decl, "SIPRI:2024") == 1000  # min(1000, 1 × 5,044)
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"USA": {"total_inventory": 800}}))
    assert _r34_limit(cli, decl, str(base)) == 800
    out = tmp_path / "r.html"
    r = cli("report", "-p", "model", "-d", str(decl), "--baselines", str(base), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert re.search(r"total_inventory 800\b", out.read_text())  # the party's baseline line


@pytest.mark.parametrize("command", ["comply", "report"])
@pytest.mark.parametrize(
    ("value", "message"),
    [("SIPRI", "no such file"), ("IAEA:2024", "IAEA"), ("nothing.json", "no such file")],
)
def test_a_bad_baselines_value_is_one_sentence_exit_2(  # type: ignore[no-untyped-def]
    cli, decl: Path, tmp_path: Path, command: str, value: str, message: str
) -> None:
    extra = ["-o", str(tmp_path / "r.html")] if command == "report" else []
    r = cli(command, "-p", "model", "-d", str(decl), "--baselines", value, *extra)
    assert r.exit_code == 2 and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()


def test_the_help_of_both_commands_gives_the_same_meaning(cli) -> None:  # type: ignore[no-untyped-def]
    from disarm.cli.baselines import HELP

    for command in ("comply", "report"):
        text = " ".join(cli(command, "--help").stdout.replace("│", " ").split())
        assert " ".join(HELP.split()[:6]) in text
