"""`examples/`: every command in examples/README.md runs on the shipped inputs (issue 15.21).

The commands are read from the README's `sh` block, in order, and run in a fresh copy of the
folder; each must end with the exit code its line notes (`# exit 1`), 0 otherwise.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _commands() -> list[tuple[str, int]]:
    text = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n")[2].split("```")[0]
    out = []
    for line in block.splitlines():
        if not line.startswith("disarm "):
            continue
        command, _, comment = line.partition("  #")
        match = re.search(r"exit (\d)", comment)
        out.append((command.strip(), int(match.group(1)) if match else 0))
    return out


def _public_key(cli, key: str) -> str:  # type: ignore[no-untyped-def]
    result = cli("keys", "show", "--key", key, "--json")
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["public_key"])


def test_the_readme_lists_every_input_file() -> None:
    text = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for path in EXAMPLES.rglob("*"):
        if path.is_file() and path.name != "README.md" and path.parent == EXAMPLES:
            assert f"`{path.name}`" in text, path.name
    assert "`balance-area/`" in text


@pytest.mark.slow
def test_every_documented_command_runs_on_the_examples(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "try"
    shutil.copytree(EXAMPLES, work)
    monkeypatch.chdir(work)
    commands = _commands()
    assert len(commands) >= 25
    seen: set[str] = set()
    for command, expected in commands:
        command = command.replace('"$(cat regime-log/log.vkey)"', "$LOG_VKEY")
        redirect = None
        if " > " in command:
            command, _, redirect = command.partition(" > ")
        words = shlex.split(command)[1:]
        subs = {
            "$INSP": lambda: _public_key(cli, "insp.key"),
            "$STATE_A": lambda: _public_key(cli, "a.key"),
            "$LOG_VKEY": lambda: (work / "regime-log" / "log.vkey").read_text().strip(),
        }
        words = [subs[w]() if w in subs else w for w in words]
        result = cli(*words)
        assert result.exit_code == expected, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        if redirect is not None:
            (work / redirect.strip()).write_text(result.stdout)
        seen.add(" ".join(words[:2]))
    # the shared outputs are readable by others (0644); the keys are private (0600)
    assert (work / "store.png").stat().st_mode & 0o777 == 0o644
    assert (work / "report.html").stat().st_mode & 0o777 == 0o644
    assert (work / "insp.key").stat().st_mode & 0o777 == 0o600
    assert (work / "a-2027.opening.json").stat().st_mode & 0o777 == 0o600
    wanted = {"declare --log", "reveal --log", "inspect custody", "comply --programme", "stats mua"}
    assert wanted <= seen
