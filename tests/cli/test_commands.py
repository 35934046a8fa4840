"""The table of top-level commands (disarm.cli.commands) is true to the real commands.

The root help screen is drawn from the table without importing the command modules; these
tests load every module and compare: same names in the same order, the same first paragraph of
help, and the same root help screen drawn from the table as from the real commands.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import typer
from typer._click import core as click_core

import disarm.cli
from disarm.cli.app import app
from disarm.cli.commands import COMMANDS, load_all


def _real_root() -> click_core.Command:
    """The root group with every command module of disarm.cli imported (not only the table's)."""
    for module in pkgutil.iter_modules(disarm.cli.__path__):
        importlib.import_module(f"disarm.cli.{module.name}")
    return typer.main.get_command(app)


def test_the_table_names_every_top_level_command() -> None:
    real: dict[str, click_core.Command] = getattr(_real_root(), "commands", {})
    assert set(real) == set(COMMANDS)


def test_the_table_has_each_commands_first_paragraph_of_help() -> None:
    real: dict[str, click_core.Command] = getattr(_real_root(), "commands", {})
    for name, (_, help_line) in COMMANDS.items():
        first = inspect.cleandoc(real[name].help or "").split("\n\n", 1)[0]
        assert help_line == first, name


def test_loading_a_name_registers_it() -> None:
    load_all()
    real: dict[str, click_core.Command] = getattr(typer.main.get_command(app), "commands", {})
    assert list(COMMANDS) == [n for n in COMMANDS if n in real]


def _root_help(root: click_core.Command, capsys: pytest.CaptureFixture[str]) -> str:
    """The root help screen as printed (Rich prints it rather than returning it)."""
    capsys.readouterr()
    returned = root.get_help(click_core.Context(root, info_name="disarm"))
    return returned + capsys.readouterr().out


def test_root_help_from_the_table_is_the_help_of_the_real_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = _root_help(_real_root(), capsys)
    listed = typer.main.get_command(app)
    getattr(listed, "commands", {}).clear()  # nothing loaded: every row comes from the table
    from_table = _root_help(listed, capsys)
    assert "declare" in from_table and "witness" in from_table
    assert from_table == real
    assert not getattr(listed, "commands", {}), "drawing the help screen loaded a command"


def test_an_unknown_command_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("no-such-command")
    assert result.exit_code == 2
    assert "No such command" in result.output
