"""Issue 14.6: a real deployment's keys come from the operating system's random source only,
and the keys the real commands register never carry the simulation marker (only `disarm demo`
derives keys from a seed, and marks them)."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nacl.signing
import pytest
from nacl.signing import SigningKey

from disarm.crypto.registry import SIMULATION
from disarm.crypto.statements import decode, is_statement
from disarm.store import open_log
from disarm.tlog.note import ALG_COSIGNATURE_V1, generate_key

SRC = Path(__file__).resolve().parents[2] / "src" / "disarm"
#: The modules that make or register the keys of a real deployment.
REAL_KEY_MODULES = ("cli/keys.py", "cli/log.py", "cli/witness.py", "service/registry.py")


def _spy(real: Callable[[int], bytes], calls: list[bytes]) -> Callable[[int], bytes]:
    def spy(n: int) -> bytes:
        out = real(n)
        calls.append(out)
        return out

    return spy


def test_keys_generate_draws_the_private_key_from_the_os_random_source(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bytes] = []
    monkeypatch.setattr(nacl.signing, "random", _spy(nacl.signing.random, calls))
    keys = []
    for name in ("a.key", "b.key"):
        random.seed(1)  # no seeded generator of the process reaches the key
        result = cli("keys", "generate", "--party", "STATE-A", "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
        keys.append(json.loads((tmp_path / name).read_text())["private_key"])
    assert keys == [c.hex() for c in calls] and keys[0] != keys[1]


def test_log_and_witness_keys_come_from_the_os_random_source(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[bytes] = []
    monkeypatch.setattr(nacl.signing, "random", _spy(nacl.signing.random, drawn))
    monkeypatch.setattr(os, "urandom", _spy(os.urandom, drawn))
    log = cli("log", "init", str(tmp_path / "log"), "--origin", "example.org/log", "--json")
    assert log.exit_code == 0, log.stderr
    vkey = json.loads(log.stdout)["verifier_key"]
    assert vkey in {generate_key("example.org/log", s)[1] for s in drawn if len(s) == 32}
    witness = cli("witness", "init", str(tmp_path / "w"), "--name", "witness.example/w1")
    assert witness.exit_code == 0, witness.stderr
    wkey = (tmp_path / "w").glob("*.vkey")
    expected = {
        generate_key("witness.example/w1", s, alg=ALG_COSIGNATURE_V1)[1]
        for s in drawn
        if len(s) == 32
    }
    assert next(p.read_text().strip() for p in wkey) in expected


def test_the_real_key_modules_use_no_seeded_generator() -> None:
    for rel in REAL_KEY_MODULES:
        text = (SRC / rel).read_text(encoding="utf-8")
        assert "disarm.demo" not in text and "import random" not in text, rel
        assert "Drbg" not in text and "SIMULATION" not in text, rel


def test_party_register_never_carries_the_simulation_marker(cli: Any, tmp_path: Path) -> None:
    for party, name in (("INSP", "insp.key"), ("STATE-A", "a.key")):
        result = cli("keys", "generate", "--party", party, "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
    log, insp = str(tmp_path / "log"), str(tmp_path / "insp.key")
    base = ("party", "register", "--log", log, "--key", insp)
    r = cli(*base, "--party", "INSP", "--role", "inspectorate", "--origin", "disarm.test/cli")
    assert r.exit_code == 0, r.stderr
    pk = json.loads((tmp_path / "a.key").read_text())["public_key"]
    r = cli(*base, "--party", "STATE-A", "--role", "state", "--public-key", pk)
    assert r.exit_code == 0, r.stderr
    with open_log(log) as store:
        payloads = [decode(e).statement.payload for e in store.entries(0, store.size)]
        assert all(is_statement(e) for e in store.entries(0, store.size))
    assert len(payloads) == 2 and all(SIMULATION not in p for p in payloads)
    trust = bytes(
        SigningKey(bytes.fromhex(json.loads(Path(insp).read_text())["private_key"])).verify_key
    ).hex()
    listed = cli("party", "list", "--log", log, "--trust", trust, "--json")
    assert listed.exit_code == 0, listed.stderr
    keys = [k for p in json.loads(listed.stdout) for k in p["keys"]]
    assert len(keys) == 2 and all(k["simulation"] is False for k in keys)
    shown = cli("verify", "statement", "--log", log, "--index", "1", "--trust", trust, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["simulation_key"] is False
