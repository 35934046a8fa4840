"""The fireball: radius at breakaway, maximum radius, and whether local fallout occurs.

ENW 1977 §2.127-2.128, all lengths scale as W^0.4 (not W^(1/3)).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from disarm.effects.units import FOOT, FloatArray, as_array

__all__ = [
    "breakaway_radius",
    "local_fallout",
    "local_fallout_height",
    "maximum_radius",
]

BREAKAWAY_AIR_FT = 100.0  # ft / kt^0.4, eq. 2.127.1
BREAKAWAY_CONTACT_FT = 145.0  # ft / kt^0.4, eq. 2.127.2 (contact burst behaves as 2W)
LOCAL_FALLOUT_FT = 180.0  # ft / kt^0.4, §2.128


def breakaway_radius(yield_kt: Any, *, contact: bool = False) -> FloatArray:
    """Fireball radius (m) at shock breakaway: 100 W^0.4 ft in air, 145 W^0.4 ft at contact."""
    coeff = BREAKAWAY_CONTACT_FT if contact else BREAKAWAY_AIR_FT
    result: FloatArray = coeff * FOOT * as_array(yield_kt) ** 0.4
    return result


def maximum_radius(yield_kt: Any, *, contact: bool = False) -> FloatArray:
    """Maximum fireball radius (m), about twice the breakaway radius (ENW §2.127)."""
    result: FloatArray = 2.0 * breakaway_radius(yield_kt, contact=contact)
    return result


def local_fallout_height(yield_kt: Any) -> FloatArray:
    """Height of burst (m) below which local fallout is expected: 180 W^0.4 ft (ENW §2.128)."""
    result: FloatArray = LOCAL_FALLOUT_FT * FOOT * as_array(yield_kt) ** 0.4
    return result


def local_fallout(height_m: Any, yield_kt: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Whether a burst at `height_m` produces significant local fallout."""
    return np.asarray(as_array(height_m) < local_fallout_height(yield_kt))
