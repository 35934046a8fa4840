"""A naive, per-iteration reference simulator (slow on purpose; for validation and benchmarks).

It does what the model says with no aggregation at all: for each iteration, draw one systematic
error per point and calibration period and one random error per measurement (every sample of
every flow, every inventory taking), form the measured values x (1 + r + s), sum them into
period totals, compute MUF, SITMUF (with the Cholesky factor) and Page's statistic. The
vectorised engine must agree with it in distribution.
"""

from __future__ import annotations

import numpy as np

from disarm.stats.mua.model import BalanceArea, FloatArray
from disarm.stats.mua.sequential import page_statistic, sitmuf


def measured_muf(area: BalanceArea, rng: np.random.Generator) -> FloatArray:
    """MUF sequence of one simulated campaign, measurement by measurement."""
    n, length, cal = area.periods, area.period_length, area.calibration_length
    sample_cal = np.arange(area.samples) // cal
    inv_cal = area.inventory_calibration()
    muf = np.zeros(n)
    for p in area.points:
        s = rng.normal(0.0, p.systematic, size=area.calibrations) if p.systematic else None
        r = rng.normal(0.0, p.random, size=p.values.shape) if p.random else 0.0
        if p.kind == "inventory":
            bias = s[inv_cal] if s is not None else 0.0
            measured = p.values * (1.0 + r + bias)
            muf += measured[:-1] - measured[1:]
        else:
            bias = s[sample_cal] if s is not None else 0.0
            measured = p.values * (1.0 + r + bias)
            muf += p.sign * measured.reshape(n, length).sum(axis=1)
    return muf


def naive_campaigns(
    area: BalanceArea, factor: FloatArray, k: float, iterations: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(MUF, SITMUF, Page) of `iterations` campaigns, one Python iteration at a time."""
    out_muf = np.empty((area.periods, iterations))
    out_sit = np.empty_like(out_muf)
    out_page = np.empty_like(out_muf)
    for i in range(iterations):
        muf = measured_muf(area, rng)
        y = sitmuf(muf, factor)
        out_muf[:, i], out_sit[:, i], out_page[:, i] = muf, y, page_statistic(y, k)
    return out_muf, out_sit, out_page
