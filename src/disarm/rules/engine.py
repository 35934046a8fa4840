"""The compliance engine: every party × obligation × evaluation date, with evidence.

Evaluation dates are every date on which any party declared, plus the horizon (rows dated after
it are ignored). The horizon is `as_of` when given; otherwise, when the data set's retrieval date
is known (`retrieved`, or the declarations' `attrs["retrieved"]`), the earlier of that date and
the programme's end; otherwise the last declaration date. A party without a row for a category
on an evaluation date is `no-data` there; missing data is never a pass. The baseline B(c) of a
party is its latest declared value of c on or before entry into force, unless `baselines` gives it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from disarm.errors import BadInput
from disarm.rules.declarations import check_against, fingerprint, load_declarations
from disarm.rules.evidence import evidence_text
from disarm.rules.obligations.base import (
    COMPLIANT,
    FINDING_COLUMNS,
    NO_DATA,
    NON_COMPLIANT,
    NOT_YET_DUE,
    NOTES,
    OPS,
    STATUSES,
    Context,
    Rule,
)
from disarm.rules.obligations.frames import Findings
from disarm.rules.programme import STANDING, Programme
from disarm.rules.timing import to_datetime64

VERDICT_COLUMNS = (
    "party",
    "obligation",
    "kind",
    "phase",
    "category",
    "date",
    "status",
    "limit",
    "value",
    "margin",
    "deadline",
    "evidence",
)
SUMMARY_COLUMNS = ("party", "phase", "compliant", "non_compliant", "not_yet_due", "no_data")


@dataclass
class Result:
    """The verdicts of one evaluation and their per-party, per-phase summary."""

    programme: Programme
    as_of: dt.date | None
    horizon: dt.date | None
    #: each rule's findings as arrays of codes and numbers (the structured evidence): what
    #: evaluation computes; the tables below are laid out from them on first use
    parts: list[Findings] = field(repr=False)
    source_names: list[str] = field(repr=False)
    baselines: dict[str, dict[str, float]]
    #: why the verdicts stop at `horizon`: a key of HORIZON_BASES
    horizon_basis: str = "last declaration"
    _findings: pd.DataFrame | None = field(default=None, repr=False)
    _verdicts: pd.DataFrame | None = field(default=None, repr=False)
    _summary: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def findings(self) -> pd.DataFrame:
        """The verdicts as one table without the `evidence` text, ordered by party, obligation
        and date (categorical columns; laid out on first use)."""
        if self._findings is None:
            self._findings = _stack(self.parts, self.programme, self.source_names)
        return self._findings

    @property
    def verdicts(self) -> pd.DataFrame:
        """party, obligation, kind, phase, category, date, status, limit, value, margin,
        deadline, evidence, then the evidence fields (extended, evidence_date,
        evidence_source, evidence_line, reference_date, baseline, note, rule_source).

        Renders the evidence sentence of every verdict: to show a few, filter `findings`
        first and pass them to `with_evidence`."""
        if self._verdicts is None:
            self._verdicts = with_evidence(self.findings)
        return self._verdicts

    @property
    def summary(self) -> pd.DataFrame:
        """Counts of each status per party and phase, and the phase verdict.

        The verdict is `non-compliant` if any finding is, else `no-data` if any finding is,
        else `compliant` if any finding is, else `not-yet-due`.
        """
        if self._summary is None:
            self._summary = summarise(self.parts, self.programme)
        return self._summary

    @property
    def non_compliant(self) -> bool:
        code = STATUSES.index(NON_COMPLIANT)
        return any(bool((part["status"] == code).any()) for part in self.parts)

    @property
    def holds_until(self) -> str:
        """Up to which date the verdicts hold, and why, e.g. `2026-02-03 (the data set's
        retrieval date)`; the headline of every output."""
        if self.horizon is None:
            return "no evaluation date (no declarations)"
        return f"{self.horizon} ({HORIZON_BASES[self.horizon_basis]})"


def with_evidence(findings: pd.DataFrame) -> pd.DataFrame:
    """Verdict rows (any subset of `Result.findings`) with their evidence sentence rendered."""
    frame = findings.copy()
    frame["evidence"] = evidence_text(frame)
    rest = [c for c in frame.columns if c not in VERDICT_COLUMNS]
    return frame[[*VERDICT_COLUMNS, *rest]]


HORIZON_BASES = {
    "as of": "as of the date given",
    "retrieval": "the data set's retrieval date",
    "programme end": "the programme's end, before the data set's retrieval date",
    "last declaration": "the last declaration; no retrieval date given",
}


def summarise(parts: list[Findings], programme: Programme) -> pd.DataFrame:
    """Counts of each status per party and phase, from the rules' status codes (no table)."""
    n_parties, n_status = len(programme.parties), len(STATUSES)
    phase_order = [p.id for p in programme.phases] + [STANDING]
    counts = np.zeros((n_parties, len(phase_order), n_status), dtype=np.int64)
    for rule, part in zip(programme.rules, parts, strict=True):
        cell = part["party"].astype(np.int64) * n_status + part["status"].astype(np.int64)
        tally = np.bincount(cell, minlength=n_parties * n_status).reshape(n_parties, n_status)
        counts[:, phase_order.index(rule.phase), :] += tally
    rows = [
        (party, phase, *(int(x) for x in counts[i, j]))
        for i, party in enumerate(programme.parties)
        for j, phase in enumerate(phase_order)
        if counts[i, j].sum() > 0
    ]
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    for c in SUMMARY_COLUMNS[2:]:
        frame[c] = frame[c].astype(int)
    frame["verdict"] = np.select(
        [frame["non_compliant"] > 0, frame["no_data"] > 0, frame["compliant"] > 0],
        [NON_COMPLIANT, NO_DATA, COMPLIANT],
        NOT_YET_DUE,
    ).astype(object)
    return frame


def evaluate(
    programme: Programme,
    declarations: pd.DataFrame | str | Path,
    as_of: dt.date | str | None = None,
    baselines: Mapping[str, Mapping[str, float]] | None = None,
    retrieved: dt.date | str | None = None,
) -> Result:
    """Evaluate every obligation of `programme` for every party on every evaluation date.

    The verdicts hold up to `Result.horizon` (see the module docstring for its default).
    """
    decls = _prepare(declarations)
    if decls.attrs.get("checked") != fingerprint(programme):
        check_against(decls, programme)
    cutoff, basis = _horizon(
        programme,
        _as_date(as_of, "--as-of"),
        _as_date(retrieved, "--retrieved") or decls.attrs.get("retrieved"),
    )
    if cutoff is not None:
        decls = decls[decls["date"] <= pd.Timestamp(cutoff)]
    stamps = list(decls["date"].unique())
    if cutoff is not None:
        stamps.append(pd.Timestamp(cutoff))
    dates = pd.DatetimeIndex(pd.DatetimeIndex(sorted(set(stamps))).astype("datetime64[ns]"))
    if len(dates):
        horizon = pd.Timestamp(dates[-1])
    else:
        horizon = pd.Timestamp(to_datetime64(programme.entry_into_force))
    base, notes = _baselines(decls, programme, baselines)
    ctx = Context(programme.parties, dates, horizon, decls, base, notes)
    return Result(
        programme,
        _as_date(as_of, "--as-of"),
        None if not len(dates) else horizon.date(),
        [bound_only(rule, rule.evaluate(ctx), programme.parties) for rule in programme.rules],
        ctx.source_names,
        {p: dict(v) for p, v in base.items()},
        basis,
    )


def bound_only(rule: Rule, part: Findings, parties: tuple[str, ...]) -> Findings:
    """The findings of the parties `rule` binds (all of them unless it names its `parties`)."""
    if rule.binds is None:
        return part
    keep = np.isin(part["party"], [i for i, p in enumerate(parties) if p in rule.binds])
    return {name: column[keep] for name, column in part.items()}


def _horizon(
    programme: Programme, as_of: dt.date | None, retrieved: dt.date | None
) -> tuple[dt.date | None, str]:
    """The date the evaluation runs to (None: the last declaration) and why."""
    if as_of is not None:
        return as_of, "as of"
    if retrieved is None:
        return None, "last declaration"
    end = programme.end
    if end is not None and end < retrieved:
        return end, "programme end"
    return retrieved, "retrieval"


def _prepare(declarations: pd.DataFrame | str | Path) -> pd.DataFrame:
    if isinstance(declarations, pd.DataFrame) and "origin" in declarations.attrs:
        return declarations
    return load_declarations(declarations)


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _baselines(
    decls: pd.DataFrame,
    programme: Programme,
    given: Mapping[str, Mapping[str, float]] | None,
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    eif = pd.Timestamp(programme.entry_into_force)
    known = decls[(decls["date"] <= eif) & decls["value"].notna()]
    last = known.groupby(["party", "category"], observed=True).tail(1)
    base: dict[str, dict[str, float]] = {}
    notes: dict[str, dict[str, str]] = {}
    for party, category, value, day in zip(  # one row per party and category, not per row
        last["party"], last["category"], last["value"], last["date"], strict=True
    ):
        base.setdefault(party, {})[category] = float(value)
        notes.setdefault(party, {})[category] = f"declared {day.date()}"
    for party, values in (given or {}).items():
        for category, value in values.items():
            if category not in programme.categories:
                raise BadInput(f"baselines: unknown category {category!r} for {party}")
            base.setdefault(party, {})[category] = float(value)
            notes.setdefault(party, {})[category] = "given"
    return base, notes


def _stack(parts: list[Findings], programme: Programme, source_names: list[str]) -> pd.DataFrame:
    """One findings table ordered by party, obligation and date.

    Rules return integer codes; they are concatenated and sorted as NumPy arrays and become
    categorical columns here, once (no per-row strings).
    """
    rules = programme.rules
    sizes = np.array([len(p["party"]) for p in parts], dtype=np.int64)
    rule_codes = np.repeat(np.arange(len(rules)), sizes)

    def column(name: str) -> Any:
        arrays = [p[name] for p in parts]
        return np.concatenate(arrays) if arrays else np.array([])

    party = column("party").astype(np.int64)
    dates = column("date").astype("datetime64[ns]")
    # Within a rule's findings, rows of one party are already in date order, so a stable sort
    # on (party, rule) alone gives (party, rule, date); the small key sorts in linear time.
    key = party * max(len(rules), 1) + rule_codes
    small = np.int16 if key.size == 0 or key.max() < 2**15 else np.int64
    order = np.argsort(key.astype(small), kind="stable")
    codes = rule_codes[order]
    out: dict[str, Any] = {"party": _categorical(party[order], programme.parties)}
    for name, attr in (("obligation", "id"), ("kind", "kind"), ("phase", "phase")):
        labels, per_rule = _per_rule([getattr(r, attr) for r in rules])
        out[name] = _categorical(per_rule[codes], labels)
    labels, per_rule = _per_rule([r.category for r in rules])
    out["category"] = _categorical(per_rule[codes], labels)
    out["date"] = dates[order]
    vocab = {
        "status": STATUSES,
        "note": NOTES,
        "op": OPS,
        "evidence_source": tuple(source_names),
    }
    for name in FINDING_COLUMNS:
        if name in ("party", "date"):
            continue
        values = column(name)[order]
        if name in vocab:
            out[name] = _categorical(values.astype(np.int64), vocab[name])
        elif name in ("deadline", "evidence_date", "reference_date"):
            out[name] = values.astype("datetime64[ns]")
        elif name == "extended":
            out[name] = values.astype(bool)
        elif name == "evidence_line":
            lines = values.astype(np.int64)
            out[name] = pd.arrays.IntegerArray(lines, lines < 0)  # nullable: <NA> when none
        else:
            out[name] = values.astype(float)
    out["op"] = _categorical(column("op")[order].astype(np.int64), OPS)
    labels, per_rule = _per_rule([r.source for r in rules])
    out["rule_source"] = _categorical(per_rule[codes], labels)
    return pd.DataFrame(out)


def _per_rule(values: list[str]) -> tuple[tuple[str, ...], Any]:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    return tuple(str(u) for u in uniques), codes


def _categorical(codes: Any, labels: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(labels), dtype=object))


__all__ = ["NOT_YET_DUE", "Result", "evaluate", "with_evidence"]
