"""Shared fixtures: the CLI runner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from disarm.cli.main import app


class Cli:
    """Runs `disarm ...` in-process and returns click's result (exit_code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()
