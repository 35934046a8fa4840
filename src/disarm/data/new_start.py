"""Converter: New START aggregate data exchanges -> tidy declarations for the compliance engine.

The category names are fixed; the ``new-start`` programme file uses them:

- ``deployed_launchers``: deployed ICBMs, deployed SLBMs and deployed heavy bombers (limit 700);
- ``deployed_warheads``: warheads on deployed ICBMs and SLBMs plus warheads counted for deployed
  heavy bombers, one per bomber (limit 1,550);
- ``launchers``: deployed and non-deployed ICBM launchers, SLBM launchers and heavy bombers
  (limit 800).

Declared but not known versus not declared:

- an exchange that took place but whose figure is not in the dataset (an empty cell in a row of
  a party that made the exchange, e.g. all of 2022-09-01, "Exchange took place but aggregate
  numbers NOT retrieved for this dataset (gap)") gives a row with an **empty value**: the
  declaration exists, its value is unknown to us. The reporting obligation counts it as made;
  a limit on it is ``no-data``, never a pass and never a zero;
- an exchange a party did not make gives **no row** (`NOT_DECLARED`). The only one in the
  bundled data is Russia's exchange of 2023-03-01: the file's note says "Russia did not provide
  data after its purported suspension of the treaty (28 Feb 2023); only US figures published",
  and the US State Department reported that Russia had not provided its data (the purported
  suspension, 2023-02-28). The reporting obligation finds it missing; the limits are ``no-data``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from disarm.data.catalog import dataset, load
from disarm.errors import BadInput
from disarm.model.quantity import Quantity, parse_quantity

if TYPE_CHECKING:
    import pandas as pd

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

#: Exchanges a party did not make -> the words of the file's ``notes`` cell that say so. Such a
#: row must have no figures; it gives no declaration at all (the reporting rule finds it missing).
NOT_DECLARED: Final = {
    (dt.date(2023, 3, 1), "RUS"): "Russia did not provide data",
}


def new_start_declarations() -> pd.DataFrame:
    """Tidy declarations: one row per exchange date, party (USA, RUS) and category.

    Columns: ``date`` (datetime.date), ``party`` (ISO3), ``category``, ``value`` (nullable
    ``Int64``: empty when the exchange took place but its figure is not in the dataset),
    ``source`` (the fact sheet and the copy it was read from; for an empty value, also the
    file's note on the gap). An exchange a party did not make (`NOT_DECLARED`) has no rows.
    Sorted by date, party, category. ``attrs["retrieved"]`` holds the data set's retrieval
    date (the compliance engine evaluates up to it by default).
    """
    import pandas as pd

    raw = load("new_start_data_exchange")
    rows: list[dict[str, object]] = []
    for line, rec in enumerate(raw.to_dict("records"), start=2):
        date = dt.date.fromisoformat(str(rec["data_as_of"]))
        party = str(rec["iso3"])
        source = _source(rec.get("source"), rec.get("reported_via"))
        cells = {category: rec[column] for category, column in CATEGORY_COLUMNS.items()}
        if _not_declared(date, party, rec.get("notes"), cells, line):
            continue
        for category, cell in cells.items():
            if cell is None:  # declared, value not in the dataset: an empty value, never a zero
                note = str(rec.get("notes") or "").strip()
                rows.append(
                    {
                        "date": date,
                        "party": party,
                        "category": category,
                        "value": None,
                        "source": f"{source}; value not in the dataset"
                        + (f" (note: {note})" if note else ""),
                    }
                )
                continue
            if not isinstance(cell, Quantity) or not cell.is_exact:
                raise BadInput(
                    f"line {line} column {CATEGORY_COLUMNS[category]}: {cell} is not an exact "
                    "count",
                    source=FILE,
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
    df["value"] = pd.array(df["value"].tolist(), dtype="Int64")
    df = df.sort_values(["date", "party", "category"], kind="stable").reset_index(drop=True)
    df.attrs["retrieved"] = dataset("new_start_data_exchange").retrieved
    return df


def _not_declared(
    date: dt.date, party: str, notes: object, cells: dict[str, object], line: int
) -> bool:
    """True for an exchange the party did not make; checks the file agrees with `NOT_DECLARED`."""
    words = NOT_DECLARED.get((date, party))
    if words is None:
        return False
    if words not in str(notes or ""):
        raise BadInput(
            f"line {line}: {party} {date} is listed as not declared, but its note does not say "
            f"{words!r}",
            source=FILE,
        )
    if any(cell is not None for cell in cells.values()):
        raise BadInput(
            f"line {line}: {party} {date} is listed as not declared, but has figures", source=FILE
        )
    return True


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
