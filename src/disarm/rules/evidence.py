"""The human-readable `evidence` text of each verdict, built from its structured fields."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

_OPS = {"le": "≤", "eq": "=", "ge": "≥"}


def number(value: Any) -> str:
    """1444.0 -> '1444'; 0.5 -> '0.5'; NaN -> '?'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:.6g}"


def day(value: Any) -> str:
    return "?" if value is None or pd.isna(value) else str(pd.Timestamp(value).date())


def one(row: dict[Any, Any]) -> str:
    """The evidence text of one verdict row."""
    kind = row["kind"]
    note = f"; {row['note']}" if row.get("note") else ""
    ext = " (extended)" if row.get("extended") else ""
    if kind == "reporting":
        return (
            f"due {day(row['deadline'])}{ext}; previous declaration "
            f"{day(row.get('evidence_date'))}; declaration that met it "
            f"{day(row.get('reference_date'))}{note}"
        )
    declared = (
        f"{row['category']} = {number(row['value'])} declared {day(row['evidence_date'])}"
        if not pd.isna(row.get("evidence_date"))
        else f"{row['category']}: nothing declared on {day(row['date'])}"
    )
    src = f" [{row['evidence_source']}]" if row.get("evidence_source") else ""
    if kind == "non-increase":
        ref = (
            f"previous {number(row['limit'])} declared {day(row.get('reference_date'))}"
            if not pd.isna(row.get("reference_date"))
            else "no previous declaration under the ratchet"
        )
        return f"{declared}{src}; {ref}; binding from {day(row['deadline'])}{ext}{note}"
    op = _OPS.get(str(row.get("op")), "≤")
    base = ""
    if kind == "ceiling" and not pd.isna(row.get("baseline")):
        base = f" (baseline {number(row['baseline'])})"
    return (
        f"{declared}{src}; required {op} {number(row['limit'])}{base} "
        f"from {day(row['deadline'])}{ext}{note}"
    )


def evidence_text(frame: pd.DataFrame) -> pd.Series:
    """The evidence text for every verdict (built when the verdicts are first read)."""
    if frame.empty:
        return pd.Series([], dtype=object)
    return pd.Series([one(r) for r in frame.to_dict("records")], index=frame.index, dtype=object)
