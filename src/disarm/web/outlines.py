"""Country outlines for the offline maps: TopoJSON decoding, the Equal Earth projection and
Douglas-Peucker simplification, in plain Python.

The outlines are Natural Earth 1:110m (public domain) as redistributed in the npm package
``world-atlas`` 2.0.2 (ISC), bundled unmodified in ``disarm/web/data/``; see
``disarm/web/data/SOURCES.md`` and ``docs/treaties.md``. Simplifying the shared arcs of the
topology, not each country's rings, keeps neighbouring borders identical (no gaps or slivers).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

Point = tuple[float, float]
Ring = list[Point]

DATA: Final = "data"
OUTLINES_FILE: Final = "countries-110m.json"
IDS_FILE: Final = "outline_ids.csv"
SMALL_STATES_FILE: Final = "small_states.csv"

# Equal Earth (Šavrič, Patterson & Jenny 2018, doi:10.1080/13658816.2018.1504949).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3.0) / 2.0


def equal_earth(lon: float, lat: float) -> Point:
    """Equal Earth projection of (`lon`, `lat`) in degrees, on the unit sphere (y north-up)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: keep the points farther than `tolerance` from the simplified line.

    The first and last points are always kept, so shared arc ends still meet.
    """
    return [p for p, k in zip(points, kept(points, tolerance), strict=True) if k]


def kept(points: Sequence[Point], tolerance: float) -> list[bool]:
    """Which of `points` Douglas-Peucker keeps at `tolerance` (see `simplify`)."""
    n = len(points)
    if n <= 2 or tolerance <= 0:
        return [True] * n
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0.0:
                d = math.hypot(px - x1, py - y1)
            else:
                d = abs(dy * (px - x1) - dx * (py - y1)) / norm
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return keep


def _crosses(p: Point, q: Point) -> bool:
    return abs(q[0] - p[0]) > 180.0


def cut_antimeridian(ring: Ring, step: float = 2.0) -> list[Ring]:
    """Split a closed lon/lat ring where it crosses the 180th meridian.

    Each piece is closed along the meridian (a point every `step` degrees of latitude, so
    the closing edge follows the projection's curved outline). A ring that does not cross is
    returned as it is.
    """
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    n = len(pts)
    cuts = [i for i in range(n) if _crosses(pts[i], pts[(i + 1) % n])]
    if not cuts:
        return [list(ring)]
    start = cuts[0] + 1
    pts = pts[start:] + pts[:start]  # now the ring begins just after a crossing
    pieces: list[Ring] = []
    current: Ring = []
    for i, p in enumerate(pts):
        q = pts[(i + 1) % n]
        current.append(p)
        if _crosses(p, q):
            side = 180.0 if p[0] > 0 else -180.0
            qx = q[0] + (360.0 if side > 0 else -360.0)
            t = (side - p[0]) / (qx - p[0]) if qx != p[0] else 0.0
            lat = p[1] + t * (q[1] - p[1])
            if p[0] != side:
                current.append((side, lat))
            pieces.append(current)
            current = [(-side, lat)] if q[0] != -side else []
    if current:
        pieces.append(current)
    return [_close_on_meridian(piece, step) for piece in pieces if len(piece) >= 2]


def _close_on_meridian(piece: Ring, step: float) -> Ring:
    (x_end, y_end), (_, y_start) = piece[-1], piece[0]
    out = list(piece)
    count = int(abs(y_start - y_end) // step)
    direction = 1.0 if y_start > y_end else -1.0
    out.extend((x_end, y_end + direction * step * k) for k in range(1, count + 1))
    out.append(piece[0])
    return out


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """The topology's arcs as lists of (lon, lat), undoing quantisation and delta encoding."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        ring: Ring = []
        for p in arc:
            x += p[0]
            y += p[1]
            ring.append((x * sx + tx, y * sy + ty))
        arcs.append(ring)
    return arcs


def stitch(arcs: Sequence[Ring], refs: Sequence[int]) -> Ring:
    """One ring from arc references (``~i`` = arc ``i`` reversed), without repeated joints."""
    ring: Ring = []
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A Polygon/MultiPolygon geometry's arc references as a list of polygons of rings."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


@dataclass(frozen=True, slots=True)
class Feature:
    """One outline: its ISO 3166-1 numeric id, alpha-3 code (None if it has none) and rings."""

    numeric: str | None
    iso3: str | None
    name: str
    rings: tuple[Ring, ...]


@dataclass(frozen=True, slots=True)
class Marker:
    """A state too small for the 1:110m outlines, drawn as a dot at (lon, lat)."""

    iso3: str
    name: str
    lon: float
    lat: float


def _text(name: str) -> str:
    return resources.files("disarm.web").joinpath(DATA, name).read_text(encoding="utf-8")


@cache
def topology() -> dict[str, Any]:
    """The bundled Natural Earth 1:110m TopoJSON (world-atlas 2.0.2), unmodified."""
    value: dict[str, Any] = json.loads(_text(OUTLINES_FILE))
    return value


@cache
def outline_ids() -> dict[str, str]:
    """ISO 3166-1 numeric code (as in the TopoJSON ids) to alpha-3."""
    rows = csv.DictReader(io.StringIO(_text(IDS_FILE)))
    return {r["numeric"]: r["iso3"] for r in rows}


@cache
def small_states() -> tuple[Marker, ...]:
    """States in the treaty data that the 1:110m outlines omit, with a point to mark them."""
    rows = csv.DictReader(io.StringIO(_text(SMALL_STATES_FILE)))
    return tuple(Marker(r["iso3"], r["name"], float(r["lon"]), float(r["lat"])) for r in rows)


def features(
    project: Callable[[float, float], Point], tolerance: float, *, skip: frozenset[str]
) -> list[Feature]:
    """The country outlines projected with `project` and simplified to `tolerance`.

    Arcs are simplified in projected coordinates (arcs that cross the 180th meridian are
    kept whole), rings are stitched and cut at the 180th meridian in longitude and latitude,
    then projected. Features whose alpha-3 code is in `skip` (e.g. ``ATA``) are left out.
    Rings that simplify to fewer than four points (tiny islands) are dropped; a country keeps
    at least its largest ring.
    """
    topo = topology()
    arcs: list[Ring] = []
    for arc in decode_arcs(topo):
        if any(_crosses(p, q) for p, q in itertools.pairwise(arc)):
            arcs.append(arc)
            continue
        keep = kept([project(*p) for p in arc], tolerance)
        arcs.append([p for p, k in zip(arc, keep, strict=True) if k])
    ids = outline_ids()
    out: list[Feature] = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        iso3 = ids.get(str(numeric)) if numeric is not None else None
        if iso3 in skip:
            continue
        rings = [
            [project(*p) for p in piece]
            for polygon in polygons(geometry)
            for refs in polygon
            for piece in cut_antimeridian(stitch(arcs, refs))
        ]
        big = [r for r in rings if len(r) >= 4]
        if not big and rings:
            big = [max(rings, key=len)]
        name = str(geometry.get("properties", {}).get("name", ""))
        out.append(Feature(numeric, iso3, name, tuple(big)))
    return out
