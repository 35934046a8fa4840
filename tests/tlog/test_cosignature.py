"""cosignature/v1 lines and the witness quorum policy."""

from __future__ import annotations

import base64
import struct

import pytest

from disarm.errors import BadInput, VerificationError
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.cosignature import add_cosignatures, cosign, verify_checkpoint, verify_cosignature
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.note import ALG_COSIGNATURE_V1, Signer, Verifier, cosignature_message, generate_key

T = 1_679_315_147


def _log() -> tuple[Signer, Verifier]:
    skey, vkey = generate_key("example.com/log", seed=b"L" * 32)
    return Signer.from_key_string(skey), Verifier.from_key_string(vkey)


def _witness(i: int) -> tuple[Signer, Verifier]:
    skey, vkey = generate_key(f"w{i}.example", seed=bytes([i]) * 32, alg=ALG_COSIGNATURE_V1)
    return Signer.from_key_string(skey), Verifier.from_key_string(vkey)


CP = Checkpoint("example.com/log", 7, leaf_hash(b"root"))


def test_signed_message_is_the_spec_format() -> None:
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert cosignature_message(body, T) == (b"cosignature/v1\ntime 1679315147\n" + body.encode())


def test_cosignature_line_carries_the_timestamp_and_verifies() -> None:
    signer, verifier = _witness(1)
    line = cosign(CP, signer, T)
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == verifier.key_id.to_bytes(4, "big")
    assert struct.unpack(">Q", raw[4:12])[0] == T
    assert len(raw) == 4 + 8 + 64
    assert verify_cosignature(CP, line, verifier) == T
    with pytest.raises(VerificationError):
        verify_cosignature(Checkpoint("example.com/log", 8, CP.root_hash), line, verifier)
    # The timestamp is signed: changing it breaks the signature.
    moved = raw[:4] + struct.pack(">Q", T + 1) + raw[12:]
    forged = f"\u2014 w1.example {base64.b64encode(moved).decode()}\n"
    with pytest.raises(VerificationError, match="does not verify"):
        verify_cosignature(CP, forged, verifier)
    with pytest.raises(VerificationError, match="another key"):
        verify_cosignature(CP, line, _witness(2)[1])
    with pytest.raises(BadInput):
        cosign(CP, _log()[0], T)
    with pytest.raises(BadInput):
        cosign(CP, signer, -1)


def test_quorum_of_known_witnesses() -> None:
    log, log_v = _log()
    witnesses = [_witness(i) for i in range(1, 4)]
    note = sign_checkpoint(CP, log)
    lines = [cosign(CP, s, T + i) for i, (s, _) in enumerate(witnesses[:2])]
    cosigned = add_cosignatures(note, lines)
    verifiers = [v for _, v in witnesses]
    result = verify_checkpoint(cosigned, log_v, verifiers, 2)
    assert result.checkpoint == CP
    assert result.cosigners == (("w1.example", T), ("w2.example", T + 1))
    assert verify_checkpoint(cosigned, log_v, verifiers, 2, not_after=T + 1).checkpoint == CP
    with pytest.raises(VerificationError, match="dated in the future"):
        verify_checkpoint(cosigned, log_v, verifiers, 1, not_after=T)
    with pytest.raises(VerificationError, match="quorum is 3") as err:
        verify_checkpoint(cosigned, log_v, verifiers, 3)
    assert (err.value.expected, err.value.computed) == (3, 2)
    # No unsafe default: quorum 0 must be asked for, and a quorum above the key count is refused.
    assert verify_checkpoint(note, log_v, [], 0).cosigners == ()
    with pytest.raises(BadInput):
        verify_checkpoint(note, log_v, verifiers, 4)
    with pytest.raises(BadInput):
        verify_checkpoint(note, log_v, [verifiers[0], verifiers[0]], 1)
    # The same witness twice counts once.
    doubled = add_cosignatures(note, [lines[0], cosign(CP, witnesses[0][0], T + 5)])
    with pytest.raises(VerificationError, match="quorum is 2"):
        verify_checkpoint(doubled, log_v, verifiers, 2)
    # A cosignature by a known witness that does not verify rejects the checkpoint.
    raw = bytearray(base64.b64decode(lines[1].split(" ")[2]))
    raw[-1] ^= 1
    bad = f"\u2014 w2.example {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(VerificationError):
        verify_checkpoint(add_cosignatures(note, [lines[0], bad]), log_v, verifiers, 1)
    # Witness cosignatures without the log's signature are not a checkpoint.
    with pytest.raises(VerificationError, match="not signed by the log"):
        verify_checkpoint(CP.body() + "\n" + "".join(lines), log_v, verifiers, 1)
    # Log keys are not witness keys.
    with pytest.raises(BadInput):
        verify_checkpoint(cosigned, log_v, [log_v], 1)


def test_a_witness_key_given_as_the_log_key_is_refused() -> None:
    """Attack: pin a witness's cosignature key as the log key, so that its cosignature would
    count as the log's signature. The verifier refuses the key type before reading the note."""
    log_signer, _ = _log()
    witness_signer, witness = _witness(1)
    note = add_cosignatures(sign_checkpoint(CP, log_signer), [cosign(CP, witness_signer, T)])
    with pytest.raises(BadInput, match=r"log key w1\.example is not an Ed25519"):
        verify_checkpoint(note, witness, [witness], 1)
