"""World nuclear forces: per-state SIPRI/FAS estimates and the baselines a programme starts from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from disarm.data.catalog import load
from disarm.errors import BadInput, NotFound
from disarm.model.quantity import Quantity

if TYPE_CHECKING:
    import pandas as pd

SOURCES: Final = ("SIPRI", "FAS")

#: The warhead categories of ``world_nuclear_forces.csv`` that a baseline reports.
CATEGORIES: Final = (
    "total_inventory",
    "military_stockpile",
    "deployed_total",
    "deployed_strategic",
    "deployed_nonstrategic",
    "reserve",
    "retired_awaiting_dismantlement",
)


def normalise_source(source: str) -> str:
    """``sipri``/``fas`` in any case -> ``SIPRI``/``FAS``; BadInput otherwise."""
    key = source.strip().upper()
    if key not in SOURCES:
        raise BadInput(f"unknown source {source!r}; use one of: {', '.join(SOURCES)}")
    return key


def forces(year: int, source: str = "SIPRI") -> pd.DataFrame:
    """The rows of ``world_nuclear_forces.csv`` for one year and one organisation.

    Includes the WORLD row where published. NotFound if that source has no rows for `year`.
    """
    org = normalise_source(source)
    df = load("world_nuclear_forces")
    rows = df.loc[(df["year"] == year) & (df["source_org"] == org)].reset_index(drop=True)
    if rows.empty:
        years = sorted({int(y) for y in df.loc[df["source_org"] == org, "year"]})
        raise NotFound(
            f"no {org} figures for {year} in world_nuclear_forces.csv; "
            f"{org} years available: {', '.join(map(str, years))}"
        )
    return rows


def baselines(year: int = 2024, source: str = "SIPRI") -> dict[str, dict[str, Quantity]]:
    """Per nuclear-armed state (ISO3, WORLD excluded), per category: the published estimate.

    A category the source does not give is absent from the inner dict (missing stays missing);
    a state with no per-state row that year is absent. NotFound if the year has no rows at all.
    """
    rows = forces(year, source)
    out: dict[str, dict[str, Quantity]] = {}
    for rec in rows.to_dict("records"):
        iso3 = str(rec["iso3"])
        if iso3 == "WORLD":
            continue
        cats = {c: rec[c] for c in CATEGORIES if isinstance(rec[c], Quantity)}
        out[iso3] = cats
    if not out:
        raise NotFound(
            f"{normalise_source(source)} {year} has a world total only, no per-state rows"
        )
    return out


def baseline_sources(year: int = 2024, source: str = "SIPRI") -> dict[str, str]:
    """Per state: the `source` text of the row its baseline comes from (for citations)."""
    rows = forces(year, source)
    return {
        str(r["iso3"]): str(r["source"])
        for r in rows.to_dict("records")
        if r["iso3"] != "WORLD" and r["source"] is not None
    }
