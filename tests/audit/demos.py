"""Small demo directories shared by the verification tests: one `disarm demo` run per
(strategy, settings), made once per test session even with pytest-xdist (a file lock in the
session's shared temporary directory)."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disarm.cli.main import app
from disarm.demo import statements as demo

SEED = 7
SCALE = "0.02"
STRATEGIES = ("none", "omit", "redeclare", "divert")
#: Years of each run: redeclare needs a dismantlement before the last round.
YEARS = {"none": 1, "omit": 1, "redeclare": 2, "divert": 1}


def _shared_root(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def demo_dir(factory: pytest.TempPathFactory, cheat: str) -> Path:
    """The output of `disarm demo --seed 7 --scale 0.02 --cheat CHEAT` (made once)."""
    root = _shared_root(factory) / f"verify-demo-{cheat}"
    root.mkdir(parents=True, exist_ok=True)
    out = root / "out"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / demo.FINAL_CHECKPOINT_FILE).exists():
            shutil.rmtree(out, ignore_errors=True)
            args = ["demo", "--out", str(out), "--seed", str(SEED), "--years", str(YEARS[cheat])]
            args += ["--scale", SCALE, "--cheat", cheat, "-q", "--json"]
            result = CliRunner().invoke(app, args, catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
    return out
