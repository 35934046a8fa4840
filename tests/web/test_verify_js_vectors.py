"""verify.js in Chromium passes every transparency-dev/merkle vector and verifies the Tessera
test log's checkpoints and proofs.

Vectors: tests/tlog/vectors (Apache-2.0, see SOURCE.md there), the same files the Python tests
read. Each kind runs in one page evaluation.
"""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree
from disarm.tlog.note import split_note
from tests.web.conftest import VerifyJs

VECTORS = Path(__file__).parents[1] / "tlog" / "vectors"
TESTDATA = VECTORS / "transparency-dev-merkle" / "testdata"
TESSERA = VECTORS / "tessera-testdata-log"
TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
TESSERA_ORIGIN = "example.com/log/testdata"

# kind -> (verify.js function, its argument names from the vector's fields)
KINDS = {
    "inclusion": (
        "verifyInclusion",
        {"leafHash": "leafHash", "index": "leafIdx", "size": "treeSize", "root": "root"},
    ),
    "consistency": (
        "verifyConsistency",
        {"size1": "size1", "size2": "size2", "root1": "root1", "root2": "root2"},
    ),
    "subtreeinclusion": (
        "verifySubtreeInclusion",
        {
            "leafHash": "leafHash",
            "index": "leafIdx",
            "start": "start",
            "end": "end",
            "subtreeHash": "root",
        },
    ),
    "subtreeconsistency": (
        "verifySubtreeConsistency",
        {"start": "start", "end": "end", "size": "size", "subtreeHash": "root1", "root": "root2"},
    ),
}


def _js_value(value: Any) -> Any:
    """Integers as decimal strings: JSON numbers above 2^53 are not exact in JavaScript."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_merkle_vector(verify_js: VerifyJs, kind: str) -> None:
    function, fields = KINDS[kind]
    paths = sorted(TESTDATA.glob(f"{kind}/**/*.json"))
    vectors = [json.loads(p.read_text()) for p in paths]
    calls = [
        [{arg: _js_value(v[field]) for arg, field in fields.items()} | {"proof": v["proof"]}]
        for v in vectors
    ]
    results = verify_js.call_many(function, calls)
    wrong = [
        f"{p.relative_to(TESTDATA)}: ok={r['ok']} reason={r['reason']}"
        for p, v, r in zip(paths, vectors, results, strict=True)
        if r["ok"] == v["wantErr"]
    ]
    assert wrong == []
    happy = sum(not v["wantErr"] for v in vectors)
    assert happy >= 5 and len(vectors) - happy >= 40, (happy, len(vectors))
    for r in results:  # every result says what it checked; a failure names its reason
        assert r["checks"] and r["checks"][-1]["ok"] == r["ok"]
        assert (r["reason"] is None) == r["ok"]


def test_the_vector_set_is_complete() -> None:
    assert len(list(TESTDATA.glob("**/*.json"))) == 518


def _tessera_entries() -> list[bytes]:
    data = (TESSERA / "tile" / "entries" / "000.p" / "15").read_bytes()
    out, at = [], 0
    while at < len(data):
        n = int.from_bytes(data[at : at + 2], "big")
        out.append(data[at + 2 : at + 2 + n])
        at += 2 + n
    return out


def test_the_tessera_checkpoints_verify_with_the_pinned_key(verify_js: VerifyJs) -> None:
    notes = [(TESSERA / f"checkpoint.{n}").read_text() for n in range(16)]
    opts = {"logKey": TESSERA_VKEY, "witnessKeys": [], "quorum": 0, "origin": TESSERA_ORIGIN}
    results = verify_js.call_many("verifyCheckpoint", [[note, opts] for note in notes])
    assert [r["reason"] for r in results] == [None] * 16
    assert [r["checkpoint"]["size"] for r in results] == [str(n) for n in range(16)]
    for note, r in zip(notes, results, strict=True):
        text, _ = split_note(note)
        assert r["text"] == text
        assert r["checkpoint"]["rootHash"] == Checkpoint.parse(text).body().split("\n")[2]
    # Another origin, or another log's key with the same name, is refused.
    other_origin = verify_js.call("verifyCheckpoint", notes[3], opts | {"origin": "example.com/x"})
    assert not other_origin["ok"]
    assert "checkpoint is for another log" in other_origin["reason"]


def test_without_webcrypto_ed25519_nothing_passes(verify_js: VerifyJs) -> None:
    note = (TESSERA / "checkpoint").read_text()
    opts = {"logKey": TESSERA_VKEY, "witnessKeys": [], "quorum": 0}
    result = verify_js.page.evaluate(
        """async ([note, opts]) => {
          const subtle = crypto.subtle;
          const importKey = subtle.importKey;
          subtle.importKey = async (format, key, algorithm, ...rest) => {
            if (algorithm.name === "Ed25519") {
              throw new DOMException("no Ed25519", "NotSupportedError");
            }
            return importKey.call(subtle, format, key, algorithm, ...rest);
          };
          try {
            return await window.verify.verifyCheckpoint(note, opts);
          } finally {
            subtle.importKey = importKey;
          }
        }""",
        [note, opts],
    )
    assert not result["ok"]
    assert result["reason"] == "this browser cannot check Ed25519 signatures (NotSupportedError)"
    assert verify_js.call("verifyCheckpoint", note, opts)["ok"]


def test_the_tessera_entries_are_included_and_the_checkpoints_consistent(
    verify_js: VerifyJs,
) -> None:
    entries = _tessera_entries()
    assert entries[2] == b"three"
    tree = InMemoryTree([leaf_hash(e) for e in entries])
    note = (TESSERA / "checkpoint").read_text()
    opts = {"logKey": TESSERA_VKEY, "witnessKeys": [], "quorum": 0}
    calls = [
        [
            {
                "checkpoint": note,
                "entry": _b64(e),
                "index": i,
                "proof": [_b64(p) for p in tree.inclusion_proof(i)],
            }
            | opts
        ]
        for i, e in enumerate(entries)
    ]
    results = verify_js.call_many("verifyEntry", calls)
    assert [r["reason"] for r in results] == [None] * 15
    assert [r["leafHash"] for r in results] == [leaf_hash(e).hex() for e in entries]
    pairs = [(m, n) for m, n in itertools.combinations(range(1, 16), 2)]
    consistency = [
        [
            {
                "size1": m,
                "size2": n,
                "root1": _b64(tree.root(m)),
                "root2": _b64(tree.root(n)),
                "proof": [_b64(p) for p in tree.consistency_proof(m, n)],
            }
        ]
        for m, n in pairs
    ]
    results = verify_js.call_many("verifyConsistency", consistency)
    assert [r["reason"] for r in results] == [None] * len(pairs) and len(pairs) == 105


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
