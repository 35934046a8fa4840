"""Ceiling (value ≤ min(max, fraction × baseline)) and elimination (value ≤ 0)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from disarm.rules.obligations.base import Context
from disarm.rules.obligations.level import Array, LevelRule, pooled_vector, uniform

#: Units whose declared values are whole numbers: a ceiling on them is a whole number too.
WHOLE_UNITS = ("count", "flag", "level")


def ceiling_limit(
    max_: float | None, fraction: float | None, baseline: float, *, whole: bool = False
) -> float:
    """min(max, fraction × B), rounded down to a whole number when `whole` (a ceiling on a
    count: 10 % of 225 warheads allows 22); NaN when the fraction needs an unknown baseline."""
    parts = []
    if max_ is not None:
        parts.append(max_)
    if fraction is not None:
        parts.append(fraction * baseline)
    limit = float(min(parts)) if parts else float("nan")
    if whole and math.isfinite(limit):  # round(…, 6) first: 0.29 × 100 is 28.999999999999996
        return float(math.floor(round(limit, 6)))
    return limit


@dataclass(frozen=True)
class CeilingRule(LevelRule):
    """The party's declared value must not exceed its limit from the deadline on."""

    kind: ClassVar[str] = "ceiling"
    whole: bool = False  # the category is counted in whole numbers: round the limit down

    def limit_for(self, party: str, baseline: float) -> float:
        terms = self.terms(party)
        if terms.fraction is not None and np.isnan(baseline):
            return float("nan")
        return ceiling_limit(terms.max, terms.fraction, baseline, whole=self.whole)

    def baselines_used(self, ctx: Context) -> Array:
        base = pooled_vector(ctx.baseline_array(self.category), self.groups())
        uses = np.array([self.terms(p).fraction is not None for p in self.parties])
        return np.where(uses, base, np.nan)

    def cap_when_unknown(self) -> Array:
        caps = [self.terms(p).max for p in self.parties]
        return np.array([np.inf if c is None else c for c in caps], dtype=float)

    def limits(self, ctx: Context) -> tuple[Array, Array]:
        base = pooled_vector(ctx.baseline_array(self.category), self.groups())
        limit = np.array([self.limit_for(p, b) for p, b in zip(self.parties, base, strict=True)])
        return limit, uniform(self.parties, "le")


@dataclass(frozen=True)
class EliminationRule(LevelRule):
    """A ceiling of zero: nothing of the category may remain from the deadline on."""

    kind: ClassVar[str] = "elimination"

    def limits(self, ctx: Context) -> tuple[Array, Array]:
        return uniform(self.parties, 0.0), uniform(self.parties, "le")
