"""Material accountancy: MUF, sigma-MUF, MUF covariance, SITMUF, Page's test, Monte Carlo.

See docs/material-accountancy.md for the formulas, the file formats and the CLI.
"""

from disarm.stats.mua.covariance import (
    ErrorStructure,
    cholesky_factor,
    cumulative_sigma,
    error_structure,
    muf_covariance,
    sigma_muf,
)
from disarm.stats.mua.evaluation import Evaluation, evaluate
from disarm.stats.mua.model import BalanceArea, MeasurementPoint, build_balance_area
from disarm.stats.mua.montecarlo import (
    SimulationResult,
    TestOutcome,
    diversion_pattern,
    draw_muf_errors,
    simulate,
)
from disarm.stats.mua.sequential import (
    first_alarm,
    page_statistic,
    page_threshold,
    quantile_threshold,
    sitmuf,
)

__all__ = [
    "BalanceArea",
    "ErrorStructure",
    "Evaluation",
    "MeasurementPoint",
    "SimulationResult",
    "TestOutcome",
    "build_balance_area",
    "cholesky_factor",
    "cumulative_sigma",
    "diversion_pattern",
    "draw_muf_errors",
    "error_structure",
    "evaluate",
    "first_alarm",
    "muf_covariance",
    "page_statistic",
    "page_threshold",
    "quantile_threshold",
    "sigma_muf",
    "simulate",
    "sitmuf",
]
