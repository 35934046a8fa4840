"""The fast Merkle code against a naive reference written here from RFC 9162 §2.1 (Hypothesis)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput, VerificationError
from disarm.tlog.hashing import EMPTY_ROOT, leaf_hash, node_hash
from disarm.tlog.merkle import (
    CompactRange,
    InMemoryTree,
    consistency_proof,
    hash_from_perfect,
    inclusion_proof,
    perfect_decomposition,
    root,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from disarm.tlog.subtree import (
    covering_subtrees,
    is_valid_subtree,
    subtree_consistency_proof,
    subtree_inclusion_proof,
    verify_subtree_consistency,
    verify_subtree_inclusion,
)

# ----------------------------------------------------------------------------- the reference


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) by the RFC's recursive definition, over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _k(len(leaves))
    return node_hash(ref_mth(leaves[:k]), ref_mth(leaves[k:]))


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [ref_mth(leaves)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], b), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


class RecordingSource:
    """A naive SubtreeSource that records which ranges proof generation asks for."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = leaves
        self.asked: list[tuple[int, int]] = []

    def subtree_hash(self, start: int, end: int) -> bytes:
        self.asked.append((start, end))
        return ref_mth(self.leaves[start:end])


sizes = st.integers(min_value=1, max_value=70)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes)
def test_inclusion_proofs_match_the_reference_and_verify(data: st.DataObject, size: int) -> None:
    leaves = _leaves(size)
    tree = InMemoryTree(leaves)
    index = data.draw(st.integers(0, size - 1))
    at = data.draw(st.integers(index + 1, size))
    proof = tree.inclusion_proof(index, at)
    assert proof == ref_path(index, leaves[:at])
    assert tree.root(at) == ref_mth(leaves[:at])
    verify_inclusion(leaves[index], index, at, proof, tree.root(at))
    with pytest.raises(VerificationError):
        verify_inclusion(leaves[index], index, at, proof, leaf_hash(b"not the root"))
    if at > 1:
        other = (index + 1) % at
        with pytest.raises(VerificationError):
            verify_inclusion(leaves[index], other, at, proof, tree.root(at))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes)
def test_consistency_proofs_match_the_reference_and_verify(data: st.DataObject, size: int) -> None:
    leaves = _leaves(size)
    tree = InMemoryTree(leaves)
    new = data.draw(st.integers(1, size))
    old = data.draw(st.integers(1, new))
    proof = tree.consistency_proof(old, new)
    assert proof == (ref_subproof(old, leaves[:new], True) if old < new else [])
    verify_consistency(old, new, proof, ref_mth(leaves[:old]), ref_mth(leaves[:new]))
    if old < new:
        with pytest.raises(VerificationError):
            verify_consistency(old, new, proof, ref_mth(leaves[: old - 1]), tree.root(new))
        with pytest.raises(VerificationError):
            verify_consistency(old, new, proof[:-1], tree.root(old), tree.root(new))
        forged = [bytes(32), *proof[1:]]
        with pytest.raises(VerificationError):
            verify_consistency(old, new, forged, tree.root(old), tree.root(new))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), size=sizes)
def test_proofs_only_ask_for_nodes_of_the_tree(data: st.DataObject, size: int) -> None:
    """Every range asked for is a perfect aligned subtree, or [start, size) with start a
    multiple of the smallest power of two >= size - start (the store relies on this)."""
    src = RecordingSource(_leaves(size))
    inclusion_proof(src, data.draw(st.integers(0, size - 1)), size)
    old = data.draw(st.integers(1, size))
    consistency_proof(src, old, size)
    root(src, size)
    for start, end in src.asked:
        n = end - start
        assert 0 <= start < end <= size
        perfect = n & (n - 1) == 0 and start % n == 0
        smallest = 1 << (n - 1).bit_length()
        assert perfect or (end == size and start % smallest == 0), (start, end)


@settings(max_examples=100, deadline=None)
@given(
    batches=st.lists(st.integers(0, 40), max_size=8),
    start=st.integers(0, 40),
)
def test_compact_range_in_random_batches_gives_the_same_roots(
    batches: list[int], start: int
) -> None:
    leaves = _leaves(start + sum(batches))
    cr = CompactRange()
    for h in leaves[:start]:
        cr.append(h)
    assert cr.root() == ref_mth(leaves[:start])
    at = start
    for n in batches:
        # Resuming from the stored frontier is the same as going on.
        cr = CompactRange(cr.size, cr.hashes)
        cr.extend(leaves[at : at + n])
        at += n
        assert cr.size == at
        assert cr.root() == ref_mth(leaves[:at])
        assert cr.hashes == [
            ref_mth(leaves[i << lv : (i + 1) << lv]) for lv, i in perfect_decomposition(0, at)
        ]


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 30), min_size=1, max_size=6), data=st.data())
def test_in_memory_tree_in_batches_and_any_range(sizes: list[int], data: st.DataObject) -> None:
    leaves = _leaves(sum(sizes))
    tree = InMemoryTree()
    at = 0
    for n in sizes:
        tree.extend(leaves[at : at + n])
        at += n
        assert tree.root() == ref_mth(leaves[:at])
    for _ in range(10 if at else 0):
        end = data.draw(st.integers(1, at))
        start = data.draw(st.integers(0, end - 1))
        assert tree.subtree_hash(start, end) == ref_mth(leaves[start:end])


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 100), data=st.data())
def test_hash_from_perfect_serves_right_edge_subtrees(size: int, data: st.DataObject) -> None:
    leaves = _leaves(size)
    tree = InMemoryTree(leaves)
    level = data.draw(st.integers(0, size.bit_length()))
    start = ((size - 1) >> level) << level  # the right-edge node at that level
    assert hash_from_perfect(tree.perfect_hash, start, size) == ref_mth(leaves[start:size])


def test_edges() -> None:
    assert root_from_leaf_hashes([]) == EMPTY_ROOT == InMemoryTree().root()
    assert CompactRange().root() == EMPTY_ROOT
    tree = InMemoryTree(_leaves(5))
    with pytest.raises(BadInput):
        tree.inclusion_proof(5)
    with pytest.raises(BadInput):
        tree.consistency_proof(0, 3)
    with pytest.raises(BadInput):
        tree.consistency_proof(4, 3)
    with pytest.raises(BadInput):
        tree.root(6)
    with pytest.raises(BadInput):
        CompactRange(3, [bytes(32)])
    with pytest.raises(VerificationError, match="too many"):
        verify_inclusion(_leaves(1)[0], 0, 1, [bytes(32)], _leaves(1)[0])
    with pytest.raises(VerificationError, match="too few"):
        verify_inclusion(tree.leaf_hash(0), 0, 5, tree.inclusion_proof(0)[:-1], tree.root())
    with pytest.raises(VerificationError, match="outside"):
        verify_inclusion(tree.leaf_hash(0), 2**64 - 1, 5, [], tree.root())
    with pytest.raises(VerificationError, match="fork"):
        verify_consistency(5, 5, [], tree.root(), tree.root(4))
    with pytest.raises(VerificationError, match="rollback"):
        verify_consistency(5, 4, [], tree.root(), tree.root(4))


# ----------------------------------------------------------------------------- subtrees (MTC)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes)
def test_subtree_proofs_verify_and_reject_tampering(data: st.DataObject, size: int) -> None:
    leaves = _leaves(size)
    src = RecordingSource(leaves)
    end = data.draw(st.integers(1, size))
    start = data.draw(st.integers(0, end - 1))
    (ls, mid), (ms, me) = covering_subtrees(start, end)
    assert ls <= start and mid == ms and me == end
    assert is_valid_subtree(ls, mid) and is_valid_subtree(ms, me)
    assert start - ls < max(mid - start, 1)
    for s, e in ((ls, mid), (ms, me)):
        if s == e:
            continue
        sub = ref_mth(leaves[s:e])
        proof = subtree_consistency_proof(src, s, e, size)
        verify_subtree_consistency(s, e, size, proof, sub, ref_mth(leaves))
        if s == 0:
            assert proof == (ref_subproof(e, leaves, True) if e < size else [])
        with pytest.raises(VerificationError):
            verify_subtree_consistency(s, e, size, proof, leaf_hash(b"x"), ref_mth(leaves))
        if proof:
            with pytest.raises(VerificationError):
                verify_subtree_consistency(s, e, size, proof[:-1], sub, ref_mth(leaves))
        index = data.draw(st.integers(s, e - 1))
        path = subtree_inclusion_proof(src, index, s, e)
        assert path == ref_path(index - s, leaves[s:e])
        verify_subtree_inclusion(leaves[index], index, s, e, path, sub)
        with pytest.raises(VerificationError):
            verify_subtree_inclusion(leaves[index], index, s, e, path, leaf_hash(b"x"))
    for start_, end_ in src.asked:  # the store can serve these with O(log n) reads
        n = end_ - start_
        assert (n & (n - 1) == 0 and start_ % n == 0) or is_valid_subtree(start_, end_)
