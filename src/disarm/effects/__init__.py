"""Humanitarian consequences of a nuclear detonation: blast, fireball, thermal radiation, prompt
radiation, fallout, casualties and population (a pure core: NumPy, SI units, no I/O, no clock).

Every model names its source, validity and stated accuracy in `disarm.effects.sources.MODELS`;
docs/effects.md gives the formulas. `assess` returns the complete JSON-ready result that the CLI
prints and a web page will show.
"""

from disarm.effects.assessment import SCHEMA, Wind, assess, casualty_estimate, fallout_summary
from disarm.effects.burst import Burst, RadialProfile, Ring, effects_at, radial_profile, rings
from disarm.effects.population import PopulationGrid, clark_city, ground_ranges
from disarm.effects.sources import MODELS, ModelSource

__all__ = [
    "MODELS",
    "SCHEMA",
    "Burst",
    "ModelSource",
    "PopulationGrid",
    "RadialProfile",
    "Ring",
    "Wind",
    "assess",
    "casualty_estimate",
    "clark_city",
    "effects_at",
    "fallout_summary",
    "ground_ranges",
    "radial_profile",
    "rings",
]
