"""The regime's settings, its result, and the cheating strategies (shared by its modules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from disarm.demo import statements as S
from disarm.errors import BadInput

CHEATS: Final = ("none", "omit", "redeclare", "divert")
#: The finding kind that detects each cheat.
DETECTED_BY: Final = {
    "omit": "hidden-item",
    "redeclare": "dismantled-item-reappeared",
    "divert": "balance-alarm",
}
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class RegimeConfig:
    seed: int = 1
    years: int = 5
    cheat: str = "none"
    cheater: str | None = None
    scale: float = 1.0
    iterations: int = 4000

    def check(self) -> None:
        if self.cheat not in CHEATS:
            raise BadInput(f"--cheat {self.cheat!r}: use one of {', '.join(CHEATS)}")
        if self.cheater is not None and self.cheat == "none":
            raise BadInput(
                f"--cheater {self.cheater!r} needs --cheat (omit, redeclare or divert): "
                "without it no state cheats"
            )
        if not 1 <= self.years <= 15:
            raise BadInput(f"--years {self.years}: use 1 to 15 (the programme's length)")
        if not 0 < self.scale <= 1:
            raise BadInput(f"--scale {self.scale}: use a number in (0, 1]")
        if not 0 <= self.seed < 1 << 64:
            raise BadInput(f"--seed {self.seed}: use an integer in 0 .. 2^64 - 1")


@dataclass
class RegimeResult:
    config: RegimeConfig
    programme: Any
    rounds: list[dt.date]
    plans: dict[str, S.StatePlan]
    baselines: dict[str, float]
    declarations: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[dict[str, Any]] = field(default_factory=list)
    balances: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    detection: dict[str, dict[str, Any]] = field(default_factory=dict)  # party -> plan figures
    cheat: dict[str, Any] = field(default_factory=dict)
    log_size: int = 0
    checkpoints: int = 0
    final_checkpoint: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    entries: list[tuple[str, str, str, str]] = field(default_factory=list)
    schedule: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)
