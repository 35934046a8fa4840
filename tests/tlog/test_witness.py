"""The witness state machine: cosigns consistent checkpoints, refuses rollback, fork, bad proof."""

from __future__ import annotations

import pytest

from disarm.errors import BadInput, Conflict, VerificationError
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.cosignature import add_cosignatures, verify_checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree
from disarm.tlog.note import ALG_COSIGNATURE_V1, Signer, Verifier, generate_key
from disarm.tlog.witness import (
    Fork,
    LogState,
    Rollback,
    StaleOldSize,
    add_checkpoint,
    format_proof,
    parse_proof,
)

ORIGIN = "example.com/log"
LOG_SKEY, LOG_VKEY = generate_key(ORIGIN, seed=b"L" * 32)
W_SKEY, W_VKEY = generate_key("w.example", seed=b"W" * 32, alg=ALG_COSIGNATURE_V1)
LOG = Signer.from_key_string(LOG_SKEY)
WITNESS = Signer.from_key_string(W_SKEY)
TREE = InMemoryTree([leaf_hash(str(i).encode()) for i in range(40)])


def _note(size: int, signer: Signer = LOG, tree: InMemoryTree = TREE) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), signer)


def _add(
    size: int, latest: LogState | None, *, old: int | None = None, t: int = 1000, **kw: object
) -> LogState:
    old_size = (latest.size if latest else 0) if old is None else old
    proof = TREE.consistency_proof(old_size, size) if 0 < old_size < size else []
    args: dict[str, object] = {
        "note": _note(size),
        "old_size": old_size,
        "proof": proof,
        "log_key": LOG_VKEY,
        "latest": latest,
        "signer": WITNESS,
        "timestamp": t,
    }
    args.update(kw)
    result = add_checkpoint(**args)  # type: ignore[arg-type]
    cosigned = add_cosignatures(str(args["note"]), [result.line])
    verify_checkpoint(
        cosigned, Verifier.from_key_string(LOG_VKEY), [Verifier.from_key_string(W_VKEY)], 1
    )
    return result.state


def test_a_sequence_of_consistent_checkpoints_is_cosigned() -> None:
    state = _add(5, None)
    assert (state.size, state.root_hash, state.cosigned_at) == (5, TREE.root(5), 1000)
    for size, t in [(6, 1001), (6, 1002), (17, 1003), (32, 1003), (40, 1010)]:
        state = _add(size, state, t=t)
        assert (state.size, state.cosigned_at) == (size, t)
    assert LogState.from_dict(state.to_dict()) == state


def test_rollback_is_refused() -> None:
    state = _add(10, None)
    with pytest.raises(Rollback, match=r"rollback refused.*size 9.*size 10"):
        _add(9, state, old=9)


def test_fork_is_refused() -> None:
    state = _add(10, None)
    other = InMemoryTree([leaf_hash(b"x" + str(i).encode()) for i in range(10)])
    with pytest.raises(Fork, match=r"fork refused.*two roots at size 10"):
        _add(10, state, note=_note(10, tree=other))


def test_bad_consistency_proof_is_refused_with_the_roots() -> None:
    state = _add(10, None)
    bad = TREE.consistency_proof(9, 20)
    with pytest.raises(VerificationError, match="bad consistency proof from the cosigned size 10"):
        _add(20, state, proof=bad)
    # A log that rewrote history: a checkpoint at size 20 not extending the cosigned tree.
    other = InMemoryTree([leaf_hash(b"x" + str(i).encode()) for i in range(20)])
    with pytest.raises(VerificationError) as err:
        _add(20, state, note=_note(20, tree=other), proof=other.consistency_proof(10, 20))
    assert err.value.expected is not None and err.value.computed is not None
    # A non-empty proof where none is due.
    with pytest.raises(VerificationError, match="must be empty"):
        _add(10, state, proof=[bytes(32)])


def test_forged_or_missing_log_signature_is_refused() -> None:
    forged = _note(10).replace("\n10\n", "\n11\n")
    with pytest.raises(VerificationError, match="does not verify"):
        _add(10, None, note=forged)
    unsigned_by_log = sign_checkpoint(
        Checkpoint(ORIGIN, 10, TREE.root(10)),
        Signer.from_key_string(generate_key("example.com/evil", seed=bytes(32))[0]),
    )
    with pytest.raises(VerificationError, match="not signed by the log key"):
        _add(10, None, note=unsigned_by_log)


def test_stale_old_size_and_pinned_key_and_time() -> None:
    state = _add(10, None)
    with pytest.raises(StaleOldSize) as err:
        _add(20, state, old=5)
    assert err.value.latest_size == 10
    with pytest.raises(StaleOldSize):
        _add(20, None, old=10)
    other_skey, other_vkey = generate_key(ORIGIN, seed=b"O" * 32)
    with pytest.raises(Conflict, match="pinned"):
        _add(20, state, note=_note(20, Signer.from_key_string(other_skey)), log_key=other_vkey)
    with pytest.raises(Conflict, match="time goes backwards"):
        _add(20, state, t=999)
    with pytest.raises(BadInput):
        _add(5, None, old=6)


def test_proof_file_round_trip_and_errors() -> None:
    proof = TREE.consistency_proof(7, 30)
    assert parse_proof(format_proof(7, proof)) == (7, proof)
    assert parse_proof("old 0\n") == (0, [])
    for bad in ["", "7\n", "old 07\n", "old x\n", "old 1\nAAAA\n", "old 1\n!!\n"]:
        with pytest.raises(BadInput):
            parse_proof(bad)
    with pytest.raises(BadInput, match="more than 63"):
        parse_proof(format_proof(1, [bytes(32)] * 64))
