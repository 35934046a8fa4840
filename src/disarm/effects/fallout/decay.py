"""Decay of fallout and the dose accumulated between two times (ENW 1977 §9.15-9.18, 9.150).

R(t) = R1 · t^-1.2 with t in hours after the burst and R1 the unit-time (H+1) reference dose
rate; the dose from t_a to t_b is 5 R1 (t_a^-0.2 - t_b^-0.2). The "7:10 rule" follows: every
7-fold increase in time divides the dose rate by about 10.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from disarm.effects.units import HOUR, FloatArray, as_array
from disarm.errors import BadInput

__all__ = ["DECAY_EXPONENT", "accumulated_dose", "dose_rate"]

DECAY_EXPONENT = 1.2


def dose_rate(rate_h1: Any, time_s: Any) -> FloatArray:
    """Dose rate at `time_s` after the burst, from the H+1 reference rate `rate_h1` (any unit)."""
    t_h = as_array(time_s) / HOUR
    result: FloatArray = as_array(rate_h1) * t_h ** (-DECAY_EXPONENT)
    return result


def accumulated_dose(rate_h1_gy_s: Any, start_s: Any, end_s: Any = np.inf) -> FloatArray:
    """Dose (Gy) from `start_s` to `end_s` (seconds after the burst) for an H+1 rate in Gy/s.

    The integral of R1 (t / 1 h)^-1.2 dt is 5 · R1 · 1 h · ((t_a/1 h)^-0.2 - (t_b/1 h)^-0.2).
    """
    ta = as_array(start_s) / HOUR
    tb = as_array(end_s) / HOUR
    if np.any(ta <= 0) or np.any(tb < ta):
        raise BadInput("the exposure must start after the burst and end after it starts")
    power = 1.0 - DECAY_EXPONENT  # -0.2
    result: FloatArray = (
        as_array(rate_h1_gy_s) * HOUR * (ta**power - tb**power) / (DECAY_EXPONENT - 1.0)
    )
    return result
