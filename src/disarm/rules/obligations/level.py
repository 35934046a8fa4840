"""Shared evaluation of the obligations that bound a declared level on every date.

Ceiling, elimination, status and prohibition differ only in their limit and comparison; all
of them compare the value a party declared on an evaluation date with a per-party limit, from
the deadline on. Before the deadline a finding is `not-yet-due` (the value and the limit are
still shown); a missing row or value, or a limit that needs an unknown baseline, is `no-data`.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from disarm.rules.obligations.base import (
    COMPLIANT,
    NO_DATA,
    NON_COMPLIANT,
    NOT_YET_DUE,
    NOTE,
    OPS,
    STATUS,
    Context,
    Rule,
)
from disarm.rules.obligations.frames import Findings, date_matrix, long_findings

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class LevelRule(Rule):
    """A rule `value (op) limit` from the deadline on; subclasses give limits and ops."""

    @abstractmethod
    def limits(self, ctx: Context) -> tuple[Array, Array]:
        """Per party: the limit (NaN if unknown) and the comparison ("le", "eq" or "ge")."""

    def baselines_used(self, ctx: Context) -> Array:
        """Per party, the baseline the limit depends on (NaN when it does not depend on one)."""
        return np.full(len(self.parties), np.nan)

    def cap_when_unknown(self) -> Array:
        """Per party, an upper bound of a limit that is unknown (inf when there is none).

        An unknown limit is still known to lie in [0, cap]: a value above the cap violates it,
        a value of 0 meets it; anything in between is `no-data`.
        """
        return np.full(len(self.parties), np.inf)

    def evaluate(self, ctx: Context) -> Findings:
        m = ctx.matrix(self.category)
        limit, ops = self.limits(ctx)
        dates = date_matrix(ctx)
        due = self.deadlines()[None, :]
        keep = dates <= self.ends()[None, :]
        value, joint, partial = pooled(m.values, self.groups())
        lim = np.broadcast_to(limit, value.shape)
        le, eq = (ops == "le")[None, :], (ops == "eq")[None, :]
        with np.errstate(invalid="ignore"):
            margin = np.where(le, lim - value, np.where(eq, -np.abs(value - lim), value - lim))
            ok = np.where(eq, value == lim, margin >= 0)
        not_due = dates < due
        missing = np.isnan(value)
        unknown_limit = np.isnan(lim)
        with np.errstate(invalid="ignore"):
            above_cap = unknown_limit & (value > self.cap_when_unknown()[None, :])
            at_zero = unknown_limit & (value == 0) & le & ~partial
        # a joint group with a silent member: its known sum can only prove a violation
        lower_bound_ok = partial & ok
        status = np.select(
            [not_due, missing, above_cap, at_zero, unknown_limit, lower_bound_ok, ok],
            [
                STATUS[s]
                for s in (
                    NOT_YET_DUE,
                    NO_DATA,
                    NON_COMPLIANT,
                    COMPLIANT,
                    NO_DATA,
                    NO_DATA,
                    COMPLIANT,
                )
            ],
            STATUS[NON_COMPLIANT],
        ).astype(np.int8)
        note = np.select(
            [partial, ~m.present, missing, above_cap, at_zero, unknown_limit, joint],
            [
                NOTE[
                    "joint limit: a member declared nothing; the value is the known part of the sum"
                ],
                NOTE["no declaration on this date"],
                NOTE["declared without a value"],
                NOTE["no baseline for this party, but the value exceeds the absolute cap"],
                NOTE["no baseline for this party, but 0 meets any limit"],
                NOTE["limit unknown: no baseline for this party"],
                NOTE["joint limit: the value is the group's sum"],
            ],
            0,
        ).astype(np.int16)
        return long_findings(
            ctx,
            keep,
            {
                "status": status,
                "limit": lim,
                "value": value,
                "margin": margin,
                "deadline": self.deadlines().astype("datetime64[ns]"),
                "extended": self.extended(),
                "evidence_date": np.where(
                    m.present, dates.astype("datetime64[ns]"), np.datetime64("NaT", "ns")
                ),
                "evidence_source": m.sources,
                "evidence_line": m.lines,
                "baseline": self.baselines_used(ctx),
                "note": note,
                "op": np.array([OPS.index(o) for o in ops], dtype=np.int8),
            },
        )


def pooled(values: Array, groups: list[list[int]]) -> tuple[Array, Array, Array]:
    """Values with each joint group's columns replaced by the group's sum; which cells are
    joint; and which sums miss a member (NaN: no value), so that they are only a lower bound."""
    joint = np.zeros(values.shape, dtype=bool)
    partial = np.zeros(values.shape, dtype=bool)
    if not groups:
        return values, joint, partial
    out = values.copy()
    for cols in groups:
        block = values[:, cols]
        known: Array = ~np.isnan(block)
        some, every = known.any(axis=1), known.all(axis=1)
        total = np.where(some, np.nansum(block, axis=1), np.nan)
        out[:, cols] = total[:, None]
        joint[:, cols] = True
        partial[:, cols] = np.asarray(some & ~every)[:, None]
    return out, joint, partial


def pooled_vector(values: Array, groups: list[list[int]]) -> Array:
    """A per-party vector (baselines) with each joint group's entries replaced by its sum."""
    out = np.array(values, dtype=float)
    for cols in groups:
        out[cols] = values[cols].sum()  # NaN if any member's is unknown
    return out


def uniform(parties: tuple[str, ...], value: Any) -> Array:
    """A length-P array holding `value` for every party."""
    return np.array([value] * len(parties), dtype=object if isinstance(value, str) else float)
