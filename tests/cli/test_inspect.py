"""`disarm inspect select | verify-selection | commit | plan | custody`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from disarm.tlog.note import Signer, generate_key, sign_note

SK, VK = generate_key("log.example", bytes(range(32)))
A_HEX = "00112233445566778899aabbccddeeff"
B_HEX = "ffeeddccbbaa99887766554433221100"


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    path = tmp_path / "checkpoint.txt"
    path.write_text(sign_note("log.example\n77\n" + "A" * 43 + "=\n", [Signer.from_key_string(SK)]))
    return path


def _commit(cli, party: str, value: str) -> str:  # type: ignore[no-untyped-def]
    result = cli("inspect", "commit", "--party", party, "--contribution", value)
    assert result.exit_code == 0
    return str(result.stdout.strip())


def test_select_and_verify_round_trip(cli, checkpoint: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pop = tmp_path / "sites.txt"
    pop.write_text("site-b\nsite-a\n\nsite-c\nsite-d\n")
    out = tmp_path / "record.json"
    args = [
        "inspect",
        "select",
        "--population",
        str(pop),
        "--k",
        "2",
        "--checkpoint",
        str(checkpoint),
        "--key",
        VK,
        "--min-tree-size",
        "70",
        "--commitment",
        _commit(cli, "A", A_HEX),
        "--commitment",
        _commit(cli, "B", B_HEX),
        "--contribution",
        f"A={A_HEX}",
        "--contribution",
        f"B={B_HEX}",
        "--out",
        str(out),
        "--json",
    ]
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record == json.loads(out.read_text())
    assert record["checkpoint"]["signature_verified"] is True
    assert set(record["selected"]) <= {"site-a", "site-b", "site-c", "site-d"}
    assert cli(*args).stdout == result.stdout  # reproducible
    verified = cli("inspect", "verify-selection", str(out), "--json")
    assert verified.exit_code == 0
    assert json.loads(verified.stdout)["selected"] == record["selected"]
    record["selected"] = list(reversed(record["selected"]))
    out.write_text(json.dumps(record))
    tampered = cli("inspect", "verify-selection", str(out))
    assert tampered.exit_code == 1
    assert "selection does not match" in tampered.stderr


def test_select_table_warns_when_checkpoint_not_verified(cli, checkpoint: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("inspect", "select", "--n", "50", "--k", "3", "--checkpoint", str(checkpoint))
    assert result.exit_code == 0
    assert "NOT verified" in result.stderr
    assert "3 of 50 selected" in result.stdout


def test_missing_and_mismatched_reveals(cli, checkpoint: Path) -> None:  # type: ignore[no-untyped-def]
    base = ["inspect", "select", "--n", "50", "--k", "3", "--checkpoint", str(checkpoint)]
    a, b = _commit(cli, "A", A_HEX), _commit(cli, "B", B_HEX)
    missing = cli(*base, "--commitment", a, "--commitment", b, "--contribution", f"A={A_HEX}")
    assert missing.exit_code == 1 and "did not reveal their contribution: B" in missing.stderr
    wrong = cli(*base, "--commitment", a, "--contribution", f"A={B_HEX}")
    assert wrong.exit_code == 1 and "does not match its commitment" in wrong.stderr
    uncommitted = cli(*base, "--contribution", f"A={A_HEX}")
    assert uncommitted.exit_code == 2 and "without a published commitment" in uncommitted.stderr


def test_wrong_key_fails_verification(cli, checkpoint: Path) -> None:  # type: ignore[no-untyped-def]
    _, other = generate_key("log.example", bytes(32))
    result = cli(
        "inspect", "select", "--n", "5", "--k", "1", "--checkpoint", str(checkpoint), "--key", other
    )
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "extra",
    [
        ["--n", "10", "--k", "11"],
        ["--n", "-4", "--k", "1"],
        ["--n", "x", "--k", "1"],
        ["--k", "1"],
        ["--n", "5", "--k", "1", "--contribution", "A"],
        ["--n", "5", "--k", "1", "--commitment", "A=zz"],
        ["--n", "5", "--k", "1", "--population", "/nonexistent/file"],
    ],
)
def test_select_bad_input_exits_2(cli, checkpoint: Path, extra: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli("inspect", "select", "--checkpoint", str(checkpoint), *extra)
    assert result.exit_code == 2


def test_verify_selection_bad_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.json"
    path.write_text("{not json")
    assert cli("inspect", "verify-selection", str(path)).exit_code == 2
    path.write_text("[]")
    assert cli("inspect", "verify-selection", str(path)).exit_code == 2


def test_commit_generates_a_private_contribution(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "mine.hex"
    result = cli("inspect", "commit", "--party", "A", "--out", str(out), "--json")
    assert result.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    secret = out.read_text().strip()
    assert secret not in result.stdout
    assert json.loads(result.stdout)["commitment"] == _commit(cli, "A", secret).split("=")[1]
    assert cli("inspect", "commit", "--party", "A").exit_code == 2


SITES = "site,items,stratum\nBase-North,120,north\nBase-East,80,east\nDepot-C,300,central\n"


def test_plan(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sites = tmp_path / "sites.csv"
    sites.write_text(SITES)
    result = cli(
        "inspect",
        "plan",
        "--sites",
        str(sites),
        "--quota",
        "18",
        "--defects",
        "5",
        "--beta",
        "0.2",
        "--json",
    )
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    assert plan["nondetection"] == pytest.approx((1 - 5 / 500) ** 18)
    assert plan["meets_target"] is False and plan["quota_needed"] > 18
    table = cli(
        "inspect",
        "plan",
        "--sites",
        str(sites),
        "--quota",
        "18",
        "--defects",
        "5",
        "--mode",
        "scheduled",
    )
    assert table.exit_code == 0 and "detection probability" in table.stdout


@pytest.mark.parametrize(
    ("text", "extra"),
    [
        ("site,items,colour\nA,3,red\n", []),
        ("site,items\nA,three\n", []),
        (SITES, ["--beta", "1.2"]),
        (SITES, ["--mode", "lottery"]),
    ],
)
def test_plan_bad_input_exits_2(cli, tmp_path: Path, text: str, extra: list[str]) -> None:  # type: ignore[no-untyped-def]
    sites = tmp_path / "sites.csv"
    sites.write_text(text)
    result = cli("inspect", "plan", "--sites", str(sites), "--quota", "3", "--defects", "1", *extra)
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")


EVENTS = """item,time,location,event,actor,tag,seal,destination
W1,2026-01-05T08:00:00Z,Base-A,deployed,host,,,
W1,2026-01-10T08:00:00Z,Base-A,removed_from_delivery_vehicle,host,,,
W1,2026-01-10T09:00:00Z,Base-A,seal_applied,inspector,,S-1,
W1,2026-01-11T08:00:00Z,Base-A,in_storage,host,,S-1,
"""


def test_custody_clean_exits_0(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.csv"
    path.write_text(EVENTS)
    result = cli("inspect", "custody", str(path))
    assert result.exit_code == 0
    assert "unbroken" in result.stdout


def test_custody_findings_exit_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.csv"
    path.write_text(EVENTS + "W1,2026-02-01T08:00:00Z,Base-A,seal_broken,inspector,,S-1,\n")
    result = cli("inspect", "custody", str(path), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["clean"] is False
    assert [f["code"] for f in data["findings"]] == ["broken_seal"]
    assert data["findings"][0]["lines"] == [4, 6]


def test_custody_gap_and_inventory_options(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.csv"
    path.write_text(EVENTS)
    items = tmp_path / "items.txt"
    items.write_text("W2\n")
    result = cli(
        "inspect",
        "custody",
        str(path),
        "--items",
        str(items),
        "--max-unverified",
        "30",
        "--as-of",
        "2026-06-01T00:00:00Z",
        "--json",
    )
    assert result.exit_code == 1
    found = sorted((f["code"], f["item"]) for f in json.loads(result.stdout)["findings"])
    assert found == [("custody_gap", "W1"), ("custody_gap", "W2"), ("unknown_item", "W1")]


@pytest.mark.parametrize(
    ("text", "extra"),
    [
        ("item,time,location,event,actor,colour\n", []),
        ("item,time,location,event,actor\nW1,not-a-time,B,deployed,host\n", []),
        (EVENTS, ["--max-unverified", "-1"]),
        (EVENTS, ["--max-unverified", "5", "--as-of", "tomorrow"]),
        (EVENTS, ["--as-of", "2026-06-01T00:00:00Z"]),
    ],
)
def test_custody_bad_input_exits_2(cli, tmp_path: Path, text: str, extra: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.csv"
    path.write_text(text)
    result = cli("inspect", "custody", str(path), *extra)
    assert result.exit_code == 2
    assert "error:" in result.stderr


def test_custody_missing_file_exits_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("inspect", "custody", "/nonexistent/events.csv").exit_code == 2


def test_verify_selection_with_trusted_key(cli, checkpoint: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "record.json"
    made = cli(
        "inspect",
        "select",
        "--n",
        "9",
        "--k",
        "2",
        "--checkpoint",
        str(checkpoint),
        "--out",
        str(out),
    )
    assert made.exit_code == 0
    good = cli("inspect", "verify-selection", str(out), "--key", VK, "--min-tree-size", "77")
    assert good.exit_code == 0 and "verified by your key" in good.stdout
    _, other = generate_key("log.example", bytes(32))
    assert cli("inspect", "verify-selection", str(out), "--key", other).exit_code == 1
    assert cli("inspect", "verify-selection", str(out), "--min-tree-size", "78").exit_code == 1


def test_custody_states(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("inspect", "custody-states", "--json")
    assert result.exit_code == 0
    rows = {r["state"]: r for r in json.loads(result.stdout)}
    assert len(rows) == 8
    assert rows["dismantled"]["may_follow_with"] == ["components_separated"]
    assert rows["removed_from_delivery_vehicle"]["ipndv_steps"] == "step 1"
    assert cli("inspect", "custody-states").exit_code == 0


def test_every_inspect_and_sampling_option_has_help() -> None:
    import typer.main

    from disarm.cli.inspect import inspect_app
    from disarm.cli.stats import stats_app

    mine = {"sample-size", "nondetection", "combine", "completeness"}
    groups = [
        (typer.main.get_command(inspect_app), None),
        (typer.main.get_command(stats_app), mine),
    ]
    for group, only in groups:
        for name, command in group.commands.items():  # type: ignore[attr-defined]
            if only is not None and name not in only:
                continue
            assert command.help, name
            for param in command.params:
                assert getattr(param, "help", None), f"{name} {param.name}"
