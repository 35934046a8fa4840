"""Selection records: re-derivation from published inputs, commit-reveal, checkpoint checks."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from disarm.errors import BadInput, VerificationError
from disarm.inspect.commit_reveal import commitment, open_contributions
from disarm.inspect.record import checkpoint_tree_size, make_record, verify_selection
from disarm.inspect.selection import population_list, population_range
from disarm.tlog.note import Signer, generate_key, sign_note

SK, VK = generate_key("log.example", bytes(range(32)))
OTHER_SK, OTHER_VK = generate_key("log.example", bytes(32))
ROOT = "A" * 43 + "="
NOTE = sign_note(f"log.example\n42\n{ROOT}\n", [Signer.from_key_string(SK)])
REVEALS = {"inspectorate": b"\x01" * 16, "state-A": b"\x02" * 32}
COMMITS = {p: commitment(p, r) for p, r in REVEALS.items()}


def _record(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"commitments": COMMITS, "reveals": REVEALS, "key": VK}
    args.update(kw)
    return make_record(population_range(500), 8, NOTE, **args)


def test_round_trip_through_json() -> None:
    record = _record(min_tree_size=42)
    again = verify_selection(json.loads(json.dumps(record)))
    assert again == record
    assert record["checkpoint"]["signature_verified"] is True
    assert len(record["selected"]) == 8


def test_list_population_round_trip() -> None:
    record = make_record(population_list(["w3", "w1", "w2", "w10"]), 2, NOTE)
    assert record["population"]["items"] == ["w1", "w10", "w2", "w3"]
    assert record["checkpoint"]["signature_verified"] is False
    assert verify_selection(record) == record


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("selected", 0), 999),
        (("seed_sha256",), "00" * 32),
        (("population", "sha256"), "00" * 32),
        (("checkpoint", "sha256"), "00" * 32),
        (("contributions", 0, "reveal"), "03" * 16),
        (("contributions", 1, "commitment"), "00" * 32),
        (("checkpoint", "note"), NOTE.replace("42", "43")),
        (("checkpoint", "key"), OTHER_VK),
    ],
)
def test_tampering_is_detected(path: tuple[Any, ...], value: Any) -> None:
    record = copy.deepcopy(_record())
    target: Any = record
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(VerificationError):
        verify_selection(record)


def test_changing_k_or_population_changes_the_selection() -> None:
    base = _record()
    for mutate in (
        lambda r: r.__setitem__("k", 9),
        lambda r: r["population"].__setitem__("size", 501),
    ):
        record = copy.deepcopy(base)
        mutate(record)
        with pytest.raises(VerificationError):
            verify_selection(record)


def test_missing_reveal_is_rejected_with_reason() -> None:
    with pytest.raises(VerificationError, match=r"did not reveal.*state-A"):
        open_contributions(COMMITS, {"inspectorate": REVEALS["inspectorate"]})


def test_mismatched_reveal_is_rejected_with_expected_and_computed() -> None:
    with pytest.raises(VerificationError, match="does not match its commitment") as err:
        open_contributions(COMMITS, {**REVEALS, "state-A": b"\x09" * 32})
    assert err.value.expected == COMMITS["state-A"]
    assert err.value.computed == commitment("state-A", b"\x09" * 32)


def test_uncommitted_reveal_is_bad_input() -> None:
    with pytest.raises(BadInput, match="without a published commitment"):
        open_contributions({}, {"mallory": b"\x00" * 16})


def test_commitment_binds_party_name() -> None:
    assert commitment("A", b"\x00" * 16) != commitment("B", b"\x00" * 16)
    with pytest.raises(VerificationError):
        open_contributions({"B": commitment("A", b"\x00" * 16)}, {"B": b"\x00" * 16})


@pytest.mark.parametrize("reveal", [b"", b"\x00" * 15, b"\x00" * 1025])
def test_contribution_length(reveal: bytes) -> None:
    with pytest.raises(BadInput):
        commitment("A", reveal)


@pytest.mark.parametrize("party", ["", "has space", "-lead", "x" * 65, "a=b"])
def test_bad_party_names(party: str) -> None:
    with pytest.raises(BadInput):
        commitment(party, b"\x00" * 16)


def test_wrong_log_key_fails() -> None:
    with pytest.raises(VerificationError):
        _record(key=OTHER_VK)


def test_checkpoint_before_declaration_fails() -> None:
    with pytest.raises(VerificationError, match="predates") as err:
        _record(min_tree_size=43)
    assert err.value.computed == 42


def test_malformed_checkpoint_with_key_is_bad_input() -> None:
    with pytest.raises(BadInput):
        make_record(population_range(5), 1, "no signatures here\n", key=VK)


def test_tree_size_parsing() -> None:
    assert checkpoint_tree_size(NOTE) == 42
    assert checkpoint_tree_size("just bytes") is None


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.pop("algorithm"),
        lambda r: r.__setitem__("algorithm", "other-v9"),
        lambda r: r["population"].__setitem__("kind", "set"),
        lambda r: r.__setitem__("k", "8"),
        lambda r: r["contributions"][0].__setitem__("reveal", "zz"),
        lambda r: r["checkpoint"].__setitem__("key", None),
        lambda r: r.__setitem__("contributions", [r["contributions"][0]] * 2),
    ],
)
def test_malformed_record_is_bad_input(mutate: Any) -> None:
    record = copy.deepcopy(_record())
    mutate(record)
    with pytest.raises(BadInput):
        verify_selection(record)


def test_reordered_list_items_are_bad_input() -> None:
    record = make_record(population_list(["a", "b", "c"]), 1, NOTE)
    record["population"]["items"] = ["c", "b", "a"]
    with pytest.raises(BadInput, match="canonical order"):
        verify_selection(record)


def test_verifier_supplies_the_trusted_key_and_tree_size() -> None:
    record = _record()
    assert verify_selection(record, trusted_key=VK, min_tree_size=40) == record
    # A publisher who signs its own checkpoint passes the self-consistency check only.
    fake_note = sign_note(f"log.example\n42\n{ROOT}\n", [Signer.from_key_string(OTHER_SK)])
    forged = make_record(population_range(500), 8, fake_note, key=OTHER_VK)
    assert verify_selection(forged) == forged
    with pytest.raises(VerificationError):
        verify_selection(forged, trusted_key=VK)
    with pytest.raises(VerificationError, match="predates"):
        verify_selection(record, min_tree_size=100)


def test_checkpoint_is_parsed_strictly_when_keyed() -> None:
    record = _record()
    assert record["checkpoint"]["origin"] == "log.example"
    assert record["checkpoint"]["tree_size"] == 42
    not_a_checkpoint = sign_note("hello\n", [Signer.from_key_string(SK)])
    with pytest.raises(BadInput):
        make_record(population_range(5), 1, not_a_checkpoint, key=VK)
    # Unkeyed, the note is not verified but must still be a whole checkpoint (issue 14: a
    # truncated or foreign text would silently give another seed).
    with pytest.raises(BadInput, match="not a signed C2SP checkpoint"):
        make_record(population_range(5), 1, not_a_checkpoint)
    with pytest.raises(BadInput, match="not a signed C2SP checkpoint"):
        make_record(population_range(5), 1, not_a_checkpoint, min_tree_size=1)
