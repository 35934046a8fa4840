"""The complete, JSON-ready assessment of one detonation: what a web page or the CLI shows.

`assess` returns plain dictionaries, lists, strings and floats (no NumPy types): the rings with
their models, the fallout contours as latitude/longitude polygons, the casualty band with its
population source and caveats, and the sources of every model used. It is the function the
dashboard's API will call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from disarm.effects import blast, casualties
from disarm.effects.burst import Burst, radial_profile, rings
from disarm.effects.fallout.idealised import idealised_contour
from disarm.effects.fallout.wseg10 import DEFAULT_SHEAR, wseg10
from disarm.effects.geo import from_wind_frame, to_latlon
from disarm.effects.population import PopulationGrid, ground_ranges
from disarm.effects.sources import MODELS, sources_for
from disarm.effects.units import HOUR, PSI, RAD, FloatArray

__all__ = [
    "FALLOUT_RATES_RAD_H",
    "GENERAL_CAVEATS",
    "SCHEMA",
    "Wind",
    "assess",
    "casualty_estimate",
    "fallout_summary",
]

SCHEMA = "disarm-effects/1"
FALLOUT_RATES_RAD_H: tuple[float, ...] = (1000.0, 100.0, 10.0, 1.0)
GENERAL_CAVEATS: tuple[str, ...] = (
    "Effects are for an ideal flat surface at sea level in clear air (12-mile visibility): "
    "terrain, buildings, weather and season change every figure.",
    "Each figure carries its model's stated accuracy (see sources); none is a prediction.",
)
CASUALTY_CAVEATS: tuple[str, ...] = (
    "Casualties exclude fallout, mass fires, the collapse of medical care and later deaths; "
    "they are a band across models, not one number.",
    casualties.COMBINATION_CAVEAT,
)


@dataclass(frozen=True, slots=True)
class Wind:
    """A single effective fallout wind: speed (m/s), bearing it blows TOWARD, shear (1/s)."""

    speed_m_s: float
    toward_deg: float
    shear_per_s: float = DEFAULT_SHEAR


def _polygon_latlon(
    xy: FloatArray, wind: Wind, lat0: float, lon0: float, digits: int = 5
) -> list[list[float]]:
    east, north = from_wind_frame(xy[:, 0], xy[:, 1], wind.toward_deg)
    lat, lon = to_latlon(east, north, lat0, lon0)
    pairs = zip(lat.tolist(), lon.tolist(), strict=True)
    return [[round(a, digits), round(b, digits)] for a, b in pairs]


def fallout_summary(
    burst: Burst,
    wind: Wind,
    lat0: float,
    lon0: float,
    rates_rad_h: tuple[float, ...] = FALLOUT_RATES_RAD_H,
) -> dict[str, Any]:
    """Idealised (ENW Table 9.93) and WSEG-10 contours of the H+1 dose rate, as polygons."""
    if not burst.local_fallout:
        return {
            "local_fallout": False,
            "note": "the fireball does not touch the ground at this height: no significant "
            "local fallout (ENW §2.128)",
            "contours": [],
        }
    model = wseg10(
        burst.yield_kt,
        wind.speed_m_s,
        fission_fraction=burst.fission_fraction,
        shear_per_s=wind.shear_per_s,
    )
    contours: list[dict[str, Any]] = []
    for rate in rates_rad_h:
        level = rate * RAD / HOUR
        ideal = idealised_contour(
            level,
            burst.yield_kt,
            fission_fraction=burst.fission_fraction,
            wind_m_s=wind.speed_m_s,
        )
        if ideal is not None:
            contours.append(
                {
                    "model": "enw-table-9.93",
                    "rate_h1_rad_h": rate,
                    "downwind_m": ideal.downwind_m,
                    "max_width_m": ideal.max_width_m,
                    "gz_width_m": ideal.gz_width_m,
                    "polygon": _polygon_latlon(ideal.polygon(), wind, lat0, lon0),
                }
            )
        extent = model.downwind_extent(level)
        if np.isfinite(extent):
            contours.append(
                {
                    "model": "wseg10",
                    "rate_h1_rad_h": rate,
                    "downwind_m": extent,
                    "polygon": _polygon_latlon(model.contour(level), wind, lat0, lon0),
                }
            )
    note = ""
    if not burst.contact:
        note = "Table 9.93 and WSEG-10 describe surface bursts; this burst is above ground"
    return {
        "local_fallout": True,
        "note": note,
        "wind": {
            "speed_m_s": wind.speed_m_s,
            "toward_deg": wind.toward_deg,
            "shear_per_s": wind.shear_per_s,
        },
        "wseg10": {
            "cloud_height_m": model.cloud_height_kft * 304.8,
            "time_constant_s": model.time_constant_h * HOUR,
        },
        "contours": contours,
    }


def _profile_range(burst: Burst, ranges: FloatArray) -> float:
    one_psi = float(blast.ground_range_for_overpressure(PSI, burst.height_m, burst.yield_kt))
    reach = max(
        4.0 * (one_psi if np.isfinite(one_psi) else 0.0),
        8.0 * float(casualties.toon_sigma(burst.yield_kt)),
        1000.0,
    )
    return float(min(float(ranges.max()) + 1.0, reach))


def casualty_estimate(
    burst: Burst, grid: PopulationGrid, lat0: float, lon0: float
) -> dict[str, Any]:
    """Killed and injured over `grid` by each model, the band across models, and the caveats."""
    ranges = ground_ranges(grid, lat0, lon0)
    profile = radial_profile(burst, _profile_range(burst, ranges))
    totals = profile.totals(ranges, grid.counts)
    killed = {
        "ota-1979-bands": totals["ota_killed"],
        "toon-gaussian": totals["toon"],
        "ota-1979-bands+radiation-lethality": totals["combined"],
    }
    values = list(killed.values())
    return {
        "population": {
            "source": grid.source,
            "total": grid.total,
            "cells": int(grid.counts.size),
        },
        "killed": {"low": min(values), "high": max(values), "by_model": killed},
        "injured": {
            "low": totals["ota_injured"],
            "high": totals["ota_injured"],
            "by_model": {"ota-1979-bands": totals["ota_injured"]},
            "note": "only the OTA bands estimate injuries",
        },
        "caveats": [*grid.caveats, *CASUALTY_CAVEATS, *_burst_caveats(burst)],
    }


def _burst_caveats(burst: Burst) -> list[str]:
    if burst.height_m > float(blast.optimum_height(5.0 * PSI, burst.yield_kt)[0]) * 0.5:
        return []
    return [
        "The Toon Gaussian was fitted to air bursts near the 5-psi optimum height; for a burst "
        "this low, whose blast reaches less far, it overstates the deaths."
    ]


def assess(
    burst: Burst,
    *,
    lat: float,
    lon: float,
    wind: Wind | None = None,
    population: PopulationGrid | None = None,
    place: str = "",
) -> dict[str, Any]:
    """Everything a page shows about one detonation, JSON-ready (schema `disarm-effects/1`)."""
    used = ["fireball-enw", "brode-1986", "thermal-enw", "prompt-radiation"]
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "burst": {
            "yield_kt": burst.yield_kt,
            "height_m": burst.height_m,
            "contact": burst.contact,
            "fission_fraction": burst.fission_fraction,
            "lat": lat,
            "lon": lon,
            "place": place,
        },
        "rings": [r.as_dict() for r in rings(burst)],
        "fallout": None,
        "casualties": None,
        "caveats": list(GENERAL_CAVEATS),
    }
    if wind is not None:
        result["fallout"] = fallout_summary(burst, wind, lat, lon)
        if result["fallout"]["local_fallout"]:
            used += ["wseg10", "enw-table-9.93", "decay-t-1.2"]
    if population is not None:
        result["casualties"] = casualty_estimate(burst, population, lat, lon)
        used += ["ota-1979-bands", "toon-gaussian", "radiation-lethality"]
        if "GeoNames" in population.source:
            used.append("clark-density")
    result["sources"] = sources_for(*(k for k in used if k in MODELS))
    return result
