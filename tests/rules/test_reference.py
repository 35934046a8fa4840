"""Issue 16.1: the vectorised engine reaches exactly the naive reference's verdicts, on random
programmes (every kind, asymmetries, extensions, `until`, joint limits) and random
declarations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput
from disarm.rules import evaluate, load_declarations
from disarm.rules import reference as naive
from tests.rules.helpers import programme

EIF = dt.date(2020, 1, 1)
PARTIES = ("AAA", "BBB")
DAYS = [EIF + dt.timedelta(days=47 * i - 200) for i in range(30)]
WHEN = st.integers(0, 1300).map(lambda d: EIF + dt.timedelta(days=d))


@st.composite
def obligation(draw: st.DrawFn, i: int) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            ["ceiling", "elimination", "status", "reporting", "non-increase", "prohibition"]
        )
    )
    ob: dict[str, Any] = {"id": f"O{i}", "kind": kind}
    if kind == "reporting":
        ob["baseline_within_days"] = draw(st.integers(0, 120))
        ob["every_months"] = draw(st.sampled_from([1, 3, 6, 12]))
        ob["grace_days"] = draw(st.integers(0, 60))
        if draw(st.booleans()):
            ob["categories"] = ["warheads"]
    else:
        ob["category"] = draw(st.sampled_from(["warheads", "alert", "nfu"]))
    if kind == "ceiling":
        ob["max"] = draw(st.integers(0, 150))
        if draw(st.booleans()):
            ob["fraction"] = draw(st.sampled_from([0.25, 0.5, 1.0]))
    if kind == "status":
        ob[draw(st.sampled_from(["equals", "at_most", "at_least"]))] = draw(st.integers(0, 1))
    if kind != "prohibition" and draw(st.booleans()):
        ob["due"] = draw(WHEN)
    if draw(st.booleans()):
        ob["until"] = max(draw(WHEN), ob.get("due", EIF)) + dt.timedelta(days=400)
    if draw(st.integers(0, 3)) == 0:
        ob["parties"] = ["AAA"]  # binds one party only: no verdicts for the other
    return ob


@st.composite
def case(draw: st.DrawFn) -> tuple[Any, pd.DataFrame, dt.date | None]:
    obligations = [draw(obligation(i)) for i in range(draw(st.integers(1, 5)))]
    extensions = []
    ext = obligations[0]
    if ext["kind"] != "reporting" and "parties" not in ext and draw(st.booleans()):
        due = ext.setdefault("due", EIF + dt.timedelta(days=100))
        ext.pop("until", None)
        new = due + dt.timedelta(days=draw(st.integers(1, 300)))
        extensions.append({"obligation": "O0", "party": "BBB", "new_deadline": new, "reason": "r"})
    asymmetries = []
    last = obligations[-1]
    last.pop("parties", None)  # joint groups and asymmetries name both parties
    if last["kind"] == "ceiling" and last is not ext and draw(st.booleans()):
        last["jointly"] = [["AAA", "BBB"]]  # START I: successor states bound together
    elif last["kind"] == "ceiling" and draw(st.booleans()):
        asymmetries.append(
            {"party": "AAA", "obligation": last["id"], "set": {"max": 7}, "reason": "r"}
        )
    prog = programme(obligations, deadline="T0+2y", extensions=extensions, asymmetries=asymmetries)
    rows = []
    for day in DAYS:
        for party in PARTIES:
            for category in ("warheads", "alert", "nfu"):
                pick = draw(st.sampled_from(["value", "value", "none", "absent"]))
                if pick == "absent":
                    continue
                top = 1 if category == "nfu" else 200
                value = None if pick == "none" else float(draw(st.integers(0, top)))
                rows.append((day, party, category, value))
    frame = pd.DataFrame(rows, columns=["date", "party", "category", "value"])
    frame["date"] = pd.to_datetime(frame["date"])
    as_of = draw(st.one_of(st.none(), st.sampled_from(DAYS), WHEN))
    return prog, frame, as_of


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case())
def test_engine_agrees_with_the_naive_reference(data: tuple[Any, pd.DataFrame, Any]) -> None:
    prog, frame, as_of = data
    fast = evaluate(prog, load_declarations(frame, programme=prog), as_of=as_of)
    slow = naive.evaluate(prog, naive.validate(frame, prog), as_of=as_of)
    assert sorted(naive.engine_verdicts(fast.verdicts)) == sorted(slow)


def test_the_reference_rejects_what_the_engine_rejects() -> None:
    prog = programme([{"id": "C", "kind": "ceiling", "category": "warheads", "max": 5}])
    for row in (
        ("2020-01-01", "XX", "warheads", 1.0),
        ("2020-01-01", "AAA", "nope", 1.0),
        ("2020-01-01", "AAA", "warheads", -1.0),
        ("2020-01-01", "AAA", "warheads", 1.5),
        ("2020-01-01", "AAA", "nfu", 2.0),
    ):
        frame = pd.DataFrame([row], columns=["date", "party", "category", "value"])
        with pytest.raises(BadInput):
            naive.validate(frame, prog)
        with pytest.raises(BadInput):
            load_declarations(frame, programme=prog)
    twice = pd.DataFrame(
        [("2020-01-01", "AAA", "warheads", 1.0)] * 2, columns=["date", "party", "category", "value"]
    )
    with pytest.raises(BadInput, match="duplicate"):
        naive.validate(twice, prog)
