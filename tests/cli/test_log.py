"""`disarm log ...`: the commands, their JSON shapes, and bad input (exit 2, nothing changed)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from disarm.tlog import merkle
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.note import generate_key

ORIGIN = "example.org/cli-log"


def _tree_digest(root: Path) -> str:
    """Hash of every file's path, mode and bytes under root: to show nothing changed."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(oct(p.stat().st_mode).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def log_dir(cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "log"
    result = cli("log", "init", str(path), "--origin", ORIGIN, "--json")
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["verifier_key"].startswith(ORIGIN + "+")
    assert (path / "log.vkey").read_text().strip() == info["verifier_key"]
    assert stat.S_IMODE(os.stat(path / "log.key").st_mode) == 0o600
    assert "PRIVATE" not in result.stdout + result.stderr
    entries = tmp_path / "entries.txt"
    entries.write_text("".join(f"entry {i}\n" for i in range(600)))
    result = cli("log", "append", str(path), str(entries), "--batch-size", "250", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["first"], out["count"], out["size"], out["batches"]) == (0, 600, 600, 3)
    return path


TREE = merkle.InMemoryTree([leaf_hash(b"entry %d" % i) for i in range(600)])


def test_append_from_stdin_and_checkpoint(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("log", "append", str(log_dir), "-", "--json", input="more 1\nmore 2\n")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["size"] == 602
    result = cli("log", "checkpoint", str(log_dir), "--json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["size"] == 602 and out["checkpoint"].startswith(f"{ORIGIN}\n602\n")
    info = json.loads(cli("log", "info", str(log_dir), "--json").stdout)
    assert (
        info["size"] == 602 and info["checkpoints"] == 5 and info["latest_checkpoint_size"] == 602
    )


def test_prove_consistency_and_bundle(cli, log_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("log", "prove", str(log_dir), "--index", "17", "--size", "500", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    proof = [bytes.fromhex(h) for h in out["proof"]]
    merkle.verify_inclusion(leaf_hash(b"entry 17"), 17, 500, proof, TREE.root(500))
    result = cli("log", "consistency", str(log_dir), "--old", "250", "--json")
    out = json.loads(result.stdout)
    proof = [bytes.fromhex(h) for h in out["proof"]]
    merkle.verify_consistency(250, 600, proof, TREE.root(250), TREE.root(600))

    bundle = tmp_path / "entry17.tlog-proof"
    result = cli("log", "prove", str(log_dir), "--index", "17", "--out", str(bundle))
    assert result.exit_code == 0, result.stderr
    vkey = (log_dir / "log.vkey").read_text().strip()
    result = cli("log", "verify-proof", str(bundle), "--key", vkey, "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["verified"], out["index"], out["size"]) == (True, 17, 600)
    # A tampered bundle fails verification (exit 1); a wrong key is bad input (exit 2).
    text = bundle.read_text()
    lines = text.split("\n")
    lines[3] = lines[4]
    (tmp_path / "bad.tlog-proof").write_text("\n".join(lines))
    result = cli("log", "verify-proof", str(tmp_path / "bad.tlog-proof"), "--key", vkey)
    assert result.exit_code == 1
    _, other = generate_key(ORIGIN)
    result = cli("log", "verify-proof", str(bundle), "--key", other)
    assert result.exit_code == 2 and "wrong --key" in result.stderr


def test_audit_ok_and_damage(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("log", "audit", str(log_dir), "--json", "--quiet")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["ok"], out["size"], out["checkpoints_checked"]) == (True, 600, 3)
    assert out["root"] == TREE.root().hex()
    data = log_dir / "data"
    raw = bytearray(data.read_bytes())
    raw[1000] ^= 0x20
    data.write_bytes(bytes(raw))
    result = cli("log", "audit", str(log_dir), "--quiet")
    assert result.exit_code == 1
    assert "data byte" in result.stderr and "does not hash" in result.stderr


def test_export_tiles(cli, log_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "static"
    result = cli("log", "export-tiles", str(log_dir), str(out), "--json")
    assert result.exit_code == 0, result.stderr
    assert (out / "tile" / "0" / "001").read_bytes() == b"".join(
        TREE.leaf_hash(i) for i in range(256, 512)
    )
    assert (out / "tile" / "entries" / "002.p" / "88").exists()
    assert (out / "checkpoint").read_text().startswith(f"{ORIGIN}\n600\n")


def _bad(cli, args: list[str], root: Path, needle: str, input: str | None = None) -> None:  # type: ignore[no-untyped-def]
    before = _tree_digest(root)
    result = cli(*args, input=input)
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    assert needle in result.stderr, (args, result.stderr)
    assert "Traceback" not in result.stderr
    assert _tree_digest(root) == before, f"{args} changed the log"


def test_bad_input_changes_nothing(cli, log_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = str(log_dir)
    missing = str(tmp_path / "missing")
    for command in (
        ["append", missing, "-"],
        ["checkpoint", missing],
        ["prove", missing, "--index", "0"],
        ["consistency", missing, "--old", "1"],
        ["audit", missing],
        ["info", missing],
    ):
        _bad(cli, ["log", *command], log_dir, "does not exist")
    (tmp_path / "empty-line.txt").write_text("a\n\nb\n")
    _bad(cli, ["log", "append", d, str(tmp_path / "empty-line.txt")], log_dir, "line 2 is empty")
    (tmp_path / "long.txt").write_bytes(b"ok\n" + b"x" * 70_000 + b"\n")
    long = str(tmp_path / "long.txt")
    _bad(cli, ["log", "append", d, long], log_dir, "line 2 is longer than 65535 bytes")
    _bad(cli, ["log", "append", d, str(tmp_path / "nope.txt")], log_dir, "does not exist")
    _bad(cli, ["log", "append", d, "-"], log_dir, "no entries", input="")
    _bad(cli, ["log", "prove", d, "--index", "600"], log_dir, "out of range")
    _bad(cli, ["log", "prove", d, "--index", "3", "--size", "601"], log_dir, "out of range")
    _bad(
        cli,
        ["log", "prove", d, "--index", "3", "--size", "7", "--out", str(tmp_path / "b")],
        log_dir,
        "no signed checkpoint",
    )
    _bad(cli, ["log", "consistency", d, "--old", "0"], log_dir, "between 1")
    _bad(cli, ["log", "consistency", d, "--old", "5", "--new", "900"], log_dir, "out of range")
    other_key = tmp_path / "other.key"
    other_key.write_text(generate_key("example.org/other")[0] + "\n")
    _bad(
        cli,
        ["log", "append", d, "-", "--key-file", str(other_key)],
        log_dir,
        "not the key",
        input="x\n",
    )
    _bad(cli, ["log", "checkpoint", d, "--key-file", str(other_key)], log_dir, "not the key")
    _, other_vkey = generate_key("example.org/other")
    _bad(cli, ["log", "audit", d, "--key", other_vkey], log_dir, "not for this log")
    _bad(cli, ["log", "init", d, "--origin", ORIGIN], log_dir, "not an empty directory")
    _bad(
        cli,
        ["log", "init", str(tmp_path / "new"), "--origin", "bad\norigin"],
        log_dir,
        "one non-empty line",
    )
    assert not (tmp_path / "new").exists()


def test_consistency_proof_file_feeds_a_witness(cli, log_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vkey = (log_dir / "log.vkey").read_text().strip()
    witness = tmp_path / "w1"
    init = ("witness", "init", str(witness), "--name", "witness.example/w1", "--log", vkey)
    assert cli(*init).exit_code == 0
    first = tmp_path / "cp.600"
    first.write_text(
        json.loads(cli("log", "checkpoint", str(log_dir), "--json").stdout)["checkpoint"]
    )
    result = cli("witness", "cosign", str(witness), "--checkpoint", str(first), "--log-key", vkey)
    assert result.exit_code == 0, result.stderr
    cli("log", "append", str(log_dir), "-", input="late 1\nlate 2\nlate 3\n")
    second = tmp_path / "cp.603"
    second.write_text(
        json.loads(cli("log", "checkpoint", str(log_dir), "--json").stdout)["checkpoint"]
    )
    proof = tmp_path / "proof-600-603"
    result = cli("log", "consistency", str(log_dir), "--old", "600", "--out", str(proof))
    assert result.exit_code == 0, result.stderr
    assert proof.read_text().startswith("old 600\n")
    result = cli(
        "witness", "cosign", str(witness), "--checkpoint", str(second),
        "--proof", str(proof), "--log-key", vkey,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # The proof file is never overwritten, and a wrong old size is a refused proof.
    result = cli("log", "consistency", str(log_dir), "--old", "600", "--out", str(proof))
    assert result.exit_code == 2 and "never overwritten" in result.stderr
    bad = tmp_path / "proof-599-603"
    cli("log", "consistency", str(log_dir), "--old", "599", "--out", str(bad))
    third = tmp_path / "cp.604"
    cli("log", "append", str(log_dir), "-", input="later\n")
    third.write_text(
        json.loads(cli("log", "checkpoint", str(log_dir), "--json").stdout)["checkpoint"]
    )
    result = cli(
        "witness", "cosign", str(witness), "--checkpoint", str(third),
        "--proof", str(bad), "--log-key", vkey,
    )  # fmt: skip
    assert result.exit_code != 0
