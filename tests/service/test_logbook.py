"""The logbook use case: one signed checkpoint per batch, key checks, on both backends."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from tests.store.conftest import _drop, pg_target

from disarm.errors import BadInput
from disarm.service.logbook import Logbook
from disarm.store import open_log
from disarm.store.audit import audit
from disarm.tlog import merkle
from disarm.tlog.checkpoint import open_checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.note import Signer, Verifier, generate_key

ORIGIN = "example.org/logbook"
SKEY, VKEY = generate_key(ORIGIN, bytes(32))
SIGNER = Signer.from_key_string(SKEY)
VERIFIER = Verifier.from_key_string(VKEY)


@pytest.fixture(params=["directory", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "directory":
        yield str(tmp_path / "log")
        return
    schema = f"logbook_{uuid.uuid4().hex[:16]}"
    _drop(schema)
    try:
        yield pg_target(schema)
    finally:
        _drop(schema)


def test_one_checkpoint_per_batch(target: str) -> None:
    with Logbook.create(target, ORIGIN, SIGNER) as book:
        first = book.append_batch([b"a", b"b", b"c"])
        assert (first.first, first.count, first.size) == (0, 3, 3)
        result = book.append_batches([[b"d"], [b"e", b"f"]])
        assert (result.first, result.count, result.size, result.batches) == (3, 3, 6, 2)
        notes = book.store.checkpoints()
        assert len(notes) == 3 and notes[-1] == result.checkpoint
        checkpoint, _ = open_checkpoint(result.checkpoint, VERIFIER, origin=ORIGIN)
        tree = merkle.InMemoryTree([leaf_hash(bytes([c])) for c in b"abcdef"])
        assert (checkpoint.size, checkpoint.root_hash) == (6, tree.root())
        assert book.latest() == checkpoint
        book.checkpoint()
        assert len(book.store.checkpoints()) == 4
    with open_log(target) as log:
        assert audit(log, VERIFIER).checkpoints_checked == 4


def test_refuses_a_key_of_another_log(target: str) -> None:
    other = Signer.from_key_string(generate_key("example.org/other")[0])
    with pytest.raises(BadInput, match="origin"):
        Logbook.create(target, ORIGIN, other)
    Logbook.create(target, ORIGIN, SIGNER).close()
    with pytest.raises(BadInput, match="signing key is for"):
        Logbook.open(target, other)


def test_empty_import_is_refused(tmp_path: Path) -> None:
    with Logbook.create(tmp_path / "log", ORIGIN, SIGNER) as book:
        with pytest.raises(BadInput, match="nothing to append"):
            book.append_batches([])
        assert book.store.size == 0 and book.latest() is None
