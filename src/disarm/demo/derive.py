"""Findings as a pure function of logged payloads (used by the demo, and by any verifier).

`CustodyIndex` replays custody.event payloads in log order: which tag was applied to which
item (and at which log index), and which items were recorded dismantled. `site_findings`
confronts what inspectors found at a fully revealed site with the declaration's openings
(disarm.crypto.continuity.check_found_item) and every tag read with the custody record.
`balance_alarm` says whether a balance evaluation calls for a finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from disarm.crypto.commitments import Item
from disarm.crypto.continuity import DeclarationView, check_found_item
from disarm.demo.statements import CUSTODY_COLUMNS, CustodyEvents, Evidence, FoundItem
from disarm.inspect.custody import validate_custody
from disarm.inspect.custody_events import Event, EventType

_EVENT = CUSTODY_COLUMNS.index("event")
_TAG = CUSTODY_COLUMNS.index("tag")


@dataclass
class CustodyIndex:
    """Tags and dismantlements of the custody record so far (log indexes of their entries)."""

    tag_owner: dict[str, tuple[str, int]] = field(default_factory=dict)
    dismantled: dict[str, int] = field(default_factory=dict)

    def add(self, index: int, payload: CustodyEvents) -> None:
        for row in payload.events:
            item, event = row[0], row[_EVENT]
            if event == "tag_applied" and row[_TAG]:
                self.tag_owner.setdefault(row[_TAG], (item, index))
            elif event == "dismantled":
                self.dismantled.setdefault(item, index)


@dataclass(frozen=True)
class DerivedFinding:
    kind: str
    code: str
    item: str
    message: str
    evidence: tuple[Evidence, ...]


def site_findings(
    view: DeclarationView,
    site: str,
    found: Iterable[FoundItem],
    custody: CustodyIndex,
    result_index: int,
) -> list[DerivedFinding]:
    """Findings for one inspected site (in the order of `found`)."""
    out: list[DerivedFinding] = []
    here = Evidence(index=result_index, role="inspection result")
    for f in found:
        item = Item(f.id, f.category, site, f.category)
        finding = check_found_item(view, item)
        if finding is not None:
            out.append(
                DerivedFinding(
                    finding.kind.value,
                    finding.kind.value,
                    f.id,
                    finding.message,
                    (
                        here,
                        *(Evidence(index=e.index, role=e.role) for e in finding.evidence),
                    ),
                )
            )
        if not f.tag:
            continue
        owner = custody.tag_owner.get(f.tag)
        if owner is None or owner[0] == f.id:
            continue
        first, applied = owner
        if first in custody.dismantled:
            out.append(
                DerivedFinding(
                    "dismantled-item-reappeared",
                    "tag_mismatch",
                    f.id,
                    f"item {f.id!r} found at {site} carries tag {f.tag!r}, which the custody "
                    f"record applied to item {first!r} (log index {applied}); {first!r} was "
                    f"recorded dismantled at log index {custody.dismantled[first]}: a "
                    "dismantled item has reappeared under a new identifier",
                    (
                        here,
                        Evidence(index=applied, role="tag applied"),
                        Evidence(index=custody.dismantled[first], role="recorded dismantled"),
                        Evidence(index=view.commit_index, role="declaration"),
                    ),
                )
            )
        else:
            out.append(
                DerivedFinding(
                    "custody",
                    "tag_mismatch",
                    f.id,
                    f"item {f.id!r} found at {site} carries tag {f.tag!r}, which the custody "
                    f"record applied to item {first!r} (log index {applied})",
                    (here, Evidence(index=applied, role="tag applied")),
                )
            )
    return out


def balance_alarm(first_alarm: int | None, already: bool) -> bool:
    """A balance-alarm finding is issued at the first evaluation with a Page alarm (once)."""
    return first_alarm is not None and not already


def custody_record(rows: Iterable[tuple[str, ...]], start: int = 1) -> list[Event]:
    """A state's custody rows (in log order) as events; `line` is the 1-based row number."""
    events = []
    for line, row in enumerate(rows, start=start):
        item, time, location, event, actor, tag, seal, previous, destination = row
        events.append(
            Event(
                line,
                item,
                dt.datetime.fromisoformat(time.replace("Z", "+00:00")),
                location,
                EventType(event),
                actor,
                tag,
                seal,
                previous,
                destination,
            )
        )
    return events


def custody_findings(rows: Iterable[tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(code, item, message) of every validate_custody finding on a state's whole record."""
    return [(f.code, f.item, f.message) for f in validate_custody(custody_record(rows))]


class CustodyChecker:
    """Incremental validate_custody over one state's record (same findings as the whole run).

    A finding about an item depends only on that item's events and on the owners of the tags
    they carry, so after new rows only the items they touch (and those tags' owners) are
    validated again, with their line numbers in the whole record.
    """

    def __init__(self) -> None:
        self.lines = 0
        self.by_item: dict[str, list[Event]] = {}
        self.tag_items: dict[str, set[str]] = {}

    def add(self, rows: Iterable[tuple[str, ...]]) -> list[tuple[str, str, str]]:
        return self.add_events(custody_record(rows, start=self.lines + 1))

    def add_events(self, new: list[Event]) -> list[tuple[str, str, str]]:
        """`add` for rows already parsed by `custody_record(rows, start=self.lines + 1)`."""
        self.lines += len(new)
        touched: set[str] = set()
        for ev in new:
            self.by_item.setdefault(ev.item, []).append(ev)
            touched.add(ev.item)
            if ev.tag:
                self.tag_items.setdefault(ev.tag, set()).add(ev.item)
        related = set(touched)
        for item in touched:
            for ev in self.by_item[item]:
                if ev.tag:
                    related |= self.tag_items[ev.tag]
        events = [ev for item in sorted(related) for ev in self.by_item[item]]
        return [(f.code, f.item, f.message) for f in validate_custody(events)]
