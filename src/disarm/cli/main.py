"""Entry point of the `disarm` command: imports every command module so that it registers."""

from __future__ import annotations

import sys

# Each import registers a command group or commands on the root app.
from disarm.cli import (  # noqa: F401
    data,
    declare,
    demo,
    effects,
    inspect,
    keys,
    log,
    programme,
    reference,
    report,
    stats,
    stats_mua,
    stats_sampling,
    verify,
    verify_dir,
    witness,
)
from disarm.cli.app import app, quiet_stdout

__all__ = ["app", "run"]


def run() -> None:
    """Console-script entry point. A closed output pipe (`disarm ... | head`) ends the command
    quietly with exit code 0, wherever the pipe broke (while printing or while flushing)."""
    try:
        app(prog_name="disarm")
    except SystemExit as exc:
        code = exc.code
    except BrokenPipeError:
        code = 0
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        code = 0
    raise SystemExit(code)


if __name__ == "__main__":
    run()
