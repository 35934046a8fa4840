"""The shipped model programme: five phases, fifteen years, nine states, sourced rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from disarm.rules import NUCLEAR_ARMED, evaluate, load_programme


def test_shape_and_sources() -> None:
    prog = load_programme("model")
    assert prog.parties == NUCLEAR_ARMED and len(NUCLEAR_ARMED) == 9
    assert [p.id for p in prog.phases] == ["P1", "P2", "P3", "P4", "P5"]
    eif = prog.entry_into_force
    assert prog.phases[-1].deadline == dt.date(eif.year + 15, eif.month, eif.day)
    assert [p.provisional for p in prog.phases] == [True, True, True, False, False]
    kinds = {r.kind for r in prog.rules}
    assert kinds == {"ceiling", "elimination", "status", "reporting", "non-increase", "prohibition"}
    assert all(r.source.strip() for r in prog.rules)
    assert not prog.spec.asymmetries  # the same rules bind every party


def test_every_party_is_judged_by_the_same_rules() -> None:
    prog = load_programme("model")
    baselines = {p: {"total_inventory": 100.0 * (i + 1)} for i, p in enumerate(prog.parties)}
    rows = [
        ("2030-01-01", p, "total_inventory", 50.0 * (i + 1)) for i, p in enumerate(prog.parties)
    ]
    decls = pd.DataFrame(rows, columns=["date", "party", "category", "value"])
    result = evaluate(prog, decls, baselines=baselines)
    r34 = result.verdicts[result.verdicts["obligation"] == "R3.4"]
    assert (r34["status"] == "compliant").all() and len(r34) == 9
    assert r34["limit"].tolist() == [min(1000.0, 100.0 * (i + 1)) for i in range(9)]
    summary = result.summary
    assert set(summary["party"]) == set(prog.parties)
    assert set(summary.columns) >= {"party", "phase", "compliant", "non_compliant", "verdict"}
