"""Start-up: light commands never import NumPy, pandas, SciPy, matplotlib or Jinja (issue 16.5).

Each command runs in a fresh interpreter (a subprocess), which then lists the heavy modules it
loaded. No timing is asserted here; `benchmarks/bench_startup.py` measures time and memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "jinja2", "pyarrow")

PROBE = """
import json, sys
from disarm.cli.main import app
code = 0
try:
    app(args=sys.argv[1:], prog_name="disarm")
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.argv.pop(0))))
sys.stderr.write("\\nMODULES " + json.dumps({"heavy": heavy, "code": code}) + "\\n")
"""


def _run(tmp_path: Path, *args: str) -> dict[str, object]:
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.replace("sys.argv.pop(0)", repr(json.dumps(HEAVY))), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("MODULES ")][-1]
    result: dict[str, object] = json.loads(line.removeprefix("MODULES "))
    return result


LIGHT = [
    ("--version",),
    ("--help",),
    ("log", "--help"),
    ("inspect", "select", "--help"),
    ("keys", "generate", "--party", "USA", "--out", "usa.key"),
    ("log", "init", "lg", "--origin", "example.org/log"),
    ("stats", "sample-size", "--population", "100", "--defects", "5", "--beta", "0.05"),
    ("stats", "mua", "constants"),
    ("inspect", "custody-states"),
]


@pytest.mark.parametrize("args", LIGHT, ids=lambda a: " ".join(a))
def test_light_command_imports_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = _run(tmp_path, *args)
    assert result["code"] in (0, None), result
    assert result["heavy"] == [], f"`disarm {' '.join(args)}` imported {result['heavy']}"


def test_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    """The probe itself works: a command that does need pandas is seen importing it."""
    result = _run(tmp_path, "data", "list", "--json")
    assert result["code"] in (0, None), result
    assert "pandas" in result["heavy"]  # type: ignore[operator]
