from __future__ import annotations

import datetime as dt
import math

from disarm.rules import load_programme
from tests.rules.helpers import programme

D = dt.date


def test_new_start_schedule() -> None:
    prog = load_programme("new-start")
    assert prog.ceiling_schedule("RUS", "launchers") == [
        (D(2018, 2, 5), 800.0),
        (D(2026, 2, 6), math.inf),
    ]


def test_model_schedule_uses_baselines_and_is_the_same_rule_for_every_party() -> None:
    prog = load_programme("model")
    usa = prog.ceiling_schedule("USA", "total_inventory", {"USA": {"total_inventory": 5044}})
    assert usa == [
        (D(2025, 1, 1), 5044.0),
        (D(2030, 1, 1), 1000.0),
        (D(2035, 1, 1), 300.0),
        (D(2040, 1, 1), 0.0),
    ]
    prk = prog.ceiling_schedule("PRK", "total_inventory", {"PRK": {"total_inventory": 50}})
    assert prk == [(D(2025, 1, 1), 50.0), (D(2035, 1, 1), 5.0), (D(2040, 1, 1), 0.0)]
    unknown = prog.ceiling_schedule("PRK", "total_inventory")
    assert math.isnan(unknown[0][1]) and unknown[-1] == (D(2040, 1, 1), 0.0)


def test_schedule_with_extension_and_status() -> None:
    ext = {"obligation": "E", "party": "AAA", "new_deadline": "T0+2y", "reason": "r"}
    prog = programme(
        [
            {"id": "E", "kind": "elimination", "category": "warheads"},
            {"id": "S", "kind": "status", "category": "alert", "at_most": 5, "due": "T0+6mo"},
        ],
        extensions=[ext],
    )
    assert prog.ceiling_schedule("AAA", "warheads") == [(D(2022, 1, 1), 0.0)]
    assert prog.ceiling_schedule("BBB", "warheads") == [(D(2021, 1, 1), 0.0)]
    assert prog.ceiling_schedule("BBB", "alert") == [(D(2020, 7, 1), 5.0)]
    assert prog.ceiling_schedule("BBB", "tests") == []
