"""Compliance verdicts and material balances, re-derived from the log.

* `VerdictCheck`: every `programme.evaluation` cites exactly the `declaration.aggregates`
  logged before it; the rules engine, run on the programme text published in the log and on
  those aggregates as of the round's date, gives the same verdict rows.
* `BalanceCheck`: every `inspection.balance` report's evaluation (MUF, sigma-MUF, SITMUF,
  Page's statistic, its threshold and the first alarm) is what `disarm.stats.mua.evaluate`
  gives on the balance area rebuilt from all reports of that facility so far and the design
  published in the scenario, against the campaign's threshold (false-alarm probability alpha
  over all the campaign's periods; relative tolerance 1e-9, as the format states).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult
from disarm.audit.policy import payload
from disarm.audit.rounds import resolve
from disarm.audit.statement_checks import fail_at
from disarm.demo import statements as demo
from disarm.errors import BadInput
from disarm.rules import evaluate, load_declarations
from disarm.stats.mua.evaluation import evaluate as evaluate_balance
from disarm.stats.mua.model import MeasurementPoint, build_balance_area
from disarm.stats.mua.sequential import page_threshold

__all__ = ["BalanceCheck", "VerdictCheck", "derive_verdicts"]

REL_TOL = 1e-9


def _cell(value: Any) -> float | None:
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def derive_verdicts(
    programme: Any, aggregates: Sequence[tuple[int, str, Any]], date: str
) -> list[tuple[str, str, str, str, str, float | None, float | None]]:
    """The engine's verdict rows for `date` from (log index, party, aggregates payload)."""
    rows = [
        {"date": a.date, "party": party, "category": c, "value": v, "source": f"log {index}"}
        for index, party, a in aggregates
        for c, v in a.values.items()
    ]
    frame = load_declarations(pd.DataFrame(rows), programme=programme)
    findings = evaluate(programme, frame, as_of=date).findings
    day = pd.Timestamp(date).date()
    findings = findings[pd.to_datetime(findings["date"]).dt.date == day]
    return [
        (
            str(r["party"]),
            str(r["obligation"]),
            str(r["phase"]),
            str(r["category"]),
            str(r["status"]),
            _cell(r["limit"]),
            _cell(r["value"]),
        )
        for r in findings.to_dict("records")
    ]


class VerdictCheck:
    name = "verdicts"
    title = "compliance verdicts re-derived with the published programme"

    def run(self, ctx: AuditContext) -> CheckResult:
        programme = ctx.facts["programme"]
        statements = dict(ctx.statements)
        by_type: dict[str, list[int]] = ctx.facts["by_type"]
        agg_indexes = by_type.get("declaration.aggregates", [])
        rows = 0
        for index in by_type.get("programme.evaluation", []):
            ev = payload(ctx, index)
            before = [i for i in agg_indexes if i < index]
            cited = [r.index for r in ev.aggregates]
            if cited != before:
                raise fail_at(
                    ctx,
                    index,
                    "the evaluation does not cite exactly the aggregates logged before it",
                    expected=before,
                    computed=cited,
                )
            pairs = []
            for ref in ev.aggregates:
                party = statements[ref.index].statement.issuer
                resolve(ctx, index, ref, "declaration.aggregates", party, "the evaluation")
                pairs.append((ref.index, party, payload(ctx, ref.index)))
            try:
                derived = derive_verdicts(programme, pairs, ev.date)
            except BadInput as exc:
                raise fail_at(
                    ctx, index, f"the aggregates cannot be evaluated: {exc.message}"
                ) from exc
            logged = [tuple(v) for v in ev.verdicts]
            if len(derived) != len(logged):
                raise fail_at(
                    ctx,
                    index,
                    "the evaluation has another number of verdicts",
                    expected=len(logged),
                    computed=len(derived),
                )
            for k, (a, b) in enumerate(zip(logged, derived, strict=True)):
                if not _same_row(a, b):
                    raise fail_at(
                        ctx,
                        index,
                        f"verdict row {k} differs from the engine's",
                        expected=list(a),
                        computed=list(b),
                    )
            rows += len(logged)
        return CheckResult(
            self.name,
            self.title,
            checked=len(by_type.get("programme.evaluation", [])),
            unit="evaluations",
            figures={"verdict_rows": rows},
        )


def _same_row(a: Sequence[Any], b: Sequence[Any]) -> bool:
    for x, y in zip(a, b, strict=True):
        if isinstance(x, float) or isinstance(y, float):
            if x is None or y is None or not math.isclose(x, y, rel_tol=REL_TOL, abs_tol=0.0):
                return False
        elif x != y:
            return False
    return len(a) == len(b)


class BalanceCheck:
    name = "balances"
    title = "material balances: MUF, sigma-MUF, SITMUF, Page's test re-computed"

    def run(self, ctx: AuditContext) -> CheckResult:
        design = ctx.facts["scenario"].balance
        h_campaign = campaign_threshold(design, campaign_periods(ctx.facts["scenario"]))
        by_type: dict[str, list[int]] = ctx.facts["by_type"]
        history: dict[tuple[str, str], list[Any]] = {}
        alarms = 0
        periods_total = 0
        for index in by_type.get("inspection.balance", []):
            rep = payload(ctx, index)
            issuer = dict(ctx.statements)[index].statement.issuer
            if issuer != demo.INSPECTORATE:
                raise fail_at(ctx, index, "a balance report not issued by the inspectorate")
            key = (rep.party, rep.area)
            reports = history.setdefault(key, [])
            if (rep.opening is None) != bool(reports):
                raise fail_at(
                    ctx, index, "only the first report of a facility has the opening inventory"
                )
            reports.append(rep)
            periods = [p for r in reports for p in r.periods]
            if [p.period for p in periods] != list(range(1, len(periods) + 1)):
                raise fail_at(ctx, index, "the balance periods are not consecutive from 1")
            ev = rep.evaluation
            if ev.periods != len(periods):
                raise fail_at(
                    ctx,
                    index,
                    "the evaluation covers another number of periods",
                    expected=len(periods),
                    computed=ev.periods,
                )
            derived = _evaluate(
                design, rep.area, reports[0].opening, periods, ctx, index, h_campaign
            )
            for name in ("muf", "sigma_muf", "sitmuf", "page"):
                got = np.asarray(getattr(derived, name), dtype=float)
                stated = np.asarray(getattr(ev, name), dtype=float)
                if got.shape != stated.shape or not np.allclose(
                    stated, got, rtol=REL_TOL, atol=0.0
                ):
                    at = _first_off(stated, got)
                    raise fail_at(
                        ctx,
                        index,
                        f"{name} of {rep.party} period {at + 1} differs",
                        expected=stated.tolist()[at] if at < len(stated) else None,
                        computed=got.tolist()[at] if at < len(got) else None,
                    )
            h = derived.thresholds["page-sitmuf"]
            if not math.isclose(ev.page_threshold, h, rel_tol=REL_TOL):
                raise fail_at(
                    ctx, index, "the Page threshold differs", expected=ev.page_threshold, computed=h
                )
            first = derived.first_alarms["page-sitmuf"]
            if ev.first_alarm != first:
                raise fail_at(
                    ctx,
                    index,
                    "the first Page alarm differs",
                    expected=ev.first_alarm,
                    computed=first,
                )
            alarms += first is not None
            periods_total = max(periods_total, len(periods))
        ctx.facts["balance_history"] = history
        return CheckResult(
            self.name,
            self.title,
            checked=len(by_type.get("inspection.balance", [])),
            unit="balance reports",
            figures={"facilities": len(history), "reports_with_alarm": alarms},
        )


def _first_off(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if not math.isclose(float(a[i]), float(b[i]), rel_tol=REL_TOL):
            return i
    return n


def campaign_periods(scenario: Any) -> int:
    """Balance periods of the whole campaign: rounds every six months after the first."""
    return int((len(scenario.rounds) - 1) * (6 // scenario.balance.period_months))


def campaign_threshold(design: Any, periods: int) -> float:
    """Page's threshold for the whole campaign (false-alarm probability `alpha` over all its
    periods), chosen by simulation as `disarm.stats.mua.evaluate` does for that many periods:
    the first stream spawned by SeedSequence(mc_seed)."""
    page_seq, _ = np.random.SeedSequence(design.mc_seed).spawn(2)
    return float(
        page_threshold(
            design.k,
            periods,
            design.alpha,
            iterations=design.iterations,
            rng=np.random.default_rng(page_seq),
        )
    )


def _evaluate(
    design: Any,
    area: str,
    opening: Any,
    periods: Sequence[Any],
    ctx: AuditContext,
    index: int,
    h: float,
) -> Any:
    points = []
    for p in design.points:
        if p.kind == "inventory":
            values = [opening[p.name], *(period.closing[p.name] for period in periods)]
        else:
            values = [v for period in periods for v in period.flows[p.name]]
        points.append(
            MeasurementPoint(p.name, p.kind, p.random, p.systematic, np.asarray(values, float))
        )
    try:
        measured = build_balance_area(
            area,
            period_length=design.period_length,
            periods=len(periods),
            calibration_length=design.calibration_length,
            points=tuple(points),
            unit=design.unit,
        )
        return evaluate_balance(
            measured,
            alpha=design.alpha,
            k=design.k,
            h=h,
            iterations=design.iterations,
            seed=design.mc_seed,
        )
    except (BadInput, KeyError) as exc:
        raise fail_at(ctx, index, f"the balance cannot be rebuilt: {exc}") from None
