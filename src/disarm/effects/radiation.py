"""Prompt (initial) nuclear radiation: neutron and gamma dose against slant range.

Each component follows A · W · exp(-R/λ) / R² (ENW 1977 ch. VIII: inverse square times air
attenuation). ENW gives the per-kiloton curves only as figures, so the constants are fitted to
published points and say so:

- the relaxation length λ and the total per kiloton to the Soviet 1987 summary-dose curves for
  1 kt (1,000 R at 725 m and 100 R at 1,095 m, as digitised in glasstone);
- the neutron share of that total to the ENW Fig. 8.123a worked example (10 kt, 1,500 yd slant
  range, 160 rad of neutrons);
- a contact surface burst halves the neutron dose (ENW §8.64); the gamma dose is kept whole
  (its secondary part, which would also halve, is not separated).

Cross-checks that were not used in the fit: 500 R at about 830 m for 1 kt and 1.22 km for 10 kt.
Doses are in grays (rad = 0.01 Gy; R and rad are taken as equal, see `units`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from disarm.effects.units import RAD, YARD, FloatArray, as_array

__all__ = [
    "RELAXATION_LENGTH",
    "gamma_dose",
    "neutron_dose",
    "prompt_dose",
    "slant_range_for_dose",
]

_R1, _D1 = 725.0, 1000.0  # m, rad (1 kt)
_R2, _D2 = 1095.0, 100.0
RELAXATION_LENGTH = (_R2 - _R1) / float(np.log((_D1 / _D2) / (_R2 / _R1) ** 2))  # m
_TOTAL_A = _D1 * _R1**2 * float(np.exp(_R1 / RELAXATION_LENGTH))  # rad·m² per kt


def _per_kt(r: FloatArray) -> FloatArray:
    result: FloatArray = _TOTAL_A * np.exp(-r / RELAXATION_LENGTH) / (r * r)
    return result


_NEUTRON_SHARE = 16.0 / float(_per_kt(np.asarray(1500.0 * YARD)))  # 160 rad at 10 kt


def neutron_dose(slant_range_m: Any, yield_kt: Any, *, contact: bool = False) -> FloatArray:
    """Prompt neutron dose (Gy) in free air at `slant_range_m`."""
    r = np.maximum(as_array(slant_range_m), 1.0)
    factor = 0.5 if contact else 1.0
    result: FloatArray = factor * _NEUTRON_SHARE * as_array(yield_kt) * _per_kt(r) * RAD
    return result


def gamma_dose(slant_range_m: Any, yield_kt: Any) -> FloatArray:
    """Prompt gamma dose (Gy): secondary and fission-product gamma together."""
    r = np.maximum(as_array(slant_range_m), 1.0)
    result: FloatArray = (1.0 - _NEUTRON_SHARE) * as_array(yield_kt) * _per_kt(r) * RAD
    return result


def prompt_dose(slant_range_m: Any, yield_kt: Any, *, contact: bool = False) -> FloatArray:
    """Total prompt dose (Gy): neutrons plus gamma rays."""
    result: FloatArray = neutron_dose(slant_range_m, yield_kt, contact=contact) + gamma_dose(
        slant_range_m, yield_kt
    )
    return result


def slant_range_for_dose(dose_gy: Any, yield_kt: Any, *, contact: bool = False) -> FloatArray:
    """Slant range (m) at which the total prompt dose falls to `dose_gy` (bisection in log R)."""
    d, w = np.broadcast_arrays(as_array(dose_gy), as_array(yield_kt))
    lo = np.zeros(d.shape)
    hi = np.full(d.shape, np.log(2.0e5))
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        above = prompt_dose(np.exp(mid), w, contact=contact) > d
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    result: FloatArray = np.exp(0.5 * (lo + hi))
    return result
