"""Statistical self-checks of the Monte Carlo engine (fixed seeds, tolerances from MC errors)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from disarm.errors import BadInput
from disarm.stats.constants import SQ_PU_KG
from disarm.stats.mua.covariance import cholesky_factor, error_structure, muf_covariance
from disarm.stats.mua.model import MeasurementPoint, build_balance_area
from disarm.stats.mua.montecarlo import (
    ErrorSampler,
    diversion_pattern,
    draw_muf_errors,
    simulate,
)
from disarm.stats.mua.reference import naive_campaigns
from disarm.stats.mua.sequential import page_maximum, page_threshold, sitmuf
from tests.stats.mua_helpers import small_area


def test_engine_sitmuf_is_standard_normal_in_every_period() -> None:
    area = small_area(periods=10, length=5, calibration=13)
    structure = error_structure(area)
    factor = cholesky_factor(muf_covariance(structure))
    runs = 40_000
    y = sitmuf(draw_muf_errors(structure, runs, np.random.default_rng(21)), factor)
    se_mean, se_sd = 1 / math.sqrt(runs), 1 / math.sqrt(2 * (runs - 1))
    assert np.all(np.abs(y.mean(axis=1)) < 5 * se_mean)
    assert np.all(np.abs(y.std(axis=1, ddof=1) - 1) < 5 * se_sd)
    # and uncorrelated across periods
    corr = np.corrcoef(y)
    off = corr[~np.eye(10, dtype=bool)]
    assert np.all(np.abs(off) < 5 / math.sqrt(runs))


def test_naive_per_measurement_sitmuf_is_standard_normal() -> None:
    # Independent of the engine's aggregation: measured values x (1 + r + s) sample by sample.
    area = small_area(periods=4, length=6, calibration=9)
    factor = cholesky_factor(muf_covariance(error_structure(area)))
    runs = 5000
    _, y, _ = naive_campaigns(area, factor, 0.5, runs, np.random.default_rng(4))
    assert np.all(np.abs(y.mean(axis=1)) < 5 / math.sqrt(runs))
    assert np.all(np.abs(y.std(axis=1, ddof=1) - 1) < 5 / math.sqrt(2 * (runs - 1)))


def test_simulate_self_check_and_false_alarm_rate() -> None:
    area = small_area(periods=8, length=5, calibration=12)
    runs = 20_000
    result = simulate(area, np.zeros(8), iterations=runs, seed=5, alpha=0.05, k=0.5)
    assert np.all(np.abs(result.sitmuf_mean) < 5 / math.sqrt(runs))
    assert np.all(np.abs(result.sitmuf_sd - 1) < 5 / math.sqrt(2 * (runs - 1)))
    expected_sd = np.sqrt(np.diag(muf_covariance(error_structure(area))))
    assert np.all(np.abs(result.muf_sd / expected_sd - 1) < 5 / math.sqrt(2 * (runs - 1)))
    # Thresholds and evaluation come from independent streams: the rate is alpha within the
    # combined error of the threshold's quantile and of the estimate.
    tol = 5 * math.sqrt(0.05 * 0.95 * 2 / runs)
    for outcome in result.outcomes:
        assert abs(outcome.false_alarm_probability - 0.05) < tol, outcome
        # no diversion: the "loss" run is the no-loss run
        assert outcome.detections == outcome.false_alarms


def test_false_alarm_rate_of_page_threshold_on_independent_engine_draws() -> None:
    area = small_area(periods=6, length=4, calibration=10)
    structure = error_structure(area)
    factor = cholesky_factor(muf_covariance(structure))
    runs = 30_000
    h = page_threshold(0.5, 6, 0.05, iterations=runs, rng=np.random.default_rng(100))
    y = sitmuf(draw_muf_errors(structure, runs, np.random.default_rng(200)), factor)
    rate = float(np.mean(page_maximum(y, 0.5) > h))
    assert abs(rate - 0.05) < 5 * math.sqrt(0.05 * 0.95 * 2 / runs)


def test_protracted_one_sq_is_detected_more_often_than_false_alarms() -> None:
    area = small_area(periods=8, length=5, calibration=12)
    scale = 0.3 * float(np.sqrt(np.diag(muf_covariance(error_structure(area)))).sum())
    loss = diversion_pattern("protracted", scale, 8)
    result = simulate(area, loss, iterations=5000, seed=8)
    for o in result.outcomes:
        se = o.standard_error(o.detection_probability) + o.standard_error(o.false_alarm_probability)
        assert o.detection_probability > o.false_alarm_probability + 5 * se, o
        assert sum(o.detection_time_counts) == o.detections
        assert o.detections + (o.iterations - o.detections) == 5000
        assert sum(o.false_alarm_time_counts) == o.false_alarms
        assert o.mean_detection_period is not None
        assert 1 <= o.mean_detection_period <= 8


def test_detection_probability_of_single_period_test_matches_normal_formula() -> None:
    # One period: alarm iff MUF / sigma > c, so P(detect M) = 1 - Phi(c - M / sigma).
    from scipy.stats import norm

    area = build_balance_area(
        "one period",
        period_length=10,
        periods=1,
        calibration_length=None,
        points=(
            MeasurementPoint("in", "input", 0.01, 0.002, np.full(10, 2.0)),
            MeasurementPoint("out", "output", 0.01, 0.002, np.full(10, 2.0)),
            MeasurementPoint("tank", "inventory", 0.002, 0.001, np.full(2, 30.0)),
        ),
    )
    sigma = float(np.sqrt(muf_covariance(error_structure(area))[0, 0]))
    runs = 40_000
    result = simulate(area, np.array([2 * sigma]), iterations=runs, seed=3)
    o = result.outcome("muf")
    expected = 1 - norm.cdf(o.threshold - 2.0)
    assert abs(o.detection_probability - expected) < 5 * o.standard_error(expected)


def test_abrupt_diversion_is_detected_in_or_after_its_period() -> None:
    area = small_area(periods=8, length=5, calibration=12)
    sigma = np.sqrt(np.diag(muf_covariance(error_structure(area))))
    loss = diversion_pattern("abrupt", 8 * float(sigma.max()), 8, period=5)
    o = simulate(area, loss, iterations=4000, seed=2).outcome("muf")
    assert o.detection_probability > 0.99
    counts = np.array(o.detection_time_counts)
    assert counts[4] > 0.9 * o.detections  # most first alarms in period 5


def test_same_seed_same_result_and_chunking_does_not_change_statistics() -> None:
    area = small_area()
    d = diversion_pattern("protracted", 1.0, area.periods)
    a = simulate(area, d, iterations=3000, seed=42)
    b = simulate(area, d, iterations=3000, seed=42)
    assert a.outcomes == b.outcomes
    np.testing.assert_array_equal(a.sample.muf, b.sample.muf)
    # Another chunk size draws other numbers (the streams are consumed in another order) but
    # the estimates agree within Monte Carlo error.
    c = simulate(area, d, iterations=3000, seed=42, chunk=500)
    for x, y in zip(a.outcomes, c.outcomes, strict=True):
        p = x.detection_probability
        tol = 5 * math.sqrt(2 * p * (1 - p) / 3000) + 0.03  # + threshold quantile noise
        assert abs(p - y.detection_probability) < tol


def test_error_sampler_reuses_buffers_and_matches_variance() -> None:
    structure = error_structure(small_area())
    sampler = ErrorSampler(structure, 1000)
    first = sampler.draw(np.random.default_rng(0), 1000).copy()
    short = sampler.draw(np.random.default_rng(0), 10)
    assert short.shape == (structure.periods, 10)
    assert first.shape == (structure.periods, 1000)


def test_diversion_patterns() -> None:
    np.testing.assert_allclose(diversion_pattern("protracted", SQ_PU_KG, 4), [2.0] * 4)
    np.testing.assert_allclose(diversion_pattern("abrupt", 8.0, 3, period=2), [0, 8, 0])
    np.testing.assert_allclose(
        diversion_pattern("protracted", 6.0, 5, first=2, last=4), [0, 2, 2, 2, 0]
    )
    np.testing.assert_allclose(diversion_pattern("none", 8.0, 2), [0, 0])
    custom = np.array([1.0, 0.0, 2.0])
    np.testing.assert_allclose(diversion_pattern("custom", 0.0, 3, values=custom), custom)
    for bad in (
        lambda: diversion_pattern("abrupt", 8.0, 3, period=4),
        lambda: diversion_pattern("protracted", -1.0, 3),
        lambda: diversion_pattern("sideways", 1.0, 3),
        lambda: diversion_pattern("custom", 0.0, 3, values=np.ones(2)),
    ):
        with pytest.raises(BadInput):
            bad()


def test_unbalanced_nominal_values_are_bad_input() -> None:
    area = build_balance_area(
        "leaky",
        period_length=2,
        periods=2,
        calibration_length=None,
        points=(
            MeasurementPoint("in", "input", 0.01, 0.0, np.ones(4)),
            MeasurementPoint("tank", "inventory", 0.01, 0.0, np.full(3, 5.0)),
        ),
    )
    with pytest.raises(BadInput, match="unbalanced series"):
        simulate(area, np.zeros(2), iterations=10, seed=0, source="leaky.yaml")


def test_simulate_argument_checks() -> None:
    area = small_area()
    n = area.periods
    for kwargs, words in (
        ({"diversion": np.zeros(n + 1)}, "periods"),
        ({"diversion": np.full(n, np.nan)}, "finite"),
        ({"iterations": 0}, "iterations"),
        ({"alpha": 0.0}, "false-alarm"),
        ({"k": float("inf")}, "reference value"),
        ({"calibration_iterations": 0}, "positive"),
    ):
        args = {"diversion": np.zeros(n), "iterations": 10, "seed": 0, **kwargs}
        with pytest.raises(BadInput, match=words):
            simulate(area, **args)


def test_diagonal_covariance_makes_page_on_sitmuf_equal_cusum_on_muf() -> None:
    # Flows with random errors only: MUFs are independent, SITMUF = MUF / sigma, so the two
    # CUSUMs are the same statistic; only their thresholds' Monte Carlo noise differs.
    area = build_balance_area(
        "independent",
        period_length=3,
        periods=10,
        calibration_length=None,
        points=(
            MeasurementPoint("in", "input", 0.02, 0.0, np.full(30, 1.0)),
            MeasurementPoint("out", "output", 0.02, 0.0, np.full(30, 1.0)),
        ),
    )
    cov = muf_covariance(error_structure(area))
    np.testing.assert_allclose(cov, np.diag(np.diag(cov)))
    sigma = float(np.sqrt(cov[0, 0]))
    result = simulate(area, np.full(10, 0.6 * sigma), iterations=20_000, seed=12)
    page, cusum = result.outcome("page-sitmuf"), result.outcome("cusum-muf")
    assert abs(page.threshold - cusum.threshold) < 0.25
    p = page.detection_probability
    assert abs(p - cusum.detection_probability) < 5 * math.sqrt(2 * p * (1 - p) / 20_000) + 0.03
