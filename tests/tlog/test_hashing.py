from __future__ import annotations

from disarm.tlog.hashing import EMPTY_ROOT, leaf_hash, node_hash


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_leaf_and_node_prefixes_give_the_ct_root_of_two_leaves() -> None:
    # The first two standard CT test leaves "" and 00; root of size 2 from the
    # transparency-dev/merkle reference tree.
    root2 = node_hash(leaf_hash(b""), leaf_hash(b"\x00"))
    assert root2.hex() == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
