"""Issue 14, finding 6: every demo key, the witnesses' included, follows from `--seed`, so two
runs with one seed are a fork that both "independent" witnesses cosigned.

The attack: two demo runs with the same seed and different cheats (the shared seed-7 runs with
no cheat and with `omit`) are signed by the same inspectorate, log and witness keys, yet hold
different histories. With the first run's keys pinned as if obtained out of band, both verify
only with `--allow-simulation-keys`; without it each is refused, naming the simulation keys.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disarm.cli.main import app
from disarm.demo import statements as S
from disarm.tlog.checkpoint import Checkpoint, split_note
from tests.audit.demos import demo_dir as shared_demo

ALLOW = "--allow-simulation-keys"
DEMO_PARTIES = ("inspectorate", "USA", "witness-1", "witness-2")
KEY_FILES = (S.TRUST_ANCHOR_FILE, S.LOG_KEY_FILE, *S.WITNESS_KEY_FILES)


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return shared_demo(tmp_path_factory, "none"), shared_demo(tmp_path_factory, "omit")


def _pins(run: Path) -> list[str]:
    """Every key of `run`, pinned on the command line."""
    keys = {path: (run / path).read_text().strip() for path in KEY_FILES}
    out = ["--trust", keys[S.TRUST_ANCHOR_FILE], "--log-key", keys[S.LOG_KEY_FILE]]
    for path in S.WITNESS_KEY_FILES:
        out += ["--witness-key", keys[path]]
    return out


def _verify(run: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = CliRunner().invoke(app, ["verify", str(run), "--json", *args])
    return result.exit_code, json.loads(result.stdout or "{}"), result.stderr


def test_two_runs_with_one_seed_are_signed_by_the_same_keys_with_different_histories(
    fork: tuple[Path, Path],
) -> None:
    a, b = fork
    for path in KEY_FILES:
        assert (a / path).read_bytes() == (b / path).read_bytes(), path
    heads = [
        Checkpoint.parse(split_note((r / S.FINAL_CHECKPOINT_FILE).read_text())[0]) for r in fork
    ]
    assert heads[0].root_hash != heads[1].root_hash


@pytest.mark.parametrize("which", [0, 1])
def test_each_run_is_refused_naming_its_simulation_keys(
    fork: tuple[Path, Path], which: int
) -> None:
    run = fork[which]
    code, report, stderr = _verify(run, *_pins(fork[0]))
    assert code == 1
    first = report["first_disagreement"]
    assert isinstance(first, dict) and first["check"] == "simulation-keys"
    assert first["index"] == 0  # the genesis statement registers the first one
    message = str(first["message"])
    assert "simulation keys, first inspectorate's" in message and ALLOW in message
    assert all(party in message for party in DEMO_PARTIES)
    assert "FAILED: simulation-keys: log entry 0: the registry holds simulation keys" in stderr
    statuses = {c["check"]: c["status"] for c in report["checks"]}  # type: ignore[union-attr]
    assert statuses["statements"] == "ok" and statuses["outputs"] == "not-run"


@pytest.mark.parametrize("which", [0, 1])
def test_each_run_verifies_with_the_flag_and_a_warning_every_time(
    fork: tuple[Path, Path], which: int
) -> None:
    """The fork: both histories verify under one set of pinned keys, once simulation keys are
    allowed; the warning says what that means."""
    run = fork[which]
    for _ in range(2):
        code, report, _ = _verify(run, *_pins(fork[0]), ALLOW)
        assert code == 0, report.get("first_disagreement")
        warned = [w for w in report["warnings"] if "simulation keys" in w]  # type: ignore[union-attr]
        assert len(warned) == 1 and "12 simulation keys" in warned[0] and ALLOW in warned[0]
    human = CliRunner().invoke(app, ["verify", str(run), "-q", ALLOW, *_pins(fork[0])])
    assert human.exit_code == 0
    assert "warning: the registry holds 12 simulation keys" in human.stderr


def test_the_marker_is_in_the_signed_registry_and_shown_by_party_list(
    fork: tuple[Path, Path],
) -> None:
    run = fork[0]
    trust = (run / S.TRUST_ANCHOR_FILE).read_text().strip()
    log = str(run / S.LOG_DIR)
    listed = CliRunner().invoke(app, ["party", "list", "--log", log, "--trust", trust, "--json"])
    assert listed.exit_code == 0, listed.stderr
    keys = [k for p in json.loads(listed.stdout) for k in p["keys"]]
    assert len(keys) == 12 and all(k["simulation"] is True for k in keys)
    shown = CliRunner().invoke(
        app, ["verify", "statement", "--log", log, "--index", "1", "--trust", trust, "--json"]
    )
    assert shown.exit_code == 0 and json.loads(shown.stdout)["simulation_key"] is True
