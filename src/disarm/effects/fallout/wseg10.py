"""WSEG-10 fallout (Hanifen 1980), written with consistent units and the published corrections.

The model gives the unit-time (H+1) reference dose rate that the fallout deposited at a point
will produce, and a 30-day "equivalent residual dose" with a 90 % biological repair factor.
It works in the wind frame: x downwind from ground zero, y crosswind (to the left), metres.

Internally the formulas are evaluated in the units Hanifen writes them in (yield Y in Mt, wind v
in mph, shear in mph/kft, distances in statute miles, heights in kft, times in hours, dose rate
in R/h); every input is converted from SI once, in `wseg10`. This is the first of the differences
from the `glasstone` package, whose `WSEG10` takes logarithms and products of the *unconverted*
yield and wind (H_c = 84.9 kft instead of 42.8 kft for 1 Mt given in kt). The other three are the
corrections published in the Ivan-Stepanov fork: the shape parameter n does not depend on the
fission fraction; the arrival time uses (x + 2σx)² and σx² in its last denominator; Bio uses
(ln t)², not ln(t²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import gamma as gamma_fn
from scipy.special import ndtr

from disarm.effects.units import (
    HOUR,
    MEGATON,
    MILE,
    MILE_PER_HOUR,
    MPH_PER_KFT,
    ROENTGEN,
    SQUARE_MILE,
    FloatArray,
    as_array,
)
from disarm.errors import BadInput

__all__ = ["DEFAULT_SHEAR", "Wseg10", "wseg10"]

DEFAULT_SHEAR = 0.23 * MPH_PER_KFT  # 1/s; Hanifen's typical value
_ACTIVITY = 2.0e6  # R/h · mi² per Mt of fission at H+1 (the model's normalisation)
_SQRT_2PI = float(np.sqrt(2.0 * np.pi))


@dataclass(frozen=True, slots=True)
class Wseg10:
    """A WSEG-10 fallout pattern for one burst and one effective wind (Hanifen's units inside)."""

    yield_mt: float
    fission_fraction: float
    wind_mph: float
    shear_mph_kft: float
    cloud_height_kft: float  # H_c
    sigma0_mi: float  # σ0, initial cloud radius parameter
    sigma_h_kft: float  # σh = 0.18 H_c
    time_constant_h: float  # T_c
    l0_mi: float  # L0 = v T_c
    sigma_x_mi: float
    l_mi: float
    n: float
    alpha1: float

    def dose_rate_h1(self, x_m: Any, y_m: Any) -> FloatArray:
        """Unit-time (H+1) reference dose rate (Gy/s) at (x downwind, y crosswind) in metres."""
        x = as_array(x_m) / MILE
        y = as_array(y_m) / MILE
        return self._rate_r_h(x, y) * (ROENTGEN / HOUR)

    def _downwind(self, x: FloatArray) -> FloatArray:
        """φ(x)·g(x): the share of the activity deposited per mile downwind (integrates to 1)."""
        sx, lg, l0 = self.sigma_x_mi, self.l_mi, self.l0_mi
        g = np.exp(-((np.abs(x) / lg) ** self.n)) / (lg * gamma_fn(1.0 + 1.0 / self.n))
        phi = ndtr((l0 / lg) * x / (self.alpha1 * sx))
        result: FloatArray = phi * g
        return result

    def _rate_r_h(self, x: FloatArray, y: FloatArray) -> FloatArray:
        sigma_y = self._sigma_y(x)
        f_y = np.exp(-0.5 * (y / (self._alpha2(x) * sigma_y)) ** 2) / (_SQRT_2PI * sigma_y)
        activity = _ACTIVITY * self.yield_mt * self.fission_fraction
        result: FloatArray = activity * self._downwind(x) * f_y
        return result

    def _alpha2(self, x: FloatArray) -> FloatArray:
        k = 0.001 * self.cloud_height_kft * self.wind_mph / self.sigma0_mi
        result: FloatArray = 1.0 / (1.0 + k * (1.0 - ndtr(2.0 * x / self.wind_mph)))
        return result

    def arrival_time(self, x_m: Any) -> FloatArray:
        """Mean fallout arrival time (s) on the hotline at `x_m` downwind (at least 0.5 h)."""
        x = as_array(x_m) / MILE
        l0sq, sxsq, lsq = self.l0_mi**2, self.sigma_x_mi**2, self.l_mi**2
        xs = x + 2.0 * self.sigma_x_mi
        t_h = np.sqrt(
            0.25
            + l0sq * xs * xs * self.time_constant_h**2 / (lsq * (l0sq + 0.5 * sxsq))
            + 2.0 * sxsq / (l0sq + 0.5 * sxsq)
        )
        result: FloatArray = t_h * HOUR
        return result

    def residual_dose(self, x_m: Any, y_m: Any) -> FloatArray:
        """30-day equivalent residual dose (Gy): D_H+1 × Bio(arrival time) (Hanifen's Bio)."""
        t = self.arrival_time(x_m) / HOUR / 31.6
        log_t = np.log(t)
        bio = np.exp(-(0.287 + 0.52 * log_t + 0.04475 * log_t * log_t))
        rate_r_h = self.dose_rate_h1(x_m, y_m) / (ROENTGEN / HOUR)
        result: FloatArray = rate_r_h * bio * ROENTGEN
        return result

    def hotline_rate(self, x_m: Any) -> FloatArray:
        """H+1 dose rate (Gy/s) on the hotline (y = 0)."""
        return self.dose_rate_h1(x_m, np.zeros_like(as_array(x_m)))

    def total_activity(self) -> float:
        """The model's integral of D_H+1 over the plane (Gy/s · m²), by 1-D quadrature.

        Crosswind, f_y integrates to α2(x); downwind, φ·g integrates to 1; so the total is
        2×10⁶ Y ff ∫ φ g α2 dx: 0.69-1.0 of 2×10⁶ Y ff R/h·mi² (see docs/effects.md).
        """
        x = np.linspace(-15.0 * self.l_mi, 25.0 * self.l_mi, 40001)
        integrand = self._downwind(x) * self._alpha2(x)
        total_r_h_mi2 = (
            _ACTIVITY
            * self.yield_mt
            * self.fission_fraction
            * float(np.sum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(x)))
        )
        return total_r_h_mi2 * (ROENTGEN / HOUR) * SQUARE_MILE

    def downwind_extent(self, rate_h1_gy_s: float) -> float:
        """Farthest hotline distance (m) at which the H+1 rate is at least `rate_h1_gy_s`
        (NaN when it is nowhere that high)."""
        x = np.linspace(0.0, 60.0 * self.l_mi, 60001)
        rate = self._rate_r_h(x, np.zeros_like(x)) * (ROENTGEN / HOUR)
        above = rate >= rate_h1_gy_s
        if not above.any():
            return float("nan")
        i = int(x.size - 1 - np.argmax(above[::-1]))
        return float(x[i]) * MILE

    def contour(self, rate_h1_gy_s: float, points: int = 200) -> FloatArray:
        """Closed polygon (N×2, metres, wind frame) of the H+1 dose-rate contour `rate_h1_gy_s`.

        Crosswind the profile is Gaussian, so the half-width at x is α2 σy sqrt(2 ln(C/level))
        with C the hotline rate: the contour is exact for the model, with no raster.
        """
        x = np.linspace(-6.0 * self.sigma_x_mi, 60.0 * self.l_mi, 20001)
        hot = self._rate_r_h(x, np.zeros_like(x)) * (ROENTGEN / HOUR)
        inside = hot > rate_h1_gy_s
        if not inside.any():
            return np.zeros((0, 2))
        idx = np.flatnonzero(inside)
        xs = np.linspace(x[idx[0]], x[idx[-1]], points)
        hot_s = np.maximum(np.interp(xs, x, hot), rate_h1_gy_s)
        sigma_y = self._sigma_y(xs)
        half = self._alpha2(xs) * sigma_y * np.sqrt(2.0 * np.log(hot_s / rate_h1_gy_s))
        upper = np.column_stack([xs, half])
        lower = np.column_stack([xs[::-1], -half[::-1]])
        result: FloatArray = np.vstack([upper, lower, upper[:1]]) * MILE
        return result

    def _sigma_y(self, x: FloatArray) -> FloatArray:
        s0, sx, lg, l0 = self.sigma0_mi, self.sigma_x_mi, self.l_mi, self.l0_mi
        tc, sh, shear = self.time_constant_h, self.sigma_h_kft, self.shear_mph_kft
        xs = x + 2.0 * sx
        result: FloatArray = np.sqrt(
            s0 * s0 * (1.0 + 8.0 * np.abs(xs) / lg)
            + 2.0 * (sx * tc * sh * shear) ** 2 / lg**2
            + (xs * l0 * tc * sh * shear) ** 2 / lg**4
        )
        return result


def wseg10(
    yield_kt: float,
    wind_m_s: float,
    *,
    fission_fraction: float = 1.0,
    shear_per_s: float = DEFAULT_SHEAR,
) -> Wseg10:
    """Set up WSEG-10 for a surface burst of `yield_kt` in an effective wind `wind_m_s` (m/s)."""
    if yield_kt <= 0 or wind_m_s <= 0 or not 0 < fission_fraction <= 1 or shear_per_s < 0:
        raise BadInput("WSEG-10 needs a positive yield and wind, 0 < ff <= 1 and shear >= 0")
    y = yield_kt / MEGATON
    v = wind_m_s / MILE_PER_HOUR
    shear = shear_per_s / MPH_PER_KFT
    ln_y = float(np.log(y))
    d = ln_y + 2.42
    h_c = 44.0 + 6.1 * ln_y - 0.205 * abs(d) * d
    s0 = float(np.exp(0.7 + ln_y / 3.0 - 3.25 / (4.0 + (ln_y + 5.4) ** 2)))
    t_c = (
        1.0573203
        * (12.0 * (h_c / 60.0) - 2.5 * (h_c / 60.0) ** 2)
        * (1.0 - 0.5 * float(np.exp(-((h_c / 25.0) ** 2))))
    )
    l0 = v * t_c
    sx2 = s0 * s0 * (l0 * l0 + 8.0 * s0 * s0) / (l0 * l0 + 2.0 * s0 * s0)
    l2 = l0 * l0 + 2.0 * sx2
    n = (l0 * l0 + sx2) / (l0 * l0 + 0.5 * sx2)
    alpha1 = 1.0 / (1.0 + 0.001 * h_c * v / s0)
    return Wseg10(
        yield_mt=y,
        fission_fraction=fission_fraction,
        wind_mph=v,
        shear_mph_kft=shear,
        cloud_height_kft=h_c,
        sigma0_mi=s0,
        sigma_h_kft=0.18 * h_c,
        time_constant_h=t_c,
        l0_mi=l0,
        sigma_x_mi=float(np.sqrt(sx2)),
        l_mi=float(np.sqrt(l2)),
        n=n,
        alpha1=alpha1,
    )
