"""The JSON-ready assessment a web page will call, the population model and casualty totals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from disarm.effects import MODELS, Burst, PopulationGrid, Wind, assess, clark_city
from disarm.effects.blast import ground_range_for_overpressure, optimum_height
from disarm.effects.burst import radial_profile
from disarm.effects.casualties import ota_fractions, toon_sigma
from disarm.effects.geo import from_wind_frame, to_latlon, to_local, to_wind_frame
from disarm.effects.population import clark_scale, ground_ranges
from disarm.effects.units import MILE_PER_HOUR, PSI
from disarm.errors import BadInput


def _uniform_grid(
    lat0: float, lon0: float, half_deg: float, n: int, density_per_cell: float = 10.0
) -> PopulationGrid:
    lat = lat0 + np.linspace(half_deg, -half_deg, n)
    lon = lon0 + np.linspace(-half_deg, half_deg, n)
    counts = np.full((lat.size, lon.size), density_per_cell)
    return PopulationGrid(counts, lat, lon, source="synthetic uniform grid")


def test_assess_is_complete_and_json_ready() -> None:
    height, _ = optimum_height(5 * PSI, 15.0)
    grid = clark_city(350_000, 34.39, 132.45, name="Test city")
    result = assess(
        Burst(15.0, height), lat=34.39, lon=132.45, population=grid, wind=Wind(6.7, 90.0)
    )
    assert json.loads(json.dumps(result)) == result  # only JSON types
    assert result["schema"] == "disarm-effects/1"
    thresholds = [r["threshold"] for r in result["rings"]]
    assert thresholds == [
        "maximum radius", "20 psi", "5 psi", "1 psi", "50 % third-degree burns",
        "500 rem prompt dose",
    ]  # fmt: skip
    assert result["fallout"]["local_fallout"] is False and result["fallout"]["note"]
    killed = result["casualties"]["killed"]
    assert killed["low"] <= min(killed["by_model"].values()) <= killed["high"]
    assert killed["low"] < killed["high"]  # a band, not one number
    assert any("independent" in c for c in result["casualties"]["caveats"])
    assert "GeoNames" in result["casualties"]["population"]["source"]
    keys = {s["key"] for s in result["sources"]}
    assert {"brode-1986", "toon-gaussian", "ota-1979-bands", "clark-density"} <= keys
    assert all(k in MODELS for k in keys)


def test_surface_burst_has_fallout_polygons_downwind() -> None:
    result = assess(Burst(1000.0, 0.0), lat=46.2, lon=6.15, wind=Wind(15 * MILE_PER_HOUR, 90.0))
    contours = result["fallout"]["contours"]
    assert {c["model"] for c in contours} == {"wseg10", "enw-table-9.93"}
    for c in contours:
        poly = np.asarray(c["polygon"])
        assert poly.shape[1] == 2 and np.allclose(poly[0], poly[-1])
        # Wind toward 90° (east): the plume lies east, at about the same latitude.
        assert poly[:, 1].max() > 6.15 + 0.5 * c["downwind_m"] / 111_000 / np.cos(0.8)
    assert result["fallout"]["wseg10"]["cloud_height_m"] == pytest.approx(42.8 * 304.8, rel=1e-3)


def test_a_twenty_psi_ring_that_never_reaches_the_ground_says_so() -> None:
    height, _ = optimum_height(5 * PSI, 100.0)
    ring = next(
        r for r in assess(Burst(100.0, height), lat=0, lon=0)["rings"] if "20" in r["threshold"]
    )
    assert ring["radius_m"] is None and ring["reaches_ground"] is False
    assert "does not reach the ground" in ring["note"]


def _totals(
    burst: Burst, grid: PopulationGrid, lat0: float, lon0: float
) -> tuple[dict[str, float], float]:
    ranges = ground_ranges(grid, lat0, lon0)
    east, _ = to_local(np.full(grid.lon.shape, lat0), grid.lon, lat0, lon0)
    _, north = to_local(grid.lat, np.full(grid.lat.shape, lon0), lat0, lon0)
    cell_area = abs(east[1] - east[0]) * abs(north[1] - north[0])
    profile = radial_profile(burst, float(ranges.max()) + 1)
    return profile.totals(ranges, grid.counts), float(cell_area)


def test_uniform_population_gives_exact_zone_integrals() -> None:
    """On a uniform grid the OTA deaths equal Σ density × band area × killed fraction, and the
    Toon deaths 2πσ² × density."""
    lat0, lon0, burst = 10.0, 20.0, Burst(100.0, 0.0)
    totals, cell_area = _totals(burst, _uniform_grid(lat0, lon0, 0.05, 1001), lat0, lon0)
    edges = [float(ground_range_for_overpressure(p * PSI, 0.0, 100.0)) for p in (12, 5, 2)]
    killed_fracs = [float(ota_fractions(p * PSI)[0][()]) for p in (20, 8, 3)]
    expected, inner = 0.0, 0.0
    for edge, k in zip(edges, killed_fracs, strict=True):
        expected += k * np.pi * (edge**2 - inner**2) * 10.0 / cell_area
        inner = edge
    assert totals["ota_killed"] == pytest.approx(expected, rel=0.005)
    totals, cell_area = _totals(burst, _uniform_grid(lat0, lon0, 0.2, 801), lat0, lon0)
    s = float(toon_sigma(100.0))
    assert totals["toon"] == pytest.approx(2 * np.pi * s * s * 10.0 / cell_area, rel=0.005)


def test_profile_totals_equal_interpolated_cells() -> None:
    profile = radial_profile(Burst(50.0, 400.0), 15_000.0)
    rng = np.random.default_rng(1)
    r = rng.uniform(0, 20_000, (200, 300))
    people = rng.uniform(0, 50, r.shape)
    at = profile.at(r)
    for name, total in profile.totals(r, people).items():
        assert total == pytest.approx(float((at[name] * people).sum()), rel=1e-9)


def test_clark_city_holds_its_population() -> None:
    grid = clark_city(1_000_000, 48.85, 2.35, name="Paris")
    assert grid.total == pytest.approx(1_000_000, rel=0.01)
    assert clark_scale(1_000_000) == pytest.approx(3_500, rel=0.01)
    centre = np.unravel_index(np.argmax(grid.counts), grid.counts.shape)
    assert abs(grid.lat[centre[0]] - 48.85) < 0.01 and abs(grid.lon[centre[1]] - 2.35) < 0.01
    with pytest.raises(BadInput):
        clark_city(0, 0, 0, name="nowhere")


def test_frames_invert() -> None:
    e, n = np.array([1000.0, -250.0]), np.array([50.0, 7000.0])
    x, y = to_wind_frame(e, n, 37.0)
    assert np.allclose(from_wind_frame(x, y, 37.0), (e, n))
    lat, lon = to_latlon(e, n, 46.2, 6.1)
    assert np.allclose(to_local(lat, lon, 46.2, 6.1), (e, n))


def test_bad_bursts_are_refused() -> None:
    with pytest.raises(BadInput, match="positive"):
        Burst(-1.0)
    with pytest.raises(BadInput, match="below ground"):
        Burst(10.0, -5.0)
    with pytest.raises(BadInput, match="fission"):
        Burst(10.0, 0.0, 1.5)


def test_a_surface_burst_warns_that_the_toon_model_was_fitted_to_air_bursts() -> None:
    grid = clark_city(200_000, 46.2, 6.15, name="Test city")
    low = assess(Burst(100.0, 0.0), lat=46.2, lon=6.15, population=grid)["casualties"]
    high = assess(
        Burst(100.0, optimum_height(5 * PSI, 100.0)[0]), lat=46.2, lon=6.15, population=grid
    )["casualties"]
    assert any("fitted to air bursts" in c for c in low["caveats"])
    assert not any("fitted to air bursts" in c for c in high["caveats"])
