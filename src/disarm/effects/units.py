"""SI units used inside `disarm.effects`, and the factors to the units the sources use.

Inside the package every length is in metres, pressure in pascals, time in seconds, radiant
exposure in J/m², absorbed dose in grays, dose rate in Gy/s and speed in m/s. The one
exception is explosive yield, kept in kilotons (``yield_kt``) because every source scales on
it; `KILOTON` gives its value in joules. Conversions happen at the edges (the CLI, the tests
against published values), through the constants below and nowhere else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Lengths (m)
METRE = 1.0
KILOMETRE = 1000.0
FOOT = 0.3048
KILOFOOT = 304.8
YARD = 0.9144
MILE = 1609.344

# Pressure (Pa)
PASCAL = 1.0
KILOPASCAL = 1000.0
PSI = 6894.757293168361
SEA_LEVEL_PRESSURE = 101325.0  # Pa; the sources' 14.7 psi

# Energy
KILOTON = 4.184e12  # J; 1 kt = 10^12 cal by convention (ENW §1.20)
MEGATON = 1000.0  # in kilotons

# Radiant exposure: 1 cal/cm² = 4.184 J / 1e-4 m²
CAL_PER_CM2 = 41840.0  # J/m²

# Dose. ENW uses rads and roentgens and treats them as equal for gamma rays in tissue to
# within the accuracy of its curves (ENW §8.18, §12.102); `disarm` does the same and says so.
GRAY = 1.0
RAD = 0.01
REM = 0.01  # Sv, counted as Gy for prompt and fallout gamma (quality factor 1)
ROENTGEN = 0.01  # ~ 1 rad in tissue (approximation stated above)

# Time and speed
SECOND = 1.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
METRE_PER_SECOND = 1.0
KM_PER_HOUR = 1000.0 / 3600.0
MILE_PER_HOUR = MILE / HOUR
KNOT = 1852.0 / 3600.0

# Wind shear: WSEG-10 uses mph per kilofoot of altitude
MPH_PER_KFT = MILE_PER_HOUR / KILOFOOT  # (m/s)/m = 1/s

# Area
SQUARE_KILOMETRE = 1.0e6
SQUARE_MILE = MILE * MILE


def as_array(value: Any) -> FloatArray:
    """`value` as a float64 array (a 0-d array for a scalar), without copying when possible."""
    return np.asarray(value, dtype=np.float64)
