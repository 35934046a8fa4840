"""One small class per obligation kind, all behind the `Obligation` protocol."""

from __future__ import annotations

from disarm.rules.obligations.base import STATUSES, Context, Obligation, Rule
from disarm.rules.obligations.ceiling import CeilingRule, EliminationRule
from disarm.rules.obligations.prohibition import ProhibitionRule
from disarm.rules.obligations.ratchet import NonIncreaseRule
from disarm.rules.obligations.reporting import ReportingRule
from disarm.rules.obligations.status import StatusRule

RULES: dict[str, type[Rule]] = {
    "ceiling": CeilingRule,
    "elimination": EliminationRule,
    "status": StatusRule,
    "reporting": ReportingRule,
    "non-increase": NonIncreaseRule,
    "prohibition": ProhibitionRule,
}

__all__ = [
    "RULES",
    "STATUSES",
    "CeilingRule",
    "Context",
    "EliminationRule",
    "NonIncreaseRule",
    "Obligation",
    "ProhibitionRule",
    "ReportingRule",
    "Rule",
    "StatusRule",
]
