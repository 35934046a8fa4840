"""docs/cli.md is generated from the commands, and every command and option has help text."""

from __future__ import annotations

from pathlib import Path

import pytest

from disarm.cli.main import app
from disarm.cli.reference import (
    REGENERATE,
    help_text,
    render_cli_reference,
    visible_params,
    walk_commands,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
COMMANDS = list(walk_commands(app))


def test_docs_cli_md_is_up_to_date() -> None:
    expected = render_cli_reference(app)
    committed = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert committed == expected, (
        f"docs/cli.md is out of date with the commands; regenerate it with `{REGENERATE}`"
    )


def test_rendering_is_deterministic() -> None:
    assert render_cli_reference(app) == render_cli_reference(app)


@pytest.mark.parametrize(
    ("path", "command"),
    [(ctx.command_path, cmd) for ctx, cmd in COMMANDS],
    ids=[ctx.command_path for ctx, _ in COMMANDS],
)
def test_every_command_and_option_has_help(path: str, command: object) -> None:
    from typer._click import core as click_core

    assert isinstance(command, click_core.Command)
    assert help_text(command), f"`{path}` has no help text (add a docstring or help=)"
    for param in visible_params(command):
        text = str(getattr(param, "help", None) or "").strip()
        assert text, f"`{path}`: parameter {param.name!r} has no help text (add help=...)"


def test_verify_dir_is_documented_under_both_spellings() -> None:
    """Issue 15.13: `disarm verify DIR` is in `disarm verify --help` and in docs/cli.md."""
    paths = {ctx.command_path for ctx, _ in COMMANDS}
    assert {"disarm verify", "disarm verify dir"} <= paths
    text = render_cli_reference(app)
    assert "## `disarm verify dir`" in text and "Usage: disarm verify dir [OPTIONS] DIR" in text
    assert "disarm verify DIR (the same as disarm verify dir DIR) re-checks" in text
    assert "<bool>" not in text and "{directory}" not in text


def test_help_screens_show_no_type_placeholder_for_flags(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("verify", "--help").stdout
    assert "dir " in out and "disarm verify DIR" in out and "<bool>" not in out
    usage = cli("verify", "dir", "--help").stdout
    assert "Usage: disarm verify dir [OPTIONS] DIR" in usage and "{" not in usage


def test_reference_documents_usage_required_defaults_and_env() -> None:
    text = render_cli_reference(app)
    assert "Usage: disarm stats combine [OPTIONS] BETAS..." in text
    assert "- `--trust <str>` (required; environment: `DISARM_TRUST`):" in text
    assert "- `-o, --out <path>` (default: `demo-out`): " in text
    assert "- `--progress / --no-progress` (default: `--progress`): Progress bar." in text
    assert "- `--witness <str>` (repeatable): " in text
    assert "[rich" not in text.lower() and "\x1b[" not in text


def test_docs_cli_prints_and_writes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    printed = cli("docs", "cli")
    assert printed.exit_code == 0
    assert printed.stdout == render_cli_reference(app)
    out = tmp_path / "cli.md"
    written = cli("docs", "cli", "--out", str(out))
    assert written.exit_code == 0
    assert written.stdout == ""
    assert out.read_text(encoding="utf-8") == printed.stdout


def test_docs_cli_out_to_missing_directory_is_bad_input(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("docs", "cli", "--out", str(tmp_path / "missing" / "cli.md"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
