"""Programmes as data, and the compliance engine that evaluates them.

from disarm.rules import load_programme, load_declarations, evaluate
programme = load_programme("new-start")        # or "model", or a path to a YAML file
decls = load_declarations("declarations.csv")  # or .jsonl, or a DataFrame
result = evaluate(programme, decls, as_of=None, baselines=None)
result.verdicts, result.summary
programme.ceiling_schedule("USA", "deployed_warheads", baselines)
"""

from __future__ import annotations

from disarm.rules.declarations import load_declarations
from disarm.rules.engine import Result, evaluate
from disarm.rules.loader import builtin_names
from disarm.rules.obligations.base import (
    COMPLIANT,
    NO_DATA,
    NON_COMPLIANT,
    NOT_YET_DUE,
    STATUSES,
)
from disarm.rules.parties import NUCLEAR_ARMED
from disarm.rules.programme import Programme, load_programme, parse_programme
from disarm.rules.schema import FORMAT, json_schema

__all__ = [
    "COMPLIANT",
    "FORMAT",
    "NON_COMPLIANT",
    "NOT_YET_DUE",
    "NO_DATA",
    "NUCLEAR_ARMED",
    "STATUSES",
    "Programme",
    "Result",
    "builtin_names",
    "evaluate",
    "json_schema",
    "load_declarations",
    "load_programme",
    "parse_programme",
]
