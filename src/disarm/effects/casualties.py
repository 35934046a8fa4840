"""Casualty models: OTA 1979 overpressure bands, the Toon et al. Gaussian, lognormal lethality of
radiation and direct blast, and their combination.

Each function returns probabilities (0-1) and broadcasts over arrays. No single model is the
truth: `disarm` computes several and reports the spread between them as a band (see
`population.casualty_band`), never one falsely precise number.

Combining effects as 1 - Π(1 - p_i) assumes they are independent. They are not: the people close
enough to receive a lethal prompt dose are mostly also inside the lethal blast and fire zones, so
the independent combination overstates the deaths from adding a second effect where the first is
already near certain, and cannot represent shielding that protects against several effects at
once. `COMBINATION_CAVEAT` says this in the words every result carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from disarm.effects.units import GRAY, KILOMETRE, PSI, FloatArray, as_array

__all__ = [
    "COMBINATION_CAVEAT",
    "OTA_BANDS",
    "TOON_SIGMA_15KT",
    "OtaBand",
    "combine",
    "direct_blast_lethality",
    "ota_fractions",
    "radiation_lethality",
    "toon_fatality",
]

COMBINATION_CAVEAT = (
    "Effects are combined as 1 - Π(1 - p), which assumes they are independent; blast, heat and "
    "prompt radiation fall on the same people close in, so the combination overstates the "
    "added deaths there and ignores shielding that protects against several effects at once."
)


@dataclass(frozen=True, slots=True)
class OtaBand:
    """One OTA 1979 overpressure band: killed and injured fractions of its population."""

    low_psi: float
    high_psi: float
    killed: float
    injured: float


# OTA 1979, ch. II (Detroit/Leningrad): >12 psi 98 % killed; 5-12 psi 50 % killed, 40 % injured;
# 2-5 psi 5 % killed, 45 % injured; 1-2 psi 25 % injured. The 2-5 psi band is confirmed against the
# OTA text; the others as quoted in secondary sources (see docs/effects.md).
OTA_BANDS: tuple[OtaBand, ...] = (
    OtaBand(12.0, float("inf"), 0.98, 0.02),
    OtaBand(5.0, 12.0, 0.50, 0.40),
    OtaBand(2.0, 5.0, 0.05, 0.45),
    OtaBand(1.0, 2.0, 0.0, 0.25),
)

TOON_SIGMA_15KT = 1.15 * KILOMETRE
RADIATION_MEDIAN = 4.5 * GRAY  # 450 R
RADIATION_SIGMA_LN = 0.42
# Direct blast (ENW Table 12.38): 1 % at 40 psi, 50 % at 62 psi -> σ_ln = ln(62/40) / 2.326.
BLAST_MEDIAN = 62.0 * PSI
BLAST_SIGMA_LN = float(np.log(62.0 / 40.0) / 2.3263478740408408)


def ota_fractions(overpressure_pa: Any) -> tuple[FloatArray, FloatArray]:
    """Killed and injured fractions for each peak overpressure (OTA 1979 bands)."""
    p = as_array(overpressure_pa) / PSI
    killed = np.zeros(p.shape)
    injured = np.zeros(p.shape)
    for band in OTA_BANDS:
        inside = (p >= band.low_psi) & (p < band.high_psi)
        killed = np.where(inside, band.killed, killed)
        injured = np.where(inside, band.injured, injured)
    return killed, injured


def toon_sigma(yield_kt: Any) -> FloatArray:
    """σ (m) of the Toon et al. Gaussian: 1.15 km at 15 kt, scaled as sqrt(Y / 15 kt)."""
    result: FloatArray = TOON_SIGMA_15KT * np.sqrt(as_array(yield_kt) / 15.0)
    return result


def toon_fatality(ground_range_m: Any, yield_kt: Any) -> FloatArray:
    """Probability of death P = exp(-R² / 2σ²) (Toon et al. 2007/2008)."""
    r = as_array(ground_range_m)
    s = toon_sigma(yield_kt)
    result: FloatArray = np.exp(-0.5 * (r / s) ** 2)
    return result


def radiation_lethality(dose_gy: Any) -> FloatArray:
    """Probability of death from an acute whole-body dose: lognormal, median 4.5 Gy, σ_ln 0.42."""
    d = np.maximum(as_array(dose_gy), 1e-300)
    result: FloatArray = ndtr(np.log(d / RADIATION_MEDIAN) / RADIATION_SIGMA_LN)
    return result


def direct_blast_lethality(overpressure_pa: Any) -> FloatArray:
    """Probability of death from direct blast (lung damage): lognormal through ENW Table 12.38."""
    p = np.maximum(as_array(overpressure_pa), 1e-300)
    result: FloatArray = ndtr(np.log(p / BLAST_MEDIAN) / BLAST_SIGMA_LN)
    return result


def combine(*probabilities: Any) -> FloatArray:
    """1 - Π(1 - p_i): the probability that at least one effect kills, if they were independent.

    Read `COMBINATION_CAVEAT` before using the result.
    """
    survive = np.ones(())
    for p in probabilities:
        survive = survive * (1.0 - np.clip(as_array(p), 0.0, 1.0))
    result: FloatArray = 1.0 - survive
    return result
