"""Backdated and non-canonical statement times, through the CLI: writers refuse, verifiers fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import SigningKey

from disarm.crypto.statements import Statement, sign
from disarm.service import registry as svc
from disarm.store import open_log

from .test_declare import declare
from .test_keys import T0, log_size, setup_log

LATER = "2026-06-01T00:00:00Z"
EARLIER = "2026-05-31T23:59:59Z"


def test_writers_refuse_a_backdated_statement_and_log_nothing(cli: Any, tmp_path: Path) -> None:
    env = setup_log(cli, tmp_path)
    r = declare(cli, env, tmp_path, "--json", "--time", LATER)
    assert r.exit_code == 0, r.stderr
    size = log_size(env["log"])
    cli("keys", "generate", "--party", "STATE-A", "--out", str(tmp_path / "a2.key"))
    rotate = ("party", "rotate", "--log", env["log"], "--key", env["a"])
    r = cli(*rotate, "--new-key", str(tmp_path / "a2.key"), "--time", EARLIER)
    assert r.exit_code == 2, r.stderr
    assert "[time-regression]" in r.stderr and LATER in r.stderr and EARLIER in r.stderr
    assert "Traceback" not in r.stderr
    assert log_size(env["log"]) == size
    # The same time as the previous statement is fine (statements written in one batch).
    r = cli(*rotate, "--new-key", str(tmp_path / "a2.key"), "--time", LATER, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {"index": size}


def test_a_non_canonical_time_is_bad_input(cli: Any, tmp_path: Path) -> None:
    env = setup_log(cli, tmp_path)
    size = log_size(env["log"])
    for bad in ("2026-06-01T00:00:00.000Z", "2026-02-30T00:00:00Z", "2026-06-01T00:00:00+00:00"):
        r = declare(cli, env, tmp_path, "--time", bad)
        assert r.exit_code == 2 and "invalid time" in r.stderr, r.stderr
    assert log_size(env["log"]) == size


def test_verifiers_reject_a_backdated_statement_in_the_log(cli: Any, tmp_path: Path) -> None:
    env = setup_log(cli, tmp_path)  # every statement so far is dated T0
    insp = svc.Signer("INSP", SigningKey(bytes([1]) * 32))
    with open_log(env["log"]) as log:
        registry = svc.replay(log, insp.public_key)
        seq, prev = registry.next_position("INSP")
        # Written past the service layer, as a dishonest log operator could.
        backdated = Statement(
            "inspection.select", "INSP", insp.key_id, seq, prev, "2025-12-31T00:00:00Z", {}
        )
        index = svc.append(log, sign(backdated, insp.key))
    r = cli(
        "verify", "statement", "--log", env["log"], "--index", str(index), "--trust", env["trust"]
    )
    assert r.exit_code == 1
    assert "[time-regression]" in r.stderr and T0 in r.stderr
    r = cli("party", "list", "--log", env["log"], "--trust", env["trust"])
    assert r.exit_code == 1 and "time-regression" in r.stderr
    r = cli("verify", "statement", "--log", env["log"], "--index", "1", "--trust", env["trust"])
    assert r.exit_code == 0, r.stderr


def test_a_statement_dated_in_the_future_is_refused_and_logs_nothing(
    cli: Any, tmp_path: Path
) -> None:
    """Issue 14, finding 13: a statement dated 9999-12-31 was accepted. The command that
    appends it to the log refuses a time more than the stated skew after its clock."""
    env = setup_log(cli, tmp_path)
    size = log_size(env["log"])
    future = "9999-12-31T00:00:00Z"
    r = declare(cli, env, tmp_path, "--time", future)
    assert r.exit_code == 2, r.stderr
    assert future in r.stderr and "statements dated in the future" in r.stderr
    cli("keys", "generate", "--party", "STATE-A", "--out", str(tmp_path / "a2.key"))
    rotate = ("party", "rotate", "--log", env["log"], "--key", env["a"])
    r = cli(*rotate, "--new-key", str(tmp_path / "a2.key"), "--time", future)
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert log_size(env["log"]) == size


def test_the_future_bound_allows_the_stated_clock_skew() -> None:
    import datetime as dt

    from disarm.cli.keys import MAX_FUTURE_SKEW, now_or
    from disarm.errors import BadInput

    clock = dt.datetime(2026, 12, 1, 12, 0, 0, tzinfo=dt.UTC)
    at_skew = (clock + MAX_FUTURE_SKEW).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert now_or(at_skew, now=clock) == at_skew
    assert now_or(None, now=clock) == "2026-12-01T12:00:00Z"
    beyond = (clock + MAX_FUTURE_SKEW + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(BadInput, match="300 s after this machine's clock"):
        now_or(beyond, now=clock)
