"""Bundled public data (CSV files with their sources) and their loaders.

Every numeric cell becomes a `disarm.model.Quantity` (exact, range, approximate or bound);
an empty cell is None (missing), never zero. See ``bundled/SOURCES.md`` and ``docs/data.md``.
"""

from disarm.data.catalog import DATASETS, Dataset, dataset, datasets, load, read_text
from disarm.data.cd2402 import cd2402_declarations, cd2402_states
from disarm.data.new_start import (
    CENTRAL_LIMITS,
    new_start_declarations,
    new_start_limits,
    new_start_parameters,
)
from disarm.data.nuclear_forces import CATEGORIES, SOURCES, baseline_sources, baselines, forces
from disarm.data.treaties import nuclear_armed_states, states, treaty_status

__all__ = [
    "CATEGORIES",
    "CENTRAL_LIMITS",
    "DATASETS",
    "SOURCES",
    "Dataset",
    "baseline_sources",
    "baselines",
    "cd2402_declarations",
    "cd2402_states",
    "dataset",
    "datasets",
    "forces",
    "load",
    "new_start_declarations",
    "new_start_limits",
    "new_start_parameters",
    "nuclear_armed_states",
    "read_text",
    "states",
    "treaty_status",
]
