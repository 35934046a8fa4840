"""Air blast: peak overpressure on the ground (Brode 1986), in free air (DNA 1 kt standard),
the Rankine-Hugoniot relations, arrival time, inverse functions and the optimum height of burst.

All functions take and return SI values (m, Pa, s) and broadcast over NumPy arrays; yields are
in kilotons. Distances, heights and times scale as W^(1/3) (ENW §3.61-3.63): the fits are
written for 1 kt in the units of their sources and scaled here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from disarm.effects.units import (
    KILOFOOT,
    PSI,
    SEA_LEVEL_PRESSURE,
    FloatArray,
    as_array,
)

__all__ = [
    "SOUND_SPEED",
    "arrival_time",
    "brode_overpressure",
    "dynamic_pressure",
    "free_air_overpressure",
    "ground_range_for_overpressure",
    "optimum_height",
    "particle_speed",
    "reflected_overpressure",
    "shock_speed",
]

SOUND_SPEED = 340.3  # m/s, sea level, 15 °C
_Z_MAX = 1.0e3  # above this z = y/x every Brode term has reached its limit
_X_MIN_KFT = 1.0e-6


def _cube_root(yield_kt: Any) -> FloatArray:
    w = as_array(yield_kt)
    return np.cbrt(w)


def _brode_psi(x: FloatArray, y: FloatArray) -> FloatArray:
    """Brode (1986) peak overpressure in psi for 1 kt; x ground range and y height in kft."""
    x = np.maximum(x, _X_MIN_KFT)
    r = np.hypot(x, y)
    z = np.minimum(y / x, _Z_MAX)
    z2, z5, z18 = z * z, z**5, z**18
    a = 1.22 - 3.908 * z2 / (1 + 810.2 * z5)
    b = (
        2.321
        + 6.195 * z18 / (1 + 1.113 * z18)
        - 0.03831 * z**17 / (1 + 0.02415 * z**17)
        + 0.6692 / (1 + 4164 * z**8)
    )
    c = 4.153 - 1.149 * z18 / (1 + 1.641 * z18) - 1.1 / (1 + 2.771 * z**2.5)
    d = -4.166 + 25.76 * z**1.75 / (1 + 1.382 * z18) + 8.257 * z / (1 + 3.219 * z)
    e = 1 - 0.004642 * z18 / (1 + 0.003886 * z18)
    f = 0.6096 + 2.879 * z**9.25 / (1 + 2.359 * z**14.5) - 17.5 * z2 / (1 + 71.66 * z**3)
    g = 1.83 + 5.361 * z2 / (1 + 0.3139 * z**6)
    h = (
        8.808 * z**1.5 / (1 + 154.5 * z**3.5)
        - (0.2905 + 64.67 * z5) / (1 + 441.5 * z5)
        - 1.389 * z / (1 + 49.03 * z5)
        + 1.094 * r * r / ((781.2 - 123.4 * r + 37.98 * r**1.5 + r * r) * (1 + 2 * y))
    )
    y4 = y**4
    j = 0.000629 * y4 / (3.493e-9 + y4) - 2.67 * y * y / (1 + 1.0e7 * y**4.3)
    k = 5.18 + 0.2803 * y**3.5 / (3.788e-6 + y4)
    result: FloatArray = 10.47 / r**a + b / r**c + d * e / (1 + f * r**g) + h + j / r**k
    return result


def brode_overpressure(ground_range_m: Any, height_m: Any, yield_kt: Any) -> FloatArray:
    """Peak overpressure (Pa) on an ideal surface at sea level (Brode 1986 HOB fit).

    `height_m` = 0 is a contact surface burst. Ground zero itself is evaluated just beside it.
    """
    m = _cube_root(yield_kt)
    x = as_array(ground_range_m) / KILOFOOT / m
    y = as_array(height_m) / KILOFOOT / m
    return _brode_psi(x, y) * PSI


def free_air_overpressure(slant_range_m: Any, yield_kt: Any) -> FloatArray:
    """Free-air peak overpressure (Pa): the DNA 1-kt standard, cube-root scaled."""
    r = as_array(slant_range_m) / _cube_root(yield_kt)
    s = r / 445.42
    tail = 7.9e6 / (r * np.sqrt(np.log(s + 3.0 * np.exp(-np.sqrt(s) / 3.0))))
    result: FloatArray = 3.04e11 / r**3 + 1.13e9 / r**2 + tail
    return result


def dynamic_pressure(overpressure_pa: Any, ambient_pa: float = SEA_LEVEL_PRESSURE) -> FloatArray:
    """Peak dynamic pressure behind an ideal shock: q = 2.5 p² / (7 P0 + p) (ENW eq. 3.55.1)."""
    p = as_array(overpressure_pa)
    result: FloatArray = 2.5 * p * p / (7.0 * ambient_pa + p)
    return result


def shock_speed(overpressure_pa: Any, ambient_pa: float = SEA_LEVEL_PRESSURE) -> FloatArray:
    """Shock front speed U = c0 sqrt(1 + 6p / 7P0) (m/s, ENW eq. 3.55.2)."""
    p = as_array(overpressure_pa)
    result: FloatArray = SOUND_SPEED * np.sqrt(1.0 + 6.0 * p / (7.0 * ambient_pa))
    return result


def particle_speed(overpressure_pa: Any, ambient_pa: float = SEA_LEVEL_PRESSURE) -> FloatArray:
    """Peak wind (particle) speed behind the shock u = 5p c0 / (7 P0 sqrt(1 + 6p/7P0)) (m/s)."""
    p = as_array(overpressure_pa)
    result: FloatArray = (
        5.0 * p * SOUND_SPEED / (7.0 * ambient_pa * np.sqrt(1.0 + 6.0 * p / (7.0 * ambient_pa)))
    )
    return result


def reflected_overpressure(
    overpressure_pa: Any, ambient_pa: float = SEA_LEVEL_PRESSURE
) -> FloatArray:
    """Normal reflection p_r = 2p (7P0 + 4p) / (7P0 + p) (Pa, ENW eq. 3.56.1)."""
    p = as_array(overpressure_pa)
    result: FloatArray = 2.0 * p * (7.0 * ambient_pa + 4.0 * p) / (7.0 * ambient_pa + p)
    return result


@cache
def _arrival_table() -> tuple[FloatArray, FloatArray]:
    """Shock arrival time for 1 kt in free air: t(R) = ∫ dR / U(p(R)), tabulated in log R."""
    r = np.logspace(0.0, 5.5, 4096)
    inv_u = 1.0 / shock_speed(free_air_overpressure(r, 1.0))
    steps = 0.5 * (inv_u[1:] + inv_u[:-1]) * np.diff(r)
    t = np.concatenate(([r[0] * inv_u[0]], r[0] * inv_u[0] + np.cumsum(steps)))
    return np.log(r), np.log(t)


def arrival_time(slant_range_m: Any, yield_kt: Any, *, surface: bool = False) -> FloatArray:
    """Time (s) for the shock to reach `slant_range_m`; a contact surface burst counts as 2W."""
    w = as_array(yield_kt) * (2.0 if surface else 1.0)
    m = _cube_root(w)
    log_r, log_t = _arrival_table()
    scaled = np.log(np.maximum(as_array(slant_range_m) / m, 1.0))
    result: FloatArray = m * np.exp(np.interp(scaled, log_r, log_t))
    return result


# Inverse functions. Overpressure along the ground is not monotone for every height of burst
# (the regular/Mach reflection knee), so the inverse looks for the OUTERMOST range at which the
# threshold is still reached, on a dense logarithmic grid refined by log-log interpolation.
_X_GRID_KFT = np.logspace(-4.0, 3.0, 2048)


def _reach_kft(p_psi: float, y_kft: FloatArray) -> FloatArray:
    """Outermost scaled ground range (kft) at which `p_psi` is reached, per scaled height.

    NaN where the threshold never reaches the ground at that height.
    """
    x = _X_GRID_KFT
    p = _brode_psi(x[None, :], y_kft[:, None])
    above = p >= p_psi
    has = above.any(axis=1)
    last = x.size - 1 - np.argmax(above[:, ::-1], axis=1)
    nxt = np.minimum(last + 1, x.size - 1)
    rows = np.arange(y_kft.size)
    p0, p1 = p[rows, last], p[rows, nxt]
    x0, x1 = x[last], x[nxt]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.log(p0 / p_psi) / np.log(p0 / p1)
    frac = np.where((nxt > last) & np.isfinite(frac), np.clip(frac, 0.0, 1.0), 0.0)
    reach = np.exp(np.log(x0) + frac * (np.log(x1) - np.log(x0)))
    return np.where(has, reach, np.nan)


def ground_range_for_overpressure(overpressure_pa: Any, height_m: Any, yield_kt: Any) -> FloatArray:
    """Outermost ground range (m) at which the peak overpressure reaches `overpressure_pa`.

    NaN means the threshold NEVER reaches the ground at that height of burst (for example 20 psi
    from a burst at the 5-psi optimum height); callers must say so rather than print a range.
    """
    p, h, w = np.broadcast_arrays(as_array(overpressure_pa), as_array(height_m), as_array(yield_kt))
    out = np.empty(p.shape, dtype=np.float64)
    flat_p, flat_h, flat_w = p.ravel(), h.ravel(), w.ravel()
    flat_out = out.reshape(-1)
    m = np.cbrt(flat_w)
    y = flat_h / KILOFOOT / m
    for i in range(flat_p.size):
        flat_out[i] = _reach_kft(flat_p[i] / PSI, y[i : i + 1])[0] * KILOFOOT * m[i]
    return out


_Y_COARSE_KFT = np.linspace(0.0, 6.0, 121)


def optimum_height(overpressure_pa: float, yield_kt: float) -> tuple[float, float]:
    """The height of burst (m) that maximises the ground range of `overpressure_pa`, and that range.

    Found on a grid of scaled heights (0-6 kft/kt^(1/3), 50 ft steps) refined to 1.25 ft. The
    optimum is flat: ±10 % in height changes the range by about 1 %.
    """
    p_psi = overpressure_pa / PSI
    reach = _reach_kft(p_psi, _Y_COARSE_KFT)
    if not np.isfinite(reach).any():
        return float("nan"), float("nan")
    best = float(_Y_COARSE_KFT[int(np.nanargmax(reach))])
    fine = np.linspace(max(best - 0.05, 0.0), best + 0.05, 81)
    reach_fine = _reach_kft(p_psi, fine)
    i = int(np.nanargmax(reach_fine))
    m = float(np.cbrt(yield_kt))
    return float(fine[i]) * KILOFOOT * m, float(reach_fine[i]) * KILOFOOT * m
