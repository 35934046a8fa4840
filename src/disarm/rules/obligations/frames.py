"""Turning dates × parties matrices into the long findings table, without per-row loops."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from disarm.rules.obligations.base import FINDING_COLUMNS, Context

Array = np.ndarray[Any, Any]
#: One rule's findings: finding column -> array, all of the same length (see `conform`).
Findings = dict[str, Array]


def long_findings(ctx: Context, keep: Array, columns: dict[str, Array]) -> Findings:
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
    return _complete(out, int(flat.sum()))


def conform(frame: pd.DataFrame) -> Findings:
    """Findings from a DataFrame holding some finding columns (see `_complete`)."""
    columns = {name: frame[name].to_numpy() for name in frame.columns}
    for name in ("date", "deadline", "evidence_date", "reference_date"):
        if name in frame.columns:
            columns[name] = frame[name].to_numpy(dtype="datetime64[ns]")
    return _complete(columns, len(frame))


def _complete(columns: dict[str, Array], n: int) -> Findings:
    """Add any missing finding column (empty), in the order of FINDING_COLUMNS, then `op`.

    Codes: `party` indexes ctx.parties, `status` STATUSES, `note` NOTES, `op` OPS and
    `evidence_source` ctx.source_names; -1 means none.
    """
    for name in (*FINDING_COLUMNS, "op"):
        if name in columns:
            continue
        if name in ("limit", "value", "margin", "baseline"):
            columns[name] = np.full(n, np.nan)
        elif name in ("evidence_date", "reference_date", "deadline"):
            columns[name] = np.full(n, np.datetime64("NaT", "ns"))
        elif name == "extended":
            columns[name] = np.zeros(n, dtype=bool)
        elif name == "note":
            columns[name] = np.zeros(n, dtype=np.int16)
        elif name == "evidence_line":
            columns[name] = np.full(n, -1, dtype=np.int64)
        else:
            columns[name] = np.full(n, -1, dtype=np.int32)
    return {name: columns[name] for name in (*FINDING_COLUMNS, "op")}


def date_matrix(ctx: Context) -> Array:
    """The evaluation dates as a (D, 1) datetime64[D] column, for broadcasting."""
    return ctx.dates.to_numpy().astype("datetime64[D]")[:, None]
