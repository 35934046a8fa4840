"""`disarm witness serve` as a real process on loopback, witnessing a log made with the CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.cosignature import verify_cosignature
from disarm.tlog.note import Verifier, split_note

ORIGIN = "example.org/served-log"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _append(cli, log: Path, entries: str) -> str:  # type: ignore[no-untyped-def]
    result = cli("log", "append", str(log), "-", "--json", input=entries)
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["checkpoint"])


def _wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60  # a bound on start-up, not a timing assertion
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"witness did not listen on port {port}")


@pytest.mark.slow
def test_serve_cosigns_a_cli_log_over_http(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log, wdir = tmp_path / "log", tmp_path / "w"
    made = cli("log", "init", str(log), "--origin", ORIGIN, "--json")
    assert made.exit_code == 0, made.stderr
    log_key = json.loads(made.stdout)["verifier_key"]
    made = cli("witness", "init", str(wdir), "--name", "witness.example/e2e", "--json")
    assert made.exit_code == 0, made.stderr
    witness_key = Verifier.from_key_string(json.loads(made.stdout)["verifier_key"])
    assert cli("witness", "add-log", str(wdir), "--log-key", log_key).exit_code == 0
    first = _append(cli, log, "one\ntwo\nthree\n")
    second = _append(cli, log, "four\nfive\n")
    proof_file = tmp_path / "proof"
    made = cli("log", "consistency", str(log), "--old", "3", "--out", str(proof_file))
    assert made.exit_code == 0, made.stderr

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "disarm", "witness", "serve", str(wdir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    try:
        _wait_listening(port, proc)
        url = f"http://127.0.0.1:{port}/add-checkpoint"
        with httpx.Client(timeout=30) as client:
            answers = [
                client.post(url, content=b"old 0\n\n" + first.encode()),
                client.post(url, content=b"old 0\n\n" + second.encode()),  # stale
                client.post(url, content=proof_file.read_bytes() + b"\n" + second.encode()),
            ]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert [a.status_code for a in answers] == [200, 409, 200], [a.text for a in answers]
    assert answers[1].headers["content-type"] == "text/x.tlog.size"
    assert answers[1].text == "3\n"
    for answer, signed in ((answers[0], first), (answers[2], second)):
        checkpoint = Checkpoint.parse(split_note(signed)[0])
        assert verify_cosignature(checkpoint, answer.text, witness_key) > 0
    records = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    assert [r["status"] for r in records] == [200, 409, 200]
    assert all(r["origin"] == ORIGIN for r in records)
    assert "PRIVATE" not in err.decode()
