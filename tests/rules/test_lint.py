from __future__ import annotations

from disarm.rules import load_programme
from tests.rules.helpers import programme, run, status

CEILING = {"id": "C1", "kind": "ceiling", "category": "warheads", "max": 100}


def test_asymmetry_is_applied_to_its_party_only_and_reported_with_its_reason() -> None:
    asym = {
        "party": "BBB",
        "obligation": "C1",
        "set": {"max": 200},
        "reason": "larger initial arsenal, agreed in negotiation",
    }
    prog = programme([dict(CEILING)], asymmetries=[asym])
    rows = [("2021-03-01", "AAA", "warheads", 150), ("2021-03-01", "BBB", "warheads", 150)]
    v = run(prog, rows)
    assert status(v, "AAA", "2021-03-01") == "non-compliant"
    assert status(v, "BBB", "2021-03-01") == "compliant"
    report = prog.lint()
    assert len(report["asymmetries"]) == 1
    item = report["asymmetries"][0]
    assert item["party"] == "BBB" and item["reason"] == asym["reason"]
    assert "max=200" in item["message"] and asym["reason"] in item["message"]


def test_extensions_and_warnings_are_linted() -> None:
    ext = {"obligation": "C1", "party": "AAA", "new_deadline": "T0+2y", "reason": "force majeure"}
    prog = programme([dict(CEILING, due="T0+18mo", provisional=True)], extensions=[ext])
    report = prog.lint()
    assert report["extensions"][0]["new_deadline"].isoformat() == "2022-01-01"
    assert "force majeure" in report["extensions"][0]["message"]
    codes = {w["code"] for w in report["warnings"]}
    assert {"provisional", "design-choice", "due-after-phase", "unused-category"} <= codes


def test_builtin_programmes_have_no_asymmetries() -> None:
    for name in ("new-start", "model"):
        report = load_programme(name).lint()
        assert report["asymmetries"] == [] and report["extensions"] == []


def test_every_rule_class_implements_the_obligation_protocol() -> None:
    from disarm.rules.obligations import RULES

    prog = load_programme("model")
    kinds = {r.kind for r in prog.rules}
    assert kinds == set(RULES)
    for rule in prog.rules:
        assert type(rule) is RULES[rule.kind]
        assert rule.deadline(prog.parties[0]) >= prog.entry_into_force
        assert callable(rule.evaluate) and rule.source and rule.phase
