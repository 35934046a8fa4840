"""`disarm verify DIR`: dispatch next to the existing subcommands, bad input, JSON shape."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli


def test_existing_subcommands_still_dispatch(cli: Cli) -> None:
    result = cli("verify", "statement", "--help")
    assert result.exit_code == 0
    assert "Verify one signed statement" in result.stdout


def test_group_help_still_lists_the_subcommands(cli: Cli) -> None:
    result = cli("verify", "--help")
    assert result.exit_code == 0
    for name in ("statement", "declaration", "reveal"):
        assert name in result.stdout


def test_dir_help(cli: Cli) -> None:
    for args in (["verify", "dir", "--help"],):
        result = cli(*args)
        assert result.exit_code == 0
        assert "--quorum" in result.stdout and "--log-key" in result.stdout


def test_missing_directory_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    for args in (["verify", str(tmp_path / "nope")], ["verify", "dir", str(tmp_path / "nope")]):
        result = cli(*args)
        assert result.exit_code == 2
        assert "does not exist" in result.stderr


def test_malformed_pinned_key_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    result = cli("verify", str(tmp_path), "--trust", "zz")
    assert result.exit_code == 2
    assert "--trust" in result.stderr


def test_empty_directory_fails_at_the_keys(cli: Cli, tmp_path: Path) -> None:
    result = cli("verify", str(tmp_path), "--json")
    assert result.exit_code == 1
    import json

    report = json.loads(result.stdout)
    assert report["status"] == "failed"
    assert report["first_disagreement"]["check"] == "keys"
    assert report["checks"][1]["status"] == "not-run"
