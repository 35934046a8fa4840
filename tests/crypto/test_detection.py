from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom

from disarm.crypto.detection import (
    detection_probability,
    detection_probability_exact,
    inspections_needed,
)
from disarm.errors import BadInput


def test_small_case_by_hand() -> None:
    # 10 items, 2 omitted, 3 inspected: P(miss) = C(8,3)/C(10,3) = 56/120.
    assert detection_probability_exact(10, 2, 3) == Fraction(64, 120)


@settings(deadline=None)  # no timed assertion: the first call imports SciPy, under load
@given(st.integers(1, 300), st.data())
def test_agrees_with_scipy_hypergeometric(total: int, data: st.DataObject) -> None:
    omitted = data.draw(st.integers(0, total))
    inspected = data.draw(st.integers(0, total))
    expected = 1 - hypergeom(total, omitted, inspected).pmf(0)
    assert detection_probability(total, omitted, inspected) == pytest.approx(expected, abs=1e-9)


def test_edges() -> None:
    assert detection_probability_exact(100, 0, 50) == 0
    assert detection_probability_exact(100, 1, 100) == 1
    assert detection_probability_exact(100, 60, 41) == 1
    assert detection_probability_exact(100, 5, 0) == 0


def test_inspections_needed_is_minimal() -> None:
    n = inspections_needed(1000, 10, 0.95)
    assert detection_probability_exact(1000, 10, n) >= Fraction(0.95)
    assert detection_probability_exact(1000, 10, n - 1) < Fraction(0.95)
    assert 1 - Fraction(comb(990, n), comb(1000, n)) == detection_probability_exact(1000, 10, n)


@pytest.mark.parametrize(("t", "f", "n"), [(-1, 0, 0), (10, 11, 1), (10, 1, 11)])
def test_bad_arguments(t: int, f: int, n: int) -> None:
    with pytest.raises(BadInput):
        detection_probability(t, f, n)
