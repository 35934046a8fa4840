"""Chain of custody: validate every item's event sequence against the lifecycle state machine.

Each illegal step is a `Finding` naming its code and carrying the offending events as evidence.
Codes (docs/inspections.md has the full table):

``out_of_order``         an event is earlier than the item's previous event in the record
``unknown_item``         the item is not in the declared inventory, or its first event does not
                         bring it into custody (deployed or in_storage)
``illegal_transition``   a lifecycle step the state machine does not allow (skipping a stage,
                         going back before dismantlement, anything after disposition)
``back_from_dismantled`` a dismantled item reappears in an earlier stage
``two_places``           the item is recorded at a second location without a transit
``custody_gap``          a transit ends elsewhere than its declared destination, a sealed or
                         tagged item goes unverified for longer than the configured maximum, or
                         a declared item has no event at all
``broken_seal``          a seal was found broken
``replaced_seal``        a seal id changed without a recorded authorised re-seal
``tag_mismatch``         a tag id differs from the item's tag, or one tag is on two items
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from disarm.inspect.custody_events import VERIFICATIONS, Event, EventType, State

__all__ = ["CODES", "Finding", "validate_custody"]

CODES = (
    "out_of_order",
    "unknown_item",
    "illegal_transition",
    "back_from_dismantled",
    "two_places",
    "custody_gap",
    "broken_seal",
    "replaced_seal",
    "tag_mismatch",
)

S = State
ENTRY = frozenset({S.DEPLOYED, S.IN_STORAGE})
POST = frozenset({S.DISMANTLED, S.COMPONENTS_SEPARATED, S.MATERIAL_IN_SAFEGUARDED_STORAGE})
#: Allowed lifecycle steps (from, to). Every step except into and out of transit keeps the
#: location; repeating a state at the same location (a re-declaration) is allowed, except for
#: transit, dismantlement and separation, which happen once.
ALLOWED: frozenset[tuple[State, State]] = frozenset(
    {
        (S.DEPLOYED, S.REMOVED_FROM_DELIVERY_VEHICLE),
        (S.REMOVED_FROM_DELIVERY_VEHICLE, S.IN_STORAGE),
        (S.REMOVED_FROM_DELIVERY_VEHICLE, S.IN_TRANSIT),
        (S.IN_STORAGE, S.IN_TRANSIT),
        (S.IN_STORAGE, S.AT_DISMANTLEMENT_FACILITY),
        (S.IN_TRANSIT, S.IN_STORAGE),
        (S.IN_TRANSIT, S.AT_DISMANTLEMENT_FACILITY),
        (S.IN_TRANSIT, S.MATERIAL_IN_SAFEGUARDED_STORAGE),
        (S.AT_DISMANTLEMENT_FACILITY, S.IN_STORAGE),
        (S.AT_DISMANTLEMENT_FACILITY, S.IN_TRANSIT),
        (S.AT_DISMANTLEMENT_FACILITY, S.DISMANTLED),
        (S.DISMANTLED, S.COMPONENTS_SEPARATED),
        (S.COMPONENTS_SEPARATED, S.IN_TRANSIT),
        (S.COMPONENTS_SEPARATED, S.MATERIAL_IN_SAFEGUARDED_STORAGE),
        (S.DEPLOYED, S.DEPLOYED),
        (S.REMOVED_FROM_DELIVERY_VEHICLE, S.REMOVED_FROM_DELIVERY_VEHICLE),
        (S.IN_STORAGE, S.IN_STORAGE),
        (S.AT_DISMANTLEMENT_FACILITY, S.AT_DISMANTLEMENT_FACILITY),
        (S.MATERIAL_IN_SAFEGUARDED_STORAGE, S.MATERIAL_IN_SAFEGUARDED_STORAGE),
    }
)


@dataclass(frozen=True)
class Finding:
    code: str
    item: str
    message: str
    evidence: tuple[Event, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "item": self.item,
            "message": self.message,
            "lines": [e.line for e in self.evidence],
            "evidence": [e.evidence() for e in self.evidence],
        }


@dataclass
class _Custody:
    """What is known about one item while its events are replayed."""

    state: State | None = None
    location: str = ""
    since: Event | None = None  # the event that established the current state and location
    transit: Event | None = None
    furthest: State | None = None  # the furthest post-dismantlement state reached
    seal: str = ""
    seal_event: Event | None = None
    tag: str = ""
    tag_event: Event | None = None
    last_check: Event | None = None
    gap_reported: Event | None = None  # the check after which a gap was already reported
    clock_stopped: bool = False


def validate_custody(
    events: Sequence[Event],
    *,
    inventory: Collection[str] | None = None,
    max_unverified: dt.timedelta | None = None,
    as_of: dt.datetime | None = None,
) -> list[Finding]:
    """All findings for a record of events (an empty list means an unbroken chain of custody).

    ``inventory`` is the declared list of item ids (items outside it are unknown);
    ``max_unverified`` the longest interval a tagged or sealed item may go without a
    verification event. The interval is checked at every later event of the item (whatever
    its kind) and up to ``as_of``, which defaults to the time of the last event in the record:
    an item nobody checked while the record went on is a gap even if it has no later event.
    """
    findings: list[Finding] = []
    end = as_of
    if end is None and events:
        last_event = max(events, key=lambda e: e.time)
        end = last_event.time
    by_item: dict[str, list[Event]] = defaultdict(list)
    for ev in events:
        by_item[ev.item].append(ev)
    tag_owner: dict[str, Event] = {}
    for item in sorted(by_item):
        record = by_item[item]
        for prev, ev in itertools.pairwise(record):
            if ev.time < prev.time:
                findings.append(
                    Finding(
                        "out_of_order",
                        item,
                        f"line {ev.line} ({ev.time.isoformat()}) is earlier than line "
                        f"{prev.line} ({prev.time.isoformat()}) before it",
                        (prev, ev),
                    )
                )
        ordered = sorted(record, key=lambda e: e.time)
        if inventory is not None and item not in inventory:
            findings.append(
                Finding(
                    "unknown_item",
                    item,
                    f"item {item!r} is not in the declared inventory ({len(record)} events)",
                    (ordered[0],),
                )
            )
        findings.extend(_replay(item, ordered, tag_owner, max_unverified, end, as_of is None))
    for item in sorted(set(inventory or ()) - set(by_item)):
        findings.append(
            Finding(
                "custody_gap",
                item,
                f"declared item {item!r} has no custody event at all: it is unaccounted for",
            )
        )
    return findings


def _replay(
    item: str,
    ordered: Sequence[Event],
    tag_owner: dict[str, Event],
    max_unverified: dt.timedelta | None,
    end: dt.datetime | None,
    end_is_last_event: bool,
) -> list[Finding]:
    out: list[Finding] = []
    c = _Custody()

    def find(code: str, message: str, *evidence: Event | None) -> None:
        out.append(Finding(code, item, message, tuple(e for e in evidence if e is not None)))

    first = ordered[0]
    if first.event.state not in ENTRY:
        find(
            "unknown_item",
            f"the item's first event (line {first.line}, {first.event.value}) does not bring "
            "it into custody: that must be deployed or in_storage",
            first,
        )
    for ev in ordered:
        kind = ev.event
        target = kind.state
        # Location: outside transit, every event must happen where the item is.
        if c.state is not None and c.state is not S.IN_TRANSIT and ev.location != c.location:
            when = " at the same time" if c.since is not None and c.since.time == ev.time else ""
            find(
                "two_places",
                f"item is at {c.location!r} (line {c.since.line if c.since else '?'}) but line "
                f"{ev.line} records it at {ev.location!r}{when} with no transit in between",
                c.since,
                ev,
            )
        if target is not None:
            _step(c, ev, target, find)
        _tags(c, ev, tag_owner, find)
        _seals(c, ev, find)
        if max_unverified is not None:
            _clock(c, ev, max_unverified, find)
    last = c.last_check
    if max_unverified is not None and end is not None and last is not None:
        gap = end - last.time
        if gap > max_unverified and last is not c.gap_reported:
            upto = "the last event in the record" if end_is_last_event else "the time given"
            find(
                "custody_gap",
                f"no verification for {span(gap)} since line {last.line} "
                f"({last.time.date().isoformat()}) up to {end.isoformat()} ({upto}; "
                f"maximum {span(max_unverified)})",
                last,
            )
    return out


def span(delta: dt.timedelta) -> str:
    """A duration for people: "59 days", "1 day 6 h", "3 h 20 min" (never "59 days, 0:00:00")."""
    minutes = round(delta.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day" + ("" if days == 1 else "s")] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return " ".join(parts) or "0 min"


def _step(c: _Custody, ev: Event, target: State, find: Any) -> None:
    current = c.state
    if current is S.IN_TRANSIT and c.transit is not None and ev.location != c.transit.destination:
        start = c.transit
        find(
            "custody_gap",
            f"transit from {start.location!r} (line {start.line}) was declared to "
            f"{start.destination!r} but ends at {ev.location!r} (line {ev.line})",
            start,
            ev,
        )
    if current is None:
        pass  # the entry rule is checked once, on the item's first event
    elif c.furthest is not None and (
        (target not in POST and target is not S.IN_TRANSIT)
        or (target in POST and _rank(target) < _rank(c.furthest))
    ):
        find(
            "back_from_dismantled",
            f"item reached {c.furthest.value} but line {ev.line} records it as {target.value}",
            c.since,
            ev,
        )
    elif current is S.IN_TRANSIT and target is S.MATERIAL_IN_SAFEGUARDED_STORAGE and not c.furthest:
        find(
            "illegal_transition",
            f"line {ev.line}: {target.value} for an item that was never dismantled",
            c.since,
            ev,
        )
    elif (current, target) not in ALLOWED:
        find(
            "illegal_transition",
            f"line {ev.line}: {current.value} cannot be followed by {target.value}",
            c.since,
            ev,
        )
    if target in POST and (c.furthest is None or _rank(target) > _rank(c.furthest)):
        c.furthest = target
    c.state, c.location, c.since = target, ev.location, ev
    c.transit = ev if target is S.IN_TRANSIT else None


_RANK = {state: i for i, state in enumerate(State)}


def _rank(state: State) -> int:
    return _RANK[state]


def _tags(c: _Custody, ev: Event, tag_owner: dict[str, Event], find: Any) -> None:
    if not ev.tag:
        return
    if ev.event is EventType.TAG_APPLIED and not c.tag:
        owner = tag_owner.get(ev.tag)
        if owner is not None and owner.item != ev.item:
            find(
                "tag_mismatch",
                f"tag {ev.tag!r} applied on line {ev.line} is already on item "
                f"{owner.item!r} (line {owner.line})",
                owner,
                ev,
            )
        tag_owner.setdefault(ev.tag, ev)
        c.tag, c.tag_event = ev.tag, ev
        return
    if not c.tag:
        find("tag_mismatch", f"line {ev.line} shows tag {ev.tag!r} but no tag was applied", ev)
    elif ev.tag != c.tag:
        find(
            "tag_mismatch",
            f"line {ev.line} shows tag {ev.tag!r}; the item's tag is {c.tag!r} "
            f"(line {c.tag_event.line if c.tag_event else '?'})",
            c.tag_event,
            ev,
        )


def _seals(c: _Custody, ev: Event, find: Any) -> None:
    kind = ev.event
    applied = f" (applied on line {c.seal_event.line})" if c.seal_event else ""
    if kind is EventType.SEAL_BROKEN:
        other = "" if ev.seal == c.seal else f"; the seal on record is {c.seal or 'none'!r}"
        find(
            "broken_seal",
            f"seal {ev.seal!r} found broken on line {ev.line}{other}",
            c.seal_event,
            ev,
        )
        c.seal, c.seal_event = "", None
    elif kind is EventType.SEAL_REMOVED:
        if ev.seal != c.seal:
            find(
                "replaced_seal",
                f"line {ev.line} removes seal {ev.seal!r} but the seal on record is "
                f"{c.seal or 'none'!r}{applied}",
                c.seal_event,
                ev,
            )
        c.seal, c.seal_event = "", None
    elif kind is EventType.RESEAL:
        if ev.previous_seal != c.seal:
            find(
                "replaced_seal",
                f"re-seal on line {ev.line} replaces {ev.previous_seal!r} but the seal on "
                f"record is {c.seal or 'none'!r}{applied}",
                c.seal_event,
                ev,
            )
        c.seal, c.seal_event = ev.seal, ev
    elif kind is EventType.SEAL_APPLIED:
        if c.seal and ev.seal != c.seal:
            find(
                "replaced_seal",
                f"seal {ev.seal!r} applied on line {ev.line} while seal {c.seal!r}{applied} "
                "is in place, without an authorised re-seal",
                c.seal_event,
                ev,
            )
        c.seal, c.seal_event = ev.seal, ev
    elif ev.seal and ev.seal != c.seal:
        what = "no seal is on record" if not c.seal else f"the seal on record is {c.seal!r}"
        find(
            "replaced_seal",
            f"line {ev.line} shows seal {ev.seal!r} but {what}{applied}",
            c.seal_event,
            ev,
        )
        # Reported once; from here the seal seen is the one on record (no cascade of findings).
        c.seal, c.seal_event = ev.seal, ev


def _clock(c: _Custody, ev: Event, limit: dt.timedelta, find: Any) -> None:
    """Intervals between verifications of a tagged or sealed item, until disposition.

    The clock starts at the item's first verification event (a tag or seal applied or
    verified, a re-seal) and stops when the material reaches safeguarded storage. Every later
    event of the item (of any kind) is checked against the last verification, so that a gap
    shows at the first event that exposes it; each gap is reported once.
    """
    if c.clock_stopped:
        return
    last = c.last_check
    if last is not None and last is not c.gap_reported and ev.time - last.time > limit:
        find(
            "custody_gap",
            f"no verification for {span(ev.time - last.time)} between line {last.line} "
            f"({last.time.date().isoformat()}) and line {ev.line} ({ev.event.value}, "
            f"{ev.time.date().isoformat()}; maximum {span(limit)})",
            last,
            ev,
        )
        c.gap_reported = last
    if ev.event is EventType.MATERIAL_IN_SAFEGUARDED_STORAGE:
        c.last_check, c.clock_stopped = None, True
    elif ev.event in VERIFICATIONS:
        c.last_check = ev
