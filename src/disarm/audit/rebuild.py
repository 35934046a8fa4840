"""Rebuild the demo's published figures from the verified log, to re-render its files.

`rebuild_result` fills a `disarm.demo.regime.RegimeResult` from the statements the earlier
checks verified — declarations, verdicts, inspections, balances, findings, the plan's detection
figures, the schedule, the log's size and checkpoints, the keys — so that the demo's own
renderer (`disarm.demo.outputs.output_files`) can be run on it and its bytes compared with the
files in DIR.

One part of the report is not in the log: the simulation's ground truth (which state cheated,
how, with which items). It is read from findings.json's ``simulation_truth``; its detection
outcome is checked against the logged findings here, and everything else in it is rendered
into report.html too, so an edit of it in one file shows as a difference in the other.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from disarm.audit.context import AuditContext
from disarm.audit.model import Mismatch
from disarm.audit.policy import payload
from disarm.demo import statements as demo
from disarm.demo.regime import DETECTED_BY, RegimeConfig, RegimeResult
from disarm.demo.world import scaled

__all__ = ["rebuild_result", "simulation_truth"]


def _type(ctx: AuditContext, type_: str) -> list[int]:
    by_type: dict[str, list[int]] = ctx.facts["by_type"]
    return by_type.get(type_, [])


def simulation_truth(ctx: AuditContext) -> dict[str, Any]:
    """findings.json's ``simulation_truth`` (without its note), checked against the log."""
    path = ctx.root / demo.FINDINGS_FILE
    try:
        doc = json.loads(path.read_bytes())
        truth = dict(doc["simulation_truth"])
        truth.pop("note")
        strategy = truth["strategy"]
    except FileNotFoundError:
        raise Mismatch("the findings file is missing", file=demo.FINDINGS_FILE) from None
    except json.JSONDecodeError as exc:
        raise Mismatch(
            f"the findings file is not JSON: {exc.msg}",
            file=demo.FINDINGS_FILE,
            byte=len(exc.doc[: exc.pos].encode("utf-8")),
            expected="JSON",
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise Mismatch(
            f"the findings file has no readable simulation_truth: {exc}", file=demo.FINDINGS_FILE
        ) from None
    if strategy == "none":
        return truth
    if strategy not in DETECTED_BY:
        raise Mismatch("unknown cheating strategy", file=demo.FINDINGS_FILE, computed=strategy)
    kind = DETECTED_BY[strategy]
    hits = [f for f in ctx.facts["findings_rows"] if f["kind"] == kind and f["party"] ==
            truth.get("party")]  # fmt: skip
    first = None
    if hits:
        h = hits[0]
        first = {"date": h["date"], "index": h["index"], "kind": kind, "message": h["message"],
                 "evidence": h["evidence"]}  # fmt: skip
    for name, derived in (("detected", bool(hits)), ("first_detection", first),
                          ("findings", len(hits))):  # fmt: skip
        if truth.get(name) != derived:
            raise Mismatch(
                f"simulation_truth.{name} disagrees with the findings in the log",
                file=demo.FINDINGS_FILE,
                expected=truth.get(name),
                computed=derived,
            )
    return truth


def _round_of(rounds: list[str], date: str) -> int:
    r = 0
    for k, d in enumerate(rounds):
        if d <= date:
            r = k
    return r


def _limit_on(steps: list[tuple[dt.date, float]], day: dt.date) -> float | None:
    current: float | None = None
    for start, limit in steps:
        if start <= day:
            current = limit
    return None if current is None or not math.isfinite(current) else current


def findings_rows(ctx: AuditContext) -> list[dict[str, Any]]:
    rounds = list(ctx.facts["scenario"].rounds)
    rows = []
    for index in _type(ctx, "finding.issued"):
        f = payload(ctx, index)
        rows.append({"index": index, "round": _round_of(rounds, f.date),
                     **f.model_dump(mode="json")})  # fmt: skip
    return rows


def rebuild_result(ctx: AuditContext, truth: dict[str, Any]) -> RegimeResult:
    scenario = ctx.facts["scenario"]
    programme = ctx.facts["programme"]
    rounds = [dt.date.fromisoformat(d) for d in scenario.rounds]
    estimates = {b.party: b.value for b in scenario.baselines if b.category == "total_inventory"}
    res = RegimeResult(
        RegimeConfig(
            seed=0,
            years=(len(rounds) - 1) // 2,
            cheat=str(truth["strategy"]),
            cheater=truth.get("party"),
            scale=scenario.scale,
            iterations=scenario.balance.iterations,
        ),
        programme,
        rounds,
        {s.party: s for s in scenario.states},
        {
            s.party: float(max(2, scaled(estimates.get(s.party, 0.0), scenario.scale)))
            for s in scenario.states
        },
    )
    statements = dict(ctx.statements)
    order = list(demo.DECLARATION_CATEGORIES)
    for index in _type(ctx, "declaration.aggregates"):
        agg = payload(ctx, index)
        party = statements[index].statement.issuer
        for category in sorted(agg.values, key=lambda c: (order.index(c) if c in order
                                                            else len(order), c)):  # fmt: skip
            res.declarations.append({"round": agg.round, "date": agg.date, "party": party,
                                     "category": category, "value": agg.values[category],
                                     "log_index": index})  # fmt: skip
    for index in _type(ctx, "programme.evaluation"):
        ev = payload(ctx, index)
        for row in ev.verdicts:
            res.verdicts.append(dict(zip(("round", "date", *demo.VERDICT_COLUMNS),
                                         (ev.round, ev.date, *row), strict=True)))  # fmt: skip
    plans = _type(ctx, "inspection.plan")
    counts: dict[tuple[int, str], int] = ctx.facts["site_finding_counts"]
    for index in _type(ctx, "inspection.result"):
        result = payload(ctx, index)
        plan = payload(ctx, max(p for p in plans if p < index))
        figures = {s.party: s for s in plan.states}[result.party]
        for site in result.sites:
            res.inspections.append({
                "round": result.round, "date": result.date, "party": result.party,
                "site": site.site, "items_found": len(site.found),
                "findings": counts.get((index, site.site), 0),
                "selection_index": result.selection.index, "result_index": index,
                "p_detect_round_1_site": figures.detection[0].p_round,
            })  # fmt: skip
    for index in _type(ctx, "inspection.balance"):
        rep = payload(ctx, index)
        ev = rep.evaluation
        for p in rep.periods:
            j = p.period - 1
            res.balances.append({
                "party": rep.party, "area": rep.area, "period": p.period,
                "start": p.start[:10], "end": p.end[:10],
                "input_kg": round(sum(p.flows["input"]), 3),
                "output_kg": round(sum(p.flows["output"]), 3),
                "closing_inventory_kg": p.closing["in_process"],
                "muf_kg": round(ev.muf[j], 6), "sigma_muf_kg": round(ev.sigma_muf[j], 6),
                "sitmuf": round(ev.sitmuf[j], 6), "page": round(ev.page[j], 6),
                "page_threshold": round(ev.page_threshold, 6),
                "evaluated_at_index": index,
            })  # fmt: skip
    res.findings = ctx.facts["findings_rows"]
    if plans:
        for s in payload(ctx, plans[-1]).states:
            res.detection[s.party] = {
                "sites": s.population, "sites_per_round": s.sites,
                "p_round_1_site": s.detection[0].p_round,
                "p_run_1_site": s.detection[0].p_cumulative,
                "balance_goal_kg": s.balance_goal_kg, "balance_periods": s.balance_periods,
                "p_balance_page": s.balance_detection,
            }  # fmt: skip
    res.cheat = truth
    res.log_size = ctx.store.size
    res.checkpoints = len(ctx.checkpoints)
    res.final_checkpoint = ctx.cosigned[-1].text
    res.keys = {
        rel: (ctx.root / rel).read_text("utf-8").strip()
        for rel in (demo.TRUST_ANCHOR_FILE, demo.LOG_KEY_FILE, *demo.WITNESS_KEY_FILES)
    }
    res.entries = [
        (s.statement.type, s.statement.issuer, s.statement.time, s.hash) for _, s in ctx.statements
    ]
    for s in scenario.states:
        first = next((d["value"] for d in res.declarations if d["party"] == s.party
                      and d["category"] == "total_inventory"), math.nan)  # fmt: skip
        steps = programme.ceiling_schedule(
            s.party, "total_inventory", {s.party: {"total_inventory": float(first)}}
        )
        res.schedule[s.party] = [(d.isoformat(), _limit_on(steps, d)) for d in rounds]
    return res
