"""Chain-of-custody events: the lifecycle states, the event types and the events CSV format.

The lifecycle follows the IPNDV's 14-step dismantlement framework (International Partnership
for Nuclear Disarmament Verification, Phase I, 2017; Working Group 5, "Verification of Each of
the 14 Steps of Nuclear Weapon Dismantlement", 2020), which runs from the removal of a weapon
from its delivery vehicle (step 1) to the disposition of its nuclear material (step 14). The
eight custody states group those steps as docs/inspections.md explains.

Events CSV: a header, then one event a line. Columns (any order)::

    item, time, location, event, actor            required
    tag, seal, previous_seal, destination         optional (empty when not needed)

``time`` is ISO 8601 with a UTC offset (``2026-03-01T09:00:00Z``). Any other column is an error.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from disarm.errors import BadInput
from disarm.io import parse_csv
from disarm.model.identifiers import ALPHABET, ASCII_SPACE, clip, is_identifier

__all__ = ["COLUMNS", "Event", "EventType", "State", "parse_events"]


class State(enum.Enum):
    """Custody states, in lifecycle order."""

    DEPLOYED = "deployed"
    REMOVED_FROM_DELIVERY_VEHICLE = "removed_from_delivery_vehicle"
    IN_STORAGE = "in_storage"
    IN_TRANSIT = "in_transit"
    AT_DISMANTLEMENT_FACILITY = "at_dismantlement_facility"
    DISMANTLED = "dismantled"
    COMPONENTS_SEPARATED = "components_separated"
    MATERIAL_IN_SAFEGUARDED_STORAGE = "material_in_safeguarded_storage"


#: IPNDV framework steps each state covers. Anchors from IPNDV sources: step 1 is the removal
#: from the delivery vehicle, steps 6-10 the physical dismantlement, step 14 the final
#: disposition of the components. The grouping within steps 2-5 and 11-13, and the reading of
#: steps 6-10 as arrival at the facility to separation of the materials, are ours.
IPNDV_STEPS: dict[State, str] = {
    State.DEPLOYED: "before step 1",
    State.REMOVED_FROM_DELIVERY_VEHICLE: "step 1",
    State.IN_STORAGE: "steps 2-5 (storage between removal and dismantlement)",
    State.IN_TRANSIT: "steps 2-5 (transport to the dismantlement facility); after step 10",
    State.AT_DISMANTLEMENT_FACILITY: "steps 6-10 (arrival and staging)",
    State.DISMANTLED: "steps 6-10 (physical dismantlement)",
    State.COMPONENTS_SEPARATED: "steps 6-10 (separation of high explosive and nuclear material)",
    State.MATERIAL_IN_SAFEGUARDED_STORAGE: "steps 11-14 (storage and disposition of material)",
}


class EventType(enum.Enum):
    # Lifecycle events: the item enters the state of the same name.
    DEPLOYED = "deployed"
    REMOVED_FROM_DELIVERY_VEHICLE = "removed_from_delivery_vehicle"
    IN_STORAGE = "in_storage"
    IN_TRANSIT = "in_transit"
    AT_DISMANTLEMENT_FACILITY = "at_dismantlement_facility"
    DISMANTLED = "dismantled"
    COMPONENTS_SEPARATED = "components_separated"
    MATERIAL_IN_SAFEGUARDED_STORAGE = "material_in_safeguarded_storage"
    # Tag and seal events.
    TAG_APPLIED = "tag_applied"
    TAG_VERIFIED = "tag_verified"
    SEAL_APPLIED = "seal_applied"
    SEAL_VERIFIED = "seal_verified"
    SEAL_BROKEN = "seal_broken"
    SEAL_REMOVED = "seal_removed"
    RESEAL = "reseal"

    @property
    def state(self) -> State | None:
        """The state a lifecycle event enters, None for tag and seal events."""
        return _STATE_OF[self]


_STATE_OF: dict[EventType, State | None] = {
    e: next((st for st in State if st.value == e.value), None) for e in EventType
}
_KINDS: dict[str, EventType] = {e.value: e for e in EventType}

#: Events that count as a verification of custody (they restart the unverified-interval clock).
VERIFICATIONS = frozenset(
    {
        EventType.TAG_APPLIED,
        EventType.TAG_VERIFIED,
        EventType.SEAL_APPLIED,
        EventType.SEAL_VERIFIED,
        EventType.RESEAL,
    }
)

REQUIRED = ("item", "time", "location", "event", "actor")
OPTIONAL = ("tag", "seal", "previous_seal", "destination")
COLUMNS = REQUIRED + OPTIONAL


@dataclass(frozen=True)
class Event:
    line: int
    item: str
    time: dt.datetime
    location: str
    event: EventType
    actor: str
    tag: str = ""
    seal: str = ""
    previous_seal: str = ""
    destination: str = ""

    def evidence(self) -> dict[str, Any]:
        """The event as it appears in a finding's evidence (empty optional fields dropped)."""
        out: dict[str, Any] = {
            "line": self.line,
            "item": self.item,
            "time": self.time.isoformat(),
            "location": self.location,
            "event": self.event.value,
            "actor": self.actor,
        }
        for name in OPTIONAL:
            value = getattr(self, name)
            if value:
                out[name] = value
        return out


def _parse_time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("no UTC offset")
    return value


_NEEDS: dict[EventType, tuple[str, ...]] = {
    EventType.IN_TRANSIT: ("destination",),
    EventType.TAG_APPLIED: ("tag",),
    EventType.TAG_VERIFIED: ("tag",),
    EventType.SEAL_APPLIED: ("seal",),
    EventType.SEAL_VERIFIED: ("seal",),
    EventType.SEAL_BROKEN: ("seal",),
    EventType.SEAL_REMOVED: ("seal",),
    EventType.RESEAL: ("seal", "previous_seal"),
}


def parse_events(text: str, *, source: str = "events") -> list[Event]:
    """Parse an events CSV (text); raise BadInput listing every malformed line."""
    reader = iter(parse_csv(text, source))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise BadInput("the events file is empty", source=source) from None
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise BadInput(
            f"unknown column(s) {', '.join(map(clip, unknown[:5]))}; allowed: {', '.join(COLUMNS)}",
            source=source,
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BadInput(f"missing column(s) {', '.join(missing)}", source=source)
    if len(set(header)) != len(header):
        raise BadInput("a column appears twice in the header", source=source)
    events: list[Event] = []
    problems: list[str] = []
    kinds = ", ".join(e.value for e in EventType)
    index = {name: header.index(name) if name in header else -1 for name in COLUMNS}
    width = len(header)
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != width:
            problems.append(f"line {line}: {len(row)} fields, expected {width}")
            continue
        cells = [c.strip(ASCII_SPACE) for c in row]  # not NBSP: it would merge two ids
        rec = {name: (cells[i] if i >= 0 else "") for name, i in index.items()}
        empty = [c for c in REQUIRED if not rec[c]]
        if empty:
            problems.append(f"line {line}: empty {', '.join(empty)}")
            continue
        if not is_identifier(rec["item"]):
            problems.append(
                f"line {line}: item {clip(rec['item'])} is not an identifier ({ALPHABET})"
            )
            continue
        kind = _KINDS.get(rec["event"])
        if kind is None:
            problems.append(f"line {line}: unknown event {clip(rec['event'])} (known: {kinds})")
            continue
        try:
            when = _parse_time(rec["time"])
        except ValueError:
            problems.append(
                f"line {line}: time {clip(rec['time'])} is not ISO 8601 with a UTC offset"
            )
            continue
        lacking = [c for c in _NEEDS.get(kind, ()) if not rec[c]]
        if lacking:
            problems.append(f"line {line}: event {kind.value} needs {', '.join(lacking)}")
            continue
        events.append(
            Event(
                line=line,
                item=rec["item"],
                time=when,
                location=rec["location"],
                event=kind,
                actor=rec["actor"],
                tag=rec["tag"],
                seal=rec["seal"],
                previous_seal=rec["previous_seal"],
                destination=rec["destination"],
            )
        )
        if len(problems) > 50:
            break
    if problems:
        raise BadInput("the events file is malformed", source=source, problems=problems[:50])
    return events
