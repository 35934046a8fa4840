"""A programme, resolved: parties, dated phases, and one rule object per obligation."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from disarm.errors import BadInput
from disarm.rules import schema
from disarm.rules.checks import (
    check,
    default_due,
    obligation_parties,
    obligations_with_paths,
    resolve_parties,
)
from disarm.rules.loader import parse_yaml, read_text, validate
from disarm.rules.obligations import RULES
from disarm.rules.obligations.base import Rule, condition_of
from disarm.rules.obligations.ceiling import WHOLE_UNITS, ceiling_limit
from disarm.rules.timing import resolve_when

STANDING = "standing"


@dataclass(frozen=True)
class PhaseInfo:
    id: str
    title: str
    deadline: dt.date
    provisional: bool
    source: str
    description: str | None


@dataclass(frozen=True)
class Programme:
    """A validated programme: what `evaluate` runs and `programme show` prints."""

    spec: schema.ProgrammeFile
    origin: str
    parties: tuple[str, ...]
    phases: tuple[PhaseInfo, ...]
    rules: tuple[Rule, ...]
    extensions: tuple[schema.Extension, ...] = field(default=())

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def entry_into_force(self) -> dt.date:
        return self.spec.entry_into_force

    @property
    def categories(self) -> dict[str, schema.Category]:
        return dict(self.spec.categories)

    @property
    def end(self) -> dt.date | None:
        """The last date on which any obligation binds any party, or None if one never ends."""
        ends = [r.until(p) for r in self.rules for p in self.parties if r.bound(p)]
        known = [e for e in ends if e is not None]
        return max(known) if known and len(known) == len(ends) else None

    def rule(self, obligation_id: str) -> Rule:
        for r in self.rules:
            if r.id == obligation_id:
                return r
        raise KeyError(obligation_id)

    def ceiling_schedule(
        self,
        party: str,
        category: str,
        baselines: Mapping[str, Mapping[str, float]] | None = None,
    ) -> list[tuple[dt.date, float]]:
        """The step schedule of the upper limit on `category` for `party`, for charts.

        Each pair (date, limit) means: from this date on, the binding upper limit is `limit`
        (the minimum over the ceiling, elimination, prohibition and status ≤/== obligations in
        force, extensions and asymmetries included). `nan` marks a limit that needs a baseline
        not given in `baselines` ({party: {category: B}}); `inf` marks a date after which no
        obligation limits the category any more.
        """
        base = float((baselines or {}).get(party, {}).get(category, math.nan))
        spans: list[tuple[dt.date, dt.date | None, float]] = []
        for r in self.rules:
            bounds = ("ceiling", "elimination", "prohibition", "status")
            if r.category != category or r.kind not in bounds or not r.bound(party):
                continue
            limit = _upper_limit(r, party, base)
            if limit is None:
                continue
            spans.append((r.deadline(party), r.until(party), limit))
        changes = sorted(
            {s for s, _, _ in spans}
            | {u + dt.timedelta(days=1) for _, u, _ in spans if u is not None}
        )
        steps: list[tuple[dt.date, float]] = []
        for day in changes:
            active = [lim for s, u, lim in spans if s <= day and (u is None or day <= u)]
            limit = _minimum(active)
            if not steps or not _same(steps[-1][1], limit):
                steps.append((day, limit))
        return steps

    def lint(self) -> dict[str, list[dict[str, Any]]]:
        from disarm.rules.lint import lint

        return lint(self)

    def describe(self, party: str | None = None) -> dict[str, Any]:
        from disarm.rules.describe import describe

        return describe(self, party)


def _upper_limit(rule: Rule, party: str, baseline: float) -> float | None:
    if rule.kind in ("elimination", "prohibition"):
        return 0.0
    terms = rule.terms(party)
    if rule.kind == "status":
        op, value = condition_of(terms)
        return None if op == "ge" else float(value)
    if terms.fraction is not None and math.isnan(baseline):
        return math.nan
    return ceiling_limit(terms.max, terms.fraction, baseline, whole=getattr(rule, "whole", False))


def _minimum(values: Sequence[float]) -> float:
    if not values:
        return math.inf
    if any(math.isnan(v) for v in values):
        known = [v for v in values if not math.isnan(v)]
        # an unknown limit can only lower the minimum: the schedule is unknown unless 0 binds
        return 0.0 if known and min(known) == 0 else math.nan
    return min(values)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def load_programme(
    name_or_path: str | Path,
    *,
    selectors: Mapping[str, Sequence[str]] | None = None,
) -> Programme:
    """Load a built-in programme (`new-start`, `model`, ...) or a programme file.

    Raises `BadInput` listing every problem (file, field path, line, what is wrong), or
    `NotFound` when there is no such file or built-in.
    """
    text, label = read_text(name_or_path)
    return parse_programme(text, label, selectors=selectors)


def parse_programme(
    text: str, label: str, *, selectors: Mapping[str, Sequence[str]] | None = None
) -> Programme:
    """Validate programme text (YAML) and resolve it; `label` names it in messages."""
    data, node = parse_yaml(text, label)
    spec = validate(data, node, label)
    problems: list[str] = []
    parties = resolve_parties(spec, selectors, node, problems)
    problems += check(spec, parties, node, selectors)
    if problems:
        raise BadInput(
            f"the programme file is invalid ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''})",
            source=label,
            problems=problems,
        )
    return _build(spec, label, parties, selectors)


def _build(
    spec: schema.ProgrammeFile,
    label: str,
    parties: tuple[str, ...],
    selectors: Mapping[str, Sequence[str]] | None = None,
) -> Programme:
    eif = spec.entry_into_force
    phases = tuple(
        PhaseInfo(
            p.id,
            p.title,
            resolve_when(p.deadline, eif),
            p.provisional,
            p.source,
            p.description,
        )
        for p in spec.phases
    )
    overrides: dict[str, dict[str, dict[str, Any]]] = {}
    for a in spec.asymmetries:
        overrides.setdefault(a.obligation, {}).setdefault(a.party, {}).update(a.set)
    extended: dict[str, dict[str, dt.date]] = {}
    for e in spec.extensions:
        new = resolve_when(e.new_deadline, eif)
        current = extended.setdefault(e.obligation, {})
        current[e.party] = max(new, current.get(e.party, new))
    rules: list[Rule] = []
    for path, ob in obligations_with_paths(spec):
        if path[0] == "phases":
            index = int(path[1])
            phase_id, phase_deadline = phases[index].id, phases[index].deadline
        else:
            phase_id, phase_deadline = STANDING, eif
        cls = RULES[ob.kind]
        extra: dict[str, Any] = {}
        if ob.kind == "reporting":
            extra["scope"] = tuple(ob.categories or spec.categories)
        if ob.kind == "ceiling":
            extra["whole"] = spec.categories[ob.category].unit in WHOLE_UNITS
        rule = cls(
            spec=ob,
            phase=phase_id,
            eif=eif,
            default_due=default_due(ob, phase_deadline, eif),
            parties=parties,
            overrides=overrides.get(ob.id, {}),
            extensions=extended.get(ob.id, {}),
            binds=obligation_parties(ob, parties, selectors),
            **extra,
        )
        rules.append(rule)
    return Programme(spec, label, parties, phases, tuple(rules), tuple(spec.extensions))
