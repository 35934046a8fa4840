"""The catalogue of bundled data sets and the generic loader.

Each CSV in ``disarm/data/bundled/`` is described by a `Dataset`: what it holds, where its
numbers come from, and which of its columns are numeric. `load` reads one into a pandas
DataFrame in which every empty cell is ``None`` (missing, never zero), every measured column
holds `Quantity` values and every key column (years) holds ``int``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from disarm.errors import BadInput, NotFound
from disarm.model.quantity import Quantity, parse_quantity

if TYPE_CHECKING:
    import pandas as pd

BUNDLE = "bundled"
#: The bundled compilation's newest source snapshot (UN Treaty Collection, 3 Feb 2026).
COMPILED = dt.date(2026, 2, 3)


@dataclass(frozen=True, slots=True)
class Dataset:
    """A bundled CSV file and what is known about it."""

    name: str
    description: str
    sources: str
    quantity_columns: tuple[str, ...] = ()
    integer_columns: tuple[str, ...] = ()
    #: The date the data set was retrieved, when known: no later row can be in it, so a
    #: compliance evaluation of its declarations runs up to this date (see `disarm comply`).
    retrieved: dt.date | None = None

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "world_nuclear_forces",
        "SIPRI and FAS estimates of the nine nuclear-armed states' warheads, 2010-2025 "
        "(one row per state, year and organisation; WORLD rows are global totals).",
        "SIPRI Yearbooks 2010-2025 and FAS Status of World Nuclear Forces, mostly via "
        "reproductions; per-row `source` and `source_quality`.",
        quantity_columns=(
            "total_inventory",
            "military_stockpile",
            "deployed_strategic",
            "deployed_nonstrategic",
            "deployed_total",
            "reserve",
            "retired_awaiting_dismantlement",
            "other_nondeployed",
        ),
        integer_columns=("year",),
    ),
    Dataset(
        "nuclear_stockpiles_history",
        "FAS annual warhead series 1945-2023 per state plus the world total (1986 peak 70,374).",
        "FAS Status of World Nuclear Forces 2023 chart data, as archived by Our World in Data "
        "(github.com/owid/notebooks, commit d630acfe).",
        quantity_columns=("warheads",),
        integer_columns=("year",),
    ),
    Dataset(
        "us_stockpile",
        "Official US stockpile at the end of each fiscal year 1945-2023, with dismantlements "
        "where published (FY2021-2022 missing).",
        "DoD fact sheet of 3 May 2010, State Dept fact sheet of 5 Oct 2021, NNSA release of "
        "Jul 2024, DOE 1993-94 declassification via the FAS series.",
        quantity_columns=("stockpile", "warheads_dismantled", "retired_awaiting_dismantlement"),
        integer_columns=("fiscal_year",),
    ),
    Dataset(
        "us_dismantlements_periods",
        "Published (and derived) US warhead dismantlement totals over multi-year periods.",
        "DoD 2010, White House 2017 (via IPFM), State Dept 2021, NNSA 2024, FAS (Aftergood).",
        quantity_columns=("warheads_dismantled",),
        integer_columns=("fy_start", "fy_end"),
    ),
    Dataset(
        "new_start_data_exchange",
        "New START aggregate numbers, United States and Russia, 25 exchanges Feb 2011-Mar 2023 "
        "(empty cells are gaps; Russia gave no data in Mar 2023).",
        "US State Department fact sheets 'New START Treaty Aggregate Numbers of Strategic "
        "Offensive Arms', read via copies and reports listed per row in `reported_via`.",
        quantity_columns=(
            "deployed_icbm_slbm_heavy_bombers",
            "warheads_on_deployed_icbm_slbm_and_counted_for_heavy_bombers",
            "deployed_and_nondeployed_launchers_icbm_slbm_heavy_bombers",
        ),
        # SOURCES.md: the compilation's newest snapshot is of 3 Feb 2026, so it was retrieved
        # on or after that date, and it holds no exchange after 2023-03-01.
        retrieved=COMPILED,
    ),
    Dataset(
        "new_start_treaty_parameters",
        "New START limits (700/1,550/800), key dates and inspection quota "
        "(`value` holds numbers, dates and text, so it stays text).",
        "State Department fact sheets, ACA, russianforces.org, press reports (per row).",
    ),
    Dataset(
        "treaty_status",
        "Per-state NPT, TPNW, CTBT and nuclear-weapon-free-zone status for 193 UN members, "
        "2 observer states, Cook Islands and Niue, with the nuclear-armed flag.",
        "UN Treaty Collection status pages of 3 Feb 2026 (via github.com/mgaldino/"
        "treaties-ideal-point), UNODA NPT count, CTBT Annex 2, Wikipedia NWFZ tables.",
    ),
)


def datasets() -> list[Dataset]:
    """Every bundled data set, in catalogue order."""
    return list(DATASETS)


def dataset(name: str) -> Dataset:
    """The catalogue entry for `name` (``.csv`` suffix allowed); NotFound if unknown."""
    key = name.removesuffix(".csv")
    for d in DATASETS:
        if d.name == key:
            return d
    known = ", ".join(d.name for d in DATASETS)
    raise NotFound(f"unknown dataset {name!r}; known datasets: {known}")


def read_text(file: str) -> str:
    """The text of a file in the bundled data directory (package data)."""
    return resources.files("disarm.data").joinpath(BUNDLE, file).read_text(encoding="utf-8")


@cache
def _raw(name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    reader = csv.reader(io.StringIO(read_text(dataset(name).file)))
    header = tuple(next(reader))
    return header, tuple(tuple(row) for row in reader)


def load(name: str) -> pd.DataFrame:
    """Load a bundled data set: empty cells are None, measured columns hold `Quantity`."""
    import pandas as pd

    ds = dataset(name)
    header, rows = _raw(ds.name)
    columns: dict[str, list[object]] = {col: [] for col in header}
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise BadInput(
                f"line {line} has {len(row)} cells, the header has {len(header)}", source=ds.file
            )
        for col, cell in zip(header, row, strict=True):
            where = f"{ds.file} line {line} column {col}"
            value: object
            if col in ds.quantity_columns:
                value = parse_quantity(cell, where=where)
            elif col in ds.integer_columns:
                q = parse_quantity(cell, where=where)
                value = None if q is None else _integer(q, where)
            else:
                value = cell if cell != "" else None
            columns[col].append(value)
    frame = {
        col: pd.Series(
            values,
            dtype="int64" if col in ds.integer_columns and None not in values else object,
        )
        for col, values in columns.items()
    }
    return pd.DataFrame(frame, columns=list(header))


def _integer(q: Quantity, where: str) -> int:
    try:
        return q.as_int()
    except BadInput as exc:
        raise BadInput(exc.message, source=where) from None
