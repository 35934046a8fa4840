"""The LogStore contract on both backends: appends, reads, roots, proofs vs a naive tree."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput, Conflict, NotFound
from disarm.store import create_log, open_log
from disarm.store.tiles_view import export_tiles, read_tile
from disarm.tlog import merkle
from disarm.tlog.hashing import EMPTY_ROOT, leaf_hash

VECTORS = Path(__file__).parent / "vectors" / "tessera-testdata-log"
WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eit",
    "nain",
    "ten",
    "ileven",
    "twelf",
    "threeten",
    "fourten",
    "fivten",
]
ORIGIN = "example.com/log/testdata"


def _root_of(checkpoint: Path) -> bytes:
    return base64.b64decode(checkpoint.read_text().split("\n")[2])


def test_tessera_log_byte_identical(target: str, tmp_path: Path) -> None:
    """The 15 entries, appended one at a time, give Tessera's roots and tiles byte for byte."""
    with create_log(target, ORIGIN) as log:
        assert log.root() == _root_of(VECTORS / "checkpoint.0") == EMPTY_ROOT
        for n, word in enumerate(WORDS, 1):
            assert log.append([word.encode()]) == range(n - 1, n)
            assert log.root() == _root_of(VECTORS / f"checkpoint.{n}")
        expected = sorted(p for p in (VECTORS / "tile").rglob("*") if p.is_file())
        for path in expected:
            rel = str(path.relative_to(VECTORS))
            assert read_tile(log, rel) == path.read_bytes(), rel
        out = tmp_path / "export"
        export_tiles(log, out, sizes=range(1, 16))
        produced = sorted(p.relative_to(out) for p in (out / "tile").rglob("*") if p.is_file())
        assert produced == [p.relative_to(VECTORS) for p in expected]
        for rel in produced:
            assert (out / rel).read_bytes() == (VECTORS / rel).read_bytes()
    with open_log(target) as log:  # and again after reopening
        for n in range(1, 16):
            assert log.root(n) == _root_of(VECTORS / f"checkpoint.{n}")
        assert [e.decode() for e in log.entries(0, 15)] == WORDS


def test_matches_naive_tree_across_batches_and_reopen(target: str) -> None:
    rng = random.Random(7)
    tree = merkle.InMemoryTree()
    entries: list[bytes] = []
    log = create_log(target, "example.org/cross")
    try:
        for batch in (1, 255, 1, 256, 3000, 17, 65536 + 300):
            new = [rng.randbytes(rng.randint(0, 40)) for _ in range(batch)]
            log.append(new)
            entries += new
            tree.extend([leaf_hash(e) for e in new])
            assert log.size == tree.size
            assert log.root() == tree.root()
            if rng.random() < 0.5:
                log.close()
                log = open_log(target)
        size = log.size
        for _ in range(60):
            n = rng.randint(1, size)
            i = rng.randrange(n)
            old = rng.randint(1, n)
            assert log.root(n) == tree.root(n)
            assert log.inclusion_proof(i, n) == tree.inclusion_proof(i, n)
            assert log.consistency_proof(old, n) == tree.consistency_proof(old, n)
            assert log.entry(i) == entries[i]
            assert log.leaf_hash(i) == leaf_hash(entries[i])
        assert list(log.entries(250, 770)) == entries[250:770]
    finally:
        log.close()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.integers(1, 600), min_size=1, max_size=6), data=st.data())
def test_property_random_batches(tmp_path_factory: pytest.TempPathFactory, batches, data) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("prop") / "log"
    tree = merkle.InMemoryTree()
    with create_log(path, "example.org/prop") as log:
        for k, batch in enumerate(batches):
            new = [f"{k}:{i}".encode() for i in range(batch)]
            log.append(new)
            tree.extend([leaf_hash(e) for e in new])
        size = log.size
        n = data.draw(st.integers(1, size))
        i = data.draw(st.integers(0, n - 1))
        old = data.draw(st.integers(1, n))
        assert log.root(n) == tree.root(n)
        assert log.inclusion_proof(i, n) == tree.inclusion_proof(i, n)
        assert log.consistency_proof(old, n) == tree.consistency_proof(old, n)
        merkle.verify_inclusion(tree.leaf_hash(i), i, n, log.inclusion_proof(i, n), tree.root(n))


def test_checkpoints_are_stored_in_order(target: str) -> None:
    with create_log(target, "example.org/cp") as log:
        assert log.latest_checkpoint() is None
        assert log.checkpoints() == []
        log.append([b"a", b"b"], checkpoint=lambda size, root: f"note {size} {root.hex()}\n")
        log.put_checkpoint("second\n")
        log.append([b"c"], checkpoint=lambda size, root: f"third {size}\n")
    with open_log(target) as log:
        assert log.checkpoints()[1:] == ["second\n", "third 3\n"]
        assert log.checkpoints()[0].startswith("note 2 ")
        assert log.latest_checkpoint() == "third 3\n"


def test_bad_input(target: str) -> None:
    with create_log(target, "example.org/bad") as log:
        log.append([b"x"] * 300)
        with pytest.raises(BadInput, match="out of range"):
            log.entry(300)
        with pytest.raises(BadInput, match="out of range"):
            log.inclusion_proof(5, 301)
        with pytest.raises(BadInput):
            log.consistency_proof(0, 10)
        with pytest.raises(BadInput, match="at most 65535"):
            log.append([b"ok", b"x" * 65536])
        with pytest.raises(BadInput, match="not bytes"):
            log.append(["text"])  # type: ignore[list-item]
        assert log.size == 300  # nothing of a refused batch was appended
        assert log.append([]) == range(300, 300)
    with open_log(target) as log:
        assert log.size == 300


def test_create_refuses_an_existing_log(target: str) -> None:
    create_log(target, "example.org/a").close()
    with pytest.raises(Conflict):
        create_log(target, "example.org/b")


def test_open_missing_log(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        open_log(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotFound, match="not a log directory"):
        open_log(tmp_path / "empty")


def test_directory_log_is_locked(tmp_path: Path) -> None:
    with create_log(tmp_path / "log", "example.org/lock"), pytest.raises(Conflict, match="in use"):
        open_log(tmp_path / "log")
    open_log(tmp_path / "log").close()  # released on close


def test_parallel_hashing_matches_serial(tmp_path: Path) -> None:
    entries = [i.to_bytes(4, "big") * 8 for i in range(70_000)]
    roots = []
    for workers in (1, 2, 3):
        with create_log(tmp_path / f"w{workers}", "example.org/par") as log:
            log.workers = workers
            log.append(entries[:1000])
            log.append(entries[1000:])
            roots.append((log.root(), log.inclusion_proof(65_000), log.entry(69_999)))
    assert roots[0] == roots[1] == roots[2]


def test_a_failed_write_after_the_journal_is_recovered_on_reopen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing the tiles fails after the journal sync, the batch is still durable: the log
    refuses further writes until reopened, and reopening replays the batch."""
    from disarm.store.directory import DirectoryLog

    path = tmp_path / "log"
    with create_log(path, "example.org/fail") as log:
        log.append([b"a", b"b"])
        assert isinstance(log, DirectoryLog)

        def broken(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(DirectoryLog, "_apply", broken)
        with pytest.raises(OSError):
            log.append([b"c"])
        monkeypatch.undo()
        with pytest.raises(Conflict, match="reopen"):
            log.append([b"d"])
    with open_log(path) as log:
        assert list(log.entries(0, log.size)) == [b"a", b"b", b"c"]
        assert log.root() == merkle.root_from_leaf_hashes(
            [leaf_hash(e) for e in (b"a", b"b", b"c")]
        )
