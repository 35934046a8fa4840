"""Parsers never fail with anything but BadInput (or VerificationError), whatever the input."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput, VerificationError
from disarm.tlog.bundle import parse_bundle, verify_bundle
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.note import Verifier, open_note, split_note
from disarm.tlog.witness import parse_proof

VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
PIECES = [
    "\n",
    "\n\n",
    "\u2014 ",
    "example.com/foo ",
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=",
    "c2sp.org/tlog-proof@v1\n",
    "extra ",
    "index ",
    "old ",
    "0",
    "12",
    "AAAA",
    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "This is an example message.\n",
    " ",
    "+",
    "\r",
    "\x00",
    "\xff",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_parsers_raise_only_disarm_errors(text: str) -> None:
    verifier = Verifier.from_key_string(VKEY)
    for parse in (
        split_note,
        lambda t: open_note(t, [verifier]),
        lambda t: Checkpoint.parse(t),
        parse_proof,
        parse_bundle,
        lambda t: verify_bundle(t, VKEY, [], 0, entry=b"x"),
        Verifier.from_key_string,
    ):
        with contextlib.suppress(BadInput, VerificationError):
            parse(text)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200))
def test_bytes_input_raises_only_disarm_errors(data: bytes) -> None:
    with pytest.raises((BadInput, VerificationError)):
        open_note(data, [Verifier.from_key_string(VKEY)])
    with contextlib.suppress(BadInput):
        parse_bundle(data)
