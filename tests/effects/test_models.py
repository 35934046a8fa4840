"""Checks of single models beyond the reference table: independent cross-checks and edges."""

from __future__ import annotations

import numpy as np
import pytest

from disarm.effects import blast, casualties, fireball, radiation, thermal
from disarm.effects.fallout import accumulated_dose, dose_rate, idealised_contour, wind_factor
from disarm.effects.units import CAL_PER_CM2, FOOT, HOUR, MILE_PER_HOUR, PSI, RAD, ROENTGEN
from disarm.errors import BadInput


def test_prompt_radiation_cross_checks_not_used_in_the_fit() -> None:
    # glasstone's Soviet curves: 500 R at about 830 m (1 kt) and 1.22 km (10 kt).
    assert radiation.slant_range_for_dose(500 * ROENTGEN, 1.0) == pytest.approx(830, rel=0.05)
    assert radiation.slant_range_for_dose(500 * ROENTGEN, 10.0) == pytest.approx(1220, rel=0.05)
    assert radiation.neutron_dose(1000.0, 1.0, contact=True) == pytest.approx(
        0.5 * radiation.neutron_dose(1000.0, 1.0)
    )


def test_table_3_07_peak_winds() -> None:
    assert blast.particle_speed(20 * PSI) / MILE_PER_HOUR == pytest.approx(502, rel=0.01)
    assert blast.particle_speed(2 * PSI) / MILE_PER_HOUR == pytest.approx(70, rel=0.01)
    # Normal reflection doubles a weak shock and tends to 8× for a strong one.
    assert blast.reflected_overpressure(0.01 * PSI) / (0.01 * PSI) == pytest.approx(2, rel=1e-3)
    assert blast.reflected_overpressure(1e6 * PSI) / (1e6 * PSI) == pytest.approx(8, rel=1e-3)


def test_optimum_height_is_flat_and_surface_is_shorter() -> None:
    height, reach = blast.optimum_height(5 * PSI, 1.0)
    surface = float(blast.ground_range_for_overpressure(5 * PSI, 0.0, 1.0))
    assert surface < reach
    for factor in (0.9, 1.1):
        nearby = float(blast.ground_range_for_overpressure(5 * PSI, factor * height, 1.0))
        assert nearby == pytest.approx(reach, rel=0.02)


def test_fireball_and_local_fallout() -> None:
    assert fireball.breakaway_radius(1.0, contact=True) / FOOT == pytest.approx(145)
    assert bool(fireball.local_fallout(0.0, 15.0)) is True
    assert bool(fireball.local_fallout(600.0, 15.0)) is False  # Hiroshima: no local fallout


def test_burn_probability_is_one_half_at_the_threshold() -> None:
    for burn in thermal.Burn:
        q = thermal.burn_threshold(100.0, burn)
        assert thermal.burn_probability(q, 100.0, burn) == pytest.approx(0.5)
    # Thresholds rise with yield (ENW Fig. 12.64).
    assert thermal.burn_threshold(1000.0) > thermal.burn_threshold(1.0) * 1.5
    assert thermal.thermal_pulse_peak_time(1000.0) == pytest.approx(0.0417 * 1000**0.44)
    assert thermal.radiant_exposure(5000.0, 0.0, 100.0) < thermal.radiant_exposure(
        5000.0, 500.0, 100.0
    )  # a contact burst radiates less (Table 7.101)


def test_lethality_curves() -> None:
    assert casualties.direct_blast_lethality(62 * PSI) == pytest.approx(0.5)
    assert casualties.radiation_lethality(450 * ROENTGEN) == pytest.approx(0.5)
    assert casualties.combine(0.5, 0.5) == pytest.approx(0.75)
    killed, injured = casualties.ota_fractions(np.array([0.5, 1.5, 3, 8, 20]) * PSI)
    assert killed.tolist() == [0, 0, 0.05, 0.5, 0.98]
    assert injured.tolist() == [0, 0.25, 0.45, 0.4, 0.02]


def test_decay_and_dose() -> None:
    assert dose_rate(100.0, 7 * HOUR) == pytest.approx(100 * 7**-1.2)
    assert accumulated_dose(1.0, HOUR) == pytest.approx(5 * HOUR)  # to infinity: 5 R1 · 1 h
    with pytest.raises(BadInput):
        accumulated_dose(1.0, 0.0)


def test_idealised_contours_outside_the_table_and_wind() -> None:
    assert idealised_contour(5000 * RAD / HOUR, 1000.0) is None
    assert idealised_contour(0.5 * RAD / HOUR, 1000.0) is None
    half = idealised_contour(100 * RAD / HOUR, 1000.0, fission_fraction=0.5)
    full = idealised_contour(200 * RAD / HOUR, 1000.0)
    assert half is not None and full is not None
    assert half.downwind_m == pytest.approx(full.downwind_m)
    assert wind_factor(15 * MILE_PER_HOUR) == pytest.approx(1.0)
    poly = full.polygon()
    assert poly[:, 0].max() == pytest.approx(full.downwind_m, rel=1e-3)
    assert 2 * poly[:, 1].max() == pytest.approx(full.max_width_m, rel=1e-2)


def test_exposure_units() -> None:
    # 1 cal/cm² is 41,840 J/m².
    assert pytest.approx(4.184 / 1e-4) == CAL_PER_CM2
