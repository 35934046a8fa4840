"""Small balance areas shared by the material-accountancy tests."""

from __future__ import annotations

import numpy as np

from disarm.stats.mua.model import BalanceArea, MeasurementPoint, build_balance_area


def hand_area(calibration_length: int | None = None) -> BalanceArea:
    """2 periods of 4 samples: input 1/sample, output 1/sample, one tank at 10.

    Errors: input random 0.1 and systematic 0.05, output random 0.2, tank random 0.01 and
    systematic 0.02.
    """
    return build_balance_area(
        "hand",
        period_length=4,
        periods=2,
        calibration_length=calibration_length,
        points=(
            MeasurementPoint("in", "input", 0.1, 0.05, np.ones(8)),
            MeasurementPoint("out", "output", 0.2, 0.0, np.ones(8)),
            MeasurementPoint("tank", "inventory", 0.01, 0.02, np.full(3, 10.0)),
        ),
    )


def small_area(periods: int = 4, length: int = 6, calibration: int = 9) -> BalanceArea:
    """A few periods with varying flows and tank levels that balance exactly, several
    calibration periods that do not align with the balance periods."""
    rng = np.random.default_rng(7)
    total = periods * length
    feed = rng.uniform(0.5, 1.5, total)
    product = rng.uniform(0.2, 0.8, total)
    net = (feed - product).reshape(periods, length).sum(axis=1)
    tank_b = np.r_[20.0, 20.0 + np.cumsum(net)]  # absorbs the net flow: balances
    return build_balance_area(
        "small",
        period_length=length,
        periods=periods,
        calibration_length=calibration,
        points=(
            MeasurementPoint("feed", "input", 0.02, 0.01, feed),
            MeasurementPoint("product", "output", 0.03, 0.02, product),
            MeasurementPoint("tank-a", "inventory", 0.01, 0.01, np.full(periods + 1, 5.0)),
            MeasurementPoint("tank-b", "inventory", 0.005, 0.004, tank_b),
        ),
    )
