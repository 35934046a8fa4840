"""SITMUF, Page's test and thresholds against hand values and scipy.stats."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import norm

from disarm.errors import BadInput
from disarm.stats.mua.covariance import cholesky_factor
from disarm.stats.mua.sequential import (
    NO_ALARM,
    first_alarm,
    page_maximum,
    page_statistic,
    page_threshold,
    quantile_threshold,
    sitmuf,
)


def test_sitmuf_two_by_two_by_hand() -> None:
    cov = np.array([[0.26, 0.03], [0.03, 0.26]])
    muf = np.array([1.0, 0.5])
    # y1 = MUF1 / sd1; y2 = (MUF2 - E[MUF2 | MUF1]) / sd(MUF2 | MUF1), with
    # E[MUF2 | MUF1] = (0.03 / 0.26) MUF1 and Var(MUF2 | MUF1) = 0.26 - 0.03^2 / 0.26.
    y1 = 1.0 / math.sqrt(0.26)
    y2 = (0.5 - 0.03 / 0.26 * 1.0) / math.sqrt(0.26 - 0.03**2 / 0.26)
    got = sitmuf(muf, cholesky_factor(cov))
    np.testing.assert_allclose(got, [y1, y2], rtol=1e-12)
    # By hand: 1 / 0.50990 = 1.9612; 0.38462 / 0.50650 = 0.7594.
    np.testing.assert_allclose(got, [1.9612, 0.7594], atol=1e-4)


def sequential_definition(muf: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """ITMUF_i / sd: innovation of MUF_i given MUF_1..MUF_i-1 (multivariate normal formulas)."""
    out = np.empty_like(muf)
    for i in range(muf.size):
        if i == 0:
            mean, var = 0.0, cov[0, 0]
        else:
            past, cross = cov[:i, :i], cov[:i, i]
            weights = np.linalg.solve(past, cross)
            mean, var = weights @ muf[:i], cov[i, i] - cross @ weights
        out[i] = (muf[i] - mean) / math.sqrt(var)
    return out


def test_cholesky_transform_equals_sequential_definition() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(7, 7))
    cov = a @ a.T + 0.5 * np.eye(7)
    muf = rng.normal(size=7)
    np.testing.assert_allclose(
        sitmuf(muf, cholesky_factor(cov)), sequential_definition(muf, cov), rtol=1e-9
    )


@settings(max_examples=50, deadline=None)
@given(
    muf=arrays(np.float64, 6, elements=st.floats(-10, 10)),
    change=st.floats(-5, 5),
    at=st.integers(1, 5),
)
def test_sitmuf_i_depends_only_on_muf_1_to_i(muf: np.ndarray, change: float, at: int) -> None:
    rng = np.random.default_rng(5)
    a = rng.normal(size=(6, 6))
    factor = cholesky_factor(a @ a.T + np.eye(6))
    later = muf.copy()
    later[at] += change
    np.testing.assert_allclose(sitmuf(muf, factor)[:at], sitmuf(later, factor)[:at])


def test_sitmuf_vectorised_over_columns() -> None:
    factor = cholesky_factor(np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 1.5]]))
    many = np.random.default_rng(1).normal(size=(3, 4))
    for j in range(4):
        np.testing.assert_allclose(sitmuf(many, factor)[:, j], sitmuf(many[:, j], factor))


def test_page_statistic_sequence_by_hand() -> None:
    y = np.array([1.0, 2.0, -1.0, 0.5, 3.0])
    # S = max(0, S + y - 0.5): 0.5, 2.0, 0.5, 0.5, 3.0
    s = page_statistic(y, 0.5)
    np.testing.assert_allclose(s, [0.5, 2.0, 0.5, 0.5, 3.0])
    assert first_alarm(s, 2.5) == 4
    assert first_alarm(s, 1.9) == 1
    assert first_alarm(s, 3.0) == NO_ALARM  # alarm needs S > h, not S >= h
    np.testing.assert_allclose(page_maximum(y[:, None], 0.5), [3.0])


def test_page_statistic_resets_at_zero() -> None:
    np.testing.assert_allclose(page_statistic(np.array([-3.0, 1.0, 1.0]), 0.0), [0.0, 1.0, 2.0])


def test_quantile_threshold_counts_strictly_above() -> None:
    maxima = np.arange(1.0, 101.0)  # 1..100
    h = quantile_threshold(maxima, 0.05)
    assert h == 95.0
    assert np.mean(maxima > h) == pytest.approx(0.05)


def test_page_threshold_for_one_period_matches_normal_quantile() -> None:
    # With one period an alarm happens iff y - k > h: h = z_(1 - alpha) - k exactly.
    alpha, k, runs = 0.05, 0.5, 200_000
    h = page_threshold(k, 1, alpha, iterations=runs, rng=np.random.default_rng(9))
    z = norm.ppf(1 - alpha)
    se = math.sqrt(alpha * (1 - alpha) / runs) / norm.pdf(z)  # sd of a sample quantile
    assert abs(h - (z - k)) < 5 * se


def test_page_threshold_false_alarm_rate_on_fresh_draws() -> None:
    alpha, k, n, runs = 0.05, 0.5, 12, 40_000
    h = page_threshold(k, n, alpha, iterations=runs, rng=np.random.default_rng(1))
    fresh = page_maximum(np.random.default_rng(2).standard_normal((n, runs)), k)
    rate = np.mean(fresh > h)
    assert abs(rate - alpha) < 5 * math.sqrt(alpha * (1 - alpha) * 2 / runs)


def test_alpha_must_be_a_probability() -> None:
    with pytest.raises(BadInput):
        page_threshold(0.5, 3, 1.5, iterations=10, rng=np.random.default_rng(0))
