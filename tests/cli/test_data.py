from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest


def test_list_forms(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "list", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {x["name"]: x["rows"] for x in rows}["new_start_data_exchange"] == 50
    assert len(rows) == 7
    r = cli("data", "list", "--csv")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == "name,rows,description,sources"
    r = cli("data", "list")
    assert r.exit_code == 0
    assert "treaty_status" in r.stdout


def test_show_json_keeps_qualifiers_and_missing(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "show", "world_nuclear_forces", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert len(rows) == 151
    ranges = [x["total_inventory"] for x in rows if x["total_inventory"]["qualifier"] == "range"]
    assert {
        "text": "130-140",
        "qualifier": "range",
        "value": 135,
        "low": 130,
        "high": 140,
    } in ranges
    assert rows[0]["military_stockpile"] is None  # empty cell: missing, not 0


def test_show_csv_round_trips_the_text_and_limit(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "show", "world_nuclear_forces", "--csv")
    assert r.exit_code == 0
    out = list(csv.DictReader(io.StringIO(r.stdout)))
    assert any(x["deployed_strategic"] == "~5600" for x in out)
    assert out[0]["military_stockpile"] == ""
    r = cli("data", "show", "us_stockpile", "--limit", "3", "--csv")
    assert len(r.stdout.strip().splitlines()) == 4


def test_show_table(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "show", "us_dismantlements_periods", "-n", "2")
    assert r.exit_code == 0
    assert "8748" in r.stdout


def test_unknown_dataset_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "show", "nope")
    assert r.exit_code == 2
    assert "unknown dataset 'nope'" in r.stderr
    assert r.stdout == ""


def test_states_filters(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "states", "--nuclear-armed", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert sorted(x["iso3"] for x in rows) == [
        "CHN", "FRA", "GBR", "IND", "ISR", "PAK", "PRK", "RUS", "USA"
    ]  # fmt: skip
    assert all(x["nuclear_armed"] is True for x in rows)
    r = cli("data", "states", "--tpnw", "party", "--as-of", "2024-02-22", "--csv")
    assert len(r.stdout.strip().splitlines()) == 71
    r = cli("data", "states", "--nwfz", "bangkok", "--ctbt", "ratified", "--json")
    assert {x["nwfz"] for x in json.loads(r.stdout)} == {"Bangkok"}
    r = cli("data", "states", "--npt", "non-party")
    assert r.exit_code == 0
    assert "IND" in r.stdout and "SSD" in r.stdout


@pytest.mark.parametrize(
    "args",
    [["--tpnw", "member"], ["--npt", "x"], ["--ctbt", "party"], ["--nwfz", "mars"],
     ["--as-of", "2020-01-01"], ["--json", "--csv"]],
)  # fmt: skip
def test_states_bad_filters_exit_2(cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "states", *args)
    assert r.exit_code == 2
    assert r.stderr.startswith("error:")


def test_forces(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "forces", "--year", "2024", "--json")
    assert r.exit_code == 0
    rows = {x["iso3"]: x for x in json.loads(r.stdout)}
    assert rows["USA"]["total_inventory"]["value"] == 5044
    assert rows["USA"]["deployed_strategic"] is None
    assert rows["WORLD"]["total_inventory"]["value"] == 12121
    r = cli("data", "forces", "--year", "2024", "--source", "FAS", "--csv")
    out = {x["iso3"]: x for x in csv.DictReader(io.StringIO(r.stdout))}
    assert out["USA"]["deployed_strategic"] == "1670"
    assert out["USA"]["source_org"] == "FAS"
    r = cli("data", "forces", "-y", "2024")
    assert r.exit_code == 0
    assert "5044" in r.stdout
    assert "source: SIPRI Yearbook 2024" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--year", "2017"], "no SIPRI figures for 2017"),
     (["--year", "2025", "--source", "FAS"], "no FAS figures for 2025"),
     (["--year", "2024", "--source", "IAEA"], "unknown source 'IAEA'")],
)  # fmt: skip
def test_forces_errors_exit_2(cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "forces", *args)
    assert r.exit_code == 2
    assert message in r.stderr


def test_new_start_stdout_forms(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "new-start", "--csv")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 147
    assert rows[0].keys() == {"date", "party", "category", "value", "source"}
    sep_2022 = [x for x in rows if x["date"] == "2022-09-01"]  # declared, figures not known
    assert len(sep_2022) == 6 and {x["value"] for x in sep_2022} == {""}
    assert all("NOT retrieved" in x["source"] for x in sep_2022)
    assert not [x for x in rows if x["date"] == "2023-03-01" and x["party"] == "RUS"]
    r = cli("data", "new-start", "--json")
    js = json.loads(r.stdout)
    assert js[0]["date"] == "2011-02-05" and isinstance(js[0]["value"], int)
    assert [x["value"] for x in js if x["date"] == "2022-09-01"] == [None] * 6
    r = cli("data", "new-start")
    assert r.exit_code == 0 and "deployed_warheads" in r.stdout


def test_new_start_out_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ns.csv"
    r = cli("data", "new-start", "--out", str(out))
    assert r.exit_code == 0
    assert "wrote 147 declarations" in r.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "date,party,category,value,source"
    assert len(lines) == 148
    assert [x for x in lines if x.startswith("2022-09-01,USA,launchers,,")]
    jl = tmp_path / "ns.jsonl"
    assert cli("data", "new-start", "--json", "--out", str(jl)).exit_code == 0
    recs = [json.loads(x) for x in jl.read_text().splitlines()]
    assert len(recs) == 147 and recs[0]["value"] == 521
    assert [r["value"] for r in recs if r["date"] == "2022-09-01"] == [None] * 6
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_new_start_out_bad_directory_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "new-start", "--out", str(tmp_path / "missing" / "x.csv"))
    assert r.exit_code == 2
    assert "does not exist" in r.stderr


def test_new_start_out_is_a_directory_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "new-start", "--out", str(tmp_path))
    assert r.exit_code == 2
    assert "is a directory" in r.stderr
