"""Batch hashing and the process pool: roots byte-identical to the naive RFC 9162 tree."""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disarm.store import batch, create_log, pool
from disarm.tlog.tiles import full_tile_tree, full_tile_trees, leaf_hashes, split_bundle

SRC = Path(__file__).resolve().parents[2] / "src"


def naive_root(entries: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH, written as the recursion in the RFC."""
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1 << ((len(entries) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + naive_root(entries[:k]) + naive_root(entries[k:])).digest()


def test_no_fork_in_src() -> None:
    """Issue 16: hashing parallelism goes through a standard pool, never a bare fork."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"\bos\.fork\b|\bfork\(\)", path.read_text("utf-8"))
    ]
    assert offenders == []


def test_pool_uses_forkserver_or_spawn() -> None:
    assert pool._context().get_start_method() in ("forkserver", "spawn")


entry_lists = st.lists(st.binary(min_size=0, max_size=40), min_size=0, max_size=1200)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=entry_lists,
    cuts=st.lists(st.integers(0, 1200), max_size=4),
    workers=st.sampled_from([1, 2, 3]),
)
def test_log_root_is_the_naive_root(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    entries: list[bytes],
    cuts: list[int],
    workers: int,
) -> None:
    """Any entries, appended in any batches, by one or several processes: the same root as
    the naive tree at every batch boundary (the pool engages from 256 entries here)."""
    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", 256)
    bounds = sorted({0, len(entries), *(c for c in cuts if c < len(entries))})
    with create_log(tmp_path_factory.mktemp("log") / "log", "example.org/prop") as log:
        log.workers = workers
        for lo, hi in itertools.pairwise(bounds):
            log.append(entries[lo:hi])
            assert log.root() == naive_root(entries[:hi])
        if entries:
            assert log.root(len(entries) // 2 + 1) == naive_root(entries[: len(entries) // 2 + 1])


def test_parallel_variable_length_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", 256)
    entries = [b"x" * (i % 300) for i in range(5000)]
    with create_log(tmp_path / "log", "example.org/var") as log:
        log.workers = 2
        log.append(entries[:77])
        log.append(entries[77:])
        assert log.root() == naive_root(entries)
        assert list(log.entries(4990, 5000)) == entries[4990:]


def test_a_failed_worker_is_redone_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that fails (here: the job raises) costs time, never a wrong root."""

    def broken(*args: object) -> object:
        raise RuntimeError("worker lost")

    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", 256)
    monkeypatch.setattr(pool, "submit", lambda *a: pool.pool(1).submit(broken))
    entries = [b"%d" % i for i in range(3000)]
    with create_log(tmp_path / "log", "example.org/fail") as log:
        log.workers = 2
        log.append(entries)
        assert log.root() == naive_root(entries)


def test_batch_hashing_matches_per_tile_hashing() -> None:
    hashes = leaf_hashes([b"%d" % i for i in range(256 * 3 + 5)])
    interiors, roots = full_tile_trees(hashes)
    for t in range(3):
        root, interior = full_tile_tree(hashes[t * 8192 : (t + 1) * 8192])
        assert roots[t * 32 : (t + 1) * 32] == root
        assert interiors[t * 960 : (t + 1) * 960] == interior
    assert full_tile_trees(hashes[:8000]) == (b"", b"")


@given(st.lists(st.binary(max_size=20), max_size=600))
def test_split_bundle_is_decode_bundle(entries: list[bytes]) -> None:
    from disarm.tlog.tiles import decode_bundle, encode_bundle

    data = encode_bundle(entries)
    assert list(split_bundle(data)) == decode_bundle(data) == entries
    assert list(split_bundle(memoryview(data))) == entries
