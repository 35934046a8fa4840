"""Evaluate one measured campaign: MUF, sigma-MUF, SITMUF, Page's test, CUSUM on MUF.

The covariance is the model's, evaluated at the measured values (the measured amounts are the
plug-in estimates of the true ones, as in every MUF evaluation). Thresholds are chosen by
simulation for the false-alarm probability `alpha` over the campaign's periods, unless given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from disarm.stats.mua.covariance import (
    cholesky_factor,
    cumulative_sigma,
    error_structure,
    muf_covariance,
)
from disarm.stats.mua.model import BalanceArea, FloatArray
from disarm.stats.mua.montecarlo import calibrate_muf_tests
from disarm.stats.mua.sequential import (
    NO_ALARM,
    check_alpha,
    check_reference,
    first_alarm,
    page_statistic,
    page_threshold,
    sitmuf,
)


@dataclass(frozen=True)
class Evaluation:
    area: str
    unit: str
    muf: FloatArray
    cumulative_muf: FloatArray
    sigma_muf: FloatArray
    cumulative_sigma_muf: FloatArray
    sitmuf: FloatArray
    page: FloatArray
    cusum_muf: FloatArray
    k: float
    k_muf: float
    alpha: float
    thresholds: dict[str, float]
    first_alarms: dict[str, int | None]  # 1-based period of the first alarm per test

    @property
    def alarm(self) -> bool:
        return any(p is not None for p in self.first_alarms.values())

    def rows(self) -> list[dict[str, float | int | bool]]:
        """One row per period (for CSV and tables)."""
        h = self.thresholds
        return [
            {
                "period": i + 1,
                "muf": float(self.muf[i]),
                "cumulative_muf": float(self.cumulative_muf[i]),
                "sigma_muf": float(self.sigma_muf[i]),
                "cumulative_sigma_muf": float(self.cumulative_sigma_muf[i]),
                "sitmuf": float(self.sitmuf[i]),
                "page": float(self.page[i]),
                "page_alarm": bool(self.page[i] > h["page-sitmuf"]),
                "cusum_muf": float(self.cusum_muf[i]),
                "cusum_alarm": bool(self.cusum_muf[i] > h["cusum-muf"]),
                "muf_alarm": bool(self.muf[i] / self.sigma_muf[i] > h["muf"]),
            }
            for i in range(self.muf.shape[0])
        ]


def evaluate(
    measured: BalanceArea,
    *,
    alpha: float = 0.05,
    k: float = 0.5,
    k_muf: float | None = None,
    h: float | None = None,
    iterations: int = 20_000,
    seed: int = 0,
    source: str | None = None,
) -> Evaluation:
    """Compute the MUF sequence of `measured` and run the three tests on it."""
    check_alpha(alpha)
    k_cusum = k if k_muf is None else k_muf
    check_reference(k)
    check_reference(k_cusum, "k_muf")
    structure = error_structure(measured)
    cov = muf_covariance(structure)
    factor = cholesky_factor(cov, source=source)
    sigma = np.sqrt(np.diag(cov))
    muf = structure.book_muf
    y = sitmuf(muf, factor)
    z = muf / sigma
    page_seq, cal_seq = np.random.SeedSequence(seed).spawn(2)
    n = measured.periods
    h_page = (
        h
        if h is not None
        else page_threshold(k, n, alpha, iterations=iterations, rng=np.random.default_rng(page_seq))
    )
    h_cusum, c_single = calibrate_muf_tests(
        structure,
        sigma,
        k_muf=k_cusum,
        alpha=alpha,
        iterations=iterations,
        rng=np.random.default_rng(cal_seq),
    )
    page = page_statistic(y, k)
    cusum = page_statistic(z, k_cusum)
    thresholds = {"page-sitmuf": h_page, "cusum-muf": h_cusum, "muf": c_single}
    stats = {"page-sitmuf": page, "cusum-muf": cusum, "muf": z}
    first = {t: _one_based(int(first_alarm(s, thresholds[t]))) for t, s in stats.items()}
    return Evaluation(
        area=measured.name,
        unit=measured.unit,
        muf=muf,
        cumulative_muf=np.cumsum(muf),
        sigma_muf=sigma,
        cumulative_sigma_muf=cumulative_sigma(cov),
        sitmuf=y,
        page=page,
        cusum_muf=cusum,
        k=k,
        k_muf=k_cusum,
        alpha=alpha,
        thresholds=thresholds,
        first_alarms=first,
    )


def _one_based(index: int) -> int | None:
    return None if index == NO_ALARM else index + 1
