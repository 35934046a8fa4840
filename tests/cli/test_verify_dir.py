"""`disarm verify DIR`: dispatch next to the existing subcommands, bad input, JSON shape."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.audit.demos import demo_dir as shared_demo
from tests.conftest import Cli


def test_existing_subcommands_still_dispatch(cli: Cli) -> None:
    result = cli("verify", "statement", "--help")
    assert result.exit_code == 0
    assert "Verify one signed statement" in result.stdout


def test_group_help_still_lists_the_subcommands(cli: Cli) -> None:
    result = cli("verify", "--help")
    assert result.exit_code == 0
    for name in ("statement", "declaration", "reveal"):
        assert name in result.stdout


def test_dir_help(cli: Cli) -> None:
    for args in (["verify", "dir", "--help"],):
        result = cli(*args)
        assert result.exit_code == 0
        assert "--quorum" in result.stdout and "--log-key" in result.stdout


def test_missing_directory_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    for args in (
        ["verify", str(tmp_path / "nope"), "--allow-simulation-keys"],
        ["verify", "dir", str(tmp_path / "nope")],
    ):
        result = cli(*args)
        assert result.exit_code == 2
        assert "does not exist" in result.stderr


def test_malformed_pinned_key_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    result = cli("verify", str(tmp_path), "--allow-simulation-keys", "--trust", "zz")
    assert result.exit_code == 2
    assert "--trust" in result.stderr


def test_a_directory_that_is_not_a_regime_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = cli("verify", str(tmp_path), "--allow-simulation-keys", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "is not a regime directory" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_regime_directory_without_keys_fails_at_the_keys(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "log").mkdir()
    result = cli("verify", str(tmp_path), "--allow-simulation-keys", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "failed"
    assert report["first_disagreement"]["check"] == "keys"
    assert report["checks"][1]["status"] == "not-run"


# -- on a real demo directory -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_demo(tmp_path_factory, "omit")


@pytest.mark.slow
def test_verify_dir_passes_both_spellings(cli: Cli, demo_out: Path) -> None:
    for args in (
        ["verify", str(demo_out), "--allow-simulation-keys"],
        ["verify", "dir", str(demo_out), "--allow-simulation-keys", "-q"],
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert "OK: everything" in result.stderr
        assert "internal consistency" in result.stderr  # keys not pinned: warned
        assert ("inventory" in result.stdout) == ("-q" not in args)  # the summary table


@pytest.mark.slow
def test_verify_dir_json_shape(cli: Cli, demo_out: Path) -> None:
    keys = [
        "--trust", (demo_out / "keys/inspectorate.pub").read_text().strip(),
        "--log-key", (demo_out / "keys/log.vkey").read_text().strip(),
        "--witness-key", (demo_out / "keys/witness-1.vkey").read_text().strip(),
        "--witness-key", (demo_out / "keys/witness-2.vkey").read_text().strip(),
        "--checkpoint", str(demo_out / "checkpoint.cosigned"),
    ]  # fmt: skip
    result = cli("verify", str(demo_out), "--allow-simulation-keys", "--json", *keys)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "directory", "status", "checks", "first_disagreement", "findings", "trust", "warnings"
    }  # fmt: skip
    assert report["status"] == "ok" and report["first_disagreement"] is None
    # every key pinned, a trusted checkpoint: the only warning is the one for simulation keys
    (warning,) = report["warnings"]
    assert "simulation keys" in warning and result.stderr.count("warning") == 1
    assert report["trust"]["log_key"]["source"] == "pinned"
    names = [c["check"] for c in report["checks"]]
    assert names[0] == "keys" and names[-1] == "inventory" and len(names) == len(set(names))
    assert all(c["status"] == "ok" for c in report["checks"])
    cosig = next(c for c in report["checks"] if c["check"] == "cosignatures")
    assert cosig["figures"]["quorum"] == 2 and "your policy" in cosig["figures"]["quorum_from"]
    published = json.loads((demo_out / "findings.json").read_text())
    assert sorted(f["index"] for f in report["findings"]) == sorted(
        f["index"] for f in published["findings"]
    )


@pytest.mark.slow
def test_verify_dir_names_the_first_disagreement(cli: Cli, demo_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(demo_out, copy)
    data = bytearray((copy / "data/verdicts.csv").read_bytes())
    data[300] ^= 0x01
    (copy / "data/verdicts.csv").write_bytes(bytes(data))
    result = cli("verify", str(copy), "--allow-simulation-keys", "--json")
    assert result.exit_code == 1
    first = json.loads(result.stdout)["first_disagreement"]
    assert first["check"] == "outputs" and first["file"] == "data/verdicts.csv"
    assert first["byte"] == 300
    text = cli("verify", str(copy), "--allow-simulation-keys", "-q")
    assert text.exit_code == 1 and text.stdout == ""
    assert "FAILED: outputs" in text.stderr and "data/verdicts.csv" in text.stderr
    assert "byte 300" in text.stderr and "expected:" in text.stderr


@pytest.mark.slow
def test_pinned_key_that_differs_from_the_directory_fails(cli: Cli, demo_out: Path) -> None:
    result = cli("verify", str(demo_out), "--allow-simulation-keys", "--trust", "22" * 32, "-q")
    assert result.exit_code == 1
    assert "FAILED: keys" in result.stderr and "keys/inspectorate.pub" in result.stderr


@pytest.mark.slow
def test_quorum_flag_overrides_the_policy(cli: Cli, demo_out: Path) -> None:
    result = cli("verify", str(demo_out), "--allow-simulation-keys", "--quorum", "1", "--json")
    assert result.exit_code == 0
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["cosignatures"]["figures"]["quorum"] == 1
    assert checks["cosignatures"]["figures"]["quorum_from"] == "--quorum"
    result = cli("verify", str(demo_out), "--allow-simulation-keys", "--quorum", "3", "-q")
    assert (
        result.exit_code == 2 and "--quorum 3 exceeds the 2 trusted witness keys" in result.stderr
    )


@pytest.mark.slow
def test_verification_leaves_the_directory_unchanged(cli: Cli, demo_out: Path) -> None:
    def snapshot() -> dict[str, tuple[bytes, int]]:
        return {
            p.relative_to(demo_out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in demo_out.rglob("*")
            if p.is_file()
        }

    before = snapshot()
    assert cli("verify", str(demo_out), "--allow-simulation-keys", "-q").exit_code == 0
    assert snapshot() == before


@pytest.mark.slow
def test_summary_table_counts_statements_and_types_by_name(cli: Cli, demo_out: Path) -> None:
    """Issue 15.13: no "types=1216"; the statements row says statements."""
    result = cli("verify", str(demo_out), "--allow-simulation-keys")
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("│ statements"))
    assert "statements" in row.split("│")[3] and "types=" not in result.stdout
    report = json.loads(cli("verify", str(demo_out), "--allow-simulation-keys", "--json").stdout)
    figures = next(c for c in report["checks"] if c["check"] == "statements")["figures"]
    assert figures["statement_types"] == len(figures["statements_by_type"]) < 40
    assert sum(figures["statements_by_type"].values()) == report["checks"][1]["checked"]


@pytest.mark.slow
def test_a_mismatch_excerpt_starts_on_a_token_and_labels_what_the_file_holds(
    cli: Cli, demo_out: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "out"
    shutil.copytree(demo_out, copy)
    path = copy / "data/balances.csv"
    text = path.read_text()
    line = text.splitlines()[1]
    cells = line.split(",")
    number = next(c for c in cells[6:] if len(c) >= 5 and c[-1].isdigit())  # e.g. 12.345678
    tampered = line.replace(
        number, number[:-2] + ("9" if number[-2] != "9" else "8") + number[-1], 1
    )
    path.write_text(text.replace(line, tampered, 1))
    result = cli("verify", str(copy), "--allow-simulation-keys", "--json")
    assert result.exit_code == 1
    first = json.loads(result.stdout)["first_disagreement"]
    start = text.index(line) + line.index(number)
    assert first["expected"] == f"from byte {start}: {text[start : start + 48]!r}"
    assert first["found"].startswith(
        f"from byte {start}: {tampered[line.index(number) :][:5]!r}"[:-1]
    )
    assert first["computed"] is None
    human = cli("verify", str(copy), "--allow-simulation-keys", "-q").stderr
    assert "expected:" in human and "found:" in human
