from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest


def test_map_to_svg_and_html(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "tpnw.svg"
    r = cli("data", "treaties", "--map", str(out), "--as-of", "2024-02-22", "--treaty", "tpnw")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert "bytes" in r.stderr
    root = ET.fromstring(out.read_text())
    status = {p.get("data-iso3"): p.get("data-status") for p in root.iter() if p.get("data-iso3")}
    assert status["AUT"] == "party" and status["IDN"] == "signatory"
    page = tmp_path / "npt.html"
    r = cli("data", "treaties", "-t", "npt", "--as-of", "2026-02-03", "--map", str(page))
    assert r.exit_code == 0, r.stderr
    html = page.read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    assert html.count("<th scope='row'>") == 197
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_json_gives_the_per_state_statuses(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "treaties", "--treaty", "ctbt", "--as-of", "2024-02-22", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert len(rows) == 197
    by = {x["iso3"]: x for x in rows}
    assert by["AUT"]["status"] == "ratified" and by["AUT"]["since"] == "1998-03-13"
    assert sum(x["status"] == "ratified" for x in rows) == 177
    assert by["NRU"]["drawn_as"] == "dot"
    r = cli("data", "treaties", "--treaty", "nwfz", "--as-of", "2024-02-22")
    assert r.exit_code == 0 and "Mongolia" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "22/02/2024"],
        ["--as-of", "2027-01-01"],
        ["--as-of", "2010-01-01"],
        ["--treaty", "npt", "--as-of", "2025-06-01"],
        ["--treaty", "inf"],
        ["--map", "out.png"],
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = cli("data", "treaties", *args)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --")
    assert "Traceback" not in r.stderr
