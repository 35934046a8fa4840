"""C2SP signed notes: the spec's example, Go's sumdb/note example, and malformed notes."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput, VerificationError
from disarm.tlog.note import (
    ALG_COSIGNATURE_V1,
    Signer,
    Verifier,
    generate_key,
    key_id,
    open_note,
    sign_note,
    split_note,
)

# c2sp.org/signed-note, "Verifier keys" example (vkey and note).
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
# golang.org/x/mod/sumdb/note package documentation: a signer key, its verifier key and a note.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
    "tpRZb6KE6RyyBwJnAM=\n"
)


def test_the_c2sp_example_verifies() -> None:
    v = Verifier.from_key_string(SPEC_VKEY)
    assert (v.name, f"{v.key_id:08x}") == ("example.com/foo", "530d903a")
    assert v.key_string() == SPEC_VKEY
    note = open_note(SPEC_NOTE.encode(), [v])
    assert note.text == "This is an example message.\n"
    assert note.verified_by(v) is not None


def test_go_keys_and_signature_are_reproduced_byte_for_byte() -> None:
    signer = Signer.from_key_string(GO_SKEY)
    assert signer.verifier_key() == GO_VKEY
    assert signer.key_string() == GO_SKEY
    assert signer.sign(GO_TEXT) == GO_SIG  # Ed25519 is deterministic
    assert sign_note(GO_TEXT, [signer]) == GO_TEXT + "\n" + GO_SIG
    assert "PRIVATE" not in repr(signer)


def test_key_id_is_sha256_of_name_newline_type_and_key() -> None:
    v = Verifier.from_key_string(SPEC_VKEY)
    assert key_id("example.com/foo", 1, v.public_key) == 0x530D903A


def test_generated_keys_sign_and_verify_and_are_deterministic_with_a_seed() -> None:
    skey, vkey = generate_key("log.example/a", seed=bytes(range(32)))
    assert generate_key("log.example/a", seed=bytes(range(32))) == (skey, vkey)
    assert generate_key("log.example/a")[1] != vkey
    signer, verifier = Signer.from_key_string(skey), Verifier.from_key_string(vkey)
    note = sign_note("hello\n", [signer])
    assert open_note(note, [verifier]).text == "hello\n"
    wskey, wvkey = generate_key("w.example", seed=bytes(32), alg=ALG_COSIGNATURE_V1)
    assert base64.b64decode(wvkey.split("+")[2])[0] == 4
    with pytest.raises(BadInput, match="cosignature key"):
        Signer.from_key_string(wskey).sign("x\n")


def test_unknown_keys_are_ignored_but_needed_keys_must_verify() -> None:
    spec = Verifier.from_key_string(SPEC_VKEY)
    go = Verifier.from_key_string(GO_VKEY)
    note = GO_TEXT + "\n" + GO_SIG
    opened = open_note(note, [go, spec])
    assert [s.name for s in opened.verified] == ["PeterNeumann"]
    with pytest.raises(VerificationError, match="no signature from a known key"):
        open_note(note, [spec])
    # Same name, different key: ignored (unknown), so nothing verifies.
    _, other = generate_key("PeterNeumann", seed=bytes(32))
    with pytest.raises(VerificationError, match="no signature from a known key"):
        open_note(note, [Verifier.from_key_string(other)])


def test_forged_and_tampered_notes_are_rejected() -> None:
    go = Verifier.from_key_string(GO_VKEY)
    with pytest.raises(VerificationError, match="does not verify"):
        open_note(GO_TEXT.replace("answer", "Answer") + "\n" + GO_SIG, [go])
    raw = bytearray(base64.b64decode(GO_SIG.split(" ")[2]))
    raw[10] ^= 1
    forged = f"\u2014 PeterNeumann {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(VerificationError, match="does not verify"):
        open_note(GO_TEXT + "\n" + forged, [go])
    # One good and one bad signature by the same known key: rejected as a whole.
    with pytest.raises(VerificationError):
        open_note(GO_TEXT + "\n" + GO_SIG + forged, [go])


@pytest.mark.parametrize(
    "note",
    [
        GO_TEXT,  # no signatures
        GO_TEXT + "\n",  # empty signature block
        GO_TEXT + "\n" + GO_SIG[:-1],  # no final newline
        GO_TEXT + "\n" + GO_SIG.replace("\u2014", "-"),  # not an em dash
        GO_TEXT + "\n" + GO_SIG.replace(" x08", "  x08"),  # two spaces
        GO_TEXT + "\n" + "\u2014 PeterNeumann !!!\n",  # not base64
        GO_TEXT + "\n" + "\u2014 PeterNeumann AAAA\n",  # too short
        GO_TEXT.replace("\n", "\r\n", 1) + "\n" + GO_SIG,  # control character
        b"\xff\n\n" + GO_SIG.encode(),  # not UTF-8
        GO_TEXT + "\n" + GO_SIG * 101,  # too many signatures
    ],
)
def test_malformed_notes_are_bad_input(note: str | bytes) -> None:
    with pytest.raises(BadInput):
        open_note(note, [Verifier.from_key_string(GO_VKEY)])


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "name+530d903a",
        "exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+AkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+BekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    ],
)
def test_malformed_verifier_keys_are_bad_input(vkey: str) -> None:
    with pytest.raises(BadInput):
        Verifier.from_key_string(vkey)


def test_signing_needs_a_newline_terminated_text() -> None:
    signer = Signer.from_key_string(GO_SKEY)
    with pytest.raises(BadInput, match="newline"):
        sign_note("no newline", [signer])
    with pytest.raises(BadInput):
        Signer.from_key_string(GO_VKEY)
    text, sigs = split_note(GO_TEXT + "\n" + GO_SIG)
    assert text == GO_TEXT and sigs[0].line() == GO_SIG


_TEXT = st.lists(
    st.text(st.characters(min_codepoint=0x20, blacklist_categories=("Cs",)), max_size=30),
    min_size=1,
    max_size=5,
).map(lambda lines: "".join(line + "\n" for line in lines))


@settings(max_examples=60, deadline=None)
@given(text=_TEXT, seed=st.binary(min_size=32, max_size=32), flip=st.integers(0, 10_000))
def test_any_text_round_trips_and_any_change_is_caught(text: str, seed: bytes, flip: int) -> None:
    skey, vkey = generate_key("fuzz.example", seed=seed)
    verifier = Verifier.from_key_string(vkey)
    note = sign_note(text, [Signer.from_key_string(skey)])
    assert open_note(note, [verifier]).text == text
    raw = bytearray(note.encode())
    at = flip % len(raw)
    raw[at] ^= 0x01
    try:
        opened = open_note(bytes(raw), [verifier])
    except (BadInput, VerificationError):
        return
    # A flip that still parses and verifies cannot have touched the text or the signature.
    assert opened.text == text
