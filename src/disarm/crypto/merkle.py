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
        if not 0 <= index < self.size:
            raise IndexError(index)
        out = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                out.append(level[sibling])
            index //= 2
        return out


def root_from_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """Recompute the root from a leaf value and its audit path (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is outside a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf_hash(leaf)
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
