"""The block proofs of escrow reveals: the declaration tree's root and the proof of an aligned
block are the RFC 9162 ones, built and checked with `disarm.tlog` (merkle, subtree)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.crypto.reveal import RevealKind, RevealReason, RevealRejected, RevealState, make_reveals
from disarm.errors import VerificationError
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree, root_from_leaf_hashes
from disarm.tlog.subtree import subtree_consistency_proof, verify_subtree_consistency
from tests.tlog.test_merkle_properties import ref_mth, ref_path

from .helpers import declare, items


def _tree(leaves: list[bytes]) -> InMemoryTree:
    return InMemoryTree([leaf_hash(v) for v in leaves])


@given(st.integers(1, 70), st.data())
def test_a_block_proof_is_the_rfc9162_audit_path_of_the_block(n: int, data: st.DataObject) -> None:
    leaves = [i.to_bytes(2, "big") for i in range(n)]
    hashes = [leaf_hash(v) for v in leaves]  # the references (RFC 9162 §2.1) take leaf hashes
    tree = _tree(leaves)
    assert tree.root() == ref_mth(hashes)
    height = data.draw(st.integers(0, n.bit_length() - 1))
    size = 1 << height
    start = data.draw(st.integers(0, n // size - 1)) * size
    proof = subtree_consistency_proof(tree, start, start + size, n)
    # The block is a node: its proof is a leaf's audit path above the block's height.
    assert proof == ref_path(start, hashes)[height:]
    block = root_from_leaf_hashes([leaf_hash(v) for v in leaves[start : start + size]])
    assert block == ref_mth(hashes[start : start + size])
    verify_subtree_consistency(start, start + size, n, proof, block, tree.root())
    with pytest.raises(VerificationError):
        verify_subtree_consistency(start, start + size, n, proof, block, bytes(32))
    with pytest.raises(VerificationError, match="too many hashes"):
        verify_subtree_consistency(start, start + size, n, [*proof, block], block, tree.root())


def test_proofs_are_unchanged_from_the_earlier_implementation() -> None:
    """Vectors from the former disarm.crypto.merkle (its Tree.node_path), so reveals and opening
    files written before the merge stay valid."""
    leaves = [b"leaf %d" % i for i in range(11)]
    tree = _tree(leaves)
    assert tree.root().hex() == "b6e6c01dc35ef32a06d5285c5d1f2ee61712ca7aaf53d108fd42c2bd1c141607"
    a, b, c = (
        "6ebcc54b6710ee0610a7fc82cde51713db280e3dc84515bde9632a19b65a0b93",
        "4f631084a157c54f54fcfb23ff5eb8650c4ba160c295bb13a9832b109d52677e",
        "4eda2b4773200992eef6c877bafc659c5c88952d9fdc07b2908e5d260256fb14",
    )
    expected = {
        (10, 1): [
            "a40388445205099c86746fbba3fe6888b925d59eb6a7c19f0620ae155db1bd95",
            "c5c2c820ed342fdda8ce896b6b9cf5b8c00a21cc4b20714cc6e5d3c05c35240b",
        ],
        (4, 2): [a, b, c],
        (4, 4): [b, c],
        (0, 8): [c],
    }
    for (start, size), path in expected.items():
        assert [p.hex() for p in subtree_consistency_proof(tree, start, start + size, 11)] == path


def test_a_reveal_with_a_bad_path_is_rejected_with_both_roots() -> None:
    public, opening = declare(items(20), ["R00", "R01", "R02", "R03"], 8)
    [reveal] = make_reveals(opening, RevealKind.REGION, target="R02")
    [block] = reveal.blocks
    assert block.path == tuple(opening.tree().inclusion_proof(16)[3:])
    RevealState(public).apply(reveal, 10)
    bad = dataclasses.replace(reveal, blocks=(dataclasses.replace(block, path=block.path[::-1]),))
    with pytest.raises(RevealRejected) as info:
        RevealState(public).apply(bad, 10)
    assert info.value.reason is RevealReason.NOT_IN_TREE
    assert info.value.expected == public.root.hex() and info.value.computed != public.root.hex()
    short = dataclasses.replace(reveal, blocks=(dataclasses.replace(block, path=block.path[:-1]),))
    with pytest.raises(RevealRejected, match="too few hashes"):
        RevealState(public).apply(short, 10)
