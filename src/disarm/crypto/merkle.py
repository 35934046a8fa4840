"""RFC 9162 Merkle tree hash and inclusion proofs over a list of leaf values (pure).

MTH and the audit path follow RFC 9162 §2.1.1 and §2.1.3; node hashing is
`disarm.tlog.hashing` (SHA-256 with the 0x00 / 0x01 prefixes). The tree is built bottom-up;
a node without a right sibling is promoted unchanged, which gives the same root as the
recursive definition. Used by the escrow for declaration trees.
"""

from __future__ import annotations

from collections.abc import Sequence

from disarm.errors import VerificationError
from disarm.tlog.hashing import leaf_hash, node_hash


class Tree:
    """All levels of the tree over `leaves` (level 0 = leaf hashes)."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        if not leaves:
            raise ValueError("a declaration tree needs at least one leaf")
        level = [leaf_hash(v) for v in leaves]
        self.levels: list[list[bytes]] = [level]
        while len(level) > 1:
            nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                nxt.append(level[-1])
            self.levels.append(nxt)
            level = nxt

    @property
    def size(self) -> int:
        return len(self.levels[0])

    @property
    def root(self) -> bytes:
        return self.levels[-1][0]

    def path(self, index: int) -> list[bytes]:
        """The RFC 9162 inclusion proof (audit path) for leaf `index`, leaf side first."""
        return self.node_path(0, index)

    def node_path(self, height: int, index: int) -> list[bytes]:
        """The audit path of the node at `height` (0 = leaves) and position `index`.

        For an aligned block of 2^height leaves, that node is the block's subtree root.
        """
        if not 0 <= height < len(self.levels) or not 0 <= index < len(self.levels[height]):
            raise IndexError((height, index))
        out = []
        for level in self.levels[height:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                out.append(level[sibling])
            index //= 2
        return out


def perfect_root(leaves: Sequence[bytes]) -> bytes:
    """Root of a block of 2^k leaf values (the hash of an aligned subtree)."""
    n = len(leaves)
    if n == 0 or n & (n - 1):
        raise ValueError(f"a block must hold a power of two leaves, not {n}")
    return Tree(leaves).root


def root_from_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """Recompute the root from a leaf value and its audit path (RFC 9162 §2.1.3.2)."""
    return root_from_node_path(0, index, size, leaf_hash(leaf), path)


def root_from_node_path(
    height: int, index: int, size: int, node: bytes, path: Sequence[bytes]
) -> bytes:
    """Recompute the root from the hash of the node (height, index) and its audit path.

    The node covers leaves [index·2^height, (index+1)·2^height), which must lie inside the tree;
    the algorithm is RFC 9162 §2.1.3.2 applied at that height (the last node of each level
    is the one that may have been promoted).
    """
    first, last = index << height, ((index + 1) << height) - 1
    if height < 0 or first < 0 or last >= size:
        raise VerificationError(f"leaves {first}..{last} are outside a tree of {size} leaves")
    fn, sn, r = index, (size - 1) >> height, node
    for p in path:
        if sn == 0:
            raise VerificationError("the inclusion path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError("the inclusion path is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> None:
    computed = root_from_path(index, size, leaf, path)
    if computed != root:
        raise VerificationError(
            f"leaf {index} is not in the committed tree",
            expected=root.hex(),
            computed=computed.hex(),
        )
