from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.crypto.merkle import Tree, root_from_path, verify_inclusion
from disarm.errors import VerificationError
from disarm.tlog.hashing import leaf_hash, node_hash


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, written recursively as in the RFC, as an independent reference."""
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


@given(st.integers(1, 70))
def test_root_matches_rfc9162_definition_and_every_path_verifies(n: int) -> None:
    leaves = [i.to_bytes(2, "big") for i in range(n)]
    tree = Tree(leaves)
    assert tree.root == _mth(leaves)
    for i in range(n):
        verify_inclusion(i, n, leaves[i], tree.path(i), tree.root)


def test_wrong_size_or_index_fails() -> None:
    leaves = [bytes([i]) for i in range(7)]
    tree = Tree(leaves)
    with pytest.raises(VerificationError):
        verify_inclusion(6, 8, leaves[6], tree.path(6), tree.root)
    with pytest.raises(VerificationError):
        root_from_path(7, 7, leaves[0], tree.path(0))
    with pytest.raises(ValueError):
        Tree([])


@given(st.integers(1, 70), st.data())
def test_paths_verify_with_the_transparency_log_verifier(n: int, data: st.DataObject) -> None:
    from disarm.tlog.merkle import root_from_inclusion_proof

    leaves = [i.to_bytes(2, "big") for i in range(n)]
    tree = Tree(leaves)
    i = data.draw(st.integers(0, n - 1))
    assert root_from_inclusion_proof(leaf_hash(leaves[i]), i, n, tree.path(i)) == tree.root
