"""The root Typer application and the one place where errors become exit codes.

Command modules import `app` (or a group registered on it) and add their commands. They are
imported on demand: the root group knows every top-level command by name and one-line help from
`disarm.cli.commands`, lists them for `disarm --help` without importing them, and imports a
command's modules only when it is invoked or its own help is asked for (issue 16.5).
"""

from __future__ import annotations

import functools
import os
import sys
import types
from typing import Any

import typer
from typer._click import core as click_core
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from disarm.cli.commands import COMMANDS, load
from disarm.errors import DisarmError

_state: dict[str, bool] = {"verbose": False}


class _RootGroup(TyperGroup):
    """Loads command modules on demand (see the module docstring) and maps every
    `DisarmError` to a one-paragraph message on stderr and its exit code."""

    _listing = False  # True while the root help screen is printed: list, do not import

    def list_commands(self, ctx: click_core.Context) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: click_core.Context, cmd_name: str) -> click_core.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            if self._listing:
                return _listed(cmd_name)
            load(cmd_name)
            built = typer.main.get_command(app)
            for name, command in getattr(built, "commands", {}).items():
                self.commands.setdefault(name, command)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: click_core.Context, formatter: HelpFormatter) -> None:
        _import_rich_help_lightly()
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: click_core.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DisarmError as exc:
            if _state["verbose"]:
                raise
            typer.echo(f"error: {exc.diagnostics()}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`disarm ... | head`): stop quietly, successfully.
            quiet_stdout()
            ctx.exit(0)
        except RecursionError:
            # A safety net: every reader bounds nesting itself (disarm.io), naming its input.
            if _state["verbose"]:
                raise
            typer.echo(
                "error: an input is nested too deeply to read (see docs/limits.md)", err=True
            )
            ctx.exit(2)


@functools.cache
def _listed(name: str) -> click_core.Command:
    """A stand-in for the root help screen: the command's name and one-line help only."""
    return TyperCommand(name, help=COMMANDS[name][1])


class _Markdown:
    """Stands in for `rich.markdown.Markdown` in typer.rich_utils: imports it when called."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from rich.markdown import Markdown

        return Markdown(*args, **kwargs)


class _Traceback:
    """Stands in for `rich.traceback.Traceback` in typer.rich_utils: imports it when used."""

    @staticmethod
    def from_exception(*args: Any, **kwargs: Any) -> Any:
        from rich.traceback import Traceback

        return Traceback.from_exception(*args, **kwargs)


def _import_rich_help_lightly() -> None:
    """Import typer.rich_utils, which draws the help screens, without the ~0.1 s of
    rich.markdown and rich.traceback (Pygments, markdown-it) that it imports but uses only
    for Markdown help (disarm's is Rich markup) and pretty tracebacks (disabled here).

    While it imports, stand-ins answer for the two modules; they are then taken out of
    `sys.modules`, so any later `import rich.markdown` gets the real module. The help screen
    is the same either way (tests/cli/test_startup.py compares them byte for byte).
    """
    names = ("rich.markdown", "rich.traceback")
    if "typer.rich_utils" in sys.modules or any(name in sys.modules for name in names):
        return
    stand_ins = {name: types.ModuleType(name) for name in names}
    stand_ins["rich.markdown"].Markdown = _Markdown  # type: ignore[attr-defined]
    stand_ins["rich.traceback"].Traceback = _Traceback  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        import typer.rich_utils  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _plain_help_screens() -> None:
    """Typer 0.29 prints ``<bool>`` beside every flag and ``{name}`` for a required argument
    in `--help`; show flags bare and arguments as NAME, as the docs write them."""
    from typer.core import TyperArgument, TyperOption

    option_type = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else option_type(self, ctx)

    def usage_name(self: TyperArgument) -> str:
        name = (self.metavar or str(self.name)).upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
    TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]


_plain_help_screens()

app = typer.Typer(
    name="disarm",
    cls=_RootGroup,
    help=(
        "Verification and transparency regime for a phased, time-bound, verifiable "
        "elimination of nuclear weapons (CD/2402)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from disarm import __version__

        typer.echo(f"disarm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show the full traceback when something fails."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """disarm: programme engine, transparency log, escrowed declarations, inspections."""
    _state["verbose"] = verbose


def quiet_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises no second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's buffer)
        pass
    finally:
        os.close(devnull)


def group(name: str, help_text: str) -> typer.Typer:
    """Create a command group `disarm NAME ...` and register it on the root app."""
    sub = typer.Typer(name=name, help=help_text, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


def fail(message: str, code: int = 2) -> None:
    """Print a message to stderr and exit with `code` (for CLI-level argument problems)."""
    typer.echo(f"error: {message}", err=True)
    sys.exit(code)
