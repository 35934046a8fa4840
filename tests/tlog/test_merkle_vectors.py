"""Every transparency-dev/merkle proof vector (RFC 9162 proofs and MTC subtree proofs): happy
paths verify, mutated copies are rejected.

Vectors: tests/tlog/vectors/transparency-dev-merkle (Apache-2.0, see SOURCE.md there).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from disarm.errors import VerificationError
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree, verify_consistency, verify_inclusion
from disarm.tlog.subtree import (
    subtree_consistency_proof,
    subtree_inclusion_proof,
    verify_subtree_consistency,
    verify_subtree_inclusion,
)

TESTDATA = Path(__file__).parent / "vectors" / "transparency-dev-merkle" / "testdata"
INCLUSION = sorted(TESTDATA.glob("inclusion/**/*.json"))
CONSISTENCY = sorted(TESTDATA.glob("consistency/**/*.json"))

# The 8 standard CT test leaves the vectors' trees are built from.
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]


def _b(text: str | None) -> bytes:
    return base64.b64decode(text) if text else b""


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _id(path: Path) -> str:
    return str(path.relative_to(TESTDATA))


def test_the_vector_set_is_complete() -> None:
    # 5 base proofs per kind plus the additional/single-entry edge cases.
    assert len(INCLUSION) >= 90
    assert len(CONSISTENCY) >= 90
    assert sum(not _load(p)["wantErr"] for p in INCLUSION + CONSISTENCY) >= 10


@pytest.mark.parametrize("path", INCLUSION, ids=_id)
def test_inclusion_vector(path: Path) -> None:
    v = _load(path)
    args = (_b(v["leafHash"]), v["leafIdx"], v["treeSize"], [_b(p) for p in v["proof"] or []])
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            verify_inclusion(*args, _b(v["root"]))
    else:
        verify_inclusion(*args, _b(v["root"]))


@pytest.mark.parametrize("path", CONSISTENCY, ids=_id)
def test_consistency_vector(path: Path) -> None:
    v = _load(path)
    args = (v["size1"], v["size2"], [_b(p) for p in v["proof"] or []], _b(v["root1"]))
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            verify_consistency(*args, _b(v["root2"]))
    else:
        verify_consistency(*args, _b(v["root2"]))


def _happy(kind: str) -> list[dict[str, Any]]:
    return [_load(p) for p in sorted(TESTDATA.glob(f"{kind}/[0-9]/happy-path.json"))]


def test_our_proofs_equal_the_vectors_happy_paths() -> None:
    tree = InMemoryTree([leaf_hash(x) for x in CT_LEAVES])
    assert tree.root().hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    for v in _happy("inclusion"):
        assert tree.root(v["treeSize"]) == _b(v["root"])
        assert tree.inclusion_proof(v["leafIdx"], v["treeSize"]) == [
            _b(p) for p in v["proof"] or []
        ]
    for v in _happy("consistency"):
        proof = tree.consistency_proof(v["size1"], v["size2"])
        assert proof == [_b(p) for p in v["proof"] or []]


# ----------------------------------------------------------------------------- subtrees (MTC)

SUBTREE_INCLUSION = sorted(TESTDATA.glob("subtreeinclusion/**/*.json"))
SUBTREE_CONSISTENCY = sorted(TESTDATA.glob("subtreeconsistency/**/*.json"))


def test_the_subtree_vector_set_is_complete() -> None:
    assert len(SUBTREE_INCLUSION) + len(SUBTREE_CONSISTENCY) >= 300


@pytest.mark.parametrize("path", SUBTREE_INCLUSION, ids=_id)
def test_subtree_inclusion_vector(path: Path) -> None:
    v = _load(path)
    args = (
        _b(v["leafHash"]),
        v["leafIdx"],
        v["start"],
        v["end"],
        [_b(p) for p in v["proof"] or []],
    )
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            verify_subtree_inclusion(*args, _b(v["root"]))
    else:
        verify_subtree_inclusion(*args, _b(v["root"]))


@pytest.mark.parametrize("path", SUBTREE_CONSISTENCY, ids=_id)
def test_subtree_consistency_vector(path: Path) -> None:
    v = _load(path)
    args = (v["start"], v["end"], v["size"], [_b(p) for p in v["proof"] or []], _b(v["root1"]))
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            verify_subtree_consistency(*args, _b(v["root2"]))
    else:
        verify_subtree_consistency(*args, _b(v["root2"]))


def test_our_subtree_proofs_equal_the_vectors_happy_paths() -> None:
    tree = InMemoryTree([leaf_hash(x) for x in CT_LEAVES])
    checked = 0
    # The "-subtree" variants are the same proofs shifted to other offsets, not of this tree.
    for path in sorted(TESTDATA.glob("subtree*/[0-9]/happy-path.json")):
        v = _load(path)
        want = [_b(p) for p in v["proof"] or []]
        if "leafIdx" in v:
            assert tree.subtree_hash(v["start"], v["end"]) == _b(v["root"])
            assert subtree_inclusion_proof(tree, v["leafIdx"], v["start"], v["end"]) == want
        else:
            assert subtree_consistency_proof(tree, v["start"], v["end"], v["size"]) == want
        checked += 1
    assert checked == 10
