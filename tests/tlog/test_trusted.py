"""A verifier's trusted checkpoint or size: rollback and fork refused, both sizes named."""

from __future__ import annotations

import pytest

from disarm.errors import BadInput, VerificationError
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree
from disarm.tlog.note import Signer, Verifier, generate_key
from disarm.tlog.trusted import check_extends, trusted_checkpoint, trusted_minimum

ORIGIN = "example.com/trusted"
SKEY, VKEY = generate_key(ORIGIN, seed=b"T" * 32)
SIGNER, VERIFIER = Signer.from_key_string(SKEY), Verifier.from_key_string(VKEY)
TREE = InMemoryTree([leaf_hash(b"%d" % i) for i in range(30)])
OTHER = InMemoryTree([leaf_hash(b"x%d" % i) for i in range(30)])


def _trusted(size: int, tree: InMemoryTree = TREE):  # type: ignore[no-untyped-def]
    note = sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), SIGNER)
    return trusted_checkpoint(note, VERIFIER, origin=ORIGIN, source="cp")


def test_a_later_consistent_tree_extends_it() -> None:
    for size in (10, 17, 30):
        check_extends(_trusted(10), size, TREE.root(size), TREE.consistency_proof)
    check_extends(trusted_minimum(30), 30, OTHER.root(30), OTHER.consistency_proof)


def test_rollback_names_both_sizes() -> None:
    for trusted in (_trusted(20), trusted_minimum(20)):
        with pytest.raises(VerificationError, match=r"rollback: .* size 12, .* size 20"):
            check_extends(trusted, 12, TREE.root(12), TREE.consistency_proof)


def test_fork_and_inconsistent_history_are_refused() -> None:
    with pytest.raises(VerificationError, match="fork"):
        check_extends(_trusted(20), 20, OTHER.root(20), OTHER.consistency_proof)
    with pytest.raises(VerificationError, match="does not extend the trusted"):
        check_extends(_trusted(20), 25, OTHER.root(25), OTHER.consistency_proof)


def test_a_trusted_checkpoint_must_verify() -> None:
    _, other_vkey = generate_key(ORIGIN, seed=b"O" * 32)
    note = sign_checkpoint(Checkpoint(ORIGIN, 5, TREE.root(5)), SIGNER)
    with pytest.raises(BadInput, match="does not verify"):
        trusted_checkpoint(note, Verifier.from_key_string(other_vkey), origin=ORIGIN, source="f")
    with pytest.raises(BadInput, match="does not verify"):
        trusted_checkpoint(note, VERIFIER, origin="example.com/else", source="f")
    with pytest.raises(BadInput, match="negative"):
        trusted_minimum(-1)
