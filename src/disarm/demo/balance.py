"""Material balances of the dismantlement facilities: true flows, measurements, evaluations.

Each state's dismantlement facility is one material balance area for plutonium recovered from
dismantled warheads. Samples are weeks (13 a balance period of three months); a dismantled
warhead adds `plutonium_per_warhead_kg` to the week's input; the week's output (to safeguarded
storage) is the previous week's input; the in-process inventory at a period boundary is a
holdup (one average week's input) plus the last week's input. The true values balance (MUF 0)
unless material is diverted (cheat `divert`: a share of the output is taken before it is
measured).

Measurements follow disarm.stats.mua's multiplicative model with the errors of `POINTS`;
measurement errors come from the seeded generator. Every round the inspectorate evaluates all
periods so far with disarm.stats.mua.evaluate (Page's test on SITMUF).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from disarm.demo.statements import BalanceDesign, BalanceEvaluation, BalancePoint
from disarm.stats.mua import (
    BalanceArea,
    MeasurementPoint,
    build_balance_area,
    diversion_pattern,
    evaluate,
    page_threshold,
    simulate,
)

WEEKS_PER_PERIOD: Final = 13
PERIODS_PER_ROUND: Final = 2
WEEKS_PER_ROUND: Final = WEEKS_PER_PERIOD * PERIODS_PER_ROUND
#: In-process holdup: one average week's input (at least this many kg).
MIN_HOLDUP_KG: Final = 1.0
#: Design values for a plutonium pit facility (relative standard deviations), in the range of
#: the IAEA International Target Values for Pu by calorimetry and gamma spectrometry.
POINTS: Final = (
    BalancePoint(name="input", kind="input", random=0.01, systematic=0.005),
    BalancePoint(name="output", kind="output", random=0.01, systematic=0.005),
    BalancePoint(name="in_process", kind="inventory", random=0.02, systematic=0.01),
)
#: The plan's goal diversion: this share of the facility's throughput, every period.
GOAL_SHARE: Final = 0.017
#: False-alarm probability of Page's test per facility over the evaluated periods.
ALPHA: Final = 0.005


def design(pu_per_warhead: float, mc_seed: int, iterations: int) -> BalanceDesign:
    return BalanceDesign(
        period_months=3,
        period_length=WEEKS_PER_PERIOD,
        calibration_length=4 * WEEKS_PER_PERIOD,
        points=POINTS,
        alpha=ALPHA,
        k=0.5,
        iterations=iterations,
        mc_seed=mc_seed,
        plutonium_per_warhead_kg=pu_per_warhead,
    )


@dataclass
class Facility:
    """One facility's true and measured series over the whole run (`periods` periods)."""

    area: str
    periods: int
    nominal: dict[str, np.ndarray]  # input/output per week, in_process per boundary
    measured: dict[str, np.ndarray]
    diversion: np.ndarray  # true diverted kg per period


def _nominal(weekly_warheads: np.ndarray, pu: float) -> dict[str, np.ndarray]:
    inp = weekly_warheads.astype(np.float64) * pu
    out = np.concatenate([[0.0], inp[:-1]])
    n = inp.size // WEEKS_PER_PERIOD
    holdup = max(MIN_HOLDUP_KG, float(inp.mean()) if inp.size else 0.0)
    inv = np.full(n + 1, holdup)
    inv[1:] += inp[WEEKS_PER_PERIOD - 1 :: WEEKS_PER_PERIOD]
    return {"input": inp, "output": out, "in_process": inv}


def goal_diversion(nominal: dict[str, np.ndarray]) -> np.ndarray:
    """The goal quantity per period: GOAL_SHARE of the period's output."""
    per_period = nominal["output"].reshape(-1, WEEKS_PER_PERIOD).sum(axis=1)
    return np.asarray(GOAL_SHARE * per_period, dtype=np.float64)


def area_of(
    name: str, values: dict[str, np.ndarray], periods: int, design_: BalanceDesign
) -> BalanceArea:
    weeks = periods * WEEKS_PER_PERIOD
    points = tuple(
        MeasurementPoint(
            p.name,
            p.kind,
            p.random,
            p.systematic,
            values[p.name][: periods + 1] if p.kind == "inventory" else values[p.name][:weeks],
        )
        for p in design_.points
    )
    return build_balance_area(
        name,
        period_length=design_.period_length,
        periods=periods,
        calibration_length=design_.calibration_length,
        points=points,
    )


def build_facility(
    area: str,
    weekly_warheads: np.ndarray,
    design_: BalanceDesign,
    rng: np.random.Generator,
    *,
    divert: bool,
) -> Facility:
    nominal = _nominal(weekly_warheads, design_.plutonium_per_warhead_kg)
    periods = weekly_warheads.size // WEEKS_PER_PERIOD
    true = {k: v.copy() for k, v in nominal.items()}
    diversion = np.zeros(periods)
    if divert:
        goal = goal_diversion(nominal)
        out = true["output"].reshape(periods, WEEKS_PER_PERIOD)
        totals = out.sum(axis=1)
        share = np.divide(goal, totals, out=np.zeros(periods), where=totals > 0)
        out *= 1.0 - share[:, None]
        diversion = goal.copy()
        true["output"] = out.reshape(-1)
    samples = periods * WEEKS_PER_PERIOD
    calibrations = -(-samples // design_.calibration_length)
    measured: dict[str, np.ndarray] = {}
    inv_cal = np.maximum(np.arange(periods + 1) * WEEKS_PER_PERIOD - 1, 0)
    inv_cal //= design_.calibration_length
    for p in design_.points:
        s = rng.normal(0.0, p.systematic, size=calibrations)
        values = true[p.name]
        r = rng.normal(0.0, p.random, size=values.shape)
        cal = inv_cal if p.kind == "inventory" else np.arange(samples) // design_.calibration_length
        measured[p.name] = np.round(np.maximum(values * (1.0 + r + s[cal]), 0.0), 6)
    return Facility(area, periods, nominal, measured, diversion)


def campaign_threshold(design_: BalanceDesign, campaign_periods: int) -> float:
    """Page's threshold h for the whole campaign (false alarm `alpha` over all its periods).

    Chosen by simulation exactly as disarm.stats.mua.evaluate would for `campaign_periods`
    periods: the first of the streams spawned by SeedSequence(mc_seed). SITMUF is causal (the
    Cholesky factor of the first n periods' covariance is the top-left block of the whole
    one), so evaluating the first n periods against the campaign's h is Page's sequential test
    with one false-alarm budget for the whole campaign.
    """
    page_seq, _ = np.random.SeedSequence(design_.mc_seed).spawn(2)
    return page_threshold(
        design_.k,
        campaign_periods,
        design_.alpha,
        iterations=design_.iterations,
        rng=np.random.default_rng(page_seq),
    )


def evaluation(
    area: str,
    measured: dict[str, np.ndarray],
    periods: int,
    design_: BalanceDesign,
    threshold: float,
) -> BalanceEvaluation:
    """Evaluate periods 1..`periods` of the measured series against the campaign threshold."""
    result = evaluate(
        area_of(area, measured, periods, design_),
        alpha=design_.alpha,
        k=design_.k,
        h=threshold,
        iterations=design_.iterations,
        seed=design_.mc_seed,
    )

    def floats(a: np.ndarray) -> tuple[float, ...]:
        return tuple(float(x) for x in a)

    return BalanceEvaluation(
        periods=periods,
        muf=floats(result.muf),
        sigma_muf=floats(result.sigma_muf),
        sitmuf=floats(result.sitmuf),
        page=floats(result.page),
        page_threshold=float(result.thresholds["page-sitmuf"]),
        first_alarm=result.first_alarms["page-sitmuf"],
    )


def planned_detection(
    area: str, nominal: dict[str, np.ndarray], periods: int, design_: BalanceDesign
) -> float | None:
    """Monte Carlo probability that Page's test on SITMUF detects the goal diversion."""
    if periods < 1:
        return None
    goal = goal_diversion(nominal)[:periods]
    if not np.any(goal > 0):
        return None
    res = simulate(
        area_of(area, nominal, periods, design_),
        diversion_pattern("custom", 0.0, periods, values=goal),
        iterations=design_.iterations,
        seed=design_.mc_seed,
        alpha=design_.alpha,
        k=design_.k,
    )
    return float(res.outcome("page-sitmuf").detection_probability)
