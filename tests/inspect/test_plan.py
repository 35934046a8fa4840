"""Inspection plans: worst-case placement against brute force, quotas, the sites format."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput
from disarm.inspect.plan import Site, apportion, parse_sites, plan_inspections
from disarm.stats.sampling import nondetection_exact

SITES = parse_sites("site,items,stratum\nA,100,north\nB,50,north\nC,20,south\nD,5,south\n")


def _placements(sizes: list[int], defects: int):  # type: ignore[no-untyped-def]
    for combo in itertools.product(*(range(min(s, defects) + 1) for s in sizes)):
        if sum(combo) == defects:
            yield combo


def _brute_random(sizes: list[int], c: int, defects: int, quota: int) -> float:
    total = sum(sizes)
    best = 0.0
    for m in _placements(sizes, defects):
        per = sum(
            Fraction(n, total) * nondetection_exact(n, mi, min(c, n))
            for n, mi in zip(sizes, m, strict=True)
        )
        best = max(best, float(per) ** quota)
    return best


def _brute_scheduled(sizes: list[int], verified: list[int], defects: int) -> float:
    return max(
        float(
            math.prod(
                nondetection_exact(n, mi, v) for n, mi, v in zip(sizes, m, verified, strict=True)
            )
        )
        for m in _placements(sizes, defects)
    )


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    c=st.integers(1, 4),
    quota=st.integers(1, 30),
    data=st.data(),
)
def test_worst_case_matches_brute_force(
    sizes: list[int], c: int, quota: int, data: st.DataObject
) -> None:
    defects = data.draw(st.integers(1, min(6, sum(sizes))))
    sites = [Site(f"s{i}", n, "x") for i, n in enumerate(sizes)]
    plan = plan_inspections(sites, quota, defects, items_per_inspection=c)
    assert plan.nondetection == pytest.approx(
        _brute_random(sizes, c, defects, quota), rel=1e-9, abs=1e-15
    )
    assert sum(r.worst_case_defects for r in plan.sites) == defects
    sched = plan_inspections(sites, quota, defects, items_per_inspection=c, mode="scheduled")
    verified = [int(r.items_verified) for r in sched.sites]
    assert sched.nondetection == pytest.approx(
        _brute_scheduled(sizes, verified, defects), rel=1e-9, abs=1e-15
    )


def test_single_item_random_inspections_are_placement_free() -> None:
    # With p_i ∝ N_i and one item per inspection, every placement gives (1 − M/N)^Q.
    plan = plan_inspections(SITES, 20, 3)
    assert plan.nondetection == pytest.approx((1 - 3 / 175) ** 20)
    assert plan.detection_probability == pytest.approx(1 - (1 - 3 / 175) ** 20)


def test_quota_needed_is_the_smallest() -> None:
    for mode in ("random", "scheduled"):
        plan = plan_inspections(SITES, 20, 3, items_per_inspection=4, mode=mode, beta=0.1)
        q = plan.quota_needed
        assert q is not None
        assert plan_inspections(SITES, q, 3, items_per_inspection=4, mode=mode).nondetection <= 0.1
        assert (
            plan_inspections(SITES, q - 1, 3, items_per_inspection=4, mode=mode).nondetection > 0.1
        )
        assert plan.meets_target is (plan.nondetection <= 0.1)


def test_scheduled_plan_leaves_unvisited_sites_as_havens() -> None:
    plan = plan_inspections(SITES, 2, 3, mode="scheduled")
    assert plan.nondetection == 1.0  # C and D get no inspection; the evader hides there
    assert {r.site for r in plan.sites if r.worst_case_defects} <= {"C", "D"}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 500), min_size=1, max_size=8), st.integers(0, 60))
def test_apportionment_is_house_monotone(weights: list[int], seats: int) -> None:
    a, b = apportion(weights, seats), apportion(weights, seats + 1)
    assert sum(a) == seats and sum(b) == seats + 1
    assert all(y >= x for x, y in zip(a, b, strict=True))


def test_sites_format() -> None:
    sites = parse_sites("site,items\nX,3\n\nY, 4\n")
    assert sites == [Site("X", 3, "X"), Site("Y", 4, "Y")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("site,items,colour\nA,1,red\n", "unknown column"),
        ("site\nA\n", "missing column 'items'"),
        ("site,items\nA,x\n", "errors"),
        ("site,items\nA,-2\n", "errors"),
        ("site,items\nA,1\nA,2\n", "errors"),
        ("site,items\nA,1,2\n", "errors"),
        ("site,items\n", "no site"),
    ],
)
def test_bad_sites(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_sites(text)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"quota": 0},
        {"quota": -1},
        {"defects": 0},
        {"defects": 176},
        {"beta": 1.0},
        {"beta": 0.0},
        {"mode": "lottery"},
        {"items_per_inspection": 0},
    ],
)
def test_bad_plan_arguments(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"quota": 10, "defects": 2}
    args.update(kwargs)
    with pytest.raises(BadInput):
        plan_inspections(SITES, **args)  # type: ignore[arg-type]


def test_strata_sum_their_sites() -> None:
    plan = plan_inspections(SITES, 20, 3, mode="scheduled")
    north = next(s for s in plan.strata if s.stratum == "north")
    assert (north.sites, north.items) == (2, 150)
    assert north.inspections == sum(r.inspections for r in plan.sites if r.stratum == "north")
    assert sum(s.worst_case_defects for s in plan.strata) == 3
