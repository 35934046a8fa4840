"""Invalid programme files: one clear message per problem, with field path and line."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from disarm.errors import BadInput, NotFound
from disarm.rules import load_programme, parse_programme
from tests.rules.helpers import spec

GOOD = {"id": "C1", "kind": "ceiling", "category": "warheads", "max": 100}


def diagnostics(text: str) -> str:
    with pytest.raises(BadInput) as exc:
        parse_programme(text, "bad.yaml")
    assert exc.value.exit_code == 2
    return exc.value.diagnostics()


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def test_yaml_syntax_error_gives_line_and_column() -> None:
    text = diagnostics("format: disarm-programme/1\nid: [unclosed\ntitle: x\n")
    assert "bad.yaml" in text and "line 3, column" in text


def test_one_message_per_problem_with_path_and_line() -> None:
    data = spec([dict(GOOD), {"id": "C2", "kind": "ceiling", "category": "warheads", "max": -5}])
    data["phases"][0]["deadline"] = "T0+1year"
    data["phases"][0]["obligations"][0]["maximum"] = 3
    del data["title"]
    text = diagnostics(dump(data))
    lines = text.splitlines()
    assert lines[0].startswith("bad.yaml: the programme file is invalid (4 problems)")
    assert any("title (line 1): required field is missing" in x for x in lines)
    assert any(
        x.strip().startswith("- phases[0].deadline (line") and "T0+1year" in x for x in lines
    )
    assert any(
        "phases[0].obligations[0].maximum (line" in x and "unknown field" in x for x in lines
    )
    assert any(
        "phases[0].obligations[1].max (line" in x and "greater than or equal" in x for x in lines
    )


def test_unknown_kind_and_missing_source() -> None:
    data = spec([{"id": "X", "kind": "cap", "category": "warheads", "source": "s"}])
    assert "phases[0].obligations[0].kind" in diagnostics(dump(data))
    data = spec([dict(GOOD)])
    del data["phases"][0]["obligations"][0]["source"]
    assert "phases[0].obligations[0].source" in diagnostics(dump(data))


def test_ceiling_needs_a_limit_and_status_one_condition() -> None:
    data = spec([{"id": "C", "kind": "ceiling", "category": "warheads"}])
    assert "needs `max`, `fraction`" in diagnostics(dump(data))
    data = spec([{"id": "S", "kind": "status", "category": "alert", "equals": 0, "at_most": 1}])
    assert "exactly one of `equals`, `at_most`, `at_least`" in diagnostics(dump(data))


def test_cross_field_problems() -> None:
    data = spec(
        [
            {"id": "C1", "kind": "ceiling", "category": "bombs", "max": 1},
            {"id": "C1", "kind": "status", "category": "nfu", "equals": 2},
            {
                "id": "D",
                "kind": "reporting",
                "categories": ["bombs"],
                "baseline_within_days": 1,
                "every_months": 6,
            },
        ]
    )
    text = diagnostics(dump(data))
    assert "phases[0].obligations[0].category (line" in text and "unknown category 'bombs'" in text
    assert "phases[0].obligations[1].id" in text and "repeats" in text
    assert "phases[0].obligations[1].equals" in text and "is a flag" in text
    assert "phases[0].obligations[2].categories[0]" in text


def test_extension_beyond_the_cap_and_other_extension_errors() -> None:
    exts = [
        {"obligation": "C1", "party": "AAA", "new_deadline": "T0+4y", "reason": "r"},  # cap 2y
        {"obligation": "C1", "party": "ZZZ", "new_deadline": "T0+2y", "reason": "r"},
        {"obligation": "NOPE", "party": "AAA", "new_deadline": "T0+2y", "reason": "r"},
        {"obligation": "C1", "party": "BBB", "new_deadline": "T0+6mo", "reason": "r"},
    ]
    text = diagnostics(dump(spec([dict(GOOD)], extensions=exts)))
    assert "extensions[0].new_deadline (line" in text and "exceeds the cap" in text
    assert "2023-01-01" in text  # the cap: 2y after the deadline 2021-01-01
    assert "extensions[1].party" in text and "ZZZ is not a party" in text
    assert "extensions[2].obligation" in text
    assert "extensions[3].new_deadline" in text and "not later than" in text
    no_policy = spec([dict(GOOD)], extensions=exts[:1], max_delay=None)
    assert "need an `extension_policy`" in diagnostics(dump(no_policy))


def test_asymmetry_errors() -> None:
    asym = [
        {"party": "AAA", "obligation": "C1", "set": {"equals": 3}, "reason": "r"},
        {"party": "AAA", "obligation": "C1", "set": {"max": -1}, "reason": "r"},
    ]
    text = diagnostics(dump(spec([dict(GOOD)], asymmetries=asym)))
    assert "asymmetries[0].set.equals" in text and "no overridable field" in text
    assert "asymmetries[1].set.max" in text
    asym = [{"party": "AAA", "obligation": "C1", "set": {"max": 5}}]
    text = diagnostics(dump(spec([dict(GOOD)], asymmetries=asym)))
    assert "asymmetries[0].reason (line" in text and "required field is missing" in text


def test_parties_and_selectors() -> None:
    data = spec([dict(GOOD)])
    data["parties"] = ["AAA", "AAA", "usa"]
    text = diagnostics(dump(data))
    assert "parties[2]" in text
    data["parties"] = {"select": "everyone"}
    assert "unknown selector 'everyone'" in diagnostics(dump(data))
    data["parties"] = {"select": "nuclear-armed", "exclude": ["ISR"], "include": ["AAA", "BBB"]}
    prog = parse_programme(dump(data), "ok.yaml")
    assert prog.parties == ("USA", "RUS", "GBR", "FRA", "CHN", "IND", "PAK", "PRK", "AAA", "BBB")


def test_not_a_mapping_and_wrong_format() -> None:
    assert "must be a YAML mapping" in diagnostics("- a\n- b\n")
    data = spec([dict(GOOD)])
    data["format"] = "disarm-programme/2"
    assert "format (line 1)" in diagnostics(dump(data))


def test_unknown_name_or_path() -> None:
    with pytest.raises(NotFound, match="built-ins: cd2402, model, new-start"):
        load_programme("start-iii")


def test_union_fields_give_one_clear_message() -> None:
    data = spec([dict(GOOD)])
    data["parties"] = ["USA", 3]
    data["phases"][0]["deadline"] = 5
    data["categories"]["date"] = {"unit": "cnt", "description": "a category named like a type"}
    text = diagnostics(dump(data))
    assert "(3 problems)" in text
    assert "parties[1] (line" in text
    assert (
        "phases[0].deadline (line" in text and "expected a date (YYYY-MM-DD) or an offset" in text
    )
    assert "categories.date.unit (line" in text
    data["parties"] = "USA"
    del data["categories"]["date"]
    data["phases"][0]["deadline"] = "T0+1y"
    text = diagnostics(dump(data))
    assert "parties (line" in text and "expected a list of ISO3 codes" in text
    assert "(1 problem)" in text
