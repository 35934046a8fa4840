"""`ceiling_schedule` (for charts) and `evaluate` (for verdicts) agree on every step."""

from __future__ import annotations

import math

import pandas as pd

from disarm.rules import evaluate, load_programme

BASELINES = {
    "USA": {"total_inventory": 5044.0, "launchers": 800.0},
    "PRK": {"total_inventory": 50.0, "launchers": 30.0},
}


def test_a_value_at_the_scheduled_limit_complies_and_one_more_does_not() -> None:
    prog = load_programme("model")
    for party, values in BASELINES.items():
        for category in values:
            for day, limit in prog.ceiling_schedule(party, category, BASELINES):
                if not math.isfinite(limit):
                    continue
                for value, expected in ((limit, "compliant"), (limit + 1, "non-compliant")):
                    decls = pd.DataFrame(
                        {"date": [day], "party": [party], "category": [category], "value": [value]}
                    )
                    v = evaluate(prog, decls, baselines=BASELINES).verdicts
                    binding = v[
                        (v["category"] == category)
                        & (v["party"] == party)
                        & v["kind"].isin(["ceiling", "elimination"])
                        & (v["status"] != "not-yet-due")
                    ]
                    statuses = set(binding["status"])
                    if expected == "compliant":
                        assert statuses == {"compliant"}, (party, category, day, limit)
                    else:
                        assert "non-compliant" in statuses, (party, category, day, limit)
