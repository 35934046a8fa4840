"""MUF, sigma-MUF and the MUF covariance against hand computations and a naive simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput
from disarm.stats.mua.covariance import (
    cholesky_factor,
    cumulative_sigma,
    error_structure,
    muf_covariance,
    sigma_muf,
)
from disarm.stats.mua.model import BalanceArea, MeasurementPoint, build_balance_area
from disarm.stats.mua.reference import measured_muf
from tests.stats.mua_helpers import hand_area, small_area


def test_hand_example_one_calibration() -> None:
    # Per period: input random 0.1^2 * 4 * 1^2 = 0.04 (sqrt(n) law for 4 samples);
    # output random 0.2^2 * 4 = 0.16; tank random (0.01 * 10)^2 = 0.01 at each of two
    # boundaries; input systematic (0.05 * 4)^2 = 0.04. The tank's systematic error cancels
    # (same calibration, same level). Var = 0.26. Cov(MUF1, MUF2) = -0.01 (shared inventory)
    # + 0.04 (shared input calibration) = 0.03.
    cov = muf_covariance(error_structure(hand_area()))
    np.testing.assert_allclose(cov, [[0.26, 0.03], [0.03, 0.26]], rtol=1e-12)
    np.testing.assert_allclose(sigma_muf(error_structure(hand_area())), [math.sqrt(0.26)] * 2)


def test_hand_example_recalibration_every_period() -> None:
    # Calibration = 4 samples: input systematic errors independent per period. Boundary 1 is
    # taken at the end of period 1 (calibration 0), boundary 2 at the end of period 2
    # (calibration 1): MUF2 gets 10 s0 - 10 s1 from the tank, variance 2 * (0.02 * 10)^2 = 0.08.
    cov = muf_covariance(error_structure(hand_area(calibration_length=4)))
    np.testing.assert_allclose(cov, [[0.26, -0.01], [-0.01, 0.34]], rtol=1e-12, atol=1e-15)


def test_random_flow_variance_is_sum_of_squares() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 5.0, 5.0])
    area = build_balance_area(
        "flows",
        period_length=4,
        periods=2,
        calibration_length=None,
        points=(MeasurementPoint("in", "input", 0.1, 0.0, x),),
    )
    cov = muf_covariance(error_structure(area))
    np.testing.assert_allclose(np.diag(cov), [0.01 * 30, 0.01 * 50])
    assert cov[0, 1] == 0.0


def test_book_muf_and_cumulative_sigma() -> None:
    area = hand_area()
    structure = error_structure(area)
    np.testing.assert_allclose(structure.book_muf, [0.0, 0.0])
    cov = muf_covariance(structure)
    # Var(MUF1 + MUF2) = 0.26 + 0.26 + 2 * 0.03 = 0.58.
    np.testing.assert_allclose(cumulative_sigma(cov), [math.sqrt(0.26), math.sqrt(0.58)])


def test_measured_muf_by_hand() -> None:
    area = hand_area().with_values(
        {
            "in": np.array([1, 1, 1, 1, 2, 2, 2, 2], dtype=float),
            "out": np.array([1, 1, 1, 0.5, 1, 1, 1, 1], dtype=float),
            "tank": np.array([10.0, 10.0, 11.0]),
        }
    )
    # MUF1 = 10 + 4 - 3.5 - 10 = 0.5; MUF2 = 10 + 8 - 4 - 11 = 3.
    np.testing.assert_allclose(error_structure(area).book_muf, [0.5, 3.0])


def test_covariance_matches_naive_per_measurement_simulation() -> None:
    area = small_area()
    cov = muf_covariance(error_structure(area))
    rng = np.random.default_rng(11)
    runs = 6000
    sample = np.array([measured_muf(area, rng) for _ in range(runs)])
    emp = np.cov(sample, rowvar=False)
    sd = np.sqrt(np.diag(cov))
    # Standard error of a sample covariance: sqrt((s_ii s_jj + s_ij^2) / N).
    se = np.sqrt((np.outer(sd, sd) ** 2 + cov**2) / runs)
    assert np.all(np.abs(emp - cov) < 5 * se), (emp, cov)
    assert np.all(np.abs(sample.mean(axis=0)) < 5 * sd / math.sqrt(runs))


def test_lag_one_covariance_is_negative_without_systematic_errors() -> None:
    area = build_balance_area(
        "random only",
        period_length=3,
        periods=4,
        calibration_length=None,
        points=(
            MeasurementPoint("in", "input", 0.01, 0.0, np.ones(12)),
            MeasurementPoint("out", "output", 0.01, 0.0, np.ones(12)),
            MeasurementPoint("tank", "inventory", 0.02, 0.0, np.full(5, 50.0)),
        ),
    )
    cov = muf_covariance(error_structure(area))
    np.testing.assert_allclose(np.diag(cov, 1), -1.0)  # (0.02 * 50)^2
    np.testing.assert_allclose(np.diag(cov, 2), 0.0)


@settings(max_examples=40, deadline=None)
@given(
    periods=st.integers(1, 8),
    length=st.integers(1, 5),
    calibration=st.integers(1, 30),
    random=st.lists(st.floats(1e-3, 0.1), min_size=3, max_size=3),
    systematic=st.lists(st.floats(0.0, 0.05), min_size=3, max_size=3),
    level=st.floats(0.1, 100.0),
    rate=st.floats(0.01, 10.0),
)
def test_covariance_is_symmetric_positive_definite(
    periods: int,
    length: int,
    calibration: int,
    random: list[float],
    systematic: list[float],
    level: float,
    rate: float,
) -> None:
    total = periods * length
    area = build_balance_area(
        "property",
        period_length=length,
        periods=periods,
        calibration_length=calibration,
        points=(
            MeasurementPoint("in", "input", random[0], systematic[0], np.full(total, rate)),
            MeasurementPoint("out", "output", random[1], systematic[1], np.full(total, rate)),
            MeasurementPoint(
                "tank", "inventory", random[2], systematic[2], np.full(periods + 1, level)
            ),
        ),
    )
    cov = muf_covariance(error_structure(area))
    np.testing.assert_array_equal(cov, cov.T)
    assert np.linalg.eigvalsh(cov).min() > 0
    factor = cholesky_factor(cov)
    np.testing.assert_allclose(factor @ factor.T, cov, rtol=1e-10, atol=1e-14)


def test_all_errors_zero_is_bad_input_not_a_crash() -> None:
    area = build_balance_area(
        "exact",
        period_length=2,
        periods=3,
        calibration_length=None,
        points=(
            MeasurementPoint("in", "input", 0.0, 0.0, np.ones(6)),
            MeasurementPoint("tank", "inventory", 0.0, 0.0, np.array([1.0, 3.0, 5.0, 7.0])),
        ),
    )
    with pytest.raises(BadInput, match="singular"):
        cholesky_factor(muf_covariance(error_structure(area)), source="exact.yaml")


def test_rank_deficient_covariance_is_bad_input() -> None:
    # Only a systematic error shared by all periods: rank 1, singular from period 2.
    area = build_balance_area(
        "rank one",
        period_length=2,
        periods=3,
        calibration_length=None,
        points=(MeasurementPoint("in", "input", 0.0, 0.01, np.ones(6)),),
    )
    with pytest.raises(BadInput, match="period 2"):
        cholesky_factor(muf_covariance(error_structure(area)))


def test_not_positive_definite_matrix_is_bad_input() -> None:
    with pytest.raises(BadInput, match=r"positive definite|singular"):
        cholesky_factor(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(BadInput, match="symmetric"):
        cholesky_factor(np.array([[1.0, 0.5], [0.0, 1.0]]))


def brute_force_covariance(area: BalanceArea) -> np.ndarray:
    """Sigma = J D J' from the coefficient of every single measurement error (slow, direct)."""
    n, length, cal = area.periods, area.period_length, area.calibration_length
    cov = np.zeros((n, n))
    for p in area.points:
        systematic = np.zeros((area.calibrations, n))
        if p.kind == "inventory":
            for j, level in enumerate(p.values):
                coef = np.zeros(n)
                if j < n:
                    coef[j] += level  # opens period j + 1
                if j > 0:
                    coef[j - 1] -= level  # closes period j
                cov += p.random**2 * np.outer(coef, coef)
                systematic[max(j * length - 1, 0) // cal] += coef
        else:
            for t, amount in enumerate(p.values):
                coef = np.zeros(n)
                coef[t // length] = p.sign * amount
                cov += p.random**2 * np.outer(coef, coef)
                systematic[t // cal] += coef
        for g in systematic:
            cov += p.systematic**2 * np.outer(g, g)
    return cov


@settings(max_examples=40, deadline=None)
@given(
    periods=st.integers(1, 6),
    length=st.integers(1, 6),
    calibration=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_covariance_equals_brute_force_enumeration(
    periods: int, length: int, calibration: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    total = periods * length
    area = build_balance_area(
        "random",
        period_length=length,
        periods=periods,
        calibration_length=calibration,
        points=(
            MeasurementPoint("a", "input", *rng.uniform(0, 0.05, 2), rng.uniform(0, 3, total)),
            MeasurementPoint("b", "output", *rng.uniform(0, 0.05, 2), rng.uniform(0, 3, total)),
            MeasurementPoint(
                "c", "inventory", *rng.uniform(0, 0.05, 2), rng.uniform(0, 9, periods + 1)
            ),
            MeasurementPoint(
                "d", "inventory", *rng.uniform(0, 0.05, 2), rng.uniform(0, 9, periods + 1)
            ),
        ),
    )
    np.testing.assert_allclose(
        muf_covariance(error_structure(area)), brute_force_covariance(area), rtol=1e-9, atol=1e-12
    )
