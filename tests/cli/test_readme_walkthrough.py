"""Issue 15.20: the README's walk-through runs top to bottom in a fresh directory, as written.

The commands are read from README.md itself (the indented command blocks of the sections on
`disarm demo` and `disarm verify DIR`), so the test stays true to what a new user reads.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SECTIONS = ("## The main job: `disarm demo`", "## Check everything yourself: `disarm verify DIR`")


def walkthrough(text: str) -> list[str]:
    """The shell commands of the walk-through sections, in order (continuations joined,
    trailing comments kept: the shell ignores them)."""
    commands: list[str] = []
    for title in SECTIONS:
        start = text.index(title)
        end = text.find("\n## ", start + len(title))
        body = text[start : end if end > 0 else len(text)]
        pending = ""
        for line in body.splitlines():
            if not line.startswith("    "):
                continue
            code = line[4:]
            if pending or code.startswith(("disarm ", "cp ")):
                pending += code.strip() + " "
                if not code.rstrip().endswith("\\"):
                    commands.append(re.sub(r"\\\s+", " ", pending).strip())
                    pending = ""
    return commands


def test_the_walkthrough_is_found_in_the_readme() -> None:
    commands = walkthrough(README.read_text(encoding="utf-8"))
    assert commands[0].startswith("disarm demo") and len(commands) >= 8
    assert any("--force" in c for c in commands[1:])
    pinned = next(c for c in commands if "--trust" in c)
    assert "--witness-key" in pinned and "\\" not in pinned
    refused = [c for c in commands if "# refused (exit 1)" in c]
    assert refused and all("--allow-simulation-keys" not in c.split("#")[0] for c in refused)


@pytest.mark.slow
def test_readme_walkthrough_runs_in_a_fresh_directory(tmp_path: Path) -> None:
    disarm = shutil.which("disarm")
    assert disarm is not None, "the disarm command is not installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISARM_")}
    for command in walkthrough(README.read_text(encoding="utf-8")):
        done = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {command}"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        # A command the README shows being refused says so in its comment, with its exit code.
        expected = 1 if "# refused (exit 1)" in command else 0
        assert done.returncode == expected, (
            f"{command!r} exited {done.returncode}: {done.stderr[-2000:]}"
        )
        if expected:
            assert "--allow-simulation-keys" in done.stderr
    assert (tmp_path / "demo-out" / "report.html").is_file()
    assert (tmp_path / "verify.json").read_text().startswith("{")
