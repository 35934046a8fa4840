"""Prohibition: a category (tests, weapons fissile production) must stay 0 throughout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from disarm.rules.obligations.base import Context
from disarm.rules.obligations.level import Array, LevelRule, uniform


@dataclass(frozen=True)
class ProhibitionRule(LevelRule):
    """Zero on every date from the deadline (by default entry into force) on."""

    kind: ClassVar[str] = "prohibition"

    def limits(self, ctx: Context) -> tuple[Array, Array]:
        return uniform(self.parties, 0.0), uniform(self.parties, "le")
