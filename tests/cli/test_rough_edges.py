"""Rough edges a new user hit (issue 15, points 17 and 19): closed pipes, tables piped to a
file, a misspelt key in a balance area, and the permissions of what commands write."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SRC = Path(__file__).resolve().parents[2] / "src"


def _disarm(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "disarm", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_closed_pipe_ends_quietly_with_exit_0(tmp_path: Path) -> None:
    """`disarm ... | head -c 10`: the reader goes away after a few bytes of a long output."""
    # 150 kB of CSV, written row by row: the pipe breaks while the command is still writing
    # (this exited 1, the "non-compliant" code, before the entry point handled it).
    proc = _disarm("data", "show", "world_nuclear_forces", "--csv", cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    head = proc.stdout.read(10)
    proc.stdout.close()  # what `head` does once it has its lines
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert head
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err


def test_tables_piped_to_a_file_do_not_wrap_words(tmp_path: Path) -> None:
    proc = _disarm("stats", "mua", "constants", cwd=tmp_path)
    out, _ = proc.communicate(timeout=120)
    text = out.decode()
    assert proc.returncode == 0
    assert "significant_quantity_kg" in text  # one piece, not "significant_qua" + "ntity_kg"
    assert "total element (Pu with < 80 % Pu-238)" in text


def test_misspelt_balance_area_key_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load((EXAMPLES / "balance-area" / "pu-store.yaml").read_text())
    doc["period_lenght"] = doc.pop("period_length")
    area = tmp_path / "area.yaml"
    area.write_text(yaml.safe_dump(doc))
    result = cli("stats", "mua", "plan", str(area))
    assert result.exit_code == 2
    assert "unknown key period_lenght (did you mean period_length?)" in result.stderr
    assert "missing" not in result.stderr


def test_misspelt_point_key_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load((EXAMPLES / "balance-area" / "pu-store.yaml").read_text())
    doc["points"][0]["sytematic"] = doc["points"][0].pop("systematic", 0.0)
    area = tmp_path / "area.yaml"
    area.write_text(yaml.safe_dump(doc))
    result = cli("stats", "mua", "plan", str(area))
    assert result.exit_code == 2
    assert "points[0].sytematic (did you mean points[0].systematic?)" in result.stderr


def test_shared_outputs_are_0644_and_secrets_0600(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = os.umask(0o077)  # even with a strict umask, shared outputs are readable by others
    try:
        area = EXAMPLES / "balance-area" / "pu-store.yaml"
        plot, out = tmp_path / "p.svg", tmp_path / "r.json"
        args = ("-n", "50", "--plot", str(plot), "--out", str(out))
        assert cli("stats", "mua", "simulate", str(area), *args).exit_code == 0
        key = tmp_path / "a.key"
        assert cli("keys", "generate", "--party", "A", "--out", str(key)).exit_code == 0
    finally:
        os.umask(old)
    assert plot.stat().st_mode & 0o777 == 0o644
    assert out.stat().st_mode & 0o777 == 0o644
    assert key.stat().st_mode & 0o777 == 0o600
