"""RFC 9162 §2.1.1 hashing: SHA-256 with the 0x00 leaf and 0x01 interior-node prefixes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
#: The root of the empty tree, MTH({}) = SHA-256 of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right) for two child hashes."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


_NODE = hashlib.sha256(NODE_PREFIX)


def leaf_hash_list(data: Iterable[bytes]) -> list[bytes]:
    """`leaf_hash` of each input, in one loop."""
    sha256 = hashlib.sha256
    return [sha256(b"\x00" + d).digest() for d in data]


def node_hashes(hashes: Sequence[bytes]) -> list[bytes]:
    """`node_hash` of each adjacent pair (0, 1), (2, 3), ...; an odd last hash is left out."""
    copy = _NODE.copy
    out: list[bytes] = []
    append = out.append
    for left, right in zip(hashes[0::2], hashes[1::2], strict=False):
        h = copy()
        h.update(left + right)
        append(h.digest())
    return out
