"""How one value reads in a table cell or a sentence: counts, dates, percentages, kilograms."""

from __future__ import annotations

import datetime as dt
import math
import sys
from typing import Any

#: 1 significant quantity (SQ) of plutonium, kg: IAEA Safeguards Glossary (2001, unchanged in
#: 2022), para. 3.14, Table II. Kept here as a number so that rendering needs no SciPy; a test
#: checks it against `disarm.stats.constants.SQ_PU_KG`.
SQ_PU_KG = 8.0


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    pd = sys.modules.get("pandas")  # a pandas missing value only when pandas is in use
    if pd is None or isinstance(value, str):
        return False
    try:
        return bool(value is pd.NaT or pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt(value: Any) -> str:
    """A table cell: integers without decimals, dates as ISO, missing as an em dash."""
    if _missing(value):
        return "—"
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return str(value.date().isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isinf(value):
            return "∞"
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "item") and callable(value.item):  # a NumPy scalar
        return fmt(value.item())
    return str(value)


def pct(p: Any) -> str:
    """A probability as a percentage with one decimal; missing as an em dash."""
    return "—" if _missing(p) else f"{100 * float(p):.1f} %"


def _fixed(value: Any, digits: int) -> str:
    """`value` with `digits` decimals and thousands separators; never "-0.00"."""
    v = float(value)
    if round(v, digits) == 0:
        v = 0.0
    return f"{v:,.{digits}f}"


def kg(value: Any, digits: int = 1) -> str:
    """A mass in kilograms with its unit."""
    return "—" if _missing(value) else f"{_fixed(value, digits)} kg"


def sq(value_kg: Any) -> str:
    """Kilograms of plutonium as significant quantities (8 kg Pu each)."""
    if _missing(value_kg):
        return "—"
    return f"{_fixed(float(value_kg) / SQ_PU_KG, 2)} SQ"


def kg_sq(value_kg: Any, digits: int = 1) -> str:
    """Kilograms of plutonium and the same amount in significant quantities."""
    return "—" if _missing(value_kg) else f"{kg(value_kg, digits)} ({sq(value_kg)})"


def plus_minus(value: Any, sigma: Any, digits: int = 2) -> str:
    """A measured value with its one-sigma uncertainty, in kg."""
    if _missing(value):
        return "—"
    if _missing(sigma):
        return f"{_fixed(value, digits)} kg (σ not given)"
    return f"{_fixed(value, digits)} ± {_fixed(sigma, digits)} kg"
