"""Non-increase: the irreversibility ratchet.

From the deadline on, a party's declared value may not rise above its previous declared value
(the latest earlier declaration that is itself on or after the deadline). The first declaration
under the ratchet sets the reference and is compliant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from disarm.rules.obligations.base import (
    COMPLIANT,
    NO_DATA,
    NON_COMPLIANT,
    NOT_YET_DUE,
    NOTE,
    STATUS,
    Context,
    Rule,
)
from disarm.rules.obligations.frames import Findings, date_matrix, long_findings


@dataclass(frozen=True)
class NonIncreaseRule(Rule):
    """value(t) ≤ value(previous declaration), for declarations on or after the deadline."""

    kind: ClassVar[str] = "non-increase"

    def evaluate(self, ctx: Context) -> Findings:
        m = ctx.matrix(self.category)
        dates = date_matrix(ctx)
        due = self.deadlines()[None, :]
        in_force = dates >= due
        value = m.values
        counted = np.where(in_force, value, np.nan)
        stamps = np.where(
            ~np.isnan(counted), dates.astype("datetime64[ns]"), np.datetime64("NaT", "ns")
        )
        previous = pd.DataFrame(counted).ffill().shift(1).to_numpy(dtype=float)
        previous_date = pd.DataFrame(stamps).ffill().shift(1).to_numpy(dtype="datetime64[ns]")
        missing = np.isnan(value)
        first = np.isnan(previous)
        with np.errstate(invalid="ignore"):
            margin = previous - value
            ok = margin >= 0
        status = np.select(
            [~in_force, missing, first, ok],
            [STATUS[s] for s in (NOT_YET_DUE, NO_DATA, COMPLIANT, COMPLIANT)],
            STATUS[NON_COMPLIANT],
        ).astype(np.int8)
        note = np.select(
            [~m.present, missing, in_force & first],
            [
                NOTE["no declaration on this date"],
                NOTE["declared without a value"],
                NOTE["first declaration under the ratchet: sets the reference"],
            ],
            0,
        ).astype(np.int16)
        return long_findings(
            ctx,
            dates <= self.ends()[None, :],
            {
                "status": status,
                "limit": previous,
                "value": value,
                "margin": margin,
                "deadline": self.deadlines().astype("datetime64[ns]"),
                "extended": self.extended(),
                "evidence_date": np.where(
                    m.present, dates.astype("datetime64[ns]"), np.datetime64("NaT", "ns")
                ),
                "evidence_source": m.sources,
                "evidence_line": m.lines,
                "reference_date": previous_date,
                "note": note,
            },
        )
