"""Maps for `disarm effects`: rings over the city and fallout contours, with a scale bar and a
legend, drawn with matplotlib on a local plane (km east and north of ground zero)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from disarm.effects.geo import to_local
from disarm.effects.population import PopulationGrid
from disarm.errors import BadInput
from disarm.store.directory import write_atomic

__all__ = ["PLOT_SUFFIXES", "check_plot_path", "write_map"]

PLOT_SUFFIXES = (".png", ".svg")
_RING_COLOURS = {
    "fireball": "#ffb000",
    "20 psi": "#7f0000",
    "5 psi": "#d7301f",
    "1 psi": "#fc8d59",
    "50 % third-degree burns": "#ff7f00",
    "500 rem prompt dose": "#1b9e77",
}


def check_plot_path(path: Path | None) -> None:
    """Refuse a plot path with the wrong suffix or in a missing directory, before any work."""
    if path is None:
        return
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise BadInput(f"the plot file {path} must end in .png or .svg")
    if not path.resolve().parent.is_dir():
        raise BadInput(f"the directory of the plot file {path} does not exist")


def _scale_bar(ax: Any, extent_km: float) -> None:
    from mpl_toolkits.axes_grid1.anchored_artists import (  # type: ignore[import-untyped,unused-ignore]
        AnchoredSizeBar,
    )

    raw = extent_km / 4.0
    nice = float(10 ** np.floor(np.log10(raw)))
    for step in (1.0, 2.0, 5.0):
        if step * nice <= raw:
            length = step * nice
    label = f"{length:g} km" if length >= 1 else f"{length * 1000:g} m"
    bar = AnchoredSizeBar(ax.transData, length, label, "lower right", pad=0.5, frameon=True)
    ax.add_artist(bar)


def write_map(path: Path, result: dict[str, Any], population: PopulationGrid | None) -> None:
    """Draw the rings, fallout contours and population of an `assess` result to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm
    from matplotlib.patches import Circle

    burst = result["burst"]
    lat0, lon0 = float(burst["lat"]), float(burst["lon"])
    fig, ax = plt.subplots(figsize=(8, 8))
    radii = [r["radius_m"] for r in result["rings"] if r["radius_m"] is not None]
    reach = 1.3 * max(radii) / 1000.0
    box = [-reach, reach, -reach, reach]  # x min, x max, y min, y max (km)
    if population is not None:
        east, _ = to_local(np.full(population.lon.shape, lat0), population.lon, lat0, lon0)
        _, north = to_local(population.lat, np.full(population.lat.shape, lon0), lat0, lon0)
        counts = np.where(population.counts > 0, population.counts, np.nan)
        mesh = ax.pcolormesh(
            east / 1000.0,
            north / 1000.0,
            counts,
            cmap="YlGnBu",
            norm=LogNorm(),
            shading="auto",
            alpha=0.7,
        )
        fig.colorbar(mesh, ax=ax, shrink=0.6, label="people per cell")
    fallout = result.get("fallout") or {}
    styles = {"enw-table-9.93": "-", "wseg10": "--"}
    cmap = plt.get_cmap("viridis")
    rates = sorted({c["rate_h1_rad_h"] for c in fallout.get("contours", [])}, reverse=True)
    for contour in fallout.get("contours", []):
        poly = np.asarray(contour["polygon"], dtype=float)
        e, n = to_local(poly[:, 0], poly[:, 1], lat0, lon0)
        colour = cmap(rates.index(contour["rate_h1_rad_h"]) / max(len(rates) - 1, 1))
        label = f"{contour['rate_h1_rad_h']:g} rad/h at H+1 ({contour['model']})"
        ax.plot(e / 1000.0, n / 1000.0, styles[contour["model"]], color=colour, label=label)
        box = [
            min(box[0], float(e.min()) / 1000.0),
            max(box[1], float(e.max()) / 1000.0),
            min(box[2], float(n.min()) / 1000.0),
            max(box[3], float(n.max()) / 1000.0),
        ]
    for ring in result["rings"]:
        if ring["radius_m"] is None:
            continue
        key = ring["threshold"] if ring["effect"] != "fireball" else "fireball"
        circle = Circle(
            (0.0, 0.0),
            ring["radius_m"] / 1000.0,
            fill=False,
            lw=2,
            color=_RING_COLOURS.get(key, "black"),
            label=f"{ring['threshold'] if key != 'fireball' else 'fireball (max.)'}: "
            f"{ring['radius_m'] / 1000.0:.2f} km",
        )
        ax.add_patch(circle)
    ax.plot([0], [0], "k+", ms=10)
    margin = 0.05 * max(box[1] - box[0], box[3] - box[2])
    ax.set_xlim(box[0] - margin, box[1] + margin)
    ax.set_ylim(box[2] - margin, box[3] + margin)
    ax.set_aspect("equal")
    ax.set_xlabel("km east of ground zero")
    ax.set_ylabel("km north of ground zero")
    place = burst.get("place") or f"{lat0:.4f}, {lon0:.4f}"
    height = "surface burst" if burst["contact"] else f"burst at {burst['height_m']:.0f} m"
    ax.set_title(f"{burst['yield_kt']:g} kt, {height}, {place}")
    _scale_bar(ax, max(box[1] - box[0], box[3] - box[2]))
    ax.legend(loc="upper left", fontsize=7, framealpha=0.85)
    casualties = result.get("casualties")
    note = "Ideal flat surface, sea level, clear air. Estimates, not predictions."
    if casualties:
        k = casualties["killed"]
        note = f"Killed: {k['low']:,.0f}–{k['high']:,.0f} (band across models). " + note
    fig.text(0.01, 0.01, note, fontsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix[1:].lower(), dpi=120, bbox_inches="tight")
    plt.close(fig)
    write_atomic(path, buffer.getvalue(), durable=True)
