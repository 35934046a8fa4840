"""`disarm witness serve`: c2sp.org/tlog-witness ``POST /add-checkpoint`` through FastAPI's
TestClient, one test per answer of the spec (200, 409 with the size, 403, 404, 400, 413, 422)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from disarm.api.witness import MAX_BODY_BYTES, SIZE_CONTENT_TYPE, witness_app
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.cosignature import verify_cosignature
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree
from disarm.tlog.note import Signer, Verifier, generate_key
from disarm.tlog.witness import format_add_checkpoint

ORIGIN = "example.com/served"
NOW = 1_700_000_000
LOG_SKEY, LOG_VKEY = generate_key(ORIGIN, seed=b"s" * 32)
LOG = Signer.from_key_string(LOG_SKEY)
TREE = InMemoryTree([leaf_hash(bytes([i])) for i in range(20)])
FORKED = InMemoryTree([leaf_hash(bytes([i, 1])) for i in range(20)])


def note(size: int, tree: InMemoryTree = TREE, signer: Signer = LOG, origin: str = ORIGIN) -> str:
    return sign_checkpoint(Checkpoint(origin, size, tree.root(size)), signer)


def body(old: int, size: int, tree: InMemoryTree = TREE, **kwargs: object) -> bytes:
    proof = tree.consistency_proof(old, size) if 0 < old < size else []
    return format_add_checkpoint(old, proof, note(size, tree, **kwargs))  # type: ignore[arg-type]


@pytest.fixture
def served(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    wdir = tmp_path / "w"
    result = cli("witness", "init", str(wdir), "--name", "witness.example/w1",
                 "--log", LOG_VKEY, "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    wkey = Verifier.from_key_string(json.loads(result.stdout)["verifier_key"])
    client = TestClient(witness_app(wdir, clock=lambda: NOW))
    return client, wdir, wkey


def post(client: TestClient, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/add-checkpoint", content=data)


def state(wdir: Path) -> bytes:
    return (wdir / "state.json").read_bytes()


def test_first_checkpoint_and_a_consistent_extension_are_cosigned(served) -> None:  # type: ignore[no-untyped-def]
    client, wdir, wkey = served
    for old, size in ((0, 10), (10, 15), (15, 15)):
        response = post(client, body(old, size))
        assert response.status_code == 200, response.text
        assert response.text.startswith("\u2014 witness.example/w1 ")
        assert response.text.endswith("\n") and response.text.count("\n") == 1
        checkpoint = Checkpoint(ORIGIN, size, TREE.root(size))
        assert verify_cosignature(checkpoint, response.text, wkey) == NOW
        assert json.loads(state(wdir))["logs"][ORIGIN]["size"] == size


def test_stale_old_size_is_409_with_the_witness_size(served) -> None:  # type: ignore[no-untyped-def]
    client, wdir, _ = served
    assert post(client, body(0, 10)).status_code == 200
    before = state(wdir)
    for stale in (body(5, 15), body(0, 15)):
        response = post(client, stale)
        assert response.status_code == 409
        assert response.headers["content-type"] == SIZE_CONTENT_TYPE
        assert response.text == "10\n"
    # A rollback (a smaller tree than the cosigned one) is refused the same way.
    response = post(client, body(5, 5))
    assert (response.status_code, response.text) == (409, "10\n")
    assert state(wdir) == before
    assert post(client, body(10, 15)).status_code == 200


def test_a_fork_at_the_same_size_is_refused(served) -> None:  # type: ignore[no-untyped-def]
    client, wdir, _ = served
    assert post(client, body(0, 10)).status_code == 200
    before = state(wdir)
    response = post(client, body(10, 10, FORKED))
    assert response.status_code == 409
    assert response.headers["content-type"] != SIZE_CONTENT_TYPE
    assert "fork refused" in response.text
    assert state(wdir) == before


def test_a_bad_consistency_proof_is_422(served) -> None:  # type: ignore[no-untyped-def]
    client, wdir, _ = served
    # A first checkpoint must come with an empty proof.
    forged_first = b"old 0\n" + base64.b64encode(bytes(32)) + b"\n\n" + note(15).encode()
    assert post(client, forged_first).status_code == 422
    assert 'logs": {}' in state(wdir).decode()
    assert post(client, body(0, 10)).status_code == 200
    before = state(wdir)
    proof = TREE.consistency_proof(10, 15)
    proof[0] = bytes(32)
    response = post(client, format_add_checkpoint(10, proof, note(15)))
    assert response.status_code == 422 and "consistency proof" in response.text
    # A proof from the forked tree does not lead to the real root either.
    assert post(client, body(10, 15, FORKED)).status_code == 422
    assert state(wdir) == before


def test_unknown_log_is_404_and_nothing_is_pinned(served) -> None:  # type: ignore[no-untyped-def]
    client, wdir, _ = served
    before = state(wdir)
    skey, _ = generate_key("example.com/other", seed=b"o" * 32)
    other = Signer.from_key_string(skey)
    response = post(client, body(0, 10, signer=other, origin="example.com/other"))
    assert response.status_code == 404 and "not configured" in response.text
    assert state(wdir) == before


def test_a_checkpoint_not_signed_by_the_log_key_is_403(served) -> None:  # type: ignore[no-untyped-def]
    client, wdir, _ = served
    before = state(wdir)
    skey, _ = generate_key(ORIGIN, seed=b"x" * 32)  # same origin, another key
    assert post(client, body(0, 10, signer=Signer.from_key_string(skey))).status_code == 403
    forged = body(0, 10).replace(b"\n10\n", b"\n11\n")
    assert post(client, forged).status_code == 403
    assert state(wdir) == before


def test_old_size_above_the_checkpoint_size_is_400(served) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = served
    response = post(client, b"old 12\n\n" + note(10).encode())
    assert response.status_code == 400 and "larger than the checkpoint" in response.text


def test_a_body_over_the_limit_is_413(served) -> None:  # type: ignore[no-untyped-def]
    client, wdir, _ = served
    before = state(wdir)
    response = post(client, b"old 0\n\n" + b"x" * MAX_BODY_BYTES)
    assert response.status_code == 413
    assert state(wdir) == before


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage",
        b"\xff\xfe\x00",
        b"old 0\n" + note(10).encode(),  # no empty line
        b"old 01\n\n" + note(10).encode(),  # leading zero
        b"old -1\n\n" + note(10).encode(),
        b"old 0\nnot base64!\n\n" + note(10).encode(),
        b"old 0\n\nnot a checkpoint\n",
        b"old 0\n\n" + note(10).split("\n\n")[0].encode() + b"\n",  # no signature
        b"old 0\n" + b"AAAA\n" * 70 + b"\n" + note(10).encode(),
    ],
)
def test_garbage_is_400(served, data: bytes) -> None:  # type: ignore[no-untyped-def]
    client, wdir, _ = served
    before = state(wdir)
    response = post(client, data)
    assert response.status_code == 400, response.text
    assert state(wdir) == before


def test_unknown_route_and_method(served) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = served
    assert client.post("/nope", content=b"old 0\n\n").status_code == 404
    assert client.get("/add-checkpoint").status_code == 405


def test_concurrent_requests_cannot_both_advance_from_one_size(served) -> None:  # type: ignore[no-untyped-def]
    """Eight requests race from size 10 to eight different sizes: the lock lets exactly one
    in; the others see its state and get 409 with its size."""
    from concurrent.futures import ThreadPoolExecutor

    client, wdir, _ = served
    assert post(client, body(0, 10)).status_code == 200
    sizes = range(11, 19)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: post(client, body(10, n)), sizes))
    codes = [a.status_code for a in answers]
    assert sorted(codes) == [200] + [409] * 7, [a.text for a in answers]
    winner = sizes[codes.index(200)]
    assert {a.text for a in answers if a.status_code == 409} == {f"{winner}\n"}
    assert json.loads(state(wdir))["logs"][ORIGIN]["size"] == winner
