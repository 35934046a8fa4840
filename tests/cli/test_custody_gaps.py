"""`disarm inspect custody --max-unverified`: gaps between every pair of events and up to the
last event in the record, without `--as-of` (issue 15.3), printed as "227 days" (issue 15.19)."""

from __future__ import annotations

import json
from pathlib import Path

HEADER = "item,time,location,event,actor,tag,seal,previous_seal,destination\n"

# W1: sealed, last verified 2026-01-20, dismantled 2026-09-04 with no check in between.
W1 = [
    "W1,2026-01-05T08:00:00Z,Base-A,deployed,host,,,,",
    "W1,2026-01-10T08:00:00Z,Base-A,removed_from_delivery_vehicle,host,,,,",
    "W1,2026-01-10T09:00:00Z,Base-A,seal_applied,inspector,,S-1,,",
    "W1,2026-01-11T08:00:00Z,Base-A,in_storage,host,,S-1,,",
    "W1,2026-01-20T08:00:00Z,Base-A,seal_verified,inspector,,S-1,,",
    "W1,2026-01-25T08:00:00Z,Base-A,at_dismantlement_facility,host,,S-1,,",
    "W1,2026-09-04T08:00:00Z,Base-A,dismantled,host,,,,",
]
# W2: sealed and verified in February, then nothing while the record goes on to September.
W2 = [
    "W2,2026-02-01T08:00:00Z,Base-B,in_storage,host,,,,",
    "W2,2026-02-01T09:00:00Z,Base-B,seal_applied,inspector,,S-2,,",
    "W2,2026-02-20T09:00:00Z,Base-B,seal_verified,inspector,,S-2,,",
]


def _run(cli, tmp_path: Path, lines: list[str], *extra: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return cli("inspect", "custody", str(path), "--max-unverified", "30", *extra)


def test_gap_before_a_later_event_of_any_kind_is_flagged(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _run(cli, tmp_path, W1, "--json")
    assert result.exit_code == 1, result.stdout
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "custody_gap"
    assert finding["lines"] == [6, 8]  # seal_verified 2026-01-20 .. dismantled 2026-09-04
    assert "227 days" in finding["message"]
    assert "0:00:00" not in finding["message"]
    assert "dismantled" in finding["message"]


def test_gap_up_to_the_last_event_in_the_record_without_as_of(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _run(cli, tmp_path, W1 + W2, "--json")
    assert result.exit_code == 1
    found = {(f["item"], tuple(f["lines"])) for f in json.loads(result.stdout)["findings"]}
    assert found == {("W1", (6, 8)), ("W2", (11,))}
    w2 = next(f for f in json.loads(result.stdout)["findings"] if f["item"] == "W2")
    assert "195 days 23 h" in w2["message"] and "last event in the record" in w2["message"]


def test_no_gap_when_checks_are_frequent_enough(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _run(
        cli, tmp_path, [*W2, "W2,2026-03-10T09:00:00Z,Base-B,seal_verified,inspector,,S-2,,"]
    )
    assert result.exit_code == 0, result.stdout
    assert "chain of custody unbroken" in result.stdout


def test_text_output_names_the_gap_in_days(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _run(cli, tmp_path, W1)
    assert result.exit_code == 1
    assert "227 days" in result.stdout
