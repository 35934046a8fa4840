"""Offline proof bundles (tlog-proof with the entry in the extra line)."""

from __future__ import annotations

import pytest

from disarm.errors import BadInput, VerificationError
from disarm.tlog.bundle import ProofBundle, make_bundle, parse_bundle, verify_bundle
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.cosignature import add_cosignatures, cosign
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree
from disarm.tlog.note import ALG_COSIGNATURE_V1, Signer, generate_key

ORIGIN = "example.com/log"
LOG_SKEY, LOG_VKEY = generate_key(ORIGIN, seed=b"L" * 32)
WITNESSES = [
    generate_key(f"w{i}.example", seed=bytes([i]) * 32, alg=ALG_COSIGNATURE_V1) for i in range(3)
]
ENTRIES = [f"declaration {i}".encode() for i in range(13)]
TREE = InMemoryTree([leaf_hash(e) for e in ENTRIES])


def _bundle(index: int = 5, cosigners: int = 2) -> str:
    cp = Checkpoint(ORIGIN, TREE.size, TREE.root())
    note = sign_checkpoint(cp, Signer.from_key_string(LOG_SKEY))
    lines = [cosign(cp, Signer.from_key_string(s), 1700000000) for s, _ in WITNESSES[:cosigners]]
    note = add_cosignatures(note, lines)
    return ProofBundle(index, tuple(TREE.inclusion_proof(index)), note, ENTRIES[index]).format()


W = [v for _, v in WITNESSES]


def test_a_bundle_verifies_offline() -> None:
    text = _bundle()
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ZGVjbGFyYXRpb24gNQ==\nindex 5\n")
    result = verify_bundle(text, LOG_VKEY, W, 2)
    assert (result.index, result.entry, result.checkpoint.size) == (5, ENTRIES[5], 13)
    assert [name for name, _ in result.cosigners] == ["w0.example", "w1.example"]
    assert verify_bundle(text.encode(), LOG_VKEY, W, 0, entry=ENTRIES[5]).index == 5
    parsed = parse_bundle(text)
    assert parsed.format() == text
    # Without the extra line, the entry is supplied by the verifier.
    bare = ProofBundle(parsed.index, parsed.proof, parsed.checkpoint_note)
    assert verify_bundle(bare.format(), LOG_VKEY, W, 1, entry=ENTRIES[5]).leaf_hash == leaf_hash(
        ENTRIES[5]
    )
    with pytest.raises(BadInput, match="no entry"):
        verify_bundle(bare.format(), LOG_VKEY, W, 1)


def test_every_tampering_is_rejected() -> None:
    text = _bundle()
    with pytest.raises(VerificationError, match="quorum is 3"):
        verify_bundle(text, LOG_VKEY, W, 3)
    with pytest.raises(VerificationError, match="differs"):
        verify_bundle(text, LOG_VKEY, W, 2, entry=b"declaration 6")
    parsed = parse_bundle(text)
    other_entry = ProofBundle(5, parsed.proof, parsed.checkpoint_note, b"declaration 55")
    with pytest.raises(VerificationError, match="inclusion proof"):
        verify_bundle(other_entry, LOG_VKEY, W, 2)
    wrong_index = ProofBundle(6, parsed.proof, parsed.checkpoint_note, ENTRIES[5])
    with pytest.raises(VerificationError):
        verify_bundle(wrong_index, LOG_VKEY, W, 2)
    short = ProofBundle(5, parsed.proof[:-1], parsed.checkpoint_note, ENTRIES[5])
    with pytest.raises(VerificationError, match="too few"):
        verify_bundle(short, LOG_VKEY, W, 2)
    with pytest.raises(VerificationError):
        verify_bundle(text.replace("\n13\n", "\n14\n"), LOG_VKEY, W, 2)
    _, stranger = generate_key(ORIGIN, seed=b"S" * 32)
    with pytest.raises(VerificationError, match="not signed by the log key"):
        verify_bundle(text, stranger, W, 0)
    with pytest.raises(VerificationError, match="another log"):
        verify_bundle(text, LOG_VKEY, W, 2, origin="example.com/other")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello\n\n",
        "c2sp.org/tlog-proof@v1\nindex 5\n",
        "c2sp.org/tlog-proof@v1\nindex 05\n\nx\n\n— a AAAAAAAA\n",
        "c2sp.org/tlog-proof@v1\nextra !!\nindex 5\n\nx\n\n— a AAAAAAAA\n",
        "c2sp.org/tlog-proof@v1\nindex 5\nAAAA\n\nx\n\n— a AAAAAAAA\n",
        "c2sp.org/tlog-proof@v1\nindex 5\n\nnot a note\n",
        b"\xff\xfe",
    ],
)
def test_malformed_bundles_are_bad_input(text: str | bytes) -> None:
    with pytest.raises(BadInput):
        parse_bundle(text)


def test_make_bundle_checks_the_store_against_the_checkpoint() -> None:
    text = _bundle(index=12)
    note = parse_bundle(text).checkpoint_note
    made = make_bundle(TREE, ENTRIES[12], 12, note)
    assert made.format() == text
    assert verify_bundle(made, LOG_VKEY, W, 2).index == 12
    with pytest.raises(VerificationError):
        make_bundle(TREE, b"not the entry", 12, note)
    with pytest.raises(BadInput):
        make_bundle(TREE, ENTRIES[12], 13, note)
