"""`disarm declare` and `disarm reveal`, including bad input that must change nothing."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from disarm.store import open_log

from .test_keys import log_size, setup_log

ITEMS = (
    "id,category,region,status\n"
    "W1,warhead,north,stored\nW2,warhead,south,deployed\nL1,launcher,north,deployed\n"
)
COUNTS = "category,count\nwarhead,2\nlauncher,1\n"


def write(tmp: Path, name: str, text: str) -> str:
    (tmp / name).write_text(text)
    return str(tmp / name)


def declare(
    cli: Any,
    env: dict[str, str],
    tmp: Path,
    *extra: str,
    items: str = ITEMS,
    counts: str = COUNTS,
    key: str = "a",
    opening: str = "op.json",
) -> Any:
    return cli(
        "declare",
        "--log",
        env["log"],
        "--key",
        env[key],
        "--items",
        write(tmp, "items.csv", items),
        "--public",
        write(tmp, "counts.csv", counts),
        "--programme",
        "P",
        "--declaration-id",
        "D1",
        "--region-size",
        "4",
        "--opening",
        str(tmp / opening),
        *extra,
    )


@pytest.fixture
def env(cli: Any, tmp_path: Path) -> dict[str, str]:
    return setup_log(cli, tmp_path)


def test_declare_writes_opening_and_logs_commitment(
    cli: Any, env: dict[str, str], tmp_path: Path
) -> None:
    size = log_size(env["log"])
    r = declare(cli, env, tmp_path, "--json", "--time", "2026-02-01T00:00:00Z")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["index"] == size and out["total"] == 3
    opening = tmp_path / "op.json"
    assert stat.S_IMODE(opening.stat().st_mode) == 0o600
    assert json.loads(opening.read_text())["root"] == out["root"]
    assert log_size(env["log"]) == size + 1
    r = cli(
        "reveal",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--opening",
        str(opening),
        "--region",
        "north",
        "--json",
    )
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {
        "index": size + 1,
        "indexes": [size + 1],
        "kind": "region",
        "leaves": 4,
        "items": 2,
    }
    sel = write(tmp_path, "sel.txt", "W2\n")
    r = cli(
        "reveal", "--log", env["log"], "--key", env["a"], "--opening", str(opening), "--select", sel
    )
    assert r.exit_code == 0 and r.stdout.strip() == str(size + 2)
    r = cli(
        "reveal",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--opening",
        str(opening),
        "--category",
        "launcher",
    )
    assert r.exit_code == 0


def test_private_key_never_appears_in_output_or_log(
    cli: Any, env: dict[str, str], tmp_path: Path
) -> None:
    secret = json.loads(Path(env["a"]).read_text())["private_key"]
    r = declare(cli, env, tmp_path)
    r2 = cli(
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
    assert r.exit_code == r2.exit_code == 0
    assert secret not in r.stdout + r.stderr + r2.stdout + r2.stderr
    with open_log(env["log"]) as log:
        assert all(secret.encode() not in e for e in log.entries(0, log.size))
    assert secret not in (tmp_path / "op.json").read_text()


BAD_INPUTS = [
    ({"items": "id,category,region\nW1,warhead,north\n"}, "header"),
    ({"items": ITEMS + "W4,warhead\n"}, "expected 4 fields"),
    (
        {
            "items": ITEMS + "W1,warhead,south,stored\n",
            "counts": "category,count\nwarhead,3\nlauncher,1\n",
        },
        "duplicate identifier",
    ),
    ({"items": ITEMS + "X,warhead, ,stored\n"}, "item field"),
    ({"counts": "category,count\nwarhead,two\n"}, "non-negative integer"),
    ({"counts": "category,count\nwarhead,5\nlauncher,1\n"}, "public count is 5"),
    ({"extra": ("--regions", "north")}, "unknown regions"),
    ({"extra": ("--region-size", "1")}, "more than the region size"),
    ({"key": "insp"}, "role-not-allowed"),
    ({"extra": ("--time", "yesterday")}, "invalid time"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUTS)
def test_bad_input_exit_2_and_nothing_logged(
    cli: Any, env: dict[str, str], tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    size = log_size(env["log"])
    kwargs = {k: v for k, v in change.items() if k != "extra"}
    r = declare(cli, env, tmp_path, *change.get("extra", ()), **kwargs)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert log_size(env["log"]) == size
    assert not (tmp_path / "op.json").exists()


def test_unregistered_key_is_refused(cli: Any, env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "stranger.key"
    assert cli("keys", "generate", "--party", "STATE-Z", "--out", str(out)).exit_code == 0
    env["z"] = str(out)
    size = log_size(env["log"])
    r = declare(cli, env, tmp_path, key="z")
    assert r.exit_code == 2 and "unknown-party" in r.stderr
    assert log_size(env["log"]) == size and not (tmp_path / "op.json").exists()


def test_existing_opening_file_is_never_overwritten(
    cli: Any, env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "op.json").write_text("keep me")
    size = log_size(env["log"])
    r = declare(cli, env, tmp_path)
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert (tmp_path / "op.json").read_text() == "keep me" and log_size(env["log"]) == size


def test_reveal_bad_inputs(cli: Any, env: dict[str, str], tmp_path: Path) -> None:
    assert declare(cli, env, tmp_path).exit_code == 0
    op = str(tmp_path / "op.json")
    size = log_size(env["log"])
    base = ("reveal", "--log", env["log"], "--opening", op)
    cases = [
        ((*base, "--key", env["a"], "--region", "east"), "unknown region"),
        ((*base, "--key", env["b"], "--region", "north"), "belongs to"),
        ((*base, "--key", env["a"]), "exactly one"),
        ((*base, "--key", env["a"], "--region", "north", "--category", "warhead"), "exactly one"),
        (
            (*base, "--key", env["a"], "--select", write(tmp_path, "s", "nope\n")),
            "not in the declaration",
        ),
        ((*base, "--key", env["a"], "--category", "submarine"), "no item in category"),
    ]
    for args, message in cases:
        r = cli(*args)
        assert r.exit_code == 2 and message in r.stderr, (args, r.stderr)
    (tmp_path / "bad.json").write_text("{not json")
    r = cli(
        "reveal",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--opening",
        str(tmp_path / "bad.json"),
        "--region",
        "north",
    )
    assert r.exit_code == 2 and "not valid JSON" in r.stderr
    data = json.loads((tmp_path / "op.json").read_text())
    data["leaves"][0]["salt"] = "11" * 32
    (tmp_path / "tampered.json").write_text(json.dumps(data))
    r = cli(
        "reveal",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--opening",
        str(tmp_path / "tampered.json"),
        "--region",
        "north",
    )
    assert r.exit_code == 2 and "corrupt" in r.stderr
    assert log_size(env["log"]) == size


def test_wrong_opening_file_for_the_declaration(
    cli: Any, env: dict[str, str], tmp_path: Path
) -> None:
    assert declare(cli, env, tmp_path).exit_code == 0
    # A second, different commitment for the same party and declaration id in another log.
    other = tmp_path / "other"
    other.mkdir()
    env2 = setup_log(cli, other)
    size = log_size(env["log"])
    r = cli(
        "declare",
        "--log",
        env2["log"],
        "--key",
        str(other / "a.key"),
        "--items",
        str(tmp_path / "items.csv"),
        "--public",
        str(tmp_path / "counts.csv"),
        "--programme",
        "P",
        "--declaration-id",
        "D1",
        "--region-size",
        "4",
        "--opening",
        str(other / "op.json"),
    )
    assert r.exit_code == 0, r.stderr
    r = cli(
        "reveal",
        "--log",
        env["log"],
        "--key",
        env["a"],
        "--opening",
        str(other / "op.json"),
        "--region",
        "north",
    )
    assert r.exit_code == 2 and "wrong opening file" in r.stderr
    assert log_size(env["log"]) == size


@pytest.mark.postgres
def test_declare_and_verify_on_postgresql(cli: Any, tmp_path: Path) -> None:
    import os
    import uuid

    import psycopg

    base = os.environ.get("DISARM_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/test")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    url = f"{base}{'&' if '?' in base else '?'}schema={schema}"
    try:
        for party, name in (("INSP", "insp.key"), ("STATE-A", "a.key")):
            r = cli("keys", "generate", "--party", party, "--out", str(tmp_path / name))
            assert r.exit_code == 0
        insp, a = str(tmp_path / "insp.key"), str(tmp_path / "a.key")
        reg = ("party", "register", "--log", url, "--key", insp)
        r = cli(*reg, "--party", "INSP", "--role", "inspectorate", "--origin", "disarm.test/pg")
        assert r.exit_code == 0, r.stderr
        pk = json.loads(cli("keys", "show", "--key", a, "--json").stdout)["public_key"]
        r = cli(*reg, "--party", "STATE-A", "--role", "state", "--public-key", pk)
        assert r.exit_code == 0, r.stderr
        env = {"log": url, "a": a}
        r = declare(cli, env, tmp_path)
        assert r.exit_code == 0 and r.stdout.strip() == "2", r.stderr
        op = str(tmp_path / "op.json")
        r = cli("reveal", "--log", url, "--key", a, "--opening", op, "--region", "north")
        assert r.exit_code == 0, r.stderr
        trust = json.loads(cli("keys", "show", "--key", insp, "--json").stdout)["public_key"]
        r = cli("verify", "declaration", "--log", url, "--index", "2", "--trust", trust, "--json")
        assert r.exit_code == 0 and json.loads(r.stdout)["reveals"] == [3], r.stderr
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
