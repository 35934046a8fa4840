"""The witness state machine: cosigns consistent checkpoints, refuses rollback, fork, bad proof."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    format_add_checkpoint,
    format_proof,
    parse_add_checkpoint,
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


# ----------------------------------------------------------------------------- properties

FORK = InMemoryTree([leaf_hash(b"fork" + str(i).encode()) for i in range(40)])


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(1, 40), st.booleans(), st.integers(0, 3)), min_size=1, max_size=12
    )
)
def test_the_witness_never_cosigns_two_inconsistent_views(
    steps: list[tuple[int, bool, int]],
) -> None:
    """Whatever a (possibly lying) log submits, every checkpoint the witness cosigns extends
    every earlier one, and its state never goes back."""
    latest: LogState | None = None
    cosigned: list[tuple[int, bytes]] = []
    t = 0
    for size, honest, old_shift in steps:
        tree = TREE if honest else FORK
        latest_size = latest.size if latest else 0
        old = max(0, latest_size - old_shift) if old_shift < 3 else latest_size
        proof = tree.consistency_proof(old, size) if 0 < old < size else []
        t += 1
        try:
            result = add_checkpoint(
                note=_note(size, tree=tree),
                old_size=old,
                proof=proof,
                log_key=LOG_VKEY,
                latest=latest,
                signer=WITNESS,
                timestamp=t,
            )
        except (Conflict, VerificationError, BadInput):
            continue
        assert latest is None or result.state.size >= latest.size
        latest = result.state
        cosigned.append((latest.size, latest.root_hash))
    # The two histories differ from the first leaf on: a witness that cosigned roots of both
    # would have cosigned two inconsistent views.
    views = {"honest" if r == TREE.root(n) else "fork" for n, r in cosigned}
    assert len(views) <= 1
    assert [n for n, _ in cosigned] == sorted(n for n, _ in cosigned)


def test_times_are_bounded_by_the_witness_clock() -> None:
    """Issue 14 point 8: a far-future time is refused, and a state already holding one (from
    before the bound) does not wedge the witness."""
    with pytest.raises(BadInput, match="ahead of this witness's clock"):
        _add(5, None, t=2**63 - 1, now=1000)
    with pytest.raises(BadInput, match=r"outside 0\.\.2"):
        _add(5, None, t=2**64)
    state = _add(5, None, t=1000 + 300, now=1000)  # within the skew
    assert state.cosigned_at == 1300
    with pytest.raises(Conflict, match="time goes backwards"):
        _add(7, state, t=1200, now=1250)
    wedged = LogState(**{**state.__dict__, "cosigned_at": 2**63 - 1})
    assert _add(7, wedged, t=1250, now=1250).cosigned_at == 1250
    with pytest.raises(Conflict, match="time goes backwards"):
        _add(7, wedged, t=1250)  # without the clock, the old rule stands


def test_add_checkpoint_body_round_trips_and_refuses_framing_errors() -> None:
    hashes = [bytes([i]) * 32 for i in range(3)]
    note = "example.com/x\n5\nAAAA\n\n\u2014 example.com/x c2ln\n"
    body = format_add_checkpoint(4, hashes, note)
    assert body.startswith(b"old 4\n") and b"\n\nexample.com/x\n" in body
    assert parse_add_checkpoint(body) == (4, hashes, note)
    for bad in (b"old 4\n" + note.encode(), b"\xff\n\n", b"old x\n\n" + note.encode()):
        with pytest.raises(BadInput):
            parse_add_checkpoint(bad)
