"""The 15-entry Tessera test log verifies end to end with our code.

Data: tests/tlog/vectors/tessera-testdata-log (Apache-2.0; see vectors/SOURCE.md).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from disarm.errors import VerificationError
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint
from disarm.tlog.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash
from disarm.tlog.merkle import (
    InMemoryTree,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from disarm.tlog.note import Verifier

LOG = Path(__file__).parent / "vectors" / "tessera-testdata-log"
VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
ORIGIN = "example.com/log/testdata"
ENTRIES = (
    *("one", "two", "three", "four", "five", "six", "seven", "eit", "nain", "ten"),
    *("ileven", "twelf", "threeten", "fourten", "fivten"),
)


def _bundle(width: int) -> list[bytes]:
    """Entries of the partial entry bundle of `width`: uint16 big-endian length prefixes."""
    data = (LOG / "tile" / "entries" / "000.p" / str(width)).read_bytes()
    out, at = [], 0
    while at < len(data):
        n = int.from_bytes(data[at : at + 2], "big")
        out.append(data[at + 2 : at + 2 + n])
        assert len(out[-1]) == n, "truncated entry"
        at += 2 + n
    return out


def _tile(width: int) -> list[bytes]:
    data = (LOG / "tile" / "0" / "000.p" / str(width)).read_bytes()
    assert len(data) == width * HASH_SIZE
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


@pytest.fixture(scope="module")
def checkpoints() -> list[Checkpoint]:
    verifier = Verifier.from_key_string(VKEY)
    assert f"{verifier.key_id:08x}" == "33d7b496"
    out = []
    for n in range(16):
        cp, note = open_checkpoint((LOG / f"checkpoint.{n}").read_bytes(), verifier, origin=ORIGIN)
        assert cp.size == n
        assert [s.name for s in note.verified] == [ORIGIN]
        out.append(cp)
    latest, _ = open_checkpoint((LOG / "checkpoint").read_bytes(), verifier, origin=ORIGIN)
    assert latest == out[15]
    return out


def test_all_16_checkpoint_signatures_verify(checkpoints: list[Checkpoint]) -> None:
    assert checkpoints[0].root_hash == EMPTY_ROOT


def test_every_root_rebuilds_from_the_tiles_and_from_the_bundles(
    checkpoints: list[Checkpoint],
) -> None:
    for width in range(1, 16):
        entries = _bundle(width)
        assert entries == [e.encode() for e in ENTRIES[:width]]
        hashes = [leaf_hash(e) for e in entries]
        assert _tile(width) == hashes
        assert root_from_leaf_hashes(_tile(width)) == checkpoints[width].root_hash
        assert root_from_leaf_hashes(hashes) == checkpoints[width].root_hash
        assert InMemoryTree(hashes).root() == checkpoints[width].root_hash


def test_consistency_between_every_pair_of_checkpoints(checkpoints: list[Checkpoint]) -> None:
    tree = InMemoryTree([leaf_hash(e.encode()) for e in ENTRIES])
    pairs = 0
    for old, new in itertools.combinations(range(1, 16), 2):
        proof = tree.consistency_proof(old, new)
        verify_consistency(old, new, proof, checkpoints[old].root_hash, checkpoints[new].root_hash)
        pairs += 1
        if old > 1:  # a proof between other sizes does not pass for this pair
            with pytest.raises(VerificationError):
                verify_consistency(
                    old,
                    new,
                    tree.consistency_proof(old - 1, new),
                    checkpoints[old].root_hash,
                    checkpoints[new].root_hash,
                )
    for n in range(1, 16):
        verify_consistency(n, n, [], checkpoints[n].root_hash, checkpoints[n].root_hash)
        pairs += 1
    assert pairs == 105 + 15
    for index, size in itertools.combinations(range(16), 2):
        proof = tree.inclusion_proof(index, size)
        verify_inclusion(tree.leaf_hash(index), index, size, proof, checkpoints[size].root_hash)
