"""C2SP checkpoints: canonical body, strict parsing, log signature."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput, VerificationError
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from disarm.tlog.hashing import EMPTY_ROOT
from disarm.tlog.note import Signer, Verifier, generate_key

ROOT_B64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
SPEC_BODY = f"example.com/behind-the-sofa\n20852163\n{ROOT_B64}\n"


def test_the_spec_example_round_trips() -> None:
    cp = Checkpoint.parse(SPEC_BODY)
    assert (cp.origin, cp.size) == ("example.com/behind-the-sofa", 20852163)
    assert cp.body() == SPEC_BODY
    ext = Checkpoint.parse(SPEC_BODY + "ext one\next two\n")
    assert ext.extensions == ("ext one", "ext two")
    assert Checkpoint("log", 0, EMPTY_ROOT).body().split("\n")[1] == "0"


@pytest.mark.parametrize(
    "body",
    [
        SPEC_BODY[:-1],  # no final newline
        "example.com/x\n12\n",  # no root
        f"\n12\n{ROOT_B64}\n",  # empty origin
        f"example.com/x\n012\n{ROOT_B64}\n",  # leading zero
        f"example.com/x\n-1\n{ROOT_B64}\n",
        f"example.com/x\n1e3\n{ROOT_B64}\n",
        f"example.com/x\n{2**64}\n{ROOT_B64}\n",  # beyond uint64
        "example.com/x\n12\nnot base64!\n",
        "example.com/x\n12\nAAAA\n",  # not 32 bytes
        f"example.com/x\n12\n{ROOT_B64[:-1]}\n",  # bad padding
        f"example.com/x\n12\n{ROOT_B64}\n\n",  # empty extension line
        f" example.com/x\n12\n{ROOT_B64}\n",  # padded origin
    ],
)
def test_malformed_checkpoints_are_bad_input(body: str) -> None:
    with pytest.raises(BadInput):
        Checkpoint.parse(body)


def test_open_checkpoint_checks_the_log_signature_and_origin() -> None:
    skey, vkey = generate_key("example.com/log", seed=bytes(32))
    signer, verifier = Signer.from_key_string(skey), Verifier.from_key_string(vkey)
    cp = Checkpoint("example.com/log", 3, EMPTY_ROOT)
    note = sign_checkpoint(cp, signer)
    assert open_checkpoint(note, verifier, origin="example.com/log")[0] == cp
    with pytest.raises(VerificationError, match="another log"):
        open_checkpoint(note, verifier, origin="example.com/other")
    # Missing signature: another key signed it.
    other = Signer.from_key_string(generate_key("example.com/other", seed=bytes(32) + b"")[0])
    with pytest.raises(VerificationError, match="not signed by the log key"):
        open_checkpoint(sign_checkpoint(cp, other), verifier)
    # Forged: the body changed after signing.
    forged = note.replace("\n3\n", "\n4\n")
    with pytest.raises(VerificationError, match="does not verify"):
        open_checkpoint(forged, verifier)
    # Same name, other key: the signature is from an unknown key, so none verifies.
    impostor = Signer.from_key_string(generate_key("example.com/log", seed=b"\x01" * 32)[0])
    with pytest.raises(
        VerificationError, match="not signed by the log key: no signature from a known key"
    ):
        open_checkpoint(sign_checkpoint(cp, impostor), verifier)


_LINE = st.text(
    st.characters(min_codepoint=0x21, blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
)


@settings(max_examples=100, deadline=None)
@given(
    origin=_LINE,
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(_LINE, max_size=3),
)
def test_body_and_parse_are_inverse(
    origin: str, size: int, root: bytes, extensions: list[str]
) -> None:
    cp = Checkpoint(origin, size, root, tuple(extensions))
    assert Checkpoint.parse(cp.body()) == cp
