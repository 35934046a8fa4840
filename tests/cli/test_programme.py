from __future__ import annotations

import json
from pathlib import Path

from tests.rules.helpers import spec


def write_yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_builtin_and_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("programme", "validate", "model")
    assert result.exit_code == 0
    assert "ok: model (built-in): programme model, 9 parties, 5 phases" in result.stderr
    import yaml

    path = write_yaml(
        tmp_path, yaml.safe_dump(spec([{"id": "C", "kind": "elimination", "category": "warheads"}]))
    )
    assert cli("programme", "validate", str(path)).exit_code == 0


def test_validate_reports_each_problem_and_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(
        tmp_path,
        "format: disarm-programme/1\nid: x\ntitle: x\nsource: s\nentry_into_force: 2020-13-01\n"
        "parties: [USA]\ncategories: {}\nphases: []\nbogus: 1\n",
    )
    result = cli("programme", "validate", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    err = result.stderr
    assert str(path) in err
    for needle in (
        "entry_into_force (line 5)",
        "categories (line 7)",
        "phases (line 8)",
        "bogus (line 9): unknown field",
    ):
        assert needle in err


def test_yaml_error_and_missing_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(tmp_path, "format: [\n")
    result = cli("programme", "validate", str(path))
    assert result.exit_code == 2 and "line 2, column 1" in result.stderr
    result = cli("programme", "validate", str(tmp_path / "none.yaml"))
    assert result.exit_code == 2 and "no programme file or built-in" in result.stderr


def test_show_table_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("programme", "show", "new-start")
    assert result.exit_code == 0
    assert "2018-02-05" in result.stdout and "NS-1550" in result.stdout
    data = json.loads(cli("programme", "show", "model", "--json").stdout)
    assert data["id"] == "model" and len(data["phases"]) == 5
    r11 = next(o for o in data["obligations"] if o["id"] == "R3.4")
    assert r11["terms"] == "total_inventory ≤ min(1000, 1 × baseline)"
    assert r11["deadline"] == "2030-01-01" and r11["provisional"] is True


def test_lint_lists_asymmetries_with_reasons(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    asym = [{"party": "BBB", "obligation": "C", "set": {"max": 7}, "reason": "agreed at signature"}]
    data = spec(
        [{"id": "C", "kind": "ceiling", "category": "warheads", "max": 5}], asymmetries=asym
    )
    path = write_yaml(tmp_path, yaml.safe_dump(data))
    result = cli("programme", "lint", str(path))
    assert result.exit_code == 0
    assert "asymmetries: 1" in result.stdout and "agreed at signature" in result.stdout
    data = json.loads(cli("programme", "lint", str(path), "--json").stdout)
    assert data["asymmetries"][0]["reason"] == "agreed at signature"
    assert {"asymmetries", "extensions", "warnings"} <= set(data)


def test_list_and_schema(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("programme", "list", "--json").stdout)
    assert {r["name"] for r in rows} == {"cd2402", "model", "new-start"}
    schema = json.loads(cli("programme", "schema").stdout)
    assert schema["properties"]["format"]["const"] == "disarm-programme/1"
    assert "Ceiling" in schema["$defs"]


def test_show_one_partys_terms(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.yaml"
    path.write_text(
        "format: disarm-programme/1\nid: t\ntitle: t\nsource: design\n"
        "entry_into_force: 2000-01-01\nparties: [USA, UKR]\n"
        "categories:\n  sndv: {unit: count, description: d}\n  bmw: {unit: count, description: d}\n"
        "phases:\n  - id: P\n    title: p\n    deadline: T0\n    source: design\n"
        "    obligations:\n      - {id: S3-SNDV, kind: ceiling, category: sndv, max: 1600,"
        " source: d}\n      - {id: S3-BMW, kind: ceiling, category: bmw, max: 4900, source: d}\n"
        "asymmetries:\n  - {party: UKR, obligation: S3-SNDV, set: {max: 0}, reason: Lisbon}\n"
    )
    data = json.loads(cli("programme", "show", str(path), "--party", "UKR", "--json").stdout)
    terms = {o["id"]: (o["terms"], o["party_specific"]) for o in data["obligations"]}
    assert terms["S3-SNDV"] == ("sndv ≤ 0", True)
    assert terms["S3-BMW"] == ("bmw ≤ 4900", False)
    usa = json.loads(cli("programme", "show", str(path), "--party", "USA", "--json").stdout)
    assert {o["id"]: o["terms"] for o in usa["obligations"]}["S3-SNDV"] == "sndv ≤ 1600"
    assert cli("programme", "show", "new-start", "--party", "FRA").exit_code == 2


def test_show_and_lint_cd2402(cli) -> None:  # type: ignore[no-untyped-def]
    shown = cli("programme", "show", "cd2402", "--json")
    assert shown.exit_code == 0, shown.stderr
    data = json.loads(shown.stdout)
    binds = {o["id"]: o["binds"] for o in data["obligations"]}
    assert sorted(binds["CD30a"]) == ["CHN", "FRA", "GBR", "RUS", "USA"]
    assert binds["CD12-TPNW"] is None
    usa = json.loads(cli("programme", "show", "cd2402", "--party", "USA", "--json").stdout)
    assert "CD7-8-NWFZ" not in {o["id"] for o in usa["obligations"]}
    assert cli("programme", "show", "cd2402").exit_code == 0
    lint = cli("programme", "lint", "cd2402", "--json")
    assert lint.exit_code == 0, lint.stderr
    assert "tpnw_signed" in lint.stdout  # data for para 12's count, used by no obligation


def test_the_show_table_says_whom_an_obligation_binds() -> None:
    from disarm.cli.programme import _binds

    assert _binds(None) == "all"
    assert _binds(["USA", "RUS"]) == "USA, RUS"
    assert _binds([f"A{i:02d}" for i in range(44)]) == "44 parties"
