"""The witness quorum is the verifier's policy, never the verified log's word (issue 14, finding
5). The attack: a log operator states quorum 1 in its own scenario statement and shows each
checkpoint to one witness only, so that it could show a fork to the other. Before the fix the
verifier took the log's quorum and passed; now, with every key pinned and no --quorum, it
requires every trusted witness and fails, and it warns that the log states less."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

import disarm.demo.ledger as ledger
import disarm.demo.statements as S
from disarm.cli.main import app


@pytest.fixture(scope="module")
def one_witness_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quorum") / "out"
    original = ledger.add_cosignatures

    def only_first(note: str, lines: Sequence[str]) -> str:
        return original(note, list(lines)[:1])

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(S, "WITNESS_QUORUM", 1)
        mp.setattr(ledger, "add_cosignatures", only_first)
        args = ["demo", "--out", str(out), "--years", "1", "--scale", "0.02", "-q", "--json"]
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out


def _pinned(out: Path) -> list[str]:
    keys = out / "keys"
    return [
        "--allow-simulation-keys",
        "--trust", (keys / "inspectorate.pub").read_text().strip(),
        "--log-key", (keys / "log.vkey").read_text().strip(),
        "--witness-key", (keys / "witness-1.vkey").read_text().strip(),
        "--witness-key", (keys / "witness-2.vkey").read_text().strip(),
    ]  # fmt: skip


def test_a_log_stating_quorum_1_is_held_to_the_verifiers_policy(one_witness_dir: Path) -> None:
    args = ["verify", str(one_witness_dir), "--json", *_pinned(one_witness_dir)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    first = report["first_disagreement"]
    assert first["check"] == "cosignatures"
    assert "1 valid cosignatures" in first["message"] and "the quorum is 2" in first["message"]


def test_an_explicit_quorum_1_is_the_verifiers_choice_and_the_log_is_compared(
    one_witness_dir: Path,
) -> None:
    args = ["verify", str(one_witness_dir), "--json", "--quorum", "1", *_pinned(one_witness_dir)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    policy = next(c for c in report["checks"] if c["check"] == "policy")
    assert policy["figures"]["stated_witness_quorum"] == 1


def test_a_log_stating_less_than_the_policy_is_named_in_a_warning(
    one_witness_dir: Path,
) -> None:
    args = ["verify", str(one_witness_dir), "--json", *_pinned(one_witness_dir)]
    report = json.loads(CliRunner().invoke(app, args).stdout)
    assert any(
        "states a witness quorum of 1, below your policy's 2" in w for w in report["warnings"]
    )
