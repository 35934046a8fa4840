"""CSV injection: every CSV the project writes neutralises formula cells (issue 14.17)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from disarm.render.csv import csv_text, frame_csv, safe_cell

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-", "'-"),
        ("-5", "-5"),
        ("+3.25", "+3.25"),
        ("-1e-3", "-1e-3"),
        ("USA", "USA"),
        ("a=b", "a=b"),
        (-5, -5),
        (1.5, 1.5),
    ],
)
def test_safe_cell(cell: object, written: object) -> None:
    assert safe_cell(cell) == written


def test_csv_text_and_frames_round_trip_with_the_apostrophe() -> None:
    text = csv_text(["a", "=b"], [["=x", -5], ["ok", "-7"]])
    assert list(csv.reader(io.StringIO(text))) == [["a", "'=b"], ["'=x", "-5"], ["ok", "-7"]]
    frame = pd.DataFrame({"name": ["@x", "y"], "value": [-1.5, 2.0]})
    rows = list(csv.reader(io.StringIO(frame_csv(frame))))
    assert rows == [["name", "value"], ["'@x", "-1.5"], ["y", "2.0"]]


def test_comply_csv_neutralises_a_formula_in_the_declarations(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = (EXAMPLES / "declarations.csv").read_text()
    bad = tmp_path / "d.csv"
    bad.write_text(source.replace("State Dept fact sheet", '=HYPERLINK("http://evil")'))
    result = cli("comply", "--programme", "new-start", "--declarations", str(bad), "--csv")
    assert result.exit_code in (0, 1), result.stderr
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert all(not c.startswith("-") or c.lstrip("-").replace(".", "").isdigit() for c in cells)


def test_data_new_start_csv_keeps_numbers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ns.csv"
    assert cli("data", "new-start", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert rows and all(r["value"] == "" or r["value"].isdigit() for r in rows)
