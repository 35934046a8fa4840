"""Entry point of the `disarm` command. Command modules are imported on demand by the root
group (`disarm.cli.app`), so that `disarm --version` and `disarm --help` start fast."""

from __future__ import annotations

import sys

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
