"""Thermal radiation: radiant exposure, thermal partition, burn thresholds and probabilities.

Radiant exposure Q = 85.6 f W τ / D² cal/cm² with D the slant range in kilofeet (ENW eq. 7.96.3).
The thermal partition f is 0.35 below 15,000 ft and rises to 0.40 at 100,000 ft (Table 7.88); a
burst close to the ground radiates less (effective partition 0.18 at contact, Table 7.101).
The atmospheric transmittance τ exists in ENW only as a figure (Fig. 7.98); `transmittance` is an
empirical fit, documented in docs/effects.md with the points it was calibrated on.
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np
from scipy.special import ndtr

from disarm.effects.units import (
    CAL_PER_CM2,
    FOOT,
    KILOFOOT,
    MILE,
    FloatArray,
    as_array,
)

__all__ = [
    "DEFAULT_VISIBILITY",
    "Burn",
    "burn_probability",
    "burn_threshold",
    "radiant_exposure",
    "slant_range_for_exposure",
    "thermal_partition",
    "thermal_pulse_peak_time",
    "transmittance",
]

DEFAULT_VISIBILITY = 12.0 * MILE  # the visibility of ENW Fig. 7.98's worked examples
_TAU_NEAR = 0.75  # fitted: see docs/effects.md "Transmittance"
_Q_COEFF = 85.6  # cal/cm² · kft² / kt
_CONTACT_PARTITION = 0.18  # Table 7.101
_AIR_PARTITION = 0.35  # Table 7.88 below 15 kft
_HIGH_PARTITION = 0.40  # Table 7.88 at 100 kft (1 kt)
_NEAR_SURFACE_SCALE_FT = 75.0  # ft / kt^0.4, fitted through Table 7.101's rows
BURN_SIGMA_LN = 0.25  # Fig. 12.65: 18 % and 82 % lines at about ±1σ


class Burn(enum.StrEnum):
    """Degree of a skin burn."""

    FIRST = "first"
    SECOND = "second"
    THIRD = "third"


# Radiant exposure (cal/cm²) for a 50 % probability of each burn at 1 kt, and its yield exponent:
# Q50 = Q1 · W^k. Fitted through the traced values of ENW Figs. 12.64-12.65 at the two ends of
# the yield range (first degree: 1 kt and 1 Mt of Fig. 12.65; second degree: 10 kt and 1 Mt of
# Fig. 12.64, medium skin; third degree: 1 kt and 1 Mt of Fig. 12.64, medium skin).
_BURN_FIT: dict[Burn, tuple[float, float]] = {
    Burn.FIRST: (1.92, float(np.log(3.2 / 1.92) / np.log(1000.0))),
    Burn.SECOND: (
        4.37 / 10.0 ** float(np.log(6.3 / 4.37) / np.log(100.0)),
        float(np.log(6.3 / 4.37) / np.log(100.0)),
    ),
    Burn.THIRD: (6.21, float(np.log(10.04 / 6.21) / np.log(1000.0))),
}


def thermal_partition(height_m: Any, yield_kt: Any) -> FloatArray:
    """Effective fraction of the yield emitted as thermal radiation, by height of burst.

    0.18 at contact rising to 0.35 once the fireball clears the ground (Table 7.101, scaled height
    h / W^0.4), 0.35 up to 15,000 ft, then linear to 0.40 at 100,000 ft (Table 7.88).
    """
    h = as_array(height_m)
    w = as_array(yield_kt)
    scaled_ft = h / FOOT / w**0.4
    near = _AIR_PARTITION - (_AIR_PARTITION - _CONTACT_PARTITION) * np.exp(
        -((scaled_ft / _NEAR_SURFACE_SCALE_FT) ** 2)
    )
    h_kft = h / KILOFOOT
    high = _AIR_PARTITION + (_HIGH_PARTITION - _AIR_PARTITION) * np.clip(
        (h_kft - 15.0) / 85.0, 0.0, 1.0
    )
    result: FloatArray = np.minimum(near, _AIR_PARTITION) + (high - _AIR_PARTITION)
    return result


def transmittance(slant_range_m: Any, visibility_m: float = DEFAULT_VISIBILITY) -> FloatArray:
    """Atmospheric transmittance τ = 0.75 exp(-D / V), an empirical fit (see docs/effects.md)."""
    result: FloatArray = _TAU_NEAR * np.exp(-as_array(slant_range_m) / visibility_m)
    return result


def radiant_exposure(
    ground_range_m: Any,
    height_m: Any,
    yield_kt: Any,
    visibility_m: float = DEFAULT_VISIBILITY,
) -> FloatArray:
    """Radiant exposure (J/m²) at a ground point: 85.6 f W τ / D² cal/cm², D in kft."""
    d = np.hypot(as_array(ground_range_m), as_array(height_m))
    d_kft = np.maximum(d, 1.0) / KILOFOOT
    f = thermal_partition(height_m, yield_kt)
    q_cal = _Q_COEFF * f * as_array(yield_kt) * transmittance(d, visibility_m) / d_kft**2
    result: FloatArray = q_cal * CAL_PER_CM2
    return result


def slant_range_for_exposure(
    exposure_j_m2: Any,
    height_m: Any,
    yield_kt: Any,
    visibility_m: float = DEFAULT_VISIBILITY,
) -> FloatArray:
    """Slant range (m) at which the radiant exposure falls to `exposure_j_m2` (bisection in log D).

    Exposure decreases monotonically with range, so the answer is unique.
    """
    q, h, w = np.broadcast_arrays(as_array(exposure_j_m2), as_array(height_m), as_array(yield_kt))
    lo = np.full(q.shape, np.log(1.0))
    hi = np.full(q.shape, np.log(5.0e6))
    f = thermal_partition(h, w)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        d = np.exp(mid)
        q_mid = _Q_COEFF * f * w * transmittance(d, visibility_m) / (d / KILOFOOT) ** 2
        above = q_mid * CAL_PER_CM2 > q
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    result: FloatArray = np.exp(0.5 * (lo + hi))
    return result


def burn_threshold(yield_kt: Any, burn: Burn = Burn.THIRD) -> FloatArray:
    """Radiant exposure (J/m²) giving a 50 % probability of `burn` to bare skin; rises with yield
    because a longer pulse lets the skin lose heat (ENW Figs. 12.64-12.65)."""
    q1, k = _BURN_FIT[burn]
    result: FloatArray = q1 * as_array(yield_kt) ** k * CAL_PER_CM2
    return result


def burn_probability(exposure_j_m2: Any, yield_kt: Any, burn: Burn = Burn.THIRD) -> FloatArray:
    """Probability of `burn` to exposed skin: lognormal in Q around the 50 % threshold."""
    q = np.maximum(as_array(exposure_j_m2), 1e-300)
    z = np.log(q / burn_threshold(yield_kt, burn)) / BURN_SIGMA_LN
    result: FloatArray = ndtr(z)
    return result


def thermal_pulse_peak_time(yield_kt: Any) -> FloatArray:
    """Time (s) of the thermal pulse's maximum for an air burst: 0.0417 W^0.44 (ENW eq. 7.86.1)."""
    result: FloatArray = 0.0417 * as_array(yield_kt) ** 0.44
    return result
