"""RFC 9162 §2.1 Merkle trees: roots, inclusion and consistency proofs (pure, no I/O).

Proof *generation* reads subtree hashes from a `SubtreeSource`. Every range it asks for is a
node of the tree of the size being proved, i.e. one of

* a **perfect subtree** ``[i * 2**h, (i + 1) * 2**h)`` lying wholly inside the tree, or
* a **right-edge subtree** ``[start, size)`` where ``start`` is a multiple of the smallest power
  of two that is at least ``size - start`` (the "subtree" of draft-ietf-plants-merkle-tree-certs,
  ending at the tree size).

A store that keeps the hashes of perfect subtrees (interior nodes, or tlog tiles) serves the first
kind with one read and the second with at most ``log2(size)`` reads; `hash_from_perfect`
does that fold for it. `root` asks for ``[0, size)`` only.

Proof *verification* follows the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 and raises
`VerificationError` carrying the expected and computed values; it never returns a boolean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from disarm.errors import BadInput, VerificationError
from disarm.tlog.hashing import EMPTY_ROOT, HASH_SIZE, node_hash, node_hashes

__all__ = [
    "CompactRange",
    "InMemoryTree",
    "SubtreeSource",
    "consistency_proof",
    "hash_from_perfect",
    "inclusion_proof",
    "largest_power_of_two_below",
    "perfect_decomposition",
    "root",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]


class SubtreeSource(Protocol):
    """Anything that can give the RFC 9162 hash MTH(leaves[start:end]) of a node of the tree."""

    def subtree_hash(self, start: int, end: int) -> bytes:
        """Return MTH(D[start:end]) for ``0 <= start < end``; see the module docstring."""
        ...


def largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``): RFC 9162's ``k``."""
    if n < 2:
        raise ValueError(f"no power of two below {n} splits a tree")
    return 1 << ((n - 1).bit_length() - 1)


def perfect_decomposition(start: int, end: int) -> list[tuple[int, int]]:
    """Split ``[start, end)`` into maximal aligned perfect subtrees, left to right.

    Each item is ``(level, index)``: the leaves ``[index << level, (index + 1) << level)``.
    For ``start = 0`` this is the frontier (one subtree per set bit of ``end``).
    """
    out: list[tuple[int, int]] = []
    while start < end:
        # Largest level at which `start` is aligned and the subtree still fits.
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while (1 << level) > end - start:
            level -= 1
        out.append((level, start >> level))
        start += 1 << level
    return out


def hash_from_perfect(perfect_hash: Callable[[int, int], bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) of a node of the tree, from the hashes of perfect subtrees.

    ``perfect_hash(level, index)`` returns the hash of leaves ``[index << level, (index + 1) <<
    level)``. Valid for the two kinds of range proof generation asks for (module docstring): the
    right-edge subtree's hash is its perfect parts folded from the right.
    """
    parts = perfect_decomposition(start, end)
    if not parts:
        raise BadInput(f"empty range [{start}, {end})")
    acc = perfect_hash(*parts[-1])
    for level, index in reversed(parts[:-1]):
        acc = node_hash(perfect_hash(level, index), acc)
    return acc


def _check_size(size: int, what: str = "tree size") -> None:
    if size < 0:
        raise BadInput(f"{what} {size} is negative")


def root(source: SubtreeSource, size: int) -> bytes:
    """The root hash of the first ``size`` leaves; the empty tree's root for size 0."""
    _check_size(size)
    if size == 0:
        return EMPTY_ROOT
    return source.subtree_hash(0, size)


def inclusion_proof(source: SubtreeSource, index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf's sibling first, root's child last."""
    _check_size(size)
    if not 0 <= index < size:
        raise BadInput(f"leaf index {index} is outside a tree of size {size}")
    proof: list[bytes] = []
    lo, hi = 0, size  # the current node [lo, hi) contains `index`
    while hi - lo > 1:
        k = largest_power_of_two_below(hi - lo)
        mid = lo + k
        if index < mid:
            proof.append(source.subtree_hash(mid, hi))
            hi = mid
        else:
            proof.append(source.subtree_hash(lo, mid))
            lo = mid
    proof.reverse()
    return proof


def consistency_proof(source: SubtreeSource, old_size: int, new_size: int) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(old_size, D[0:new_size]); empty when the sizes are equal.

    An old size of 0 has no meaningful proof; it is refused (the witness treats a first checkpoint
    separately, as C2SP tlog-witness does).
    """
    _check_size(old_size, "old tree size")
    if old_size == 0:
        raise BadInput("a consistency proof from the empty tree (old size 0) is meaningless")
    if old_size > new_size:
        raise BadInput(f"old tree size {old_size} is larger than new tree size {new_size}")
    proof: list[bytes] = []
    lo, hi = 0, new_size
    m = old_size  # relative to lo
    complete = True  # RFC's b: the old root is a node of the new tree (the verifier has it)
    while m != hi - lo:
        k = largest_power_of_two_below(hi - lo)
        if m <= k:
            proof.append(source.subtree_hash(lo + k, hi))
            hi = lo + k
        else:
            proof.append(source.subtree_hash(lo, lo + k))
            lo += k
            m -= k
            complete = False
    if not complete:
        proof.append(source.subtree_hash(lo, hi))
    proof.reverse()
    return proof


# ----------------------------------------------------------------------------- verification


def _check_proof_hashes(proof: Sequence[bytes], what: str) -> None:
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise VerificationError(
                f"{what} hash {i} is {len(h)} bytes, not {HASH_SIZE}",
                expected=HASH_SIZE,
                computed=len(h),
            )


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """RFC 9162 §2.1.3.2 steps 1-4: the root that the proof leads to (no comparison)."""
    if size < 0 or index < 0 or index >= size:
        raise VerificationError(
            f"leaf index {index} is outside a tree of size {size}",
            expected=f"0 <= index < {size}",
            computed=index,
        )
    if len(leaf_hash) != HASH_SIZE:
        raise VerificationError(
            f"the leaf hash is {len(leaf_hash)} bytes, not {HASH_SIZE}",
            expected=HASH_SIZE,
            computed=len(leaf_hash),
        )
    _check_proof_hashes(proof, "inclusion proof")
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise VerificationError(
                f"inclusion proof for index {index} in size {size} has too many hashes",
                expected=_expected_inclusion_length(index, size),
                computed=len(proof),
            )
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError(
            f"inclusion proof for index {index} in size {size} has too few hashes",
            expected=_expected_inclusion_length(index, size),
            computed=len(proof),
        )
    return r


def _expected_inclusion_length(index: int, size: int) -> int:
    length = 0
    lo, hi = 0, size
    while hi - lo > 1:
        k = largest_power_of_two_below(hi - lo)
        if index < lo + k:
            hi = lo + k
        else:
            lo += k
        length += 1
    return length


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` with ``root``.

    Raises `VerificationError` (expected = the given root, computed = the proof's root).
    """
    computed = root_from_inclusion_proof(leaf_hash, index, size, proof)
    if computed != root:
        raise VerificationError(
            f"inclusion proof for leaf {index} does not lead to the root of tree size {size}",
            expected=root,
            computed=computed,
        )


def verify_consistency(
    old_size: int,
    new_size: int,
    proof: Sequence[bytes],
    old_root: bytes,
    new_root: bytes,
) -> None:
    """RFC 9162 §2.1.4.2: check that the tree (old_size, old_root) is a prefix of (new_size,
    new_root). Raises `VerificationError` naming what disagrees.

    Equal sizes need an empty proof and byte-identical roots. Old size 0 is always refused
    (nothing to prove), as is an old size larger than the new one.
    """
    if old_size < 0 or new_size < 0:
        raise VerificationError(
            f"tree sizes must not be negative ({old_size}, {new_size})",
            expected=">= 0",
            computed=min(old_size, new_size),
        )
    if old_size > new_size:
        raise VerificationError(
            f"old tree size {old_size} is larger than new tree size {new_size} (a rollback)",
            expected=f"<= {new_size}",
            computed=old_size,
        )
    if old_size == 0:
        raise VerificationError(
            "a consistency proof from the empty tree (old size 0) proves nothing",
            expected="old size >= 1",
            computed=0,
        )
    if old_size == new_size:
        if proof:
            raise VerificationError(
                f"equal tree sizes ({old_size}) need an empty consistency proof",
                expected=0,
                computed=len(proof),
            )
        if old_root != new_root:
            raise VerificationError(
                f"two different roots for the same tree size {old_size} (a fork)",
                expected=old_root,
                computed=new_root,
            )
        return
    if not proof:
        raise VerificationError(
            f"empty consistency proof from size {old_size} to {new_size}",
            expected="at least one hash",
            computed=0,
        )
    _check_proof_hashes(proof, "consistency proof")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is a node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError(
                f"consistency proof from {old_size} to {new_size} has too many hashes",
                expected="fewer hashes",
                computed=len(proof),
            )
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError(
            f"consistency proof from {old_size} to {new_size} has too few hashes",
            expected="more hashes",
            computed=len(proof),
        )
    if fr != old_root:
        raise VerificationError(
            f"consistency proof does not lead to the old root (size {old_size})",
            expected=old_root,
            computed=fr,
        )
    if sr != new_root:
        raise VerificationError(
            f"consistency proof does not lead to the new root (size {new_size})",
            expected=new_root,
            computed=sr,
        )


# ----------------------------------------------------------------------------- trees


class InMemoryTree:
    """A Merkle tree over leaf hashes kept in memory, with every perfect subtree cached.

    ``levels[h][i]`` is the hash of the perfect subtree of leaves ``[i << h, (i + 1) << h)``;
    appends update them, so any node's hash costs O(log n) cached reads. Serves any range
    ``[start, end)`` (not only the two kinds proofs ask for), by RFC 9162's recursive split.
    """

    def __init__(self, leaf_hashes: Sequence[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash; return its index."""
        self.extend([leaf_hash])
        return self.size - 1

    def extend(self, leaf_hashes: Sequence[bytes]) -> None:
        """Add leaf hashes in order, completing every perfect subtree they close."""
        wrong = set(map(len, leaf_hashes)) - {HASH_SIZE}
        if wrong:
            raise BadInput(f"a leaf hash is {min(wrong)} bytes, not {HASH_SIZE}")
        self._levels[0].extend(leaf_hashes)
        level = 0
        while len(self._levels[level]) >= 2:
            if level + 1 == len(self._levels):
                self._levels.append([])
            lower, upper = self._levels[level], self._levels[level + 1]
            upper.extend(node_hashes(lower[2 * len(upper) : len(lower) & ~1]))
            level += 1

    def leaf_hash(self, index: int) -> bytes:
        return self._levels[0][index]

    def perfect_hash(self, level: int, index: int) -> bytes:
        """The hash of the perfect subtree ``[index << level, (index + 1) << level)``."""
        return self._levels[level][index]

    def subtree_hash(self, start: int, end: int) -> bytes:
        if not 0 <= start < end <= self.size:
            raise BadInput(f"range [{start}, {end}) is not inside a tree of size {self.size}")
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self._levels[n.bit_length() - 1][start // n]
        k = largest_power_of_two_below(n)
        return node_hash(self.subtree_hash(start, start + k), self.subtree_hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        return root(self, self.size if size is None else self._at_most(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(self, index, self.size if size is None else self._at_most(size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        new = self.size if new_size is None else self._at_most(new_size)
        return consistency_proof(self, old_size, new)

    def _at_most(self, size: int) -> int:
        if size > self.size:
            raise BadInput(f"tree size {size} is larger than the tree ({self.size} leaves)")
        return size


class CompactRange:
    """The frontier of a log: the perfect subtrees covering leaves ``[0, size)``, one per set
    bit of ``size``. O(log n) state; appends leaf hashes and gives the root at any point.

    ``CompactRange(size, hashes)`` resumes from a stored frontier (`hashes`, left to right, as
    `perfect_decomposition(0, size)` lists them).
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        _check_size(size)
        parts = perfect_decomposition(0, size)
        if len(parts) != len(hashes):
            raise BadInput(f"a frontier of size {size} has {len(parts)} hashes, not {len(hashes)}")
        self._size = size
        self._by_level: list[bytes | None] = [None] * size.bit_length()
        for (level, _), h in zip(parts, hashes, strict=True):
            if len(h) != HASH_SIZE:
                raise BadInput(f"a frontier hash is {len(h)} bytes, not {HASH_SIZE}")
            self._by_level[level] = h

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> list[bytes]:
        """The frontier, left (largest subtree) to right."""
        return [h for h in reversed(self._by_level) if h is not None]

    def append(self, leaf_hash: bytes) -> None:
        acc, s, level = leaf_hash, self._size, 0
        by_level = self._by_level
        while s & 1:
            left = by_level[level]
            assert left is not None
            acc = node_hash(left, acc)
            by_level[level] = None
            s >>= 1
            level += 1
        if level == len(by_level):
            by_level.append(None)
        by_level[level] = acc
        self._size += 1

    def extend(self, leaf_hashes: Sequence[bytes]) -> None:
        """Append many leaf hashes, level by level (much faster than repeated `append`)."""
        old, new = self._size, self._size + len(leaf_hashes)
        by_level = self._by_level
        by_level.extend([None] * (new.bit_length() - len(by_level)))
        cur: list[bytes] = list(leaf_hashes)
        level = 0
        while cur:
            if (old >> level) & 1:  # the old frontier node is the left sibling of cur[0]
                left = by_level[level]
                assert left is not None
                cur = [left, *cur]
            n = len(cur)
            by_level[level] = cur[-1] if n & 1 else None
            cur = node_hashes(cur)
            level += 1
        self._size = new

    def root(self) -> bytes:
        acc: bytes | None = None
        for h in self._by_level:
            if h is not None:
                acc = h if acc is None else node_hash(h, acc)
        return EMPTY_ROOT if acc is None else acc

    def copy(self) -> CompactRange:
        return CompactRange(self._size, self.hashes)


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """The root of a tree of exactly these leaf hashes."""
    cr = CompactRange()
    cr.extend(leaf_hashes)
    return cr.root()
