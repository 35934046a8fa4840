"""Converter: New START aggregate data exchanges -> tidy declarations for the compliance engine.

The category names are fixed; the ``new-start`` programme file uses them:

- ``deployed_launchers``: deployed ICBMs, deployed SLBMs and deployed heavy bombers (limit 700);
- ``deployed_warheads``: warheads on deployed ICBMs and SLBMs plus warheads counted for deployed
  heavy bombers, one per bomber (limit 1,550);
- ``launchers``: deployed and non-deployed ICBM launchers, SLBM launchers and heavy bombers
  (limit 800).

An empty cell produces no row, so the engine reports ``no-data`` for it, never a zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from disarm.data.catalog import load
from disarm.errors import BadInput
from disarm.model.quantity import Quantity, parse_quantity

FILE: Final = "new_start_data_exchange.csv"

#: tidy category -> column of ``new_start_data_exchange.csv``
CATEGORY_COLUMNS: Final = {
    "deployed_launchers": "deployed_icbm_slbm_heavy_bombers",
    "deployed_warheads": "warheads_on_deployed_icbm_slbm_and_counted_for_heavy_bombers",
    "launchers": "deployed_and_nondeployed_launchers_icbm_slbm_heavy_bombers",
}

#: The central limits of Article II, to be met by 2018-02-05 (from new_start_treaty_parameters).
CENTRAL_LIMITS: Final = {"deployed_launchers": 700, "deployed_warheads": 1550, "launchers": 800}

COLUMNS: Final = ("date", "party", "category", "value", "source")


def new_start_declarations() -> pd.DataFrame:
    """Tidy declarations: one row per exchange date, party (USA, RUS) and category with data.

    Columns: ``date`` (datetime.date), ``party`` (ISO3), ``category``, ``value`` (int),
    ``source`` (the fact sheet and the copy it was read from). Sorted by date, party, category.
    """
    raw = load("new_start_data_exchange")
    rows: list[dict[str, object]] = []
    for line, rec in enumerate(raw.to_dict("records"), start=2):
        date = dt.date.fromisoformat(str(rec["data_as_of"]))
        party = str(rec["iso3"])
        source = _source(rec.get("source"), rec.get("reported_via"))
        for category, column in CATEGORY_COLUMNS.items():
            cell = rec[column]
            if cell is None:
                continue  # a gap: no row, so the engine reports no-data
            if not isinstance(cell, Quantity) or not cell.is_exact:
                raise BadInput(
                    f"line {line} column {column}: {cell} is not an exact count", source=FILE
                )
            rows.append(
                {
                    "date": date,
                    "party": party,
                    "category": category,
                    "value": cell.as_int(),
                    "source": source,
                }
            )
    df = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    df["value"] = df["value"].astype("int64")
    return df.sort_values(["date", "party", "category"], kind="stable").reset_index(drop=True)


#: tidy category -> row of ``new_start_treaty_parameters.csv`` holding its central limit
LIMIT_PARAMETERS: Final = {
    "deployed_launchers": "central_limit_deployed_icbm_slbm_heavy_bombers",
    "deployed_warheads": "central_limit_warheads",
    "launchers": "central_limit_deployed_and_nondeployed_launchers",
}


def new_start_parameters() -> dict[str, Quantity | dt.date | str]:
    """``new_start_treaty_parameters.csv`` as parameter -> value: a `Quantity` for a number, a
    date for an ISO date, else the text (``every six months``, ``2020-03/04``, a statement)."""
    out: dict[str, Quantity | dt.date | str] = {}
    for rec in load("new_start_treaty_parameters").to_dict("records"):
        text = str(rec["value"])
        value: Quantity | dt.date | str = text
        if text.isdigit():
            q = parse_quantity(text, where=f"new_start_treaty_parameters.csv {rec['parameter']}")
            value = text if q is None else q
        else:
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                value = text
        out[str(rec["parameter"])] = value
    return out


def new_start_limits() -> dict[str, int]:
    """The three central limits per tidy category, read from the bundled treaty parameters."""
    params = new_start_parameters()
    limits: dict[str, int] = {}
    for category, name in LIMIT_PARAMETERS.items():
        value = params.get(name)
        if not isinstance(value, Quantity):
            raise BadInput(
                f"parameter {name} is not a number", source="new_start_treaty_parameters.csv"
            )
        limits[category] = value.as_int()
    return limits


def _source(source: object, via: object) -> str:
    parts = [str(source)] if source else []
    if via:
        parts.append(f"read via {via}")
    return "; ".join(parts) if parts else "new_start_data_exchange.csv"
