"""Issue 15.22-24, as a user meets them: joint limits, provisional values, the `until` day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HEAD = """format: disarm-programme/1
id: t
title: joint test
source: design
entry_into_force: 2000-01-01
parties: [USA, RUS, UKR, BLR]
categories:
  sndv: {unit: count, description: delivery vehicles}
phases:
  - id: P1
    title: one
    deadline: T0
    source: design
    obligations:
"""


def _write(tmp_path: Path, obligation: str, rows: list[str]) -> tuple[Path, Path]:
    programme = tmp_path / "p.yaml"
    programme.write_text(HEAD + "      - " + obligation + "\n")
    decls = tmp_path / "d.csv"
    decls.write_text("date,party,category,value\n" + "\n".join(rows) + "\n")
    return programme, decls


def test_a_joint_limit_holds_the_groups_sum(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ob = "{id: J, kind: ceiling, category: sndv, max: 100, jointly: [[RUS, UKR, BLR]], source: d}"
    rows = [
        "2001-01-01,USA,sndv,90",
        "2001-01-01,RUS,sndv,60",  # 60 + 30 + 0 = 90: within the joint 100
        "2001-01-01,UKR,sndv,30",
        "2001-01-01,BLR,sndv,0",
        "2002-01-01,USA,sndv,90",
        "2002-01-01,RUS,sndv,60",  # 60 + 50 = 110 > 100 although each is below 100
        "2002-01-01,UKR,sndv,50",
        "2002-01-01,BLR,sndv,0",
        "2003-01-01,USA,sndv,90",
        "2003-01-01,RUS,sndv,60",  # BLR silent: 60 + 30 known, the sum may be higher
        "2003-01-01,UKR,sndv,30",
    ]
    programme, decls = _write(tmp_path, ob, rows)
    result = cli("comply", "-p", str(programme), "-d", str(decls), "--json")
    assert result.exit_code == 1
    got = {(v["party"], v["date"]): v for v in json.loads(result.stdout)["verdicts"]}
    for party in ("RUS", "UKR", "BLR"):
        assert got[party, "2001-01-01"]["status"] == "compliant"
        assert got[party, "2001-01-01"]["value"] == 90
        assert got[party, "2001-01-01"]["note"] == "joint limit: the value is the group's sum"
        assert got[party, "2002-01-01"]["status"] == "non-compliant"
        assert got[party, "2002-01-01"]["margin"] == -10
        assert got[party, "2003-01-01"]["status"] == "no-data"
        assert got[party, "2003-01-01"]["note"].startswith("joint limit: a member declared")
    assert got["USA", "2002-01-01"]["status"] == "compliant"  # judged alone
    lint = cli("programme", "lint", str(programme))
    assert "J binds RUS, UKR, BLR jointly (their sum)" in lint.stdout


@pytest.mark.parametrize(
    ("jointly", "message"),
    [
        ("[[RUS, CHN]]", "CHN is not a party"),
        ("[[RUS, UKR], [UKR, BLR]]", "UKR is in more than one joint group"),
        ("[[RUS]]", "at least 2"),
    ],
)
def test_bad_joint_groups_exit_2(cli, tmp_path: Path, jointly: str, message: str) -> None:  # type: ignore[no-untyped-def]
    ob = f"{{id: J, kind: ceiling, category: sndv, max: 100, jointly: {jointly}, source: d}}"
    programme, _ = _write(tmp_path, ob, [])
    result = cli("programme", "validate", str(programme))
    assert result.exit_code == 2 and message in result.stderr
    assert "phases[0].obligations[0].jointly" in result.stderr


def test_a_provisional_value_is_marked(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ob = "{id: C, kind: ceiling, category: sndv, max: 180, provisional_value: true, source: d}"
    programme, _ = _write(tmp_path, ob, [])
    shown = json.loads(cli("programme", "show", str(programme), "--json").stdout)
    rule = shown["obligations"][0]
    assert rule["provisional_value"] is True and rule["provisional"] is False
    assert rule["terms"] == "sndv ≤ 180 (provisional value)"
    lint = json.loads(cli("programme", "lint", str(programme), "--json").stdout)
    assert {"provisional-value"} <= {w["code"] for w in lint["warnings"]}


def test_until_is_the_last_day_with_a_verdict(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.24: one answer: an obligation gives a verdict on its `until` date, not after."""
    ob = "{id: C, kind: ceiling, category: sndv, max: 10, until: 2001-06-30, source: d}"
    rows = ["2001-06-30,USA,sndv,20", "2001-07-01,USA,sndv,20"]
    programme, decls = _write(tmp_path, ob, rows)
    result = cli("comply", "-p", str(programme), "-d", str(decls), "--party", "USA", "--json")
    dates = {v["date"]: v["status"] for v in json.loads(result.stdout)["verdicts"]}
    assert dates == {"2001-06-30": "non-compliant"}
