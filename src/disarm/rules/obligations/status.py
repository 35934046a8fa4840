"""Status: a declared status value must hold (==, ≤ or ≥ a value) from the deadline on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from disarm.rules.obligations.base import Context, condition_of
from disarm.rules.obligations.level import Array, LevelRule


@dataclass(frozen=True)
class StatusRule(LevelRule):
    """E.g. `alert_warheads` equals 0, or the flag `nfu_declared` equals 1, from a date."""

    kind: ClassVar[str] = "status"

    def limits(self, ctx: Context) -> tuple[Array, Array]:
        conditions = [condition_of(self.terms(p)) for p in self.parties]
        ops = np.array([op for op, _ in conditions], dtype=object)
        limit = np.array([value for _, value in conditions], dtype=float)
        return limit, ops
