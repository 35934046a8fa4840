"""Attribute sampling formulas against reference values, scipy.stats and brute force."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom

from disarm.errors import BadInput
from disarm.stats.sampling import (
    combined_nondetection,
    completeness,
    iaea_sample_size,
    nondetection,
    nondetection_exact,
    plan_sample_size,
    sample_size,
)


def test_reference_values_from_the_issue() -> None:
    assert sample_size(1000, 10, "0.1") == 205
    assert iaea_sample_size(1000, 10, "0.1") == 206
    assert sample_size(100, 5, "0.1") == 37
    assert iaea_sample_size(100, 5, "0.1") == 37


def test_reference_values_by_hand() -> None:
    # β(205) for N=1000, M=10 is Π_{i<10} (795 − i)/(1000 − i), by hand below 0.1; β(204) above.
    beta_205 = math.prod(Fraction(795 - i, 1000 - i) for i in range(10))
    beta_204 = math.prod(Fraction(796 - i, 1000 - i) for i in range(10))
    assert beta_205 <= Fraction(1, 10) < beta_204
    assert nondetection_exact(1000, 10, 205) == beta_205
    # IAEA: 1000 (1 − 0.1^(1/10)) = 205.67 → 206.
    assert 205 < 1000 * (1 - 0.1**0.1) < 206


def test_plan_reports_achieved_beta() -> None:
    plan = plan_sample_size(1000, 10, 0.1)
    assert (plan.exact_n, plan.approximate_n) == (205, 206)
    assert plan.exact_beta == pytest.approx(hypergeom(1000, 10, 205).pmf(0), rel=1e-12)
    assert plan.approximate_beta < plan.exact_beta <= 0.1
    assert plan.detection_probability == pytest.approx(1 - plan.exact_beta)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3000), st.data())
def test_nondetection_matches_scipy_hypergeom(population: int, data: st.DataObject) -> None:
    defects = data.draw(st.integers(0, population))
    n = data.draw(st.integers(0, population))
    expected = hypergeom(population, defects, n).pmf(0)
    assert nondetection(population, defects, n) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 5000), st.data(), st.floats(0.001, 0.999))
def test_sample_size_is_the_smallest(population: int, data: st.DataObject, beta: float) -> None:
    defects = data.draw(st.integers(1, population))
    n = sample_size(population, defects, beta)
    assert nondetection_exact(population, defects, n) <= Fraction(beta)
    assert n == 1 or nondetection_exact(population, defects, n - 1) > Fraction(beta)


# β as an exact fraction: the approximation's float arithmetic snaps values such as
# 2294.0000000000002 to 2294, which is right for β = 1/3 but one short of the exact answer for
# the binary float 0.3333333333333333 (slightly below 1/3); with exact β both agree.
@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 5000),
    st.data(),
    st.fractions(Fraction(1, 1000), Fraction(999, 1000), max_denominator=10_000),
)
def test_iaea_approximation_never_undershoots(
    population: int, data: st.DataObject, beta: Fraction
) -> None:
    defects = data.draw(st.integers(1, population))
    n = sample_size(population, defects, beta)
    approx = iaea_sample_size(population, defects, beta)
    assert approx >= n  # each exact factor (N − n − i)/(N − i) ≤ 1 − n/N


def test_iaea_approximation_at_an_exact_boundary() -> None:
    # N = 3441, M = 1, β = 1/3: β(2294) = 1147/3441 = 1/3 exactly, so both give 2294.
    assert sample_size(3441, 1, Fraction(1, 3)) == 2294
    assert iaea_sample_size(3441, 1, Fraction(1, 3)) == 2294


def test_brute_force_small_population() -> None:
    # Enumerate every 3-subset of 8 items with 2 defects: β = #(subsets avoiding defects)/C(8,3).
    subsets = list(itertools.combinations(range(8), 3))
    clean = sum(1 for s in subsets if not {0, 1} & set(s))
    assert nondetection_exact(8, 2, 3) == Fraction(clean, len(subsets))


def test_large_population_is_fast_and_consistent() -> None:
    n = sample_size(10_000_000, 1000, "0.05")
    assert n == 29_912
    assert nondetection(10_000_000, 1000, n) == pytest.approx(
        hypergeom(10_000_000, 1000, n).pmf(0), rel=1e-9
    )


def test_combined_stages() -> None:
    assert combined_nondetection([0.5, Fraction(1, 4)]) == Fraction(1, 8)
    assert (
        combined_nondetection([nondetection_exact(100, 5, 10)] * 3)
        == nondetection_exact(100, 5, 10) ** 3
    )


def test_completeness_against_formulas_and_brute_force() -> None:
    R, m, h, q = 10, 3, 2, Fraction(1, 2)
    # independent placement: enumerate region pairs (with repetition) and opened sets.
    total = Fraction(0)
    opened_sets = list(itertools.combinations(range(R), m))
    for a, b in itertools.product(range(R), repeat=2):
        for s in opened_sets:
            miss = (1 - q) ** ((a in s) + (b in s))
            total += Fraction(1, R * R * len(opened_sets)) * (1 - miss)
    assert completeness(R, m, h, 0.5) == pytest.approx(float(total), rel=1e-12)
    # distinct regions: hypergeometric number of hidden regions opened.
    expected = 1 - sum(hypergeom(R, h, m).pmf(k) * 0.5**k for k in range(h + 1))
    assert completeness(R, m, h, 0.5, spread="distinct") == pytest.approx(expected, rel=1e-12)
    assert completeness(R, m, h, 0.5, spread="clustered") == pytest.approx(0.3 * 0.75)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30), st.data(), st.floats(0, 1))
def test_clustering_is_the_worst_case(regions: int, data: st.DataObject, q: float) -> None:
    opened = data.draw(st.integers(0, regions))
    hidden = data.draw(st.integers(1, regions))
    clustered = completeness(regions, opened, hidden, q, spread="clustered")
    for spread in ("independent", "distinct"):
        assert clustered <= completeness(regions, opened, hidden, q, spread=spread) + 1e-12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1000, 10, 0), "strictly between 0 and 1"),
        ((1000, 10, 1), "strictly between 0 and 1"),
        ((1000, 10, "nan"), "finite number"),
        ((1000, 10, -0.5), "strictly between"),
        ((1000, 1001, 0.1), "cannot exceed"),
        ((-5, 1, 0.1), "at least 1"),
        ((10.5, 1, 0.1), "must be an integer"),
        ((1000, 0, 0.1), "at least 1"),
    ],
)
def test_bad_input(args: tuple[object, object, object], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        sample_size(*args)  # type: ignore[arg-type]


def test_bad_completeness_input() -> None:
    with pytest.raises(BadInput):
        completeness(5, 6, 1, 0.5)
    with pytest.raises(BadInput):
        completeness(5, 2, 6, 0.5, spread="distinct")
    with pytest.raises(BadInput):
        completeness(5, 2, 1, 1.5)
    with pytest.raises(BadInput):
        completeness(5, 2, 1, 0.5, spread="uniform")


def test_target_exactly_on_a_value_of_beta() -> None:
    # β(205) itself as the target: 205 qualifies (β ≤ target), 204 does not.
    target = nondetection_exact(1000, 10, 205)
    assert sample_size(1000, 10, target) == 205
    assert sample_size(1000, 10, target * Fraction(999_999, 1_000_000)) == 206
