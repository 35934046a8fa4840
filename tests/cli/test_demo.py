from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from disarm.demo import DEMO_FILES
from disarm.demo import statements as S
from disarm.demo.outputs import SIMULATION_KEYS_SENTENCE

SMALL = ("--years", "1", "--scale", "0.02", "--seed", "3")


@pytest.mark.slow
def test_demo_writes_every_file_and_prints_a_summary(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo"
    r = cli("demo", "--out", str(out), *SMALL, "--cheat", "omit", "--cheater", "GBR", "--json")
    assert r.exit_code == 0, r.stderr
    summary = json.loads(r.stdout)
    for name in [*DEMO_FILES, S.REPORT_FILE, S.FINDINGS_FILE, *S.CSV_FILES,
                 S.TRUST_ANCHOR_FILE, S.LOG_KEY_FILE, *S.WITNESS_KEY_FILES,
                 S.FINAL_CHECKPOINT_FILE]:  # fmt: skip
        assert (out / name).is_file(), name
    assert set(summary["files"]) >= {S.REPORT_FILE, S.FINDINGS_FILE, *S.CSV_FILES, *DEMO_FILES}
    assert (out / S.LOG_DIR / "checkpoint").is_file()
    assert summary["log_size"] > 100 and summary["checkpoints"] == 1 + 4 * 3
    assert [s["party"] for s in summary["states"]] == list(
        ("USA", "RUS", "GBR", "FRA", "CHN", "IND", "PAK", "ISR", "PRK")
    )
    assert summary["cheat"]["strategy"] == "omit" and summary["cheat"]["party"] == "GBR"
    assert 0 < summary["cheat"]["stated_probability"] < 1
    ns = {(x["party"], x["phase"]): x["verdict"] for x in summary["new_start"]}
    assert ns[("USA", "central-limits")] == "no-data"  # 2022-09-01 figures not in the dataset
    # evaluated to the data set's retrieval date: no US exchange after March 2023 either
    assert ns[("USA", "standing")] == "non-compliant"
    report = (out / S.REPORT_FILE).read_text()
    assert report.startswith("<!DOCTYPE html>") and "SIPRI Yearbook 2024 estimates" in report
    lines = summary["final_checkpoint"].splitlines()
    assert len(lines) == 7 and all(line in report for line in lines if line)


@pytest.mark.slow
def test_demo_table_output_refuses_to_overwrite_and_force_replaces(
    cli, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    r = cli("demo", "-q", *SMALL)
    assert r.exit_code == 0, r.stderr
    assert "Verification regime" in r.stdout
    assert "disarm verify demo-out --allow-simulation-keys" in r.stderr
    assert (tmp_path / "demo-out" / "model-report.html").is_file()
    # issue 14.6: one line says the keys are simulation keys, and so does the report
    notes = [line for line in r.stderr.splitlines() if "simulation key" in line]
    assert len(notes) == 1 and notes[0].startswith("note: every key of this run is a simulation")
    assert "--seed 3" in notes[0] and "--allow-simulation-keys" in notes[0]
    html = (tmp_path / "demo-out" / S.REPORT_FILE).read_text()
    assert html.index(str(escape(SIMULATION_KEYS_SENTENCE))) < html.index('id="verify"')
    before = (tmp_path / "demo-out" / S.FINAL_CHECKPOINT_FILE).read_bytes()
    again = cli("demo", "-q", *SMALL)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert (tmp_path / "demo-out" / S.FINAL_CHECKPOINT_FILE).read_bytes() == before
    forced = cli("demo", "-q", *SMALL, "--force", "--cheat", "divert")
    assert forced.exit_code == 0, forced.stderr
    assert "cheat divert by" in forced.stderr and "stated detection probability" in forced.stderr


def test_demo_bad_cheat_exit_2_and_writes_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "o"
    r = cli("demo", "--out", str(out), "--cheat", "bribe")
    assert r.exit_code == 2
    assert "--cheat 'bribe'" in r.stderr
    assert not out.exists()


def test_demo_out_is_a_file_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "file"
    target.write_text("x")
    r = cli("demo", "--out", str(target))
    assert r.exit_code == 2
    assert "not a directory" in r.stderr
    assert target.read_text() == "x"


def test_cli_file_list_matches_the_demo() -> None:
    from disarm.cli import demo as cli_demo

    assert cli_demo.DEMO_FILES == DEMO_FILES == S.NEW_START_FILES


def test_demo_out_below_a_file_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "file"
    target.write_text("x")
    r = cli("demo", "--out", str(target / "sub"))
    assert r.exit_code == 2
    assert "cannot create --out" in r.stderr


@pytest.mark.slow
def test_a_caught_cheater_is_never_headlined_compliant(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.1: terminal table, JSON, findings.json and report.html lead with the findings."""
    out = tmp_path / "d"
    r = cli("demo", "--out", str(out), *SMALL, "--cheat", "omit", "--cheater", "GBR", "--json")
    assert r.exit_code == 0, r.stderr
    gbr = next(s for s in json.loads(r.stdout)["states"] if s["party"] == "GBR")
    assert gbr["findings"] >= 1 and gbr["aggregates"] == "compliant"  # the lie in the totals
    assert gbr["headline"].startswith(f"{gbr['findings']} finding")
    assert "compliant" not in gbr["headline"]
    doc = json.loads((out / S.FINDINGS_FILE).read_text())
    assert {s["party"]: s["headline"] for s in doc["states_at_last_round"]}["GBR"] == gbr[
        "headline"
    ]
    html = (out / S.REPORT_FILE).read_text()
    row = html[
        html.index("<tr", html.index("<td>GBR</td>") - 40) : html.index(
            "</tr>", html.index("<td>GBR</td>")
        )
    ]
    assert (
        "s-finding" in row and gbr["headline"] in row and "verdict on declared aggregates" in html
    )
    assert "s-compliant" not in row
    table = cli(
        "demo", "--out", str(tmp_path / "t"), *SMALL, "--cheat", "omit", "--cheater", "GBR", "-q"
    )
    line = next(x for x in table.stdout.splitlines() if "GBR" in x)
    assert line.index("finding") < line.index("compliant")  # headline column first


def test_unknown_cheater_is_one_sentence_exit_2_and_leaves_no_directory(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "o"
    r = cli("demo", "--out", str(out), "--cheat", "omit", "--cheater", "XYZ", "-q")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--cheater 'XYZ' is not a state" in lines[0]
    assert "USA, RUS" in lines[0] and "(" not in lines[0].split("use one of")[1]  # no tuple
    assert not out.exists()


def test_cheater_without_cheat_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "o"
    r = cli("demo", "--out", str(out), "--cheater", "FRA", "-q")
    assert r.exit_code == 2 and "--cheater 'FRA' needs --cheat" in r.stderr
    assert not out.exists()


@pytest.mark.slow
def test_a_diversion_is_stated_in_kilograms_and_significant_quantities(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.6: amounts in kg and SQ; sigma-MUF beside every MUF."""
    out = tmp_path / "d"
    r = cli("demo", "--out", str(out), "--years", "2", "--scale", "0.1", "--seed", "1",
            "--cheat", "divert", "--cheater", "USA", "-q")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert re.search(r"cheat divert by USA \([\d.,]+ kg \([\d.]+ SQ\) diverted\)", r.stderr)
    html = (out / S.REPORT_FILE).read_text()
    box = html[html.index('id="outcome"') : html.index('id="progress"')]
    assert re.search(r"[\d.,]+ kg \([\d.]+ SQ\) of plutonium", box)
    detection = html[html.index('id="detection"') : html.index('id="balances"')]
    assert len(re.findall(r"[\d.,]+ kg \([\d.]+ SQ\)</td>", detection)) == 9
    balances = html[html.index('id="balances"') : html.index('id="verify"')]
    assert "MUF" in balances
    assert len(re.findall(r"-?[\d.,]+ ± [\d.,]+ kg</td>", balances)) == 9  # each MUF with σMUF
    assert "cumulative MUF" not in balances  # no MUF without its sigma
