"""Custody sequences, inspection results and the findings, re-derived from the log.

The derivations are the pure functions of `disarm.demo.derive` (the demo's own contract for
"any verifier"), fed only with payloads this verification has already checked:

* `CustodyCheck`: every state's `custody.event` rows, in log order, replayed by
  `validate_custody` at the end of each run of that state's custody statements (the moment the
  inspectorate had them), incrementally: only the items the run touches, and the items sharing
  their tags, are validated again (`CustodyChecker`); every finding so derived (once per code,
  item and message) is a custody finding.
* `InspectionCheck`: every `inspection.result` inspects exactly the sites its selection chose,
  cites reveals of the selected declaration that open those sites (regions), and every item
  found is confronted with the openings and every tag with the custody record as logged before
  the result (`site_findings`).
* `FindingsCheck`: the findings derived above, and one balance alarm per facility at its first
  evaluation with a Page alarm, are exactly the `finding.issued` statements — same kind, code,
  party, item, message (balance alarms: evidence) and evidence — none missing, none invented;
  each cites the latest `inspection.plan` and states the probability that plan gave.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult, Mismatch
from disarm.audit.policy import payload
from disarm.audit.rebuild import findings_rows
from disarm.audit.rounds import resolve
from disarm.audit.statement_checks import fail_at
from disarm.crypto.continuity import DeclarationView
from disarm.demo import statements as demo
from disarm.demo.derive import CustodyChecker, CustodyIndex, custody_record, site_findings
from disarm.inspect.custody_events import Event

__all__ = ["CustodyCheck", "FindingsCheck", "InspectionCheck"]

#: (kind, code, party, item, message or None, evidence indexes)
FindingKey = tuple[str, str, str, str | None, str | None, tuple[int, ...]]


#: A derived finding: its key, the entry it was derived at, and its source (which plan figure
#: it states: "custody" none, "site" the sampling probability, "balance" the Monte Carlo one).
Derived = tuple[FindingKey, int, str]


def _derived(ctx: AuditContext) -> list[Derived]:
    out: list[Derived] = ctx.facts.setdefault("derived_findings", [])
    return out


def _type(ctx: AuditContext, type_: str) -> list[int]:
    by_type: dict[str, list[int]] = ctx.facts["by_type"]
    return by_type.get(type_, [])


def _issuer(ctx: AuditContext, index: int) -> str:
    statements = ctx.facts.setdefault("statement_at", dict(ctx.statements))
    return str(statements[index].statement.issuer)


class CustodyCheck:
    name = "custody"
    title = "every chain-of-custody sequence replayed"

    def run(self, ctx: AuditContext) -> CheckResult:
        checkers: dict[str, CustodyChecker] = {}
        pending: list[Event] = []
        events = 0
        items: set[str] = set()
        seen: set[tuple[str, str, str, str]] = set()
        indexes = _type(ctx, "custody.event")
        for n, index in enumerate(indexes):
            ev = payload(ctx, index)
            if _issuer(ctx, index) != demo.INSPECTORATE:
                raise fail_at(ctx, index, "custody events not issued by the inspectorate")
            checker = checkers.setdefault(ev.party, CustodyChecker())
            try:  # lines number the rows of the state's whole record
                new = custody_record(ev.events, start=checker.lines + len(pending) + 1)
            except (ValueError, KeyError) as exc:
                raise fail_at(ctx, index, f"the custody rows do not parse: {exc}") from None
            events += len(new)
            items.update(e.item for e in new)
            pending.extend(new)
            following = indexes[n + 1] if n + 1 < len(indexes) else None
            if following == index + 1 and payload(ctx, following).party == ev.party:
                continue  # the run of this state's custody statements goes on
            # = validate_custody on the state's whole record so far, incrementally (the
            # derivation disarm.demo.derive defines for any verifier)
            found = checker.add_events(pending)
            pending = []
            for code, item, message in found:
                if (ev.party, code, item, message) in seen:
                    continue
                seen.add((ev.party, code, item, message))
                key = ("custody", code, ev.party, item, message, (index,))
                _derived(ctx).append((key, index, "custody"))
        return CheckResult(
            self.name,
            self.title,
            checked=events,
            unit="events",
            figures={"statements": len(indexes), "items": len(items), "findings": len(seen)},
        )


class InspectionCheck:
    name = "inspections"
    title = "inspection results: sites, reveals, items found, tags"

    def run(self, ctx: AuditContext) -> CheckResult:
        escrow = ctx.escrow
        assert escrow is not None
        selected: dict[int, tuple[str, list[str], int]] = ctx.facts["selected"]
        custody_at = iter(_type(ctx, "custody.event"))
        custody = CustodyIndex()
        pending = next(custody_at, None)
        found_items = 0
        issued: set[tuple[str, str, str, str]] = set()
        counts: dict[tuple[int, str], int] = {}
        ctx.facts["site_finding_counts"] = counts
        for index in _type(ctx, "inspection.result"):
            while pending is not None and pending < index:
                custody.add(pending, payload(ctx, pending))
                pending = next(custody_at, None)
            res = payload(ctx, index)
            if _issuer(ctx, index) != demo.INSPECTORATE:
                raise fail_at(ctx, index, "an inspection result not issued by the inspectorate")
            sel_at = resolve(ctx, index, res.selection, "inspection.selection", None, "the result")
            party, sites, decl = selected[sel_at]
            if party != res.party:
                raise fail_at(
                    ctx,
                    index,
                    "the result is for another state than its selection",
                    expected=party,
                    computed=res.party,
                )
            inspected = [s.site for s in res.sites]
            if inspected != sites:
                raise fail_at(
                    ctx,
                    index,
                    "the sites inspected are not the sites selected",
                    expected=sites,
                    computed=inspected,
                )
            record = escrow.declarations[decl]
            opened = {
                item_id: (item, ref)
                for item_id, (item, ref) in record.state.items().items()
                if ref < index
            }
            regions = {r: i for r, i in record.state.regions.items() if i < index}
            view = DeclarationView(
                decl, opened, regions, set(regions) == set(record.public.layout.regions)
            )
            for site in res.sites:
                self._reveals(ctx, index, site, decl)
                found_items += len(site.found)
                derived = site_findings(view, site.site, site.found, custody, index)
                counts[(index, site.site)] = len(derived)
                for f in derived:
                    if (party, f.kind, f.code, f.item) in issued:
                        continue  # found again at a later inspection: issued once
                    issued.add((party, f.kind, f.code, f.item))
                    key = (
                        f.kind,
                        f.code,
                        party,
                        f.item or None,
                        f.message,
                        tuple(e.index for e in f.evidence),
                    )
                    _derived(ctx).append((key, index, "site"))
        return CheckResult(
            self.name,
            self.title,
            checked=len(_type(ctx, "inspection.result")),
            unit="results",
            figures={"items_found": found_items},
        )

    def _reveals(self, ctx: AuditContext, index: int, site: Any, decl: int) -> None:
        escrow = ctx.escrow
        assert escrow is not None
        if not site.reveals:
            raise fail_at(ctx, index, f"site {site.site!r} was inspected without a reveal")
        for r in site.reveals:
            if escrow.reveal_of.get(r) != decl or r >= index:
                raise fail_at(
                    ctx,
                    index,
                    f"entry {r} is not an earlier reveal of the selected "
                    f"declaration (log entry {decl})",
                )
            statements = ctx.facts.setdefault("statement_at", dict(ctx.statements))
            body = statements[r].statement.payload
            if body.get("kind") != "region" or body.get("target") != site.site:
                raise fail_at(
                    ctx,
                    index,
                    f"reveal {r} does not open the region of site {site.site!r}",
                    expected=site.site,
                    computed=body.get("target"),
                )


class FindingsCheck:
    name = "findings"
    title = "the findings logged are exactly the findings re-derived"

    def run(self, ctx: AuditContext) -> CheckResult:
        derived = list(_derived(ctx)) + self._balance_alarms(ctx)
        source = {k: src for k, _, src in derived}
        logged: list[tuple[FindingKey, int]] = []
        for index in _type(ctx, "finding.issued"):
            f = payload(ctx, index)
            if _issuer(ctx, index) != demo.INSPECTORATE:
                raise fail_at(ctx, index, "a finding not issued by the inspectorate")
            for ev in f.evidence:
                if ev.index >= index:
                    raise fail_at(ctx, index, f"evidence entry {ev.index} is not earlier")
            message = None if f.kind == "balance-alarm" else f.message
            key = (f.kind, f.code, f.party, f.item, message, tuple(e.index for e in f.evidence))
            logged.append((key, index))
        want = Counter(k for k, _, _ in derived)
        got = Counter(k for k, _ in logged)
        invented, missing = got - want, want - got
        if invented:
            key = next(iter(invented))
            at = next(i for k, i in logged if k == key)
            raise fail_at(
                ctx,
                at,
                "a finding is logged that the log does not support",
                expected="no such finding",
                computed=_show(key),
            )
        if missing:
            key = next(iter(missing))
            at = next(i for k, i, _ in derived if k == key)
            raise Mismatch(
                f"a finding the log supports (derived at entry {at}) was not issued",
                index=at,
                expected=_show(key),
                computed="not logged",
            )
        plans = _type(ctx, "inspection.plan")
        for key, index in logged:
            self._plan(ctx, index, payload(ctx, index), plans, source[key])
        ctx.facts["findings_rows"] = findings_rows(ctx)
        ctx.facts["verified_findings"] = [
            {"index": i, "kind": k[0], "code": k[1], "party": k[2], "item": k[3]} for k, i in logged
        ]
        return CheckResult(
            self.name,
            self.title,
            checked=len(logged),
            unit="findings",
            figures=dict(Counter(k[0] for k, _ in logged)),
        )

    def _balance_alarms(self, ctx: AuditContext) -> list[Derived]:
        out: list[Derived] = []
        reports: dict[str, list[int]] = {}
        alarmed: set[str] = set()
        for index in _type(ctx, "inspection.balance"):
            rep = payload(ctx, index)
            reports.setdefault(rep.party, []).append(index)
            if rep.evaluation.first_alarm is not None and rep.party not in alarmed:
                alarmed.add(rep.party)
                key = (
                    "balance-alarm",
                    "page-sitmuf",
                    rep.party,
                    None,
                    None,
                    tuple(reports[rep.party]),
                )
                out.append((key, index, "balance"))
        return out

    def _plan(self, ctx: AuditContext, index: int, f: Any, plans: list[int], src: str) -> None:
        earlier = [p for p in plans if p < index]
        if not earlier:
            raise fail_at(ctx, index, "a finding before any inspection plan")
        latest = earlier[-1]
        if f.plan is None or f.plan.index != latest:
            raise fail_at(
                ctx,
                index,
                "the finding does not cite the latest inspection plan",
                expected=latest,
                computed=None if f.plan is None else f.plan.index,
            )
        resolve(ctx, index, f.plan, "inspection.plan", demo.INSPECTORATE, "the finding")
        plan = {s.party: s for s in payload(ctx, latest).states}.get(f.party)
        if plan is None:
            raise fail_at(ctx, index, f"the plan has no figures for {f.party}")
        stated = {
            "custody": None,
            "site": plan.detection[0].p_cumulative,
            "balance": plan.balance_detection,
        }[src]
        if f.stated_probability != stated:
            raise fail_at(
                ctx,
                index,
                "the finding states another detection probability than its plan",
                expected=stated,
                computed=f.stated_probability,
            )


def _show(key: FindingKey) -> dict[str, Any]:
    kind, code, party, item, message, evidence = key
    return {
        "kind": kind,
        "code": code,
        "party": party,
        "item": item,
        "message": message,
        "evidence": list(evidence),
    }
