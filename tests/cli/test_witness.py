"""`disarm witness init|cosign|show` on the Tessera test log and on a log of our own."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.cosignature import verify_checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree
from disarm.tlog.note import Signer, Verifier, generate_key
from disarm.tlog.witness import format_proof

TESSERA = Path(__file__).parents[1] / "tlog" / "vectors" / "tessera-testdata-log"
TESSERA_KEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
WORDS = "one two three four five six seven eit nain ten ileven twelf threeten fourten fivten"
TESSERA_TREE = InMemoryTree([leaf_hash(w.encode()) for w in WORDS.split()])


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.name != "lock"}


@pytest.fixture
def witness(cli, tmp_path: Path) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    wdir = tmp_path / "w"
    result = cli(
        "witness", "init", str(wdir), "--name", "witness.example/w1", "--log", TESSERA_KEY, "--json"
    )
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert stat.S_IMODE(os.stat(wdir / "witness.key").st_mode) == 0o600
    assert "PRIVATE" not in result.stdout + result.stderr
    return wdir, info["verifier_key"]


def _proof(tmp_path: Path, old: int, new: int, tree: InMemoryTree = TESSERA_TREE) -> str:
    path = tmp_path / f"proof-{old}-{new}"
    hashes = tree.consistency_proof(old, new) if 0 < old < new else []
    path.write_text(format_proof(old, hashes))
    return str(path)


def test_cosigns_the_tessera_log_in_order(cli, witness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wdir, wkey = witness
    previous = 0
    for size in (3, 3, 7, 15):
        out = tmp_path / f"cosigned.{size}"
        result = cli(
            "witness", "cosign", str(wdir),
            "--checkpoint", str(TESSERA / f"checkpoint.{size}"),
            "--proof", _proof(tmp_path, previous, size),
            "--log-key", TESSERA_KEY, "--time", str(1_700_000_000 + size),
            "--out", str(out), "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert (data["size"], data["previous_size"]) == (size, previous)
        cosigned = verify_checkpoint(
            out.read_text(), Verifier.from_key_string(TESSERA_KEY),
            [Verifier.from_key_string(wkey)], 1,
        )  # fmt: skip
        assert cosigned.cosigners == (("witness.example/w1", 1_700_000_000 + size),)
        previous = size
    shown = json.loads(cli("witness", "show", str(wdir), "--json").stdout)
    assert shown["verifier_key"] == wkey
    assert [(log["origin"], log["size"]) for log in shown["logs"]] == [
        ("example.com/log/testdata", 15)
    ]
    table = cli("witness", "show", str(wdir))
    assert table.exit_code == 0 and "(1 logs)" in table.stdout


def test_refusals_exit_1_and_change_nothing(cli, witness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wdir, _ = witness
    skey, vkey = generate_key("example.com/ours", seed=b"k" * 32)
    log = Signer.from_key_string(skey)
    tree = InMemoryTree([leaf_hash(bytes([i])) for i in range(20)])
    forked = InMemoryTree([leaf_hash(bytes([i, 1])) for i in range(20)])

    def note(size: int, t: InMemoryTree = tree) -> str:
        path = tmp_path / f"cp-{size}-{id(t)}"
        path.write_text(sign_checkpoint(Checkpoint("example.com/ours", size, t.root(size)), log))
        return str(path)

    def cosign(cp: str, proof: str, key: str = vkey, t: str = "100"):  # type: ignore[no-untyped-def]
        return cli("witness", "cosign", str(wdir), "--checkpoint", cp, "--proof", proof,
                   "--log-key", key, "--time", t)  # fmt: skip

    assert cli("witness", "add-log", str(wdir), "--log-key", vkey).exit_code == 0
    first = cosign(note(10), _proof(tmp_path, 0, 10, tree))
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("\u2014 witness.example/w1 ")
    before = _snapshot(wdir)
    other_skey, other_vkey = generate_key("example.com/ours", seed=b"o" * 32)
    other_note = str(tmp_path / "other")
    Path(other_note).write_text(
        sign_checkpoint(
            Checkpoint("example.com/ours", 15, tree.root(15)), Signer.from_key_string(other_skey)
        )
    )
    forged = tmp_path / "forged"
    forged.write_text(Path(note(12)).read_text().replace("\n12\n", "\n13\n"))
    cases = {
        "rollback refused": cosign(note(9), _proof(tmp_path, 10, 10, tree)),
        "fork refused": cosign(note(10, forked), _proof(tmp_path, 10, 10, tree)),
        "bad consistency proof": cosign(note(15), str(_bad_proof(tmp_path, tree))),
        "last cosigned size 10": cosign(note(15), _proof(tmp_path, 5, 15, tree)),
        "does not verify": cosign(str(forged), _proof(tmp_path, 10, 13, tree)),
        "configured with key": cosign(other_note, _proof(tmp_path, 10, 15, tree), key=other_vkey),
        "time goes backwards": cosign(note(15), _proof(tmp_path, 10, 15, tree), t="99"),
    }
    for reason, result in cases.items():
        assert result.exit_code == 1, (reason, result.stdout, result.stderr)
        assert reason in result.stderr, (reason, result.stderr)
        assert result.stdout == ""
        assert _snapshot(wdir) == before
    ok = cosign(note(15), _proof(tmp_path, 10, 15, tree), t="101")
    assert ok.exit_code == 0, ok.stderr


def _bad_proof(tmp_path: Path, tree: InMemoryTree) -> Path:
    path = tmp_path / "bad-proof"
    hashes = tree.consistency_proof(10, 15)
    hashes[0] = bytes(32)
    path.write_text(format_proof(10, hashes))
    return path


def test_bad_input_exits_2_and_changes_nothing(cli, witness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wdir, _ = witness
    before = _snapshot(wdir)
    garbage = tmp_path / "garbage"
    garbage.write_text("not a checkpoint\n")
    cp = str(TESSERA / "checkpoint.3")
    key = ("--log-key", TESSERA_KEY)
    cosign = ("witness", "cosign", str(wdir))
    cases = [
        ("witness", "cosign", str(tmp_path / "missing"), "--checkpoint", cp, *key),
        (*cosign, "--checkpoint", str(tmp_path / "nope"), *key),
        (*cosign, "--checkpoint", str(garbage), *key),
        (*cosign, "--checkpoint", cp, "--proof", str(garbage), *key),
        (*cosign, "--checkpoint", cp, "--log-key", "not-a-key"),
        ("witness", "show", str(tmp_path / "missing")),
        ("witness", "init", str(wdir), "--name", "again"),
        ("witness", "init", str(tmp_path / "x"), "--name", "bad name"),
        ("witness", "init", str(tmp_path / "no" / "parent"), "--name", "w"),
    ]
    for args in cases:
        result = cli(*args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert result.stderr.startswith("error: "), (args, result.stderr)
        assert _snapshot(wdir) == before
    assert not (tmp_path / "x").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_key_readable_by_others_is_refused(cli, witness) -> None:  # type: ignore[no-untyped-def]
    wdir, _ = witness
    os.chmod(wdir / "witness.key", 0o644)
    result = cli("witness", "cosign", str(wdir), "--checkpoint", str(TESSERA / "checkpoint.3"),
                 "--log-key", TESSERA_KEY)  # fmt: skip
    assert result.exit_code == 2 and "chmod 600" in result.stderr


def _cosign_in_child(args: list[str]) -> int:
    from typer.testing import CliRunner

    from disarm.cli.main import app

    return CliRunner().invoke(app, args).exit_code


def test_concurrent_cosigns_are_serialised(cli, witness) -> None:  # type: ignore[no-untyped-def]
    """Six processes race to cosign six different sizes as a first checkpoint: the lock lets
    exactly one in; the others see its state and are refused, and the state names the winner."""
    import multiprocessing

    wdir, _ = witness
    jobs = [
        ["witness", "cosign", str(wdir), "--checkpoint", str(TESSERA / f"checkpoint.{n}"),
         "--log-key", TESSERA_KEY, "--time", "1700000000"]
        for n in range(1, 7)
    ]  # fmt: skip
    with multiprocessing.get_context("fork").Pool(6) as pool:
        codes = pool.map(_cosign_in_child, jobs)
    assert sorted(codes) == [0, 1, 1, 1, 1, 1]
    winner = codes.index(0) + 1
    shown = json.loads(cli("witness", "show", str(wdir), "--json").stdout)
    assert [log["size"] for log in shown["logs"]] == [winner]


def test_corrupt_state_and_bad_out_are_bad_input(cli, witness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wdir, _ = witness
    args = ["witness", "cosign", str(wdir), "--checkpoint", str(TESSERA / "checkpoint.3"),
            "--log-key", TESSERA_KEY]  # fmt: skip
    result = cli(*args, "--out", str(tmp_path / "no" / "such" / "file"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert json.loads((wdir / "state.json").read_text())["logs"] == {}
    for corrupt in ["{", "[]", '{"version": 2, "logs": {}}', '{"version": 1, "logs": {"x": {}}}']:
        (wdir / "state.json").write_text(corrupt)
        result = cli(*args)
        assert result.exit_code == 2, (corrupt, result.stderr)
        assert "witness state" in result.stderr
        assert (wdir / "state.json").read_text() == corrupt


def test_an_unconfigured_log_is_refused(cli, witness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 14 point 8: a checkpoint of a log the witness was never told about, at size 2^40
    with a random root and no proof, signed by the attacker's own key, is refused; nothing is
    pinned, and the log can still be configured with its real key afterwards."""
    wdir, _ = witness
    before = _snapshot(wdir)
    skey, vkey = generate_key("attacker.example/log", seed=b"a" * 32)
    note = tmp_path / "huge"
    note.write_text(
        sign_checkpoint(
            Checkpoint("attacker.example/log", 2**40, os.urandom(32)), Signer.from_key_string(skey)
        )
    )
    result = cli("witness", "cosign", str(wdir), "--checkpoint", str(note), "--log-key", vkey)
    assert result.exit_code == 1
    assert "not configured for log attacker.example/log" in result.stderr
    assert _snapshot(wdir) == before
    # Configured, an origin keeps its key: another key for it is refused, not re-pinned.
    _, real = generate_key("attacker.example/log", seed=b"r" * 32)
    assert cli("witness", "add-log", str(wdir), "--log-key", real).exit_code == 0
    result = cli("witness", "cosign", str(wdir), "--checkpoint", str(note), "--log-key", vkey)
    assert result.exit_code == 1 and "configured with key" in result.stderr
    result = cli("witness", "add-log", str(wdir), "--log-key", vkey)
    assert result.exit_code == 2 and "never changes the key" in result.stderr
    shown = json.loads(cli("witness", "show", str(wdir), "--json").stdout)
    assert shown["configured"]["attacker.example/log"] == real and shown["logs"] == []


def test_a_far_future_time_cannot_wedge_the_witness(cli, witness) -> None:  # type: ignore[no-untyped-def]
    """Issue 14 point 8: --time 2^63-1 is refused against the witness's clock; and a state that
    already holds such a time (written by an older version) does not block later cosignatures."""
    wdir, _ = witness
    before = _snapshot(wdir)
    cp3 = ("--checkpoint", str(TESSERA / "checkpoint.3"))
    result = cli("witness", "cosign", str(wdir), *cp3, "--time", str(2**63 - 1))
    assert result.exit_code == 2 and "ahead of this witness's clock" in result.stderr
    assert _snapshot(wdir) == before
    assert cli("witness", "cosign", str(wdir), *cp3).exit_code == 0  # now: accepted
    state = json.loads((wdir / "state.json").read_text())
    state["logs"]["example.com/log/testdata"]["cosigned_at"] = 2**63 - 1
    (wdir / "state.json").write_text(json.dumps(state))
    proof = wdir.parent / "p"
    proof.write_text(format_proof(3, TESSERA_TREE.consistency_proof(3, 7)))
    result = cli(
        "witness", "cosign", str(wdir), "--checkpoint", str(TESSERA / "checkpoint.7"),
        "--proof", str(proof), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["timestamp"] < 2**63 - 1


def test_serve_checks_the_directory_and_listens_on_loopback_by_default(  # type: ignore[no-untyped-def]
    cli, witness, tmp_path: Path, monkeypatch
) -> None:
    import uvicorn

    wdir, _ = witness
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: calls.append((host, port)))
    assert cli("witness", "serve", str(wdir), "--port", "8123").exit_code == 0
    assert cli("witness", "serve", str(wdir), "--host", "0.0.0.0", "--port", "8124").exit_code == 0
    assert calls == [("127.0.0.1", 8123), ("0.0.0.0", 8124)]
    missing = cli("witness", "serve", str(tmp_path / "missing"))
    assert missing.exit_code == 2 and "not a witness directory" in missing.stderr
    assert cli("witness", "serve", str(wdir), "--port", "0").exit_code == 2
    os.chmod(wdir / "witness.key", 0o644)
    assert cli("witness", "serve", str(wdir)).exit_code == 2
    assert len(calls) == 2
