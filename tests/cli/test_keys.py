"""`disarm keys` and `disarm party`."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from disarm.cli.keys import KEY_VERSION, write_secret_file
from disarm.crypto.registry import Role
from disarm.service import registry as svc
from disarm.store import create_log, open_log

T0 = "2026-01-01T00:00:00Z"


def key_info(cli: Any, path: Path) -> dict[str, str]:
    result = cli("keys", "show", "--key", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    info: dict[str, str] = json.loads(result.stdout)
    return info


def _key_file(path: Path, party: str, seed: int) -> svc.Signer:
    signer = svc.Signer(party, SigningKey(bytes([seed]) * 32))
    data = {
        "v": KEY_VERSION,
        "party": party,
        "key_id": signer.key_id,
        "public_key": signer.public_key.hex(),
        "private_key": bytes(signer.key).hex(),
    }
    write_secret_file(path, json.dumps(data).encode())
    return signer


def setup_log(cli: Any, tmp: Path) -> dict[str, str]:
    """A log with the inspectorate INSP (genesis), STATE-A and STATE-B; returns paths and keys.

    Built through the service layer (fast); `test_register_with_the_cli` covers the commands.
    """
    insp = _key_file(tmp / "insp.key", "INSP", 1)
    a = _key_file(tmp / "a.key", "STATE-A", 2)
    b = _key_file(tmp / "b.key", "STATE-B", 3)
    with create_log(tmp / "log", "disarm.test/cli") as log:
        svc.bootstrap(log, insp, T0)
        for s in (a, b):
            svc.register_party(log, insp, s.party, Role.STATE, s.public_key, T0)
    return {
        "log": str(tmp / "log"),
        "insp": str(tmp / "insp.key"),
        "a": str(tmp / "a.key"),
        "b": str(tmp / "b.key"),
        "trust": insp.public_key.hex(),
    }


def test_register_with_the_cli(cli: Any, tmp_path: Path) -> None:
    for party, name in (("INSP", "insp.key"), ("STATE-A", "a.key")):
        assert (
            cli("keys", "generate", "--party", party, "--out", str(tmp_path / name)).exit_code == 0
        )
    log, insp = str(tmp_path / "log"), str(tmp_path / "insp.key")
    base = ("party", "register", "--log", log, "--key", insp)
    r = cli(*base, "--party", "INSP", "--role", "inspectorate")
    assert r.exit_code == 2 and "--origin is required" in r.stderr
    r = cli(*base, "--party", "INSP", "--role", "inspectorate", "--origin", "disarm.test/cli")
    assert r.exit_code == 0 and r.stdout.strip() == "0", r.stderr
    pk = key_info(cli, tmp_path / "a.key")["public_key"]
    r = cli(*base, "--party", "STATE-A", "--role", "state")
    assert r.exit_code == 2 and "--public-key is required" in r.stderr
    r = cli(*base, "--party", "STATE-A", "--role", "state", "--public-key", pk, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == {"index": 1}
    trust = key_info(cli, Path(insp))["public_key"]
    r = cli("verify", "statement", "--log", log, "--index", "1", "--trust", trust, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["type"] == "registry.register"


def log_size(path: str) -> int:
    with open_log(path) as log:
        return log.size


def test_generate_writes_a_0600_key_and_prints_only_public_parts(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "k.key"
    result = cli("keys", "generate", "--party", "STATE-A", "--out", str(out), "--json")
    assert result.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    secret = json.loads(out.read_text())["private_key"]
    printed = json.loads(result.stdout)
    assert set(printed) == {"party", "key_id", "public_key"}
    assert secret not in result.stdout + result.stderr
    show = cli("keys", "show", "--key", str(out))
    assert secret not in show.stdout + show.stderr and printed["key_id"] in show.stdout


def test_generate_never_overwrites(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "k.key"
    assert cli("keys", "generate", "--party", "A", "--out", str(out)).exit_code == 0
    before = out.read_bytes()
    result = cli("keys", "generate", "--party", "A", "--out", str(out))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert out.read_bytes() == before


def test_bad_party_id_and_bad_key_file(cli: Any, tmp_path: Path) -> None:
    r = cli("keys", "generate", "--party", "bad party", "--out", str(tmp_path / "x"))
    assert r.exit_code == 2 and "invalid party id" in r.stderr
    (tmp_path / "junk.key").write_text("{}")
    r = cli("keys", "show", "--key", str(tmp_path / "junk.key"))
    assert r.exit_code == 2 and "not usable" in r.stderr
    r = cli("keys", "show", "--key", str(tmp_path / "missing.key"))
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_register_list_rotate_revoke(cli: Any, tmp_path: Path) -> None:
    env = setup_log(cli, tmp_path)
    r = cli("party", "list", "--log", env["log"], "--trust", env["trust"], "--json")
    assert r.exit_code == 0
    assert {p["party"]: p["role"] for p in json.loads(r.stdout)} == {
        "INSP": "inspectorate",
        "STATE-A": "state",
        "STATE-B": "state",
    }
    cli("keys", "generate", "--party", "STATE-A", "--out", str(tmp_path / "a2.key"))
    r = cli(
        "party",
        "rotate",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--new-key",
        str(tmp_path / "a2.key"),
    )
    assert r.exit_code == 0, r.stderr
    old = key_info(cli, Path(env["a"]))["key_id"]
    size = log_size(env["log"])
    r = cli(
        "party",
        "revoke",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--party",
        "STATE-A",
        "--key-id",
        old,
    )
    assert r.exit_code == 2 and "retired-key" in r.stderr
    assert log_size(env["log"]) == size
    new = key_info(cli, tmp_path / "a2.key")["key_id"]
    r = cli(
        "party",
        "revoke",
        "--log",
        env["log"],
        "--key",
        env["insp"],
        "--party",
        "STATE-A",
        "--key-id",
        new,
        "--json",
    )
    assert r.exit_code == 0 and json.loads(r.stdout) == {"index": size}
    r = cli("party", "list", "--log", env["log"], "--trust", env["trust"])
    assert r.exit_code == 0 and "revoked" in r.stdout and "retired" in r.stdout


def test_state_cannot_register_parties(cli: Any, tmp_path: Path) -> None:
    env = setup_log(cli, tmp_path)
    size = log_size(env["log"])
    r = cli(
        "party",
        "register",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--party",
        "X",
        "--role",
        "witness",
        "--public-key",
        "00" * 32,
    )
    assert r.exit_code == 2 and "role-not-allowed" in r.stderr
    assert log_size(env["log"]) == size


def test_wrong_trust_anchor_fails_verification(cli: Any, tmp_path: Path) -> None:
    env = setup_log(cli, tmp_path)
    other = key_info(cli, Path(env["a"]))["public_key"]
    r = cli("party", "list", "--log", env["log"], "--trust", other)
    assert r.exit_code == 1 and "bad-genesis" in r.stderr
    r = cli("party", "list", "--log", env["log"], "--trust", "abc")
    assert r.exit_code == 2


def test_loose_key_file_permissions_warn(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "k.key"
    assert cli("keys", "generate", "--party", "A", "--out", str(out)).exit_code == 0
    assert "warning" not in cli("keys", "show", "--key", str(out)).stderr
    out.chmod(0o644)
    r = cli("keys", "show", "--key", str(out))
    assert r.exit_code == 0 and "readable by others" in r.stderr


def test_appends_sign_checkpoints_with_the_log_key(cli: Any, tmp_path: Path) -> None:
    log = str(tmp_path / "log")
    r = cli("log", "init", log, "--origin", "disarm.test/checkpointed")
    assert r.exit_code == 0, r.stderr
    assert (
        cli("keys", "generate", "--party", "INSP", "--out", str(tmp_path / "i.key")).exit_code == 0
    )
    r = cli(
        "party",
        "register",
        "--log",
        log,
        "--key",
        str(tmp_path / "i.key"),
        "--party",
        "INSP",
        "--role",
        "inspectorate",
    )
    assert r.exit_code == 0, r.stderr
    with open_log(log) as store:
        note = store.latest_checkpoint()
    assert note is not None and note.startswith("disarm.test/checkpointed\n1\n")
    r = cli(
        "party",
        "register",
        "--log",
        log,
        "--key",
        str(tmp_path / "i.key"),
        "--party",
        "S",
        "--role",
        "state",
        "--public-key",
        "11" * 32,
        "--log-key",
        str(tmp_path / "missing"),
    )
    assert r.exit_code == 2 and "does not exist" in r.stderr
