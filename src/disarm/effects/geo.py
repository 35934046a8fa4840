"""Local plane coordinates around ground zero, and the wind frame.

Effects are computed on a local tangent plane: east and north offsets in metres from ground
zero, from latitude and longitude by the equirectangular approximation (mean Earth radius). The
distance error is below 0.5 % within 300 km of ground zero at latitudes below 60°, which covers
every prompt effect; long fallout plumes (over 500 km) are drawn with a growing distortion.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from disarm.effects.units import FloatArray, as_array

__all__ = ["EARTH_RADIUS", "from_wind_frame", "to_latlon", "to_local", "to_wind_frame"]

EARTH_RADIUS = 6_371_008.8  # m, IUGG mean radius


def to_local(lat: Any, lon: Any, lat0: float, lon0: float) -> tuple[FloatArray, FloatArray]:
    """East and north offsets (m) of (lat, lon) from (lat0, lon0), in degrees."""
    k = np.pi / 180.0 * EARTH_RADIUS
    dlon = (as_array(lon) - lon0 + 180.0) % 360.0 - 180.0
    east: FloatArray = dlon * k * np.cos(np.radians(lat0))
    north: FloatArray = (as_array(lat) - lat0) * k
    return east, north


def to_latlon(east: Any, north: Any, lat0: float, lon0: float) -> tuple[FloatArray, FloatArray]:
    """Inverse of `to_local`: latitude and longitude (degrees) of local offsets (m)."""
    k = np.pi / 180.0 * EARTH_RADIUS
    lat: FloatArray = lat0 + as_array(north) / k
    lon: FloatArray = lon0 + as_array(east) / (k * np.cos(np.radians(lat0)))
    return lat, lon


def to_wind_frame(east: Any, north: Any, toward_deg: float) -> tuple[FloatArray, FloatArray]:
    """Downwind x and crosswind y (m) for a wind blowing TOWARD bearing `toward_deg` (from N)."""
    t = np.radians(toward_deg)
    e, n = as_array(east), as_array(north)
    x: FloatArray = e * np.sin(t) + n * np.cos(t)
    y: FloatArray = -e * np.cos(t) + n * np.sin(t)
    return x, y


def from_wind_frame(x: Any, y: Any, toward_deg: float) -> tuple[FloatArray, FloatArray]:
    """East and north (m) of wind-frame coordinates; the inverse of `to_wind_frame`."""
    t = np.radians(toward_deg)
    xs, ys = as_array(x), as_array(y)
    east: FloatArray = xs * np.sin(t) - ys * np.cos(t)
    north: FloatArray = xs * np.cos(t) + ys * np.sin(t)
    return east, north
