"""Idealised unit-time dose-rate contours of ENW 1977 Table 9.93 (land surface burst, 15 mph).

For each unit-time (H+1) reference dose rate the table gives three power laws in the total
yield W (kt): the downwind distance k·W^0.45, the maximum width and the width at ground zero
(statute miles), for 100 % fission and a 15 mph effective wind. Dose rates scale with the fission
fraction; the downwind distance (only) with the wind factor F of §9.97. Between tabulated
contours `disarm` interpolates log-log along the dose rate.

Only the contours whose coefficients, or values at two yields, appear in
`effects_reference.csv` are here (3000, 300, 100, 30, 3 and 1 rad/h). For 300, 30 and 1 rad/h
the CSV gives the widths at one yield only: their width exponents are interpolated in log dose
rate between the neighbouring contours and the coefficient is set by that yield's value. The
1000 and 10 rad/h contours of the table are reached by the interpolation. docs/effects.md lists
each number with the row it came from.

Shape: the downwind part is the ellipse that passes through the three published dimensions
(ground-zero width at x = 0, maximum width, tip at the downwind distance); upwind, a semicircle
of half the ground-zero width (ENW Fig. 9.93 shows about that).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from disarm.effects.units import HOUR, MILE, MILE_PER_HOUR, RAD, FloatArray

__all__ = [
    "TABLE_RATES_RAD_H",
    "IdealisedContour",
    "idealised_contour",
    "wind_factor",
]


def _fit(v1: float, w1: float, v2: float, w2: float) -> tuple[float, float]:
    """Coefficient and exponent of the power law through (w1, v1) and (w2, v2)."""
    k = float(np.log(v2 / v1) / np.log(w2 / w1))
    return v1 / w1**k, k


def _interp_exponent(rate: float, r1: float, k1: float, r2: float, k2: float) -> float:
    t = float(np.log(rate / r1) / np.log(r2 / r1))
    return k1 + t * (k2 - k1)


# (rate rad/h): (downwind coeff, exponent), (max width coeff, exponent), (GZ width coeff, exp.)
_MAX_3 = _fit(6.96, 10.0, 69.57, 1000.0)  # 3 rad/h max width at 10 kt and 1 Mt
_GZ_3 = _fit(2.29, 10.0, 15.11, 1000.0)
_K_MAX_300 = _interp_exponent(300.0, 3000.0, 0.86, 100.0, 0.6)
_K_GZ_300 = _interp_exponent(300.0, 3000.0, 0.58, 100.0, 0.42)
_K_MAX_30 = _interp_exponent(30.0, 100.0, 0.6, 3.0, _MAX_3[1])
_K_GZ_30 = _interp_exponent(30.0, 100.0, 0.42, 3.0, _GZ_3[1])

_TABLE: dict[float, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    3000.0: ((0.95, 0.45), (0.0076, 0.86), (0.026, 0.58)),
    300.0: (
        (100.7 / 1000.0**0.45, 0.45),
        (12.41 / 1000.0**_K_MAX_300, _K_MAX_300),
        (5.51 / 1000.0**_K_GZ_300, _K_GZ_300),
    ),
    100.0: ((8.9, 0.45), (0.38, 0.6), (0.39, 0.42)),
    30.0: (
        (358.2 / 1000.0**0.45, 0.45),
        (36.38 / 1000.0**_K_MAX_30, _K_MAX_30),
        (9.0 / 1000.0**_K_GZ_30, _K_GZ_30),
    ),
    3.0: ((671.6 / 1000.0**0.45, 0.45), _MAX_3, _GZ_3),
    1.0: (
        (112.7 / 10.0**0.45, 0.45),
        (9.97 / 10.0 ** _MAX_3[1], _MAX_3[1]),
        (3.86 / 10.0 ** _GZ_3[1], _GZ_3[1]),
    ),
}
TABLE_RATES_RAD_H: tuple[float, ...] = tuple(sorted(_TABLE))
TERRAIN_FACTOR = 0.7  # ENW §9.92: rough terrain and weathering lower the smooth-plane rates


def wind_factor(wind_m_s: float) -> float:
    """ENW §9.97: F = 1 + (v - 15)/60 above 15 mph, 1 + (v - 15)/30 below (v in mph)."""
    v = wind_m_s / MILE_PER_HOUR
    return 1.0 + (v - 15.0) / (60.0 if v > 15.0 else 30.0)


@dataclass(frozen=True, slots=True)
class IdealisedContour:
    """One idealised contour, dimensions in metres (wind frame: x downwind)."""

    rate_h1_gy_s: float
    table_rate_rad_h: float
    downwind_m: float
    max_width_m: float
    gz_width_m: float

    def polygon(self, points: int = 120) -> FloatArray:
        """Closed polygon (N×2, metres): upwind semicircle and downwind ellipse."""
        d, wm, wg = self.downwind_m, self.max_width_m, self.gz_width_m
        b = 0.5 * wm
        ratio = min(wg / wm, 0.999)
        s = float(np.sqrt(1.0 - ratio * ratio))
        xc = s * d / (1.0 + s)
        a = d - xc
        theta0 = float(np.arccos(-xc / a))  # the ellipse meets x = 0 at ± the GZ half-width
        theta = np.linspace(theta0, -theta0, points)
        ellipse = np.column_stack([xc + a * np.cos(theta), b * np.sin(theta)])
        phi = np.linspace(-0.5 * np.pi, -1.5 * np.pi, points // 2)
        semicircle = np.column_stack([0.5 * wg * np.cos(phi), 0.5 * wg * np.sin(phi)])
        ring = np.vstack([ellipse, semicircle])
        result: FloatArray = np.vstack([ring, ring[:1]])
        return result


def idealised_contour(
    rate_h1_gy_s: float,
    yield_kt: float,
    *,
    fission_fraction: float = 1.0,
    wind_m_s: float = 15.0 * MILE_PER_HOUR,
    terrain: bool = False,
) -> IdealisedContour | None:
    """The Table 9.93 contour of H+1 rate `rate_h1_gy_s`, or None outside the tabulated rates.

    The table is for 100 % fission: the contour of a rate R for fission fraction ff is the
    table's contour of R / ff (and of R / (ff · 0.7) with `terrain`).
    """
    scale = fission_fraction * (TERRAIN_FACTOR if terrain else 1.0)
    table_rate = rate_h1_gy_s / (RAD / HOUR) / scale
    lo, hi = TABLE_RATES_RAD_H[0], TABLE_RATES_RAD_H[-1]
    if not lo <= table_rate <= hi:
        return None
    rates = np.log(np.array(TABLE_RATES_RAD_H))
    dims = []
    for part in range(3):
        values = np.log([c * yield_kt**k for c, k in (_TABLE[r][part] for r in TABLE_RATES_RAD_H)])
        dims.append(float(np.exp(np.interp(np.log(table_rate), rates, values))) * MILE)
    return IdealisedContour(
        rate_h1_gy_s=rate_h1_gy_s,
        table_rate_rad_h=table_rate,
        downwind_m=dims[0] * wind_factor(wind_m_s),
        max_width_m=dims[1],
        gz_width_m=dims[2],
    )
