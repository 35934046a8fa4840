"""Chain of custody: a clean lifecycle, and one test per illegal transition naming its finding."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput
from disarm.inspect.custody import CODES, Finding, validate_custody
from disarm.inspect.custody_events import EventType, State, parse_events

HEADER = "item,time,location,event,actor,tag,seal,previous_seal,destination\n"

CLEAN = [
    "W1,2026-01-05T08:00:00Z,Base-A,deployed,host,,,,",
    "W1,2026-01-10T08:00:00Z,Base-A,removed_from_delivery_vehicle,host,,,,",
    "W1,2026-01-10T09:00:00Z,Base-A,tag_applied,inspector,T-001,,,",
    "W1,2026-01-10T09:30:00Z,Base-A,seal_applied,inspector,T-001,S-100,,",
    "W1,2026-01-11T08:00:00Z,Base-A,in_storage,host,,S-100,,",
    "W1,2026-02-01T08:00:00Z,Base-A,seal_verified,inspector,T-001,S-100,,",
    "W1,2026-02-02T08:00:00Z,Base-A,in_transit,host,,S-100,,Plant-D",
    "W1,2026-02-03T08:00:00Z,Plant-D,at_dismantlement_facility,host,,S-100,,",
    "W1,2026-02-03T09:00:00Z,Plant-D,seal_verified,inspector,T-001,S-100,,",
    "W1,2026-02-10T08:00:00Z,Plant-D,seal_removed,inspector,,S-100,,",
    "W1,2026-02-10T09:00:00Z,Plant-D,dismantled,host,,,,",
    "W1,2026-02-12T08:00:00Z,Plant-D,components_separated,host,,,,",
    "W1,2026-02-12T09:00:00Z,Plant-D,seal_applied,inspector,,S-200,,",
    "W1,2026-02-13T08:00:00Z,Plant-D,in_transit,host,,S-200,,Store-M",
    "W1,2026-02-14T08:00:00Z,Store-M,material_in_safeguarded_storage,host,,S-200,,",
    "W1,2026-02-14T09:00:00Z,Store-M,seal_verified,inspector,,S-200,,",
]


def findings(lines: list[str], **kw: object) -> list[Finding]:
    return validate_custody(parse_events(HEADER + "\n".join(lines) + "\n"), **kw)  # type: ignore[arg-type]


def codes(lines: list[str], **kw: object) -> list[str]:
    return [f.code for f in findings(lines, **kw)]


def replace(index: int, line: str) -> list[str]:
    out = list(CLEAN)
    out[index] = line
    return out


def test_clean_lifecycle_has_no_finding() -> None:
    assert findings(CLEAN, inventory={"W1"}, max_unverified=dt.timedelta(days=30)) == []


def test_every_state_is_reachable_in_the_clean_lifecycle() -> None:
    seen = {e.event.state for e in parse_events(HEADER + "\n".join(CLEAN) + "\n")}
    assert set(State) <= seen


def test_back_from_dismantled() -> None:
    lines = [*CLEAN, "W1,2026-03-01T08:00:00Z,Store-M,in_storage,host,,S-200,,"]
    (f,) = findings(lines)
    assert f.code == "back_from_dismantled"
    assert [e.line for e in f.evidence] == [16, 18]


def test_back_from_separated_to_dismantled() -> None:
    lines = [*CLEAN[:12], "W1,2026-02-12T10:00:00Z,Plant-D,dismantled,host,,,,"]
    assert codes(lines) == ["back_from_dismantled"]


def test_two_places_at_once() -> None:
    lines = [*CLEAN[:5], "W1,2026-01-11T08:00:00Z,Base-B,seal_verified,inspector,T-001,S-100,,"]
    (f,) = findings(lines)
    assert f.code == "two_places"
    assert "same time" in f.message
    assert {e.location for e in f.evidence} == {"Base-A", "Base-B"}


def test_two_places_without_transit() -> None:
    lines = replace(7, "W1,2026-02-03T08:00:00Z,Plant-D,at_dismantlement_facility,host,,S-100,,")
    del lines[6]  # no transit: the item jumps from Base-A to Plant-D
    assert "two_places" in codes(lines)


def test_broken_seal() -> None:
    lines = replace(5, "W1,2026-02-01T08:00:00Z,Base-A,seal_broken,inspector,T-001,S-100,,")
    got = findings(lines)
    assert next(f.code for f in got) == "broken_seal"
    assert got[0].evidence[0].line == 5  # the seal's application is part of the evidence


def test_replaced_seal() -> None:
    lines = replace(5, "W1,2026-02-01T08:00:00Z,Base-A,seal_verified,inspector,T-001,S-999,,")
    (f, *_rest) = findings(lines)
    assert f.code == "replaced_seal"
    assert "S-999" in f.message and "S-100" in f.message


def test_authorised_reseal_is_not_a_finding() -> None:
    lines = [
        *CLEAN[:6],
        "W1,2026-02-01T09:00:00Z,Base-A,reseal,inspector,,S-101,S-100,",
        "W1,2026-02-02T08:00:00Z,Base-A,in_transit,host,,S-101,,Plant-D",
    ]
    assert codes(lines) == []


def test_reseal_of_the_wrong_seal_is_replaced_seal() -> None:
    lines = [*CLEAN[:6], "W1,2026-02-01T09:00:00Z,Base-A,reseal,inspector,,S-101,S-555,"]
    assert codes(lines) == ["replaced_seal"]


def test_new_seal_without_reseal_is_replaced_seal() -> None:
    lines = [*CLEAN[:6], "W1,2026-02-01T09:00:00Z,Base-A,seal_applied,inspector,,S-101,,"]
    assert codes(lines) == ["replaced_seal"]


def test_custody_gap_transit_ends_elsewhere() -> None:
    lines = replace(7, "W1,2026-02-03T08:00:00Z,Plant-X,at_dismantlement_facility,host,,S-100,,")
    lines = lines[:8]
    (f,) = findings(lines)
    assert f.code == "custody_gap"
    assert "Plant-D" in f.message and "Plant-X" in f.message


def test_custody_gap_unverified_interval() -> None:
    got = findings(CLEAN, max_unverified=dt.timedelta(days=14))
    assert [f.code for f in got] == ["custody_gap"]
    assert [e.line for e in got[0].evidence] == [5, 7]  # 2026-01-10 to 2026-02-01


def test_custody_gap_up_to_as_of() -> None:
    as_of = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    assert codes(CLEAN[:6], max_unverified=dt.timedelta(days=30), as_of=as_of) == ["custody_gap"]
    # after disposition the clock stops
    assert codes(CLEAN, max_unverified=dt.timedelta(days=30), as_of=as_of) == []


def test_unknown_item_not_in_inventory() -> None:
    # W1 is not declared; the declared W2 has no event (unaccounted for).
    assert codes(CLEAN, inventory={"W2"}) == ["unknown_item", "custody_gap"]


def test_declared_item_without_events_is_a_custody_gap() -> None:
    got = findings(CLEAN, inventory={"W1", "W7"})
    assert [(f.code, f.item) for f in got] == [("custody_gap", "W7")]
    assert "unaccounted" in got[0].message


def test_unknown_item_without_entry() -> None:
    (f,) = findings(["W9,2026-01-01T00:00:00Z,Plant-D,dismantled,host,,,,"])
    assert f.code == "unknown_item"
    assert f.item == "W9"


def test_out_of_order() -> None:
    lines = [*CLEAN[:3], "W1,2026-01-09T09:00:00Z,Base-A,tag_verified,inspector,T-001,,,"]
    assert "out_of_order" in codes(lines)


def test_illegal_transition_skipping_stages() -> None:
    lines = [*CLEAN[:2], "W1,2026-01-12T08:00:00Z,Base-A,dismantled,host,,,,"]
    (f,) = findings(lines)
    assert f.code == "illegal_transition"
    assert "removed_from_delivery_vehicle cannot be followed by dismantled" in f.message


def test_redeployment_is_illegal() -> None:
    lines = [*CLEAN[:2], "W1,2026-01-12T08:00:00Z,Base-A,deployed,host,,,,"]
    assert codes(lines) == ["illegal_transition"]


def test_material_without_dismantlement_is_illegal() -> None:
    lines = [
        *CLEAN[:7],
        "W1,2026-02-03T08:00:00Z,Plant-D,material_in_safeguarded_storage,host,,S-100,,",
    ]
    assert codes(lines) == ["illegal_transition"]


def test_tag_mismatch() -> None:
    lines = replace(5, "W1,2026-02-01T08:00:00Z,Base-A,seal_verified,inspector,T-002,S-100,,")
    assert codes(lines) == ["tag_mismatch"]


def test_one_tag_on_two_items() -> None:
    lines = [
        *CLEAN[:3],
        "W2,2026-01-05T08:00:00Z,Base-A,in_storage,host,,,,",
        "W2,2026-01-10T10:00:00Z,Base-A,tag_applied,inspector,T-001,,,",
    ]
    (f,) = findings(lines)
    assert (f.code, f.item) == ("tag_mismatch", "W2")


def test_every_code_is_exercised_above() -> None:
    import inspect as pyinspect
    import sys

    source = pyinspect.getsource(sys.modules[__name__])
    for code in CODES:
        assert f'"{code}"' in source


def test_findings_serialise_with_evidence() -> None:
    lines = [*CLEAN, "W1,2026-03-01T08:00:00Z,Store-M,in_storage,host,,S-200,,"]
    (f,) = findings(lines)
    d = f.as_dict()
    assert d["code"] == "back_from_dismantled" and d["lines"] == [16, 18]
    assert d["evidence"][1]["event"] == "in_storage"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("item,time,location,event,actor,colour\n", "unknown column"),
        ("item,time,location,event\n", "missing column"),
        (HEADER + "W1,yesterday,Base-A,deployed,host,,,,\n", "malformed"),
        (HEADER + "W1,2026-01-01T00:00:00,Base-A,deployed,host,,,,\n", "malformed"),
        (HEADER + "W1,2026-01-01T00:00:00Z,Base-A,teleported,host,,,,\n", "malformed"),
        (HEADER + "W1,2026-01-01T00:00:00Z,Base-A,in_transit,host,,,,\n", "malformed"),
        (HEADER + "W1,2026-01-01T00:00:00Z,Base-A,deployed,,,,,\n", "malformed"),
        (HEADER + "W1,2026-01-01T00:00:00Z,Base-A\n", "malformed"),
    ],
)
def test_malformed_events(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_events(text)


def test_a_replaced_seal_is_reported_once() -> None:
    lines = [
        *CLEAN[:5],
        "W1,2026-02-01T08:00:00Z,Base-A,seal_verified,inspector,T-001,S-999,,",
        "W1,2026-02-05T08:00:00Z,Base-A,seal_verified,inspector,T-001,S-999,,",
        "W1,2026-02-06T08:00:00Z,Base-A,seal_broken,inspector,T-001,S-999,,",
    ]
    got = findings(lines)
    assert [f.code for f in got] == ["replaced_seal", "broken_seal"]
    assert got[1].evidence[0].line == 7  # the event where S-999 first appeared


@settings(max_examples=60, deadline=None)
@given(st.permutations(CLEAN))
def test_reordering_a_clean_record_only_finds_out_of_order(lines: list[str]) -> None:
    assert set(codes(lines)) <= {"out_of_order"}
    assert (codes(lines) == []) == (lines == CLEAN)


EVENT_KINDS = [e.value for e in EventType]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["W1", "W2"]),
            st.integers(0, 20),
            st.sampled_from(["Base-A", "Plant-D"]),
            st.sampled_from(EVENT_KINDS),
            st.sampled_from(["", "T-1", "T-2"]),
            st.sampled_from(["S-1", "S-2"]),
            st.sampled_from(["S-1", "S-2"]),
            st.sampled_from(["Base-A", "Plant-D"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_any_sequence_gives_only_named_findings(
    rows: list[tuple[str, int, str, str, str, str, str, str]],
) -> None:
    lines = []
    for item, day, loc, kind, tag, seal, prev, dest in rows:
        if kind.startswith("tag_") and not tag:
            tag = "T-1"
        lines.append(
            f"{item},2026-01-{1 + day:02d}T00:00:00Z,{loc},{kind},host,{tag},{seal},{prev},{dest}"
        )
    got = findings(lines, max_unverified=dt.timedelta(days=5))
    assert all(f.code in CODES and f.evidence for f in got)
