"""`disarm log prove --cosigned` builds a witness-cosigned bundle that `log verify-proof
--witness ... --quorum 1` accepts; `--json` names each cosigner by its key (issue 15 points 10,
11)."""

from __future__ import annotations

import json
from pathlib import Path

from disarm.tlog.note import Verifier

ORIGIN = "example.org/cosigned-cli"


def test_a_cosigned_bundle_meets_the_quorum(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log, wdir = tmp_path / "log", tmp_path / "w"
    assert cli("log", "init", str(log), "--origin", ORIGIN).exit_code == 0
    assert cli("log", "append", str(log), "-", input="a\nb\nc\nd\ne\n").exit_code == 0
    vkey = (log / "log.vkey").read_text().strip()
    result = cli("witness", "init", str(wdir), "--name", "w.example/1", "--log", vkey, "--json")
    wkey = json.loads(result.stdout)["verifier_key"]
    cosigned_dir = tmp_path / "cosigned"
    cosigned_dir.mkdir()
    note = cosigned_dir / "000000000005.note"
    result = cli(
        "witness", "cosign", str(wdir), "--checkpoint", str(log / "checkpoint"),
        "--time", "1700000000", "--out", str(note),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr

    plain, witnessed, from_dir = tmp_path / "plain", tmp_path / "witnessed", tmp_path / "dir"
    assert cli("log", "prove", str(log), "--index", "2", "--out", str(plain)).exit_code == 0
    args = ["log", "prove", str(log), "--index", "2", "--out"]
    result = cli(*args, str(witnessed), "--cosigned", str(note), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["cosigned"] is True
    assert cli(*args, str(from_dir), "--cosigned", str(cosigned_dir)).exit_code == 0
    assert witnessed.read_text() == from_dir.read_text()

    verify = ["log", "verify-proof", "--key", vkey, "--witness", wkey, "--quorum", "1", "--json"]
    result = cli(*verify[:2], str(plain), *verify[2:])
    assert result.exit_code == 1 and "quorum is 1" in result.stderr  # the old, uncosigned bundle
    result = cli(*verify[:2], str(witnessed), *verify[2:])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    kid = f"{Verifier.from_key_string(wkey).key_id:08x}"
    assert out["cosigners"] == [f"w.example/1+{kid}"]  # the key id, not the timestamp
    assert out["cosigned_at"] == {f"w.example/1+{kid}": 1700000000}


def test_a_cosigned_checkpoint_of_another_state_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "log"
    assert cli("log", "init", str(log), "--origin", ORIGIN).exit_code == 0
    assert cli("log", "append", str(log), "-", input="a\nb\n").exit_code == 0
    other = tmp_path / "other"
    assert cli("log", "init", str(other), "--origin", ORIGIN).exit_code == 0
    assert cli("log", "append", str(other), "-", input="x\ny\n").exit_code == 0
    out = tmp_path / "b"
    result = cli(
        "log", "prove", str(log), "--index", "0", "--out", str(out),
        "--cosigned", str(other / "checkpoint"),
    )  # fmt: skip
    assert result.exit_code == 2 and "not a checkpoint of this log" in result.stderr
    assert not out.exists()
    result = cli("log", "prove", str(log), "--index", "0", "--cosigned", str(log / "checkpoint"))
    assert result.exit_code == 2 and "give --out" in result.stderr
    result = cli(
        "log", "prove", str(log), "--index", "0", "--out", str(out), "--size", "1",
        "--cosigned", str(log / "checkpoint"),
    )  # fmt: skip
    assert result.exit_code == 2 and "differs from the size 2" in result.stderr
