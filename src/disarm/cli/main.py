"""Entry point of the `disarm` command: imports every command module so that it registers."""

from __future__ import annotations

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
from disarm.cli.app import app

__all__ = ["app", "run"]


def run() -> None:
    """Console-script entry point."""
    app(prog_name="disarm")


if __name__ == "__main__":
    run()
