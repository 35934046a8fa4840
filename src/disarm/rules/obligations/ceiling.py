"""Ceiling (value ≤ min(max, fraction × baseline)) and elimination (value ≤ 0)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from disarm.rules.obligations.base import Context
from disarm.rules.obligations.level import Array, LevelRule, uniform


def ceiling_limit(max_: float | None, fraction: float | None, baseline: float) -> float:
    """min(max, fraction × B); NaN when the fraction needs a baseline that is unknown."""
    parts = []
    if max_ is not None:
        parts.append(max_)
    if fraction is not None:
        parts.append(fraction * baseline)
    return float(min(parts)) if parts else float("nan")


@dataclass(frozen=True)
class CeilingRule(LevelRule):
    """The party's declared value must not exceed its limit from the deadline on."""

    kind: ClassVar[str] = "ceiling"

    def limit_for(self, party: str, baseline: float) -> float:
        terms = self.terms(party)
        if terms.fraction is not None and np.isnan(baseline):
            return float("nan")
        return ceiling_limit(terms.max, terms.fraction, baseline)

    def baselines_used(self, ctx: Context) -> Array:
        base = ctx.baseline_array(self.category)
        uses = np.array([self.terms(p).fraction is not None for p in self.parties])
        return np.where(uses, base, np.nan)

    def cap_when_unknown(self) -> Array:
        caps = [self.terms(p).max for p in self.parties]
        return np.array([np.inf if c is None else c for c in caps], dtype=float)

    def limits(self, ctx: Context) -> tuple[Array, Array]:
        base = ctx.baseline_array(self.category)
        limit = np.array([self.limit_for(p, b) for p, b in zip(self.parties, base, strict=True)])
        return limit, uniform(self.parties, "le")


@dataclass(frozen=True)
class EliminationRule(LevelRule):
    """A ceiling of zero: nothing of the category may remain from the deadline on."""

    kind: ClassVar[str] = "elimination"

    def limits(self, ctx: Context) -> tuple[Array, Array]:
        return uniform(self.parties, 0.0), uniform(self.parties, "le")
