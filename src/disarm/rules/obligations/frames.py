"""Turning dates × parties matrices into the long findings table, without per-row loops."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from disarm.rules.obligations.base import FINDING_COLUMNS, Context

Array = np.ndarray[Any, Any]


def long_findings(ctx: Context, keep: Array, columns: dict[str, Array]) -> pd.DataFrame:
    """Flatten D × P matrices (or length-P per-party arrays) where `keep` is true.

    `columns` maps a finding column to an array of shape (D, P) or (P,); missing finding
    columns are filled with NaN/None. `party` and `date` come from the grid.
    """
    n_dates, n_parties = len(ctx.dates), len(ctx.parties)
    flat = keep.ravel()
    out: dict[str, Any] = {
        "party": np.tile(np.arange(n_parties, dtype=np.int32), n_dates)[flat],
        "date": np.repeat(ctx.dates.to_numpy(), n_parties)[flat],
    }
    for name, array in columns.items():
        full = np.broadcast_to(array, (n_dates, n_parties)) if array.ndim == 1 else array
        out[name] = full.ravel()[flat]
    frame = pd.DataFrame(out)
    return conform(frame)


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Add any missing finding column (empty) and order the columns.

    Codes: `party` indexes ctx.parties, `status` STATUSES, `note` NOTES, `op` OPS and
    `evidence_source` ctx.source_names; -1 means none.
    """
    for name in FINDING_COLUMNS:
        if name not in frame.columns:
            if name in ("limit", "value", "margin", "baseline"):
                frame[name] = np.nan
            elif name in ("evidence_date", "reference_date", "deadline"):
                frame[name] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            elif name == "extended":
                frame[name] = False
            elif name == "note":
                frame[name] = np.int16(0)
            else:
                frame[name] = np.int32(-1)
    if "op" not in frame.columns:
        frame["op"] = np.int8(-1)
    return frame[[*FINDING_COLUMNS, "op"]]


def date_matrix(ctx: Context) -> Array:
    """The evaluation dates as a (D, 1) datetime64[D] column, for broadcasting."""
    return ctx.dates.to_numpy().astype("datetime64[D]")[:, None]
