"""Benchmark of the effects calculator (`disarm.effects`), against per-point pure Python.

Scenarios (issue 12's acceptance limits, on the 2-core machine):
  casualty-grid  the prompt-effects casualty estimate (OTA bands, Toon Gaussian, OTA combined
                 with prompt-radiation lethality, OTA injuries) over a 1,000 x 1,000 population
                 grid around a 100 kt burst at the 5-psi optimum height: target < 0.5 s;
  wseg10-grid    WSEG-10 H+1 dose rates for a 1 Mt surface burst on 1,000 x 1,000 cells:
                 target < 1 s.

Each is timed as the best of three runs, including every step (distances from latitude and
longitude, the radial profile, the sums). The peer is a per-point pure-Python evaluation of the
SAME formulas (the `math` module, one cell at a time, as glasstone does), run in the same process
on a FULL smaller grid (200 x 200 = 40,000 cells by default) and scaled per cell to 10^6 cells:
the printed ratio compares time per cell, and says so. The pure-Python casualty peer evaluates
the Brode fit, prompt dose, OTA bands, Toon and the lethality lognormal at every cell directly;
the NumPy path samples them once on 4,096 radial points and interpolates, which is why the two
results are also compared (they agree to a fraction of a per cent). A direct NumPy evaluation of
every formula at every cell (no radial profile) is timed too.

Run: python benchmarks/bench_effects.py   (about 30 s; --peer-side 100 for a quicker peer)
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Callable

import numpy as np

from disarm.effects import Burst, PopulationGrid, casualty_estimate
from disarm.effects.blast import optimum_height
from disarm.effects.burst import effects_at
from disarm.effects.casualties import (
    OTA_BANDS,
    RADIATION_MEDIAN,
    RADIATION_SIGMA_LN,
    toon_sigma,
)
from disarm.effects.fallout import wseg10
from disarm.effects.geo import EARTH_RADIUS
from disarm.effects.population import ground_ranges
from disarm.effects.radiation import _TOTAL_A as TOTAL_A
from disarm.effects.radiation import RELAXATION_LENGTH
from disarm.effects.units import KILOFOOT, MILE, MILE_PER_HOUR, PSI, RAD


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def city_grid(side: int, lat0: float, lon0: float, half_deg: float = 0.25) -> PopulationGrid:
    lat = lat0 + np.linspace(half_deg, -half_deg, side)
    lon = lon0 + np.linspace(-half_deg, half_deg, side)
    dy = (lat[:, None] - lat0) * 111_195.0
    dx = (lon[None, :] - lon0) * 111_195.0 * math.cos(math.radians(lat0))
    counts = 13_000e-6 * np.exp(-np.hypot(dx, dy) / 3_500.0) * (0.5 / side * 111_195.0) ** 2
    return PopulationGrid(counts, lat, lon, source="synthetic Clark city, 1 million people")


# ------------------------------------------------------------------ pure-Python peers


def _brode_psi(x: float, y: float) -> float:
    x = max(x, 1e-6)
    r = math.hypot(x, y)
    z = min(y / x, 1e3)
    a = 1.22 - 3.908 * z**2 / (1 + 810.2 * z**5)
    b = (
        2.321
        + 6.195 * z**18 / (1 + 1.113 * z**18)
        - 0.03831 * z**17 / (1 + 0.02415 * z**17)
        + 0.6692 / (1 + 4164 * z**8)
    )
    c = 4.153 - 1.149 * z**18 / (1 + 1.641 * z**18) - 1.1 / (1 + 2.771 * z**2.5)
    d = -4.166 + 25.76 * z**1.75 / (1 + 1.382 * z**18) + 8.257 * z / (1 + 3.219 * z)
    e = 1 - 0.004642 * z**18 / (1 + 0.003886 * z**18)
    f = 0.6096 + 2.879 * z**9.25 / (1 + 2.359 * z**14.5) - 17.5 * z**2 / (1 + 71.66 * z**3)
    g = 1.83 + 5.361 * z**2 / (1 + 0.3139 * z**6)
    h = (
        8.808 * z**1.5 / (1 + 154.5 * z**3.5)
        - (0.2905 + 64.67 * z**5) / (1 + 441.5 * z**5)
        - 1.389 * z / (1 + 49.03 * z**5)
        + 1.094 * r * r / ((781.2 - 123.4 * r + 37.98 * r**1.5 + r * r) * (1 + 2 * y))
    )
    j = 0.000629 * y**4 / (3.493e-9 + y**4) - 2.67 * y**2 / (1 + 1e7 * y**4.3)
    k = 5.18 + 0.2803 * y**3.5 / (3.788e-6 + y**4)
    return 10.47 / r**a + b / r**c + d * e / (1 + f * r**g) + h + j / r**k


def python_casualties(
    grid: PopulationGrid, lat0: float, lon0: float, burst: Burst
) -> dict[str, float]:
    m = burst.yield_kt ** (1 / 3)
    y = burst.height_m / KILOFOOT / m
    sigma = float(toon_sigma(burst.yield_kt))
    kx = math.pi / 180 * EARTH_RADIUS * math.cos(math.radians(lat0))
    ky = math.pi / 180 * EARTH_RADIUS
    totals = {"ota_killed": 0.0, "ota_injured": 0.0, "toon": 0.0, "combined": 0.0}
    for i, lat in enumerate(grid.lat.tolist()):
        row = grid.counts[i].tolist()
        for j, lon in enumerate(grid.lon.tolist()):
            people = row[j]
            r = math.hypot((lon - lon0) * kx, (lat - lat0) * ky)
            p = _brode_psi(r / KILOFOOT / m, y)
            killed = injured = 0.0
            for band in OTA_BANDS:
                if band.low_psi <= p < band.high_psi:
                    killed, injured = band.killed, band.injured
            slant = max(math.hypot(r, burst.height_m), 1.0)
            per_kt = TOTAL_A * math.exp(-slant / RELAXATION_LENGTH) / (slant * slant)
            dose = burst.yield_kt * per_kt * RAD  # neutron + gamma (not a contact burst)
            z = math.log(max(dose, 1e-300) / RADIATION_MEDIAN) / RADIATION_SIGMA_LN
            p_rad = 0.5 * math.erfc(-z / math.sqrt(2))
            totals["ota_killed"] += people * killed
            totals["ota_injured"] += people * injured
            totals["toon"] += people * math.exp(-0.5 * (r / sigma) ** 2)
            totals["combined"] += people * (1 - (1 - killed) * (1 - p_rad))
    return totals


def python_wseg10(model: object, xs: list[float], ys: list[float]) -> float:
    """Σ of D_H+1 (R/h) over the cells, evaluated one point at a time with `math`."""
    w = model  # a Wseg10; attributes read once, as a per-point code would
    s0, sx, lg, l0 = w.sigma0_mi, w.sigma_x_mi, w.l_mi, w.l0_mi  # type: ignore[attr-defined]
    tc, sh, sr = w.time_constant_h, w.sigma_h_kft, w.shear_mph_kft  # type: ignore[attr-defined]
    n, a1, hc, v = w.n, w.alpha1, w.cloud_height_kft, w.wind_mph  # type: ignore[attr-defined]
    act = 2e6 * w.yield_mt * w.fission_fraction  # type: ignore[attr-defined]
    gam = math.gamma(1 + 1 / n)
    total = 0.0
    for y in ys:
        for x in xs:
            g = math.exp(-((abs(x) / lg) ** n)) / (lg * gam)
            phi = 0.5 * math.erfc(-((l0 / lg) * x / (a1 * sx)) / math.sqrt(2))
            xs2 = x + 2 * sx
            sy = math.sqrt(
                s0 * s0 * (1 + 8 * abs(xs2) / lg)
                + 2 * (sx * tc * sh * sr) ** 2 / lg**2
                + (xs2 * l0 * tc * sh * sr) ** 2 / lg**4
            )
            k = 0.001 * hc * v / s0
            a2 = 1 / (1 + k * (1 - 0.5 * math.erfc(-(2 * x / v) / math.sqrt(2))))
            fy = math.exp(-0.5 * (y / (a2 * sy)) ** 2) / (math.sqrt(2 * math.pi) * sy)
            total += act * phi * g * fy
    return total


# ------------------------------------------------------------------ scenarios


def casualty_scenario(peer_side: int) -> None:
    lat0, lon0 = 46.2, 6.15
    height, _ = optimum_height(5 * PSI, 100.0)
    burst = Burst(100.0, height)
    grid = city_grid(1000, lat0, lon0)
    t_numpy = best_of(lambda: casualty_estimate(burst, grid, lat0, lon0))
    ranges = ground_ranges(grid, lat0, lon0)
    t_direct = best_of(lambda: effects_at(burst, ranges), repeats=1)
    small = city_grid(peer_side, lat0, lon0)
    start = time.perf_counter()
    peer = python_casualties(small, lat0, lon0, burst)
    t_peer = time.perf_counter() - start
    ours = casualty_estimate(burst, small, lat0, lon0)["killed"]["by_model"]
    per_cell_peer = t_peer / small.counts.size
    per_cell_ours = t_numpy / grid.counts.size
    print("casualty-grid: 1,000 x 1,000 cells, 100 kt at the 5-psi optimum height")
    print(f"  disarm (radial profile + bincount)   {t_numpy:8.3f} s   target < 0.5 s")
    print(f"  direct NumPy, every formula per cell {t_direct:8.3f} s   (effects_at, 18 fields)")
    print(
        f"  pure Python per point, {peer_side}x{peer_side} full grid {t_peer:8.2f} s"
        f" -> {per_cell_peer * 1e6:.1f} µs/cell, {per_cell_peer * 1e6:.1f} s per 10^6 cells"
        " (scaled per cell)"
    )
    print(f"  ratio per cell: {per_cell_peer / per_cell_ours:,.0f}x")
    agree = max(
        abs(ours["ota-1979-bands"] / peer["ota_killed"] - 1),
        abs(ours["toon-gaussian"] / peer["toon"] - 1),
        abs(ours["ota-1979-bands+radiation-lethality"] / peer["combined"] - 1),
    )
    print(f"  largest difference from the per-point totals on the small grid: {agree:.2%}")


def wseg_scenario(peer_side: int) -> None:
    model = wseg10(1000.0, 15 * MILE_PER_HOUR)
    x = np.linspace(-20 * MILE, 400 * MILE, 1000)
    y = np.linspace(-60 * MILE, 60 * MILE, 1000)
    t_numpy = best_of(lambda: model.dose_rate_h1(x[None, :], y[:, None]))
    # A map whose grid is not aligned with the wind: every term differs per cell.
    east, north = np.meshgrid(x, y)
    turn = np.radians(30.0)
    xr = east * np.cos(turn) + north * np.sin(turn)
    yr = -east * np.sin(turn) + north * np.cos(turn)
    t_rotated = best_of(lambda: model.dose_rate_h1(xr, yr))
    xs = np.linspace(-20, 400, peer_side).tolist()
    ys = np.linspace(-60, 60, peer_side).tolist()
    start = time.perf_counter()
    peer_sum = python_wseg10(model, xs, ys)
    t_peer = time.perf_counter() - start
    ours_sum = float(
        model.dose_rate_h1(np.asarray(xs)[None, :] * MILE, np.asarray(ys)[:, None] * MILE).sum()
        / (0.01 / 3600)
    )
    per_cell_peer = t_peer / peer_side**2
    per_cell_ours = t_rotated / 1e6
    print("wseg10-grid: 1 Mt surface burst, 15 mph, H+1 dose rate on 1,000 x 1,000 cells")
    print(f"  disarm, grid aligned with the wind   {t_numpy:8.3f} s   (downwind terms per column)")
    print(f"  disarm, grid at 30° to the wind      {t_rotated:8.3f} s   target < 1 s")
    print(
        f"  pure Python per point, {peer_side}x{peer_side} full grid {t_peer:8.2f} s"
        f" -> {per_cell_peer * 1e6:.1f} µs/cell, {per_cell_peer * 1e6:.1f} s per 10^6 cells"
        " (scaled per cell)"
    )
    print(f"  ratio per cell (against the 30° grid): {per_cell_peer / per_cell_ours:,.0f}x")
    print(f"  same field: relative difference of the sums {abs(ours_sum / peer_sum - 1):.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-side", type=int, default=200, help="side of the peer's grid")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min), cpus: {os.cpu_count()}")
    casualty_scenario(args.peer_side)
    wseg_scenario(args.peer_side)
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
