"""Every command's file inputs fed with truncated, nested, oversized and binary data (issue 14).

Each run must end with exit code 2, a one-paragraph `error:` message without a traceback, and
nothing written: the working directory is the same before and after. The valid inputs come from
`examples/`; each corruption replaces one input file at a time.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from disarm.io import MAX_INPUT_BYTES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _truncated(valid: bytes) -> bytes:
    """A valid input cut half-way, inside a line: a CSV row is cut after its first field (a
    short row); other text in the middle of the line. A cut inside the last cell of a CSV
    row cannot be told from a shorter value, so it is not one of the cases."""
    middle = len(valid) // 2
    start = valid.rfind(b"\n", 0, middle) + 1
    comma = valid.find(b",", start, valid.find(b"\n", start) % (len(valid) + 1))
    return valid[: comma + 1] if comma > start else valid[:middle]


def _nested(valid: bytes) -> bytes:
    del valid
    return b"[" * 200_000 + b"]" * 200_000


def _binary(valid: bytes) -> bytes:
    del valid
    return bytes(range(256)) * 64


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "truncated": _truncated,
    "nested": _nested,
    "binary": _binary,
    "oversized": lambda valid: b"",  # made sparse below: larger than the limit, no disk used
}

# (command with {F} for the corrupted file, the valid file it replaces, corruptions that apply).
# A list of identifiers cut in half is still a valid list, so "truncated" is left out for those.
ALL = tuple(CORRUPTIONS)
NOT_TRUNCATED = ("nested", "binary", "oversized")
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "inspect select --population {F} --k 1 --checkpoint checkpoint.txt",
        "warheads.txt",
        NOT_TRUNCATED,
    ),
    ("inspect select --n 5 --k 1 --checkpoint {F}", "checkpoint.txt", ALL),
    ("inspect verify-selection {F}", "selection.json", ALL),
    ("inspect plan --sites {F} --quota 5 --defects 1 --items-per-inspection 1", "sites.csv", ALL),
    ("inspect custody {F}", "events.csv", ALL),
    ("inspect custody events.csv --items {F}", "warheads.txt", NOT_TRUNCATED),
    ("programme validate {F}", "programme.yaml", ALL),
    ("comply --programme {F} --declarations declarations.csv", "programme.yaml", ALL),
    ("comply --programme new-start --declarations {F}", "declarations.csv", ALL),
    ("comply --programme new-start --baselines {F}", "baselines.json", ALL),
    ("keys show --key {F}", "a.key", ALL),
    (
        "declare --log regime-log --key a.key --items {F} --public counts.csv --programme model "
        "--declaration-id STATE-A/2028 --region-size 8 --opening new.opening.json",
        "items.csv",
        ALL,
    ),
    (
        "declare --log regime-log --key a.key --items items.csv --public {F} --programme model "
        "--declaration-id STATE-A/2028 --region-size 8 --opening new.opening.json",
        "counts.csv",
        ALL,
    ),
    ("reveal --log regime-log --key a.key --opening {F} --region R02", "a-2027.opening.json", ALL),
    (
        "reveal --log regime-log --key a.key --opening a-2027.opening.json --select {F}",
        "reveal-ids.txt",
        NOT_TRUNCATED,
    ),
    ("stats mua plan {F}", "balance-area/pu-store.yaml", ALL),
    ("report --programme new-start --declarations {F} --out r.html", "declarations.csv", ALL),
    ("log verify-proof {F} --key regime-log/log.vkey", "proof.tlog-proof", ALL),
    (
        "witness cosign witness --checkpoint {F} --log-key regime-log/log.vkey",
        "checkpoint.txt",
        ALL,
    ),
    (
        "stats mua evaluate balance-area/pu-store.yaml --flows {F} "
        "--inventories balance-area/pu-store-inventories.csv --out out.json",
        "balance-area/pu-store-flows.csv",
        ALL,
    ),
]


@pytest.fixture(scope="module")
def regime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples with keys, a log holding a declaration, a checkpoint and a selection."""
    from typer.testing import CliRunner

    from disarm.cli.main import app

    work = tmp_path_factory.mktemp("bad") / "examples"
    shutil.copytree(EXAMPLES, work)
    runner = CliRunner()
    cwd = Path.cwd()
    os.chdir(work)
    try:

        def run(*args: str) -> str:
            result = runner.invoke(app, list(args), catch_exceptions=False)
            assert result.exit_code == 0, (args, result.stderr)
            return result.stdout

        run("keys", "generate", "--party", "INSP", "--out", "insp.key")
        run("keys", "generate", "--party", "STATE-A", "--out", "a.key")
        state_a = json.loads(run("keys", "show", "--key", "a.key", "--json"))["public_key"]
        run("log", "init", "regime-log", "--origin", "example.org/disarm-log")
        register = ("party", "register", "--log", "regime-log", "--key", "insp.key")
        run(*register, "--party", "INSP", "--role", "inspectorate")
        run(*register, "--party", "STATE-A", "--role", "state", "--public-key", state_a)
        run(
            *("declare", "--log", "regime-log", "--key", "a.key", "--items", "items.csv"),
            *("--public", "counts.csv", "--programme", "model", "--region-size", "8"),
            *("--declaration-id", "STATE-A/2027", "--opening", "a-2027.opening.json"),
        )
        Path("checkpoint.txt").write_text(run("log", "checkpoint", "regime-log"))
        run(
            *("inspect", "select", "--population", "warheads.txt", "--k", "3"),
            *("--checkpoint", "checkpoint.txt", "--out", "selection.json"),
        )
        shutil.copy(Path(cwd, "docs", "examples", "inf.yaml"), "programme.yaml")
        run("log", "prove", "regime-log", "--index", "2", "--out", "proof.tlog-proof")
        run("witness", "init", "witness", "--name", "witness.example/w1")
        Path("baselines.json").write_text('{"USA": {"deployed_warheads": 1550}}\n')
    finally:
        os.chdir(cwd)
    return work


def _snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        out[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns, info.st_mode)
    return out


PARAMS = [
    pytest.param(command, valid, kind, id=f"{kind}: {command.split(' {')[0][:40]} ({valid})")
    for command, valid, kinds in CASES
    for kind in kinds
]


@pytest.mark.parametrize(("command", "valid", "kind"), PARAMS)
def test_bad_file_input_is_refused_cleanly(
    cli,
    regime: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    valid: str,
    kind: str,
) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "w"
    shutil.copytree(regime, work, symlinks=True)
    monkeypatch.chdir(work)
    bad = work / ("bad-" + Path(valid).name)
    if kind == "oversized":
        with bad.open("wb") as fh:
            fh.truncate(MAX_INPUT_BYTES + 1)
    else:
        bad.write_bytes(CORRUPTIONS[kind]((work / valid).read_bytes()))
    before = _snapshot(work)
    args = [a.replace("{F}", bad.name) for a in command.split()]
    result = cli(*args)
    assert result.exit_code == 2, (kind, args, result.stdout, result.stderr)
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 2_000, result.stderr[:500]
    assert _snapshot(work) == before, "the command wrote something"
