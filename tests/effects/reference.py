"""The published reference values (effects_reference.csv) and the model value for each row.

`effects_reference.csv` is a verbatim copy of shared/data/effects_reference.csv (88 rows from
Glasstone & Dolan, OTA, Brode and others; provenance in shared/data/README.md §8). Each row is
computed here from its own conditions (the `note` column's `key=value` pairs) and compared with
the tolerance its source states. Rows no model reaches are listed in docs/effects.md,
"Reference rows not reached", with the reason; `UNREACHED` names them by CSV line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from disarm.effects import blast, casualties, fireball, radiation, thermal
from disarm.effects.fallout import accumulated_dose, dose_rate, idealised_contour, wind_factor
from disarm.effects.fallout.wseg10 import wseg10
from disarm.effects.units import (
    CAL_PER_CM2,
    FOOT,
    HOUR,
    KILOFOOT,
    KILOMETRE,
    MILE,
    MILE_PER_HOUR,
    MPH_PER_KFT,
    PSI,
    RAD,
    ROENTGEN,
    YARD,
)

CSV_PATH = Path(__file__).with_name("effects_reference.csv")
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "effects.md"


@dataclass(frozen=True)
class Row:
    line: int  # line number in the CSV (the header is line 1)
    quantity: str
    yield_kt: str
    burst: str
    value: str
    unit: str
    source: str
    note: str

    @property
    def conditions(self) -> dict[str, float]:
        head = self.note.split(" | ", 1)[0]
        out: dict[str, float] = {}
        for part in head.split(";"):
            key, sep, val = part.strip().partition("=")
            if sep and not key.endswith(("<", ">")):
                try:
                    out[key.strip()] = float(val)
                except ValueError:
                    continue
        return out

    @property
    def w(self) -> float:
        return float(self.yield_kt)

    @property
    def number(self) -> float:
        return float(self.value)

    @property
    def id(self) -> str:
        return f"L{self.line}-{self.quantity}-{self.yield_kt or 'na'}"


def rows() -> list[Row]:
    with CSV_PATH.open(newline="", encoding="utf-8") as fh:
        return [Row(line=i + 2, **r) for i, r in enumerate(csv.DictReader(fh))]


_R_H = ROENTGEN / HOUR  # 1 R/h in Gy/s

# Tolerances the sources state (issue 12, shared/docs/effects.md §6).
BLAST, THERMAL, FALLOUT, FIREBALL = 0.10, 0.25, 0.10, 0.05
RADIATION_FACTOR, CASUALTY_ABS = 1.5, 0.05


@dataclass(frozen=True)
class Check:
    """How to compute a row: the model value (in the row's unit) and the tolerance kind."""

    model: Callable[[Row], float]
    kind: str  # "rel" (relative), "factor" or "abs"
    tolerance: float
    expected: Callable[[Row], float] | None = None  # for rows whose value is not a number

    def passes(self, row: Row) -> tuple[bool, float]:
        got = self.model(row)
        want = self.expected(row) if self.expected else row.number
        if self.kind == "rel":
            return abs(got - want) <= self.tolerance * abs(want), got
        if self.kind == "factor":
            return 1.0 / self.tolerance <= got / want <= self.tolerance, got
        return abs(got - want) <= self.tolerance, got


def _opt(row: Row) -> float:
    return blast.optimum_height(row.conditions["overpressure_psi"] * PSI, row.w)[1]


def _ground_range(row: Row) -> float:
    c = row.conditions
    height = c.get("hob_ft", 0.0) * FOOT
    return float(blast.ground_range_for_overpressure(c["overpressure_psi"] * PSI, height, row.w))


_UNIT = {"ft": FOOT, "m": 1.0, "mi": MILE, "km": KILOMETRE}


def _in_unit(row: Row, metres: float) -> float:
    return metres / _UNIT[row.unit]


def _q_cal(row: Row) -> float:
    c = row.conditions
    r = c["ground_range_ft"] * FOOT if "ground_range_ft" in c else c["ground_range_mi"] * MILE
    return float(thermal.radiant_exposure(r, 1968.0 * FOOT, row.w)) / CAL_PER_CM2


def _partition(row: Row) -> float:
    # "1-10000" means the value holds over the range: return the end farthest from it.
    yields = [float(y) for y in row.yield_kt.split("-")]
    height = row.conditions.get("hob_kft", 15.0) * KILOFOOT
    values = [float(thermal.thermal_partition(height, w)) for w in yields]
    return max(values, key=lambda v: abs(v - row.number))


def _burn(degree: thermal.Burn) -> Callable[[Row], float]:
    return lambda row: float(thermal.burn_threshold(row.w, degree)) / CAL_PER_CM2


def _asu_exposure(row: Row) -> float:
    height, _ = blast.optimum_height(5.0 * PSI, row.w)
    r = row.number * KILOMETRE
    return float(thermal.radiant_exposure(r, height, row.w)) / CAL_PER_CM2


def _wseg(row: Row):  # type: ignore[no-untyped-def]
    c = row.conditions
    return wseg10(
        row.w,
        c["wind_mph"] * MILE_PER_HOUR,
        fission_fraction=c.get("ff", 1.0),
        shear_per_s=c.get("shear_mph_per_kft", 0.23) * MPH_PER_KFT,
    )


def _contour_downwind(row: Row) -> float:
    c = row.conditions
    contour = idealised_contour(c["unit_time_dose_rate_rad_h"] * RAD / HOUR, row.w)
    assert contour is not None
    return contour.downwind_m / MILE


def _contour_coeff(row: Row) -> float:
    return _contour_downwind(Row(**{**row.__dict__, "yield_kt": "1"}))


def _toon_zone(row: Row) -> float:
    # Mean of exp(-r²/2σ²) over a disc of radius a with uniform density (Table 12.09's zone).
    a = 0.6 * MILE
    s = float(casualties.toon_sigma(row.w))
    u = a * a / (2 * s * s)
    return float((1.0 - np.exp(-u)) / u)


def _lethality_quantile(q: float) -> Callable[[Row], float]:
    z = {0.01: -2.3263478740408408, 0.99: 2.3263478740408408}[q]
    return lambda row: casualties.BLAST_MEDIAN * np.exp(z * casualties.BLAST_SIGMA_LN) / PSI


def _wind_factor_formula(row: Row) -> float:
    # The value is a formula: check both branches; return 1.0 (= "value") when they hold.
    fast = wind_factor(30 * MILE_PER_HOUR) == 1 + (30 - 15) / 60
    slow = wind_factor(9 * MILE_PER_HOUR) == 1 + (9 - 15) / 30
    return 1.0 if fast and slow else 0.0


CHECKS: dict[str, Check] = {
    "thermal_partition": Check(_partition, "rel", THERMAL),
    "effective_thermal_partition": Check(
        lambda r: float(thermal.thermal_partition(r.conditions["hob_ft"] * FOOT, r.w)),
        "rel",
        THERMAL,
    ),
    "thermal_fluence_coefficient_kft": Check(
        lambda r: float(
            thermal.radiant_exposure(10 * KILOFOOT, 5 * KILOFOOT, 1.0)
            / CAL_PER_CM2
            * (np.hypot(10, 5) ** 2)
            / (
                thermal.thermal_partition(5 * KILOFOOT, 1.0)
                * thermal.transmittance(np.hypot(10, 5) * KILOFOOT)
            )
        ),
        "rel",
        1e-9,
    ),
    "peak_overpressure": Check(
        lambda r: (
            float(
                blast.free_air_overpressure(r.conditions["slant_range_ft"] * FOOT, r.w)
                if r.burst == "free-air"
                else blast.brode_overpressure(
                    r.conditions["ground_range_ft"] * FOOT, r.conditions["hob_ft"] * FOOT, r.w
                )
            )
            / PSI
        ),
        "rel",
        BLAST,
    ),
    "ground_range_for_overpressure": Check(lambda r: _in_unit(r, _ground_range(r)), "rel", BLAST),
    "max_ground_range_for_overpressure": Check(lambda r: _in_unit(r, _opt(r)), "rel", BLAST),
    "peak_dynamic_pressure_at_shock": Check(
        lambda r: float(blast.dynamic_pressure(r.conditions["overpressure_psi"] * PSI)) / PSI,
        "abs",
        0.05,  # Table 3.07 prints whole and tenths of psi; ±0.05 psi is its rounding
    ),
    "blast_lethality_threshold": Check(_lethality_quantile(0.01), "rel", BLAST),
    "blast_lethality_100pct": Check(_lethality_quantile(0.99), "rel", BLAST),
    "fireball_radius_breakaway_coeff": Check(
        lambda r: float(fireball.breakaway_radius(1.0, contact=r.burst == "surface")) / FOOT,
        "rel",
        FIREBALL,
    ),
    "fireball_max_radius": Check(
        lambda r: float(fireball.maximum_radius(r.w)) / FOOT, "rel", FIREBALL
    ),
    "fireball_max_diameter": Check(
        lambda r: 2 * float(fireball.maximum_radius(r.w)) / FOOT, "rel", FIREBALL
    ),
    "max_hob_for_local_fallout": Check(
        lambda r: float(fireball.local_fallout_height(r.w)) / FOOT, "rel", FIREBALL
    ),
    "radiant_exposure": Check(_q_cal, "rel", THERMAL),
    "radiant_exposure_50pct_first_degree_burn": Check(_burn(thermal.Burn.FIRST), "rel", THERMAL),
    "radiant_exposure_for_second_degree_burn_medium_skin": Check(
        _burn(thermal.Burn.SECOND), "rel", THERMAL
    ),
    "radiant_exposure_50pct_second_degree_burn": Check(_burn(thermal.Burn.SECOND), "rel", THERMAL),
    "radiant_exposure_for_third_degree_burn_medium_skin": Check(
        _burn(thermal.Burn.THIRD), "rel", THERMAL
    ),
    "radiant_exposure_50pct_third_degree_burn": Check(_burn(thermal.Burn.THIRD), "rel", THERMAL),
    # The ASU rows give a range for an exposure: compare the model's exposure at that range.
    "ground_range_for_second_degree_burn": Check(
        lambda r: _asu_exposure(r) / r.conditions["radiant_exposure_cal_cm2"] * r.number,
        "rel",
        THERMAL,
    ),
    "ground_range_for_third_degree_burn": Check(
        lambda r: _asu_exposure(r) / r.conditions["radiant_exposure_cal_cm2"] * r.number,
        "rel",
        THERMAL,
    ),
    "slant_range_for_radiant_exposure": Check(
        lambda r: (
            float(
                thermal.slant_range_for_exposure(
                    r.conditions["radiant_exposure_cal_cm2"] * CAL_PER_CM2, 3000.0, r.w
                )
            )
            / KILOMETRE
        ),
        "rel",
        THERMAL,
    ),
    "neutron_dose": Check(
        lambda r: float(radiation.neutron_dose(r.conditions["slant_range_yd"] * YARD, r.w)) / RAD,
        "factor",
        RADIATION_FACTOR,
    ),
    "slant_range_for_initial_radiation_dose": Check(
        lambda r: float(radiation.slant_range_for_dose(r.conditions["dose_R"] * ROENTGEN, r.w)),
        "factor",
        RADIATION_FACTOR,
    ),
    "acute_dose_lethal_range_lower": Check(
        lambda r: 1000.0 * float(casualties.radiation_lethality(r.number * RAD)),
        "abs",
        1000.0 * CASUALTY_ABS,  # P(death) at 1,000 rem within 0.05 of 1 (Table 12.108: 100 %)
    ),
    "lethality_lognormal_median": Check(
        lambda r: casualties.RADIATION_MEDIAN / ROENTGEN, "rel", 1e-9
    ),
    "relative_dose_rate_vs_H+1": Check(
        lambda r: float(dose_rate(1.0, r.conditions["t_hours"] * HOUR)), "rel", FALLOUT
    ),
    "one_week_dose_multiplier_of_R1": Check(
        lambda r: float(
            accumulated_dose(
                1.0 / HOUR,
                r.conditions["entry_time_h"] * HOUR,
                r.conditions["entry_time_h"] * HOUR + 7 * 24 * HOUR,
            )
        ),
        "rel",
        FALLOUT,
    ),
    "fallout_contour_downwind_distance_coeff": Check(_contour_coeff, "rel", FALLOUT),
    "fallout_contour_downwind_distance": Check(_contour_downwind, "rel", FALLOUT),
    "fallout_wind_factor_formula": Check(_wind_factor_formula, "abs", 0.0, lambda r: 1.0),
    "wseg10_sigma0": Check(lambda r: _wseg(r).sigma0_mi, "rel", FALLOUT),
    "wseg10_time_constant": Check(lambda r: _wseg(r).time_constant_h, "rel", FALLOUT),
    "wseg10_cloud_center_height": Check(lambda r: _wseg(r).cloud_height_kft, "rel", FALLOUT),
    "wseg10_H+1_dose_rate_hotline": Check(
        lambda r: (
            float(_wseg(r).hotline_rate(r.conditions["downwind_mi"] * MILE)) / (ROENTGEN / HOUR)
        ),
        "rel",
        FALLOUT,
    ),
    "wseg10_contour_downwind_extent": Check(
        lambda r: (
            _wseg(r).downwind_extent(r.conditions["unit_time_dose_rate_R_h"] * ROENTGEN / HOUR)
            / MILE
        ),
        "rel",
        FALLOUT,
    ),
    "killed_fraction_in_zone": Check(_toon_zone, "abs", CASUALTY_ABS),
    "fatality_gaussian_sigma": Check(
        lambda r: float(casualties.toon_sigma(r.w)) / KILOMETRE, "rel", 1e-9
    ),
    "ota_killed_fraction_2_to_5_psi": Check(
        lambda r: float(casualties.ota_fractions(3.0 * PSI)[0]), "abs", CASUALTY_ABS
    ),
}

# Rows that no model reaches, by CSV line; docs/effects.md gives each reason.
UNREACHED: frozenset[int] = frozenset({6, 13, 33, 34, 37, 40, 55, 56, 57, 58, 59, 60, 61, 62})
