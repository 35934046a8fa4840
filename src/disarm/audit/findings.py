"""Custody sequences, inspection results and the findings, re-derived from the log.

* `CustodyCheck`: all `custody.event` rows, in log order, form a custody record that
  `disarm.inspect.custody.validate_custody` replays; its findings are derived findings.
* `InspectionCheck`: every `inspection.result` inspects exactly the sites its selection chose;
  the reveals it cites open those sites (regions) of the selected declaration; every item found
  is confronted with the openings (`check_found_item`) and every tag with the custody record
  (a tag last seen on an item recorded dismantled reappearing on a live item).
* `FindingsCheck`: the findings derived above and from the balance alarms are exactly the
  `finding.issued` statements (same kind, code, party and item; none missing, none invented),
  and each finding's evidence and plan reference name earlier entries.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult, Mismatch
from disarm.audit.policy import fail_at, payload
from disarm.audit.rounds import resolve
from disarm.crypto.commitments import Item
from disarm.crypto.continuity import check_found_item
from disarm.demo import statements as demo
from disarm.errors import BadInput
from disarm.inspect.custody import validate_custody
from disarm.inspect.custody_events import Event, State, parse_events

__all__ = ["CustodyCheck", "FindingsCheck", "InspectionCheck"]

FindingKey = tuple[str, str, str, str | None]


def _derived(ctx: AuditContext) -> list[tuple[FindingKey, int]]:
    out: list[tuple[FindingKey, int]] = ctx.facts.setdefault("derived_findings", [])
    return out


def _type(ctx: AuditContext, type_: str) -> list[int]:
    by_type: dict[str, list[int]] = ctx.facts["by_type"]
    return by_type.get(type_, [])


class CustodyCheck:
    name = "custody"
    title = "every chain-of-custody sequence replayed"

    def run(self, ctx: AuditContext) -> CheckResult:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(demo.CUSTODY_COLUMNS)
        line_at: dict[int, tuple[int, str]] = {}
        line = 1
        for index in _type(ctx, "custody.event"):
            ev = payload(ctx, index)
            issuer = dict(ctx.statements)[index].statement.issuer
            if issuer != demo.INSPECTORATE:
                raise fail_at(ctx, index, "custody events not issued by the inspectorate")
            for row in ev.events:
                writer.writerow(row)
                line += 1
                line_at[line] = (index, ev.party)
        try:
            events = parse_events(buf.getvalue(), source="custody.event rows")
        except BadInput as exc:
            raise Mismatch(f"the custody events do not parse: {exc.diagnostics()}") from exc
        findings = validate_custody(events)
        for f in findings:
            at = line_at.get(f.evidence[0].line) if f.evidence else None
            party = at[1] if at else _party_of_item(ctx, f.item, events, line_at)
            _derived(ctx).append((("custody", f.code, party, f.item), at[0] if at else -1))
        ctx.facts["custody_events"] = events
        ctx.facts["custody_party"] = {e.item: line_at[e.line][1] for e in events}
        return CheckResult(
            self.name,
            self.title,
            checked=len(events),
            unit="events",
            figures={
                "items": len({e.item for e in events}),
                "statements": len(_type(ctx, "custody.event")),
                "findings": len(findings),
            },
        )


def _party_of_item(
    ctx: AuditContext, item: str, events: list[Event], line_at: dict[int, tuple[int, str]]
) -> str:
    for e in events:
        if e.item == item:
            return line_at[e.line][1]
    return ""


class InspectionCheck:
    name = "inspections"
    title = "inspection results: sites, reveals, items found, tags"

    def run(self, ctx: AuditContext) -> CheckResult:
        escrow = ctx.escrow
        assert escrow is not None
        selected: dict[int, tuple[str, list[str], int]] = ctx.facts["selected"]
        events: list[Event] = ctx.facts.get("custody_events", [])
        found_items = 0
        for index in _type(ctx, "inspection.result"):
            res = payload(ctx, index)
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
            if sorted(inspected) != sorted(sites):
                raise fail_at(
                    ctx,
                    index,
                    "the sites inspected are not the sites selected",
                    expected=sorted(sites),
                    computed=sorted(inspected),
                )
            record = escrow.declarations[decl]
            view = record.view()
            tags = _tag_history(events, res.date)
            for site in res.sites:
                for r in site.reveals:
                    if escrow.reveal_of.get(r) != decl or r >= index:
                        raise fail_at(
                            ctx,
                            index,
                            f"entry {r} is not an earlier reveal of the "
                            f"selected declaration (log entry {decl})",
                        )
                    target = dict(ctx.statements)[r].statement.payload.get("target")
                    if target != site.site:
                        raise fail_at(
                            ctx, index, f"reveal {r} opens {target!r}, not the site {site.site!r}"
                        )
                if site.site not in record.state.regions:
                    raise fail_at(
                        ctx,
                        index,
                        f"site {site.site!r} was inspected but its region is not revealed",
                    )
                for found in site.found:
                    found_items += 1
                    item = Item.from_json(
                        {
                            "id": found.id,
                            "category": found.category,
                            "region": site.site,
                            "status": found.category,
                        }
                    )
                    finding = check_found_item(view, item)
                    if finding is not None:
                        _derived(ctx).append(
                            ((finding.kind.value, finding.kind.value, party, found.id), index)
                        )
                    if found.tag and tags.get(found.tag) is not None:
                        _owner, state = tags[found.tag]
                        if state is State.DISMANTLED or state in _AFTER_DISMANTLED:
                            _derived(ctx).append(
                                (("dismantled-item-reappeared", "tag", party, found.id), index)
                            )
        return CheckResult(
            self.name,
            self.title,
            checked=len(_type(ctx, "inspection.result")),
            unit="results",
            figures={"items_found": found_items},
        )


_AFTER_DISMANTLED = {State.COMPONENTS_SEPARATED, State.MATERIAL_IN_SAFEGUARDED_STORAGE}


def _tag_history(events: list[Event], before: str) -> dict[str, tuple[str, State | None]]:
    """For each tag: the item it was applied to and that item's last state before `before`."""
    owner: dict[str, str] = {}
    state: dict[str, State | None] = {}
    for e in sorted(events, key=lambda e: e.time):
        if e.time.date().isoformat() > before:
            continue
        if e.tag and e.item not in owner.values():
            owner.setdefault(e.tag, e.item)
        if e.event.state is not None:
            state[e.item] = e.event.state
    return {t: (i, state.get(i)) for t, i in owner.items()}


class FindingsCheck:
    name = "findings"
    title = "the findings logged are exactly the findings re-derived"

    def run(self, ctx: AuditContext) -> CheckResult:
        derived = list(_derived(ctx))
        for (party, _area), reports in ctx.facts.get("balance_history", {}).items():
            alarm = next((r for r in reports if r.evaluation.first_alarm is not None), None)
            if alarm is not None:
                derived.append((("balance-alarm", "page-sitmuf", party, None), -1))
        logged: list[tuple[FindingKey, int]] = []
        for index in _type(ctx, "finding.issued"):
            f = payload(ctx, index)
            if dict(ctx.statements)[index].statement.issuer != demo.INSPECTORATE:
                raise fail_at(ctx, index, "a finding not issued by the inspectorate")
            for ev in f.evidence:
                if ev.index >= index:
                    raise fail_at(ctx, index, f"evidence entry {ev.index} is not earlier")
            if f.plan is not None:
                resolve(ctx, index, f.plan, "inspection.plan", demo.INSPECTORATE, "the finding")
            logged.append(((f.kind, _code(f), f.party, f.item), index))
        want = Counter(k for k, _ in derived)
        got = Counter(k for k, _ in logged)
        missing = want - got
        invented = got - want
        if invented:
            key = next(iter(invented))
            at = next(i for k, i in logged if k == key)
            raise fail_at(
                ctx,
                at,
                "a finding is logged that the log does not support",
                expected="no such finding",
                computed=list(key),
            )
        if missing:
            key = next(iter(missing))
            at = next(i for k, i in derived if k == key)
            raise Mismatch(
                f"a finding the log supports was not issued (derived from entry {at})",
                index=at if at >= 0 else None,
                expected=list(key),
                computed="not logged",
            )
        ctx.facts["findings_logged"] = logged
        return CheckResult(
            self.name,
            self.title,
            checked=len(logged),
            unit="findings",
            figures=dict(Counter(k[0] for k, _ in logged)),
        )


def _code(f: Any) -> str:
    if f.kind in ("hidden-item", "misdeclared"):
        return str(f.kind)
    if f.kind == "dismantled-item-reappeared":
        return "tag"
    return str(f.code)
