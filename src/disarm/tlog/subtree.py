"""Subtrees of a Merkle tree, after draft-ietf-plants-merkle-tree-certs §4 (pure, no I/O).

A subtree ``[start, end)`` is the Merkle tree MTH(D[start:end]) over an interval whose ``start``
is a multiple of BIT_CEIL(end - start) (the smallest power of two >= end - start; BIT_CEIL(0) is
1). Such an interval can be proven consistent with the whole tree, and an entry can be proven to
be in it with a shorter inclusion proof than to the whole tree. Any interval is covered by two
subtrees (`covering_subtrees`).

The hashes that `subtree_consistency_proof` asks its `SubtreeSource` for are nodes of the tree
of ``size``, exactly as for RFC 9162 proofs (see `disarm.tlog.merkle`).
"""

from __future__ import annotations

from collections.abc import Sequence

from disarm.errors import BadInput, VerificationError
from disarm.tlog.hashing import EMPTY_ROOT, HASH_SIZE, node_hash
from disarm.tlog.merkle import SubtreeSource, largest_power_of_two_below, root_from_inclusion_proof

__all__ = [
    "covering_subtrees",
    "is_valid_subtree",
    "subtree_consistency_proof",
    "subtree_inclusion_proof",
    "verify_subtree_consistency",
    "verify_subtree_inclusion",
]


def _bit_ceil(n: int) -> int:
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


def is_valid_subtree(start: int, end: int) -> bool:
    """True if ``0 <= start <= end`` and start is a multiple of BIT_CEIL(end - start)."""
    return 0 <= start <= end and start % _bit_ceil(end - start) == 0


def _invalid(start: int, end: int) -> VerificationError:
    return VerificationError(
        f"[{start}, {end}) is not a valid subtree",
        expected="0 <= start <= end, start a multiple of BIT_CEIL(end - start)",
        computed=f"[{start}, {end})",
    )


def subtree_inclusion_proof(source: SubtreeSource, index: int, start: int, end: int) -> list[bytes]:
    """The inclusion proof of entry `index` in subtree [start, end): RFC 9162 PATH over
    D[start:end]. Asks only for perfect subtrees and for ranges ending at `end`."""
    if not is_valid_subtree(start, end) or not start <= index < end:
        raise BadInput(f"entry {index} is not in a valid subtree [{start}, {end})")
    proof: list[bytes] = []
    lo, hi = start, end
    while hi - lo > 1:
        mid = lo + largest_power_of_two_below(hi - lo)
        if index < mid:
            proof.append(source.subtree_hash(mid, hi))
            hi = mid
        else:
            proof.append(source.subtree_hash(lo, mid))
            lo = mid
    proof.reverse()
    return proof


def verify_subtree_inclusion(
    leaf_hash: bytes,
    index: int,
    start: int,
    end: int,
    proof: Sequence[bytes],
    subtree_hash: bytes,
) -> None:
    """Check that `leaf_hash` is entry `index` of the subtree [start, end) with `subtree_hash`."""
    if not is_valid_subtree(start, end):
        raise _invalid(start, end)
    if not start <= index < end:
        raise VerificationError(
            f"entry {index} is outside the subtree [{start}, {end})",
            expected=f"{start} <= index < {end}",
            computed=index,
        )
    computed = root_from_inclusion_proof(leaf_hash, index - start, end - start, proof)
    if computed != subtree_hash:
        raise VerificationError(
            f"inclusion proof for entry {index} does not lead to the subtree [{start}, {end})",
            expected=subtree_hash,
            computed=computed,
        )


def subtree_consistency_proof(
    source: SubtreeSource, start: int, end: int, size: int
) -> list[bytes]:
    """SUBTREE_PROOF(start, end, D_size): proves MTH(D[start:end]) consistent with the root."""
    if not is_valid_subtree(start, end) or end > size:
        raise BadInput(f"[{start}, {end}) is not a valid subtree of a tree of size {size}")
    if start == end:
        return []
    proof: list[bytes] = []
    lo, hi, s = 0, size, start
    known = True  # the subtree's hash is a node of the tree: the verifier has it already
    while not (s == lo and end == hi):
        mid = lo + largest_power_of_two_below(hi - lo)
        if end <= mid:
            proof.append(source.subtree_hash(mid, hi))
            hi = mid
        elif mid <= s:
            proof.append(source.subtree_hash(lo, mid))
            lo = mid
        else:  # s == lo < mid < end: the subtree straddles the split
            proof.append(source.subtree_hash(lo, mid))
            lo = s = mid
            known = False
    if not known:
        proof.append(source.subtree_hash(lo, hi))
    proof.reverse()
    return proof


def verify_subtree_consistency(
    start: int,
    end: int,
    size: int,
    proof: Sequence[bytes],
    subtree_hash: bytes,
    root_hash: bytes,
) -> None:
    """Check that the subtree [start, end) with `subtree_hash` is part of the tree of `size`
    with `root_hash` (the draft's §4.4.3 procedure). Raises `VerificationError`."""
    if not is_valid_subtree(start, end) or end > size:
        raise (
            _invalid(start, end)
            if end <= size
            else VerificationError(
                f"subtree [{start}, {end}) ends beyond the tree size {size}",
                expected=f"end <= {size}",
                computed=end,
            )
        )
    if start == end:
        if proof or subtree_hash != EMPTY_ROOT:
            raise VerificationError(
                "an empty subtree needs an empty proof and the empty hash",
                expected=EMPTY_ROOT,
                computed=subtree_hash if not proof else f"{len(proof)} proof hashes",
            )
        return
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise VerificationError(
                f"subtree consistency proof hash {i} is {len(h)} bytes",
                expected=HASH_SIZE,
                computed=len(h),
            )
    fn, sn, tn = start, end - 1, size - 1
    if sn == tn:
        while fn != sn:
            fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    else:
        while fn != sn and sn & 1:
            fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    path = list(proof)
    if fn == sn:
        fr = sr = subtree_hash
    else:
        if not path:
            raise VerificationError(
                f"empty consistency proof for subtree [{start}, {end}) in size {size}",
                expected="at least one hash",
                computed=0,
            )
        fr = sr = path.pop(0)
    for c in path:
        if tn == 0:
            raise VerificationError(
                f"subtree consistency proof for [{start}, {end}) has too many hashes",
                expected="fewer hashes",
                computed=len(proof),
            )
        if sn & 1 or sn == tn:
            if fn < sn:
                fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while sn and not sn & 1:
                fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    if tn != 0:
        raise VerificationError(
            f"subtree consistency proof for [{start}, {end}) has too few hashes",
            expected="more hashes",
            computed=len(proof),
        )
    if fr != subtree_hash:
        raise VerificationError(
            f"proof does not lead to the hash of subtree [{start}, {end})",
            expected=subtree_hash,
            computed=fr,
        )
    if sr != root_hash:
        raise VerificationError(
            f"proof does not lead to the root of tree size {size}",
            expected=root_hash,
            computed=sr,
        )


def covering_subtrees(start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Two adjacent valid subtrees ``left, right`` with ``left.start <= start``,
    ``right.end == end`` that together cover [start, end) (the draft's §4.5 selection)."""
    if not 0 <= start <= end:
        raise BadInput(f"[{start}, {end}) is not an interval")
    if end - start <= 1:
        return (start, end), (end, end)
    last = end - 1
    split = (start ^ last).bit_length() - 1  # height where the two paths diverge
    low_bits = (1 << split) - 1
    mid = last & ~low_bits  # first leaf of the divergence point's right branch
    zeros = ~start & low_bits  # zero bits of start below the split
    left_split = zeros.bit_length()  # highest zero bit + 1, or 0 if there is none
    left_start = (start >> left_split) << left_split
    return (left_start, mid), (mid, end)
