"""Fallout: WSEG-10 (Hanifen 1980), ENW Table 9.93 idealised contours, decay and dose."""

from disarm.effects.fallout.decay import accumulated_dose, dose_rate
from disarm.effects.fallout.idealised import IdealisedContour, idealised_contour, wind_factor
from disarm.effects.fallout.wseg10 import DEFAULT_SHEAR, Wseg10, wseg10

__all__ = [
    "DEFAULT_SHEAR",
    "IdealisedContour",
    "Wseg10",
    "accumulated_dose",
    "dose_rate",
    "idealised_contour",
    "wind_factor",
    "wseg10",
]
