"""Stable JSON shapes and CSV rows of plans, simulations and evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from disarm.stats.constants import detection_factor, significant_quantity
from disarm.stats.mua.covariance import (
    cholesky_factor,
    cumulative_sigma,
    error_structure,
    muf_covariance,
)
from disarm.stats.mua.evaluation import Evaluation
from disarm.stats.mua.model import BalanceArea, FloatArray
from disarm.stats.mua.montecarlo import SimulationResult, TestOutcome

SCHEMA_SIMULATION = "disarm-mua-simulation/1"
SCHEMA_EVALUATION = "disarm-mua-evaluation/1"
SCHEMA_PLAN = "disarm-mua-plan/1"


def _floats(values: FloatArray) -> list[float]:
    return [float(v) for v in values]


def outcome_dict(o: TestOutcome, diversion: FloatArray | None = None) -> dict[str, Any]:
    """One test's results. With the diversion, also the first alarms that came before the loss
    started (they are false alarms of the same draws, counted in the detection probability)."""
    pfa, pd = o.false_alarm_probability, o.detection_probability
    start = None
    if diversion is not None and np.any(diversion != 0):
        start = int(np.flatnonzero(diversion)[0])
    early = 0 if start is None else int(sum(o.detection_time_counts[:start]))
    return {
        "test": o.test,
        "threshold": o.threshold,
        "false_alarm_probability": pfa,
        "false_alarm_standard_error": o.standard_error(pfa),
        "detection_probability": pd,
        "detection_standard_error": o.standard_error(pd),
        "mean_detection_period": o.mean_detection_period,
        "detection_time_counts": list(o.detection_time_counts),
        "never_detected": o.iterations - o.detections,
        "alarms_before_loss": early,
        "false_alarm_time_counts": list(o.false_alarm_time_counts),
    }


def simulation_dict(r: SimulationResult, *, pattern: str, amount: float) -> dict[str, Any]:
    return {
        "schema": SCHEMA_SIMULATION,
        "area": r.area,
        "unit": r.unit,
        "periods": r.periods,
        "iterations": r.iterations,
        "seed": r.seed,
        "alpha": r.alpha,
        "k": r.k,
        "k_muf": r.k_muf,
        "diversion": {"pattern": pattern, "amount": amount, "per_period": _floats(r.diversion)},
        "sigma_muf": _floats(r.sigma_muf),
        "cumulative_sigma_muf": _floats(r.cumulative_sigma_muf),
        "tests": [outcome_dict(o, r.diversion) for o in r.outcomes],
        "self_check": {
            "sitmuf_mean": _floats(r.sitmuf_mean),
            "sitmuf_sd": _floats(r.sitmuf_sd),
            "muf_sd": _floats(r.muf_sd),
        },
    }


def simulation_rows(r: SimulationResult) -> list[dict[str, Any]]:
    rows = []
    for o in r.outcomes:
        d = outcome_dict(o)
        rows.append(
            {
                "test": o.test,
                "threshold": round(o.threshold, 6),
                "false_alarm_probability": d["false_alarm_probability"],
                "false_alarm_se": round(d["false_alarm_standard_error"], 6),
                "detection_probability": d["detection_probability"],
                "detection_se": round(d["detection_standard_error"], 6),
                "mean_detection_period": (
                    None if o.mean_detection_period is None else round(o.mean_detection_period, 3)
                ),
            }
        )
    return rows


def detection_time_rows(r: SimulationResult) -> list[dict[str, Any]]:
    """Distribution of the period of first alarm under the diversion: counts per test, one row
    per period, then a row `never` with the campaigns in which the test never alarmed."""
    rows: list[dict[str, Any]] = [
        {"period": i + 1, **{o.test: o.detection_time_counts[i] for o in r.outcomes}}
        for i in range(r.periods)
    ]
    rows.append({"period": "never", **{o.test: o.iterations - o.detections for o in r.outcomes}})
    return rows


def evaluation_dict(e: Evaluation) -> dict[str, Any]:
    return {
        "schema": SCHEMA_EVALUATION,
        "area": e.area,
        "unit": e.unit,
        "alpha": e.alpha,
        "k": e.k,
        "k_muf": e.k_muf,
        "thresholds": e.thresholds,
        "first_alarms": e.first_alarms,
        "alarm": e.alarm,
        "periods": e.rows(),
    }


@dataclass(frozen=True)
class Plan:
    area: BalanceArea
    covariance: FloatArray
    sigma_muf: FloatArray
    cumulative_sigma_muf: FloatArray
    material: str
    goal: float
    alpha: float
    detection: float


def make_plan(
    area: BalanceArea,
    *,
    material: str = "Pu",
    alpha: float = 0.05,
    detection: float = 0.95,
    source: str | None = None,
) -> Plan:
    """sigma-MUF per period and cumulated, against the SQ goal; checks positive-definiteness."""
    cov = muf_covariance(error_structure(area))
    cholesky_factor(cov, source=source)
    sq = significant_quantity(material).amount_kg
    return Plan(
        area=area,
        covariance=cov,
        sigma_muf=np.sqrt(np.diag(cov)),
        cumulative_sigma_muf=cumulative_sigma(cov),
        material=material,
        goal=sq / detection_factor(alpha, detection),
        alpha=alpha,
        detection=detection,
    )


def plan_dict(p: Plan, *, with_covariance: bool = False) -> dict[str, Any]:
    sq = significant_quantity(p.material)
    out: dict[str, Any] = {
        "schema": SCHEMA_PLAN,
        "area": p.area.name,
        "unit": p.area.unit,
        "periods": p.area.periods,
        "period_length": p.area.period_length,
        "calibration_length": p.area.calibration_length,
        "points": len(p.area.points),
        "significant_quantity": {
            "material": sq.material,
            "amount_kg": sq.amount_kg,
            "basis": sq.basis,
            "source": sq.source,
        },
        "sigma_muf_goal": {
            "value": p.goal,
            "false_alarm_probability": p.alpha,
            "detection_probability": p.detection,
            "factor": detection_factor(p.alpha, p.detection),
        },
        "periods_meeting_goal": int(np.sum(p.sigma_muf <= p.goal)),
        "rows": plan_rows(p),
    }
    if with_covariance:
        out["covariance"] = [_floats(row) for row in p.covariance]
    return out


def plan_rows(p: Plan) -> list[dict[str, Any]]:
    cov = p.covariance
    lag1 = np.r_[np.diag(cov, 1), np.nan]
    return [
        {
            "period": i + 1,
            "sigma_muf": float(p.sigma_muf[i]),
            "meets_goal": bool(p.sigma_muf[i] <= p.goal),
            "cumulative_sigma_muf": float(p.cumulative_sigma_muf[i]),
            "lag1_correlation": (
                None
                if i + 1 >= cov.shape[0]
                else float(lag1[i] / (p.sigma_muf[i] * p.sigma_muf[i + 1]))
            ),
        }
        for i in range(cov.shape[0])
    ]
