"""Shared fixtures: the CLI runner; the Hypothesis profile."""

from __future__ import annotations

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from disarm.cli.main import app

# Timed assertions do not belong in tests: Hypothesis's per-example deadline (200 ms by default)
# fails correct code on a loaded machine, so it is off for every property test; speed is
# measured in benchmarks/.
settings.register_profile("disarm", deadline=None)
settings.load_profile("disarm")


class Cli:
    """Runs `disarm ...` in-process and returns click's result (exit_code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()
