"""The root Typer application and the one place where errors become exit codes.

Command modules import `app` (or a group registered on it) and add their commands;
`disarm.cli.main` imports every command module so that they register.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer._click import core as click_core
from typer.core import TyperGroup

from disarm.errors import DisarmError

_state: dict[str, bool] = {"verbose": False}


class _RootGroup(TyperGroup):
    """Maps every `DisarmError` to a one-paragraph message on stderr and its exit code."""

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
