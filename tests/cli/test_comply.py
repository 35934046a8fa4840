from __future__ import annotations

import json
from pathlib import Path

import pytest

from disarm.data import new_start_declarations


@pytest.fixture(scope="module")
def new_start_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ns") / "new_start.csv"
    new_start_declarations().to_csv(path, index=False)
    return path


def test_new_start_on_bundled_data_runs_to_the_retrieval_date(cli) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.2: evaluated to the data set's retrieval date (before the programme's end), so
    Russia's missed 2023 report, and every exchange missing after it, is non-compliant."""
    result = cli("comply", "--programme", "new-start", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["horizon"] == "2026-02-03" and data["as_of"] is None
    assert data["holds_until"] == "2026-02-03 (the data set's retrieval date)"
    assert "verdicts up to 2026-02-03 (the data set's retrieval date)" in result.stderr
    assert data["non_compliant"] is True and data["exit_code"] == 1
    central = [v for v in data["verdicts"] if v["obligation"] in ("NS-700", "NS-1550", "NS-800")]
    for v in central:
        if v["date"] < "2018-02-05":
            assert v["status"] == "not-yet-due"
        elif (v["date"] == "2023-03-01" and v["party"] == "RUS") or v["date"] == "2026-02-03":
            assert v["status"] == "no-data"
            assert v["note"] == "no declaration on this date"
        elif v["date"] == "2022-09-01":  # exchange made, figures not in the dataset
            assert v["status"] == "no-data"
            assert v["note"] == "declared without a value"
        else:
            assert v["status"] == "compliant", v
    missed = [
        v["date"]
        for v in data["verdicts"]
        if v["obligation"] == "NS-DATA" and v["party"] == "RUS" and v["status"] == "non-compliant"
    ]
    assert missed[0] == "2023-04-15"  # 2022-09-01 + 6 months + 45 days of grace
    assert len(missed) == 6  # then one per half-year up to the retrieval date
    summary = {(s["party"], s["phase"]): s for s in data["summary"]}
    assert summary["RUS", "standing"]["verdict"] == "non-compliant"
    assert summary["USA", "standing"]["verdict"] == "non-compliant"  # no exchange after 2023-03


def test_as_of_before_the_missed_report_keeps_the_old_horizon(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("comply", "-p", "new-start", "--as-of", "2023-03-01", "--json")
    data = json.loads(result.stdout)
    assert data["holds_until"] == "2023-03-01 (as of the date given)"
    summary = {(s["party"], s["phase"]): s for s in data["summary"]}
    for party, no_data in (("USA", 3), ("RUS", 6)):
        row = summary[party, "central-limits"]
        assert row["non_compliant"] == 0 and row["no_data"] == no_data
        assert row["verdict"] == "no-data"  # missing figures are never a pass
    assert summary["RUS", "standing"]["verdict"] == "compliant"  # March 2023 not due by then
    assert result.exit_code == 3  # nothing non-compliant, but no-data: never exit 0
    assert "exit 3: 9 verdicts that fell due have no data" in result.stderr


def test_no_data_exit_code_and_allow_no_data(cli, new_start_csv: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.5: a script reading only the exit code never takes missing data for a pass."""
    args = ("comply", "-p", "new-start", "-d", str(new_start_csv), "--party", "USA")
    ok = cli(*args, "--as-of", "2021-09-01")
    assert ok.exit_code == 0 and "exit 0: every verdict that fell due is compliant" in ok.stderr
    gap = cli(*args, "--as-of", "2022-09-01")
    assert gap.exit_code == 3
    assert "exit 3: 3 verdicts that fell due have no data" in gap.stderr
    allowed = cli(*args, "--as-of", "2022-09-01", "--allow-no-data")
    assert allowed.exit_code == 0 and "allowed by --allow-no-data" in allowed.stderr


def test_a_file_without_retrieval_date_stops_at_the_last_row(cli, new_start_csv: Path) -> None:  # type: ignore[no-untyped-def]
    args = ("comply", "-p", "new-start", "-d", str(new_start_csv), "--json")
    data = json.loads(cli(*args).stdout)
    assert data["holds_until"] == "2023-03-01 (the last declaration; no retrieval date given)"
    later = json.loads(cli(*args, "--retrieved", "2030-01-01").stdout)
    assert later["holds_until"] == (
        "2026-02-05 (the programme's end, before the data set's retrieval date)"
    )
    bad = cli(*args, "--retrieved", "2030-13-01")
    assert bad.exit_code == 2 and "--retrieved '2030-13-01' is not a date" in bad.stderr


def test_declarations_file_table_csv_party_and_as_of(cli, new_start_csv: Path) -> None:  # type: ignore[no-untyped-def]
    args = ("comply", "-p", "new-start", "-d", str(new_start_csv))
    table = cli(*args)
    assert table.exit_code == 3 and "Summary per party and phase" in table.stdout
    csv = cli(*args, "--csv", "--party", "RUS")
    lines = csv.stdout.splitlines()
    assert lines[0].startswith("party,obligation,kind,phase,category,date,status,limit")
    assert all(line.startswith("RUS,") for line in lines[1:])
    data = json.loads(cli(*args, "--json", "--as-of", "2017-12-31").stdout)
    assert data["as_of"] == "2017-12-31"
    assert max(v["date"] for v in data["verdicts"] if v["kind"] == "ceiling") == "2017-12-31"


def test_violation_exits_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "d.csv"
    path.write_text(
        "date,party,category,value\n2019-03-01,USA,deployed_warheads,1600\n"
        "2019-03-01,RUS,deployed_warheads,1500\n"
    )
    result = cli("comply", "-p", "new-start", "-d", str(path), "--json")
    assert result.exit_code == 1
    bad = [v for v in json.loads(result.stdout)["verdicts"] if v["status"] == "non-compliant"]
    assert [(v["party"], v["obligation"], v["margin"]) for v in bad if v["kind"] == "ceiling"] == [
        ("USA", "NS-1550", -50)
    ]
    # the file starts in 2019: for the schedule, the 2011 baseline came late for both parties,
    # and so did every half-year's report up to it: one finding each (issue 15.4)
    late = [(v["party"], v["date"], v["note"]) for v in bad if v["kind"] == "reporting"]
    for party in ("USA", "RUS"):
        mine = [(d, n) for p, d, n in late if p == party]
        assert mine[0] == ("2011-03-22", "declared late")
        assert mine[-1] == ("2018-09-22", "declared late")
        assert len(mine) == 16 and {n for _, n in mine} == {"declared late"}


def test_silent_then_late_counts_each_missed_period(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.4: silent four years then late, or silent four years and never again: the
    same number of findings, one per missed reporting period."""
    path = tmp_path / "d.csv"
    rows = [f"2011-02-05,{p},{c},1" for p in ("USA", "RUS") for c in ("launchers",)]
    rows.append("2015-03-01,USA,launchers,1")  # four years late; Russia: nothing more
    path.write_text("date,party,category,value\n" + "\n".join(rows) + "\n")
    result = cli("comply", "-p", "new-start", "-d", str(path), "--party", "USA", "--json")
    usa = [v for v in json.loads(result.stdout)["verdicts"] if v["obligation"] == "NS-DATA"]
    result = cli("comply", "-p", "new-start", "-d", str(path), "--party", "RUS", "--json")
    rus = [v for v in json.loads(result.stdout)["verdicts"] if v["obligation"] == "NS-DATA"]
    missed_usa = [v["date"] for v in usa if v["status"] == "non-compliant"]
    missed_rus = [v["date"] for v in rus if v["status"] == "non-compliant"]
    assert missed_usa == missed_rus == [
        "2011-09-19", "2012-03-19", "2012-09-19", "2013-03-19", "2013-09-19", "2014-03-19",
        "2014-09-19",
    ]  # fmt: skip
    assert {v["note"] for v in usa if v["status"] == "non-compliant"} == {"declared late"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2019-02-30,USA,deployed_warheads,1", "line 2: date '2019-02-30' is not a date"),
        ("2019-03-01,USA,warheads,1", "line 2: unknown category 'warheads'"),
        ("2019-03-01,CHN,launchers,1", "line 2: unknown party 'CHN'"),
        ("2019-03-01,USA,launchers,-1", "line 2: value -1 is negative"),
        ("2019-03-01,USA,launchers,1.5", "line 2: value 1.5 is not a whole number"),
    ],
)
def test_malformed_declarations_exit_2(cli, tmp_path: Path, row: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "d.csv"
    path.write_text(f"date,party,category,value\n{row}\n")
    result = cli("comply", "-p", "new-start", "-d", str(path))
    assert result.exit_code == 2
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.output


def test_duplicates_and_other_usage_errors_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "d.csv"
    path.write_text(
        "date,party,category,value\n2019-03-01,USA,launchers,1\n2019-03-01,USA,launchers,2\n"
    )
    result = cli("comply", "-p", "new-start", "-d", str(path))
    assert result.exit_code == 2 and "line 3: duplicate row" in result.stderr
    assert cli("comply", "-p", "model").exit_code == 2  # no bundled declarations for model
    assert cli("comply", "-p", "new-start", "--as-of", "soon").exit_code == 2
    assert cli("comply", "-p", "new-start", "--party", "FRA").exit_code == 2


def test_baselines_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    decl = tmp_path / "d.csv"
    decl.write_text("date,party,category,value\n2030-01-01,USA,total_inventory,900\n")
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"USA": {"total_inventory": 800}}))
    result = cli("comply", "-p", "model", "-d", str(decl), "--baselines", str(base), "--json")
    assert result.exit_code == 1  # 900 > min(1000, 800) and above the freeze at 800
    data = json.loads(result.stdout)
    r34 = [v for v in data["verdicts"] if v["obligation"] == "R3.4" and v["party"] == "USA"]
    assert r34[0]["status"] == "non-compliant" and r34[0]["limit"] == 800
    base.write_text("[1, 2]")
    assert cli("comply", "-p", "model", "-d", str(decl), "--baselines", str(base)).exit_code == 2


def test_russia_stops_reporting_in_2023(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("comply", "-p", "new-start", "--as-of", "2023-06-01", "--party", "RUS", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    reports = {v["date"]: v for v in data["verdicts"] if v["obligation"] == "NS-DATA"}
    # Sep 2022: the exchange took place, its figures are not in the dataset: reported on time
    assert reports["2022-10-16"]["status"] == "compliant"
    assert reports["2022-10-16"]["note"] == "declared on time without values"
    # Mar 2023: Russia provided no data (purported suspension): missing once due (45 days)
    assert reports["2023-04-15"]["status"] == "non-compliant"
    assert reports["2023-04-15"]["note"] == "missing: no declaration by the due date"
    assert [d for d, v in reports.items() if v["status"] == "non-compliant"] == ["2023-04-15"]
    keys = set(data["verdicts"][0])
    assert keys >= {
        "party", "obligation", "kind", "phase", "category", "date", "status", "limit", "value",
        "margin", "deadline", "evidence", "extended", "evidence_date", "evidence_source",
        "reference_date", "baseline", "note", "rule_source",
    }  # fmt: skip
    assert set(data) == {
        "programme", "as_of", "horizon", "holds_until", "non_compliant", "exit_code", "verdicts",
        "summary",
    }  # fmt: skip


def test_as_of_before_the_march_2023_deadline(cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(cli("comply", "-p", "new-start", "--as-of", "2023-04-14", "--json").stdout)
    reports = [v for v in data["verdicts"] if v["obligation"] == "NS-DATA"]
    rus = {v["date"]: v["status"] for v in reports if v["party"] == "RUS"}
    assert rus["2023-04-15"] == "not-yet-due"
    assert data["non_compliant"] is False


def test_status_filter(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("comply", "-p", "new-start", "--as-of", "2023-03-01")
    result = cli(*args, "--status", "no-data", "--json")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert {v["status"] for v in data["verdicts"]} == {"no-data"} and len(data["verdicts"]) == 9
    assert {v["kind"] for v in data["verdicts"]} == {"ceiling"}  # 2022-09 both, 2023-03 Russia
    assert "201 verdicts" in result.stderr
    assert cli("comply", "-p", "new-start", "--status", "bogus").exit_code == 2


def test_evidence_of_a_filtered_set_is_the_full_tables(cli) -> None:  # type: ignore[no-untyped-def]
    """Issue 16.1: only the verdicts shown get their sentence, and it is the same sentence."""
    from disarm.rules import evaluate, load_programme

    args = ("comply", "-p", "new-start", "--json", "--party", "RUS", "--status", "non-compliant")
    shown = json.loads(cli(*args).stdout)["verdicts"]
    full = evaluate(load_programme("new-start"), new_start_declarations()).verdicts
    full = full[(full["party"] == "RUS") & (full["status"] == "non-compliant")]
    assert [v["evidence"] for v in shown] == full["evidence"].tolist()
    assert len(shown) == 6 and all("missing" in v["evidence"] for v in shown)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99999999999999999999999", "value '99999999999999999999999' cannot be represented"),
        ("9007199254740993", "value '9007199254740993' cannot be represented exactly"),
        ("1e300", "value '1e300' cannot be represented exactly"),
        ("12.5", "value 12.5 is not a whole number (unit is a count)"),
    ],
)
def test_counts_that_cannot_be_exact_are_rejected(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, value: str, message: str
) -> None:
    """Issue 15.18: never accepted and echoed rounded; one line naming the input."""
    path = tmp_path / "d.csv"
    path.write_text(f"date,party,category,value\n2019-03-01,USA,launchers,{value}\n")
    result = cli("comply", "-p", "new-start", "-d", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"line 2: {message}" in result.stderr and str(path) in result.stderr
    path.write_text("date,party,category,value\n2019-03-01,USA,launchers,9007199254740992\n")
    assert cli("comply", "-p", "new-start", "-d", str(path)).exit_code == 1  # 2^53 is exact


def test_fractions_are_rounded_for_display_only(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    programme = tmp_path / "p.yaml"
    programme.write_text(
        "format: disarm-programme/1\nid: t\ntitle: t\nsource: design\n"
        "entry_into_force: 2020-01-01\nparties: [USA]\n"
        "categories:\n  material: {unit: tonnes, description: fissile material}\n"
        "phases:\n  - id: P1\n    title: one\n    deadline: T0\n    source: design\n"
        "    obligations:\n      - {id: M, kind: ceiling, category: material, max: 1240.1,"
        " source: design}\n"
    )
    decls = tmp_path / "d.csv"
    decls.write_text("date,party,category,value\n2020-06-01,USA,material,1.4\n")
    args = ("comply", "-p", str(programme), "-d", str(decls))
    table = cli(*args, "--csv")
    assert "1238.7" in table.stdout and "1238.6999999999998" not in table.stdout
    data = json.loads(cli(*args, "--json").stdout)
    assert data["verdicts"][0]["margin"] == 1240.1 - 1.4  # JSON keeps every digit


def test_a_ceiling_on_a_count_is_rounded_down(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.7: 0.1 × a baseline of 225 warheads allows 22, not 22.5 (GBR, model P4)."""
    decl = tmp_path / "d.csv"
    decl.write_text(
        "date,party,category,value\n2041-06-01,GBR,total_inventory,22\n"
        "2041-06-01,IND,total_inventory,18\n"
    )
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"GBR": {"total_inventory": 225}, "IND": {"total_inventory": 172}}))
    args = ("comply", "-p", "model", "-d", str(decl), "--baselines", str(base), "--json")
    data = json.loads(cli(*args, "--as-of", "2041-06-01").stdout)
    r42 = {v["party"]: v for v in data["verdicts"] if v["obligation"] == "R4.2"}
    assert r42["GBR"]["limit"] == 22 and r42["GBR"]["status"] == "compliant"
    assert r42["IND"]["limit"] == 17 and r42["IND"]["status"] == "non-compliant"


def test_cd2402_on_bundled_data_cites_each_paragraph(cli) -> None:  # type: ignore[no-untyped-def]
    """Issue 9.6: no --declarations needed; a verdict per state and obligation binding it,
    each with its paragraph of CD/2402 (`rule_source` in JSON, `source` in the table)."""
    result = cli("comply", "-p", "cd2402", "--json")
    assert result.exit_code == 1  # Annex 2 states that have not ratified the CTBT
    data = json.loads(result.stdout)
    assert data["horizon"] == "2026-02-03"
    assert len({v["party"] for v in data["verdicts"]}) == 197
    assert all(v["rule_source"].startswith("CD/2402 para") for v in data["verdicts"])
    table = cli("comply", "-p", "cd2402", "--party", "AUT")
    assert table.exit_code == 0, table.stderr  # Austria: every verdict that fell due complies


def test_the_table_shows_the_citation_a_source_begins_with() -> None:
    from disarm.cli.programme import citation

    assert citation("CD/2402 para 30(c): measures by the nuclear-weapon states") == (
        "CD/2402 para 30(c)"
    )
    assert citation("state.gov New START aggregate numbers page (central limit, 700)") == (
        "state.gov New START aggregate numbers p…"
    )
    assert citation(None) == ""
