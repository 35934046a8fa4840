from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from disarm.errors import BadInput, NotFound
from disarm.rules import evaluate, load_declarations
from tests.rules.helpers import programme

HEADER = "date,party,category,value,source\n"


def write(tmp_path: Path, text: str, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo[BadInput]) -> str:
    return exc.value.diagnostics()


def test_reads_csv_with_lines_and_missing_values(tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER + "2021-03-01,AAA,warheads,12,fact sheet\n2021-03-01,BBB,warheads,,\n"
    )
    frame = load_declarations(path)
    assert list(frame.columns[:5]) == ["date", "party", "category", "value", "source"]
    assert frame["line"].tolist() == [2, 3]
    assert frame["value"].isna().tolist() == [False, True]
    assert frame["source"].tolist() == ["fact sheet", None]


def test_reads_json_lines(tmp_path: Path) -> None:
    lines = [
        {"date": "2021-03-01", "party": "AAA", "category": "warheads", "value": 12},
        {"date": "2021-03-01", "party": "BBB", "category": "warheads", "value": None},
    ]
    path = write(tmp_path, "\n".join(json.dumps(x) for x in lines) + "\n", "d.jsonl")
    frame = load_declarations(path)
    assert frame["value"].isna().tolist() == [False, True]


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    text = HEADER + (
        "2021-13-01,AAA,warheads,1,\n"  # line 2: bad date
        "2021-03-01,usa,warheads,1,\n"  # line 3: bad party code
        "2021-03-01,AAA,warheads,-4,\n"  # line 4: negative
        "2021-03-01,BBB,warheads,lots,\n"  # line 5: not a number
        "2021-04-01,AAA,warheads,1,\n"  # line 6
        "2021-04-01,AAA,warheads,2,\n"  # line 7: duplicate of line 6
    )
    path = write(tmp_path, text)
    with pytest.raises(BadInput) as exc:
        load_declarations(path)
    text = problems(exc)
    assert str(path) in text
    assert "line 2: date '2021-13-01' is not a date" in text
    assert "line 3: party 'usa' is not an ISO 3166 alpha-3 code" in text
    assert "line 4: value -4 is negative" in text
    assert "line 5: value 'lots' is not a number" in text
    assert "line 7: duplicate row for AAA warheads on 2021-04-01 (first at line 6)" in text
    assert exc.value.exit_code == 2


def test_checks_against_the_programme(tmp_path: Path) -> None:
    text = HEADER + (
        "2021-03-01,AAA,warheads,1.5,\n"  # not whole
        "2021-03-01,AAA,bombs,1,\n"  # unknown category
        "2021-03-01,ZZZ,warheads,1,\n"  # unknown party
        "2021-03-01,AAA,nfu,2,\n"  # flag not 0/1
        "2021-03-01,AAA,material,0.5,\n"  # tonnes may be fractional
    )
    prog = programme([{"id": "C", "kind": "ceiling", "category": "warheads", "max": 1}])
    with pytest.raises(BadInput) as exc:
        evaluate(prog, load_declarations(write(tmp_path, text)))
    text = problems(exc)
    assert "line 2: value 1.5 is not a whole number" in text
    assert "line 3: unknown category 'bombs'" in text
    assert "line 4: unknown party 'ZZZ'" in text
    assert "line 5: value 2 is not 0 or 1" in text
    assert "line 6" not in text


def test_missing_columns_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="missing column"):
        load_declarations(write(tmp_path, "date,party,value\n2021-01-01,AAA,1\n"))
    with pytest.raises(NotFound):
        load_declarations(tmp_path / "nope.csv")
    with pytest.raises(BadInput) as exc:
        load_declarations(write(tmp_path, '{"date": "2021-01-01"}\n{oops\n', "x.jsonl"))
    assert "line 2: not valid JSON" in problems(exc)


def test_dataframe_input_names_rows() -> None:
    frame = pd.DataFrame(
        {
            "date": ["2021-01-01", "x"],
            "party": ["AAA", "AAA"],
            "category": ["w", "w"],
            "value": [1, 2],
        }
    )
    with pytest.raises(BadInput) as exc:
        load_declarations(frame)
    assert "row 2: date 'x' is not a date" in problems(exc)


def test_many_problems_are_capped(tmp_path: Path) -> None:
    text = HEADER + "".join(f"2021-01-{i:02d},AAA,w,-1,\n" for i in range(1, 29)) * 3
    with pytest.raises(BadInput) as exc:
        load_declarations(write(tmp_path, text))
    assert "only the first 50 are listed" in problems(exc)


def test_unreadable_files_are_bad_input(tmp_path: Path) -> None:
    ragged = write(tmp_path, HEADER + "2021-01-01,AAA,w,1,s,extra,more\n", "ragged.csv")
    with pytest.raises(BadInput) as exc:
        load_declarations(ragged)
    assert "cannot read the declarations" in problems(exc)
    binary = tmp_path / "junk.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(BadInput):
        load_declarations(binary)
    with pytest.raises(BadInput) as exc:
        load_declarations(write(tmp_path, '[1, 2]\n"text"\n', "odd.jsonl"))
    assert "line 1: expected a JSON object" in problems(exc)


def test_header_only_and_booleans(tmp_path: Path) -> None:
    frame = load_declarations(write(tmp_path, HEADER))
    assert frame.empty
    lines = '{"date": "2021-01-01", "party": "AAA", "category": "w", "value": true}\n'
    with pytest.raises(BadInput) as exc:
        load_declarations(write(tmp_path, lines, "b.jsonl"))
    assert "line 1: value 'true' is not a number" in problems(exc)
