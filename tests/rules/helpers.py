"""Small builders for programme and declaration fixtures used across the rules tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import yaml

from disarm.rules import Programme, Result, evaluate, load_declarations, parse_programme

CATEGORIES = {
    "warheads": {"unit": "count", "description": "warheads"},
    "alert": {"unit": "count", "description": "warheads on alert"},
    "nfu": {"unit": "flag", "description": "no-first-use declared"},
    "tests": {"unit": "count", "description": "nuclear explosive tests"},
    "material": {"unit": "tonnes", "description": "fissile material"},
}


def spec(
    obligations: list[dict[str, Any]],
    *,
    deadline: str = "T0+1y",
    extensions: list[dict[str, Any]] | None = None,
    asymmetries: list[dict[str, Any]] | None = None,
    standing: list[dict[str, Any]] | None = None,
    max_delay: str | None = "2y",
) -> dict[str, Any]:
    """A programme file (as data) with one phase holding `obligations`."""
    for ob in obligations:
        ob.setdefault("source", "design")
    data: dict[str, Any] = {
        "format": "disarm-programme/1",
        "id": "test",
        "title": "Test programme",
        "source": "design",
        "entry_into_force": dt.date(2020, 1, 1),
        "parties": ["AAA", "BBB"],
        "categories": CATEGORIES,
        "phases": [
            {
                "id": "P1",
                "title": "Phase one",
                "deadline": deadline,
                "source": "design",
                "obligations": obligations,
            }
        ],
    }
    if standing:
        data["standing"] = standing
    if max_delay:
        data["extension_policy"] = {"max_delay": max_delay, "source": "design"}
    if extensions:
        data["extensions"] = extensions
    if asymmetries:
        data["asymmetries"] = asymmetries
    return data


def programme(obligations: list[dict[str, Any]], **kw: Any) -> Programme:
    return parse_programme(yaml.safe_dump(spec(obligations, **kw), sort_keys=False), "test.yaml")


def decls(rows: list[tuple[str, str, str, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "party", "category", "value"])
    frame["source"] = "test"
    return load_declarations(frame)


def run(prog: Programme, rows: list[tuple[str, str, str, float | None]], **kw: Any) -> pd.DataFrame:
    result: Result = evaluate(prog, decls(rows), **kw)
    return result.verdicts


def status(verdicts: pd.DataFrame, party: str, date: str, obligation: str | None = None) -> str:
    rows = verdicts[(verdicts["party"] == party) & (verdicts["date"] == pd.Timestamp(date))]
    if obligation is not None:
        rows = rows[rows["obligation"] == obligation]
    assert len(rows) == 1, rows
    return str(rows["status"].iloc[0])
