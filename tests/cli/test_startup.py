"""Start-up: light commands never import NumPy, pandas, SciPy, matplotlib or Jinja (issue 16.5),
and `disarm --version` / `--help` import no command module at all.

Each command runs in a fresh interpreter (a subprocess), which then lists the heavy modules and
the `disarm.cli.*` modules it loaded. No timing is asserted here; `benchmarks/bench_startup.py`
measures time and memory.
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
cli = sorted(m for m in sys.modules if m.startswith("disarm.cli"))
rich = sorted(m for m in sys.modules if m in ("rich.markdown", "rich.traceback", "pygments"))
result = {"heavy": heavy, "cli": cli, "rich": rich, "code": code}
sys.stderr.write("\\nMODULES " + json.dumps(result) + "\\n")
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


# What the root needs: the entry point, the root group and the table of commands.
ROOT = ["disarm.cli", "disarm.cli.app", "disarm.cli.commands", "disarm.cli.main"]


@pytest.mark.parametrize("args", [("--version",), ("--help",), ()], ids=["version", "help", "none"])
def test_version_and_help_import_no_command_module(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = _run(tmp_path, *args)
    assert result["code"] in (0, 2, None), result  # no arguments: the help screen, exit code 2
    assert result["cli"] == ROOT
    # typer.rich_utils imports these at its top but the help screens do not use them.
    assert result["rich"] == []


@pytest.mark.parametrize(
    ("args", "loaded"),
    [
        (("log", "--help"), "disarm.cli.log"),
        (("stats", "mua", "constants"), "disarm.cli.stats_mua"),
        (("inspect", "custody-states"), "disarm.cli.inspect"),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else a,
)
def test_a_command_imports_its_own_modules_only(
    tmp_path: Path, args: tuple[str, ...], loaded: str
) -> None:
    result = _run(tmp_path, *args)
    assert result["code"] in (0, None), result
    cli: list[str] = result["cli"]  # type: ignore[assignment]
    assert loaded in cli
    others = {"disarm.cli.witness", "disarm.cli.demo", "disarm.cli.declare", "disarm.cli.report"}
    assert not others & set(cli), f"`disarm {' '.join(args)}` imported {sorted(others & set(cli))}"


def test_help_screen_is_the_same_with_the_full_rich_modules(tmp_path: Path) -> None:
    """The light import of typer.rich_utils draws the same screen as the normal one."""
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "100", "TERM": "dumb"}
    screens = []
    for preload in ("", "import rich.markdown, rich.traceback; "):
        code = f"{preload}import sys; sys.argv = ['disarm', '--help']; "
        code += "from disarm.cli.main import run; run()"
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        screens.append(proc.stdout)
    assert "witness" in screens[0]
    assert screens[0] == screens[1]
