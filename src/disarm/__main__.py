"""`python -m disarm`: the same as the `disarm` command."""

from disarm.cli.main import run

run()
