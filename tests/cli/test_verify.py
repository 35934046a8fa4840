"""`disarm verify statement|declaration|reveal|found-item`, with --json shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from disarm.crypto.statements import canonical, decode
from disarm.store import open_log

from .test_declare import declare
from .test_keys import setup_log


@pytest.fixture
def env(cli: Any, tmp_path: Path) -> dict[str, str]:
    env = setup_log(cli, tmp_path)
    r = declare(cli, env, tmp_path, "--json")
    assert r.exit_code == 0, r.stderr
    env["decl"] = str(json.loads(r.stdout)["index"])
    r = cli(
        "reveal",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--opening",
        str(tmp_path / "op.json"),
        "--region",
        "north",
    )
    assert r.exit_code == 0, r.stderr
    env["reveal"] = r.stdout.strip()
    return env


def verify(cli: Any, env: dict[str, str], what: str, index: str, *extra: str) -> Any:
    return cli(
        "verify", what, "--log", env["log"], "--index", index, "--trust", env["trust"], *extra
    )


def test_verify_statement_json(cli: Any, env: dict[str, str]) -> None:
    r = verify(cli, env, "statement", env["decl"], "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "ok" and out["type"] == "declaration.commit"
    assert out["issuer"] == "STATE-A" and out["seq"] == 0
    r = verify(cli, env, "statement", "0")
    assert r.exit_code == 0 and "registry.genesis" in r.stdout


def test_verify_declaration_json(cli: Any, env: dict[str, str]) -> None:
    r = verify(cli, env, "declaration", env["decl"], "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "ok" and out["pedersen_sum"] == "ok"
    assert out["counts"] == {"launcher": 1, "warhead": 2} and out["total"] == 3
    assert out["reveals"] == [int(env["reveal"])] and out["regions_revealed"] == ["north"]
    assert out["findings"] == []


def test_verify_reveal_json(cli: Any, env: dict[str, str]) -> None:
    r = verify(cli, env, "reveal", env["reveal"], "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["kind"] == "region" and out["leaves"] == 4
    assert sorted(i["id"] for i in out["items"]) == ["L1", "W1"]


def test_not_found_and_wrong_kind(cli: Any, env: dict[str, str]) -> None:
    assert verify(cli, env, "statement", "99").exit_code == 2
    assert verify(cli, env, "reveal", env["decl"]).exit_code == 2
    assert verify(cli, env, "declaration", env["reveal"]).exit_code == 2


def test_replayed_statement_in_the_log_fails_verification(cli: Any, env: dict[str, str]) -> None:
    with open_log(env["log"]) as log:
        data = log.entry(int(env["reveal"]))
        log.append([data])
        index = str(log.size - 1)
    r = verify(cli, env, "statement", index, "--json")
    assert r.exit_code == 1 and "[replay]" in r.stderr
    r = verify(cli, env, "declaration", env["decl"])
    assert r.exit_code == 1 and f"log entry {index}" in r.stderr


def test_forged_signature_in_the_log_fails_verification(cli: Any, env: dict[str, str]) -> None:
    with open_log(env["log"]) as log:
        signed = decode(log.entry(int(env["reveal"])))
        obj = signed.to_json()
        obj["statement"]["seq"] = signed.statement.seq + 1
        obj["statement"]["prev"] = signed.hash
        log.append([canonical(obj)])
        index = str(log.size - 1)
    r = verify(cli, env, "statement", index)
    assert r.exit_code == 1 and "[bad-signature]" in r.stderr


def test_found_item(cli: Any, env: dict[str, str]) -> None:
    base = ("verify", "found-item", "--log", env["log"], "--declaration", env["decl"])
    tail = ("--trust", env["trust"], "--json")
    r = cli(*base, "--id", "W9", "--category", "warhead", "--region", "north", *tail)
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out["kind"] == "hidden-item"
    assert [e["index"] for e in out["evidence"]] == [int(env["decl"]), int(env["reveal"])]
    r = cli(*base, "--id", "W9", "--category", "warhead", "--region", "south", *tail)
    out = json.loads(r.stdout)
    assert r.exit_code == 0 and out["status"] == "undecided"
    assert "region 'south' is not revealed yet" in out["reason"]
    r = cli(*base, "--id", "W1", "--category", "warhead", "--region", "north", *tail)
    out = json.loads(r.stdout)
    assert r.exit_code == 0 and out["status"] == "confirmed"
    assert f"fully revealed at log index {env['reveal']}" in out["reason"]
    r = cli(*base[:-2], "--declaration", "999", "--id", "W1", "--category", "warhead",
            "--region", "north", *tail)  # fmt: skip
    assert r.exit_code == 2 and "log index 999 is out of range" in r.stderr


@pytest.mark.parametrize("what", ["statement", "declaration", "reveal"])
def test_index_out_of_range(cli: Any, env: dict[str, str], what: str) -> None:
    r = verify(cli, env, what, "999")
    assert r.exit_code == 2
    assert "log index 999 is out of range: the log holds entries 0 to" in r.stderr


def test_trust_from_environment(cli: Any, env: dict[str, str], monkeypatch: Any) -> None:
    monkeypatch.setenv("DISARM_TRUST", env["trust"])
    r = cli("verify", "statement", "--log", env["log"], "--index", "0")
    assert r.exit_code == 0, r.stderr
