"""Selection records: the published inputs and result of a selection, and their verification.

A record is a JSON object (shape documented in docs/inspections.md)::

    {"algorithm": "disarm-select-v1",
     "population": {"kind": "range"|"list", "size": N, "sha256": HEX, "items": [...]},
     "k": K,
     "checkpoint": {"note": TEXT, "sha256": HEX, "origin": STR|null, "tree_size": INT|null,
                    "min_tree_size": INT|null, "key": VKEY|null, "signature_verified": BOOL},
     "contributions": [{"party": P, "commitment": HEX, "reveal": HEX}, ...],
     "seed_sha256": HEX,
     "selected": [...]}

``items`` appears only for a list population. `verify_selection` recomputes everything from
the inputs alone and raises `VerificationError` (expected/computed) at the first disagreement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from disarm.errors import BadInput, VerificationError
from disarm.inspect.commit_reveal import Contribution, open_contributions
from disarm.inspect.selection import (
    ALGORITHM,
    Population,
    population_list,
    population_range,
    seed_input,
    select,
)
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint
from disarm.tlog.note import Verifier, split_note

__all__ = [
    "checkpoint_tree_size",
    "make_record",
    "parse_checkpoint",
    "verify_checkpoint",
    "verify_selection",
]


def parse_checkpoint(note: str) -> Checkpoint | None:
    """The C2SP checkpoint in a signed note, or None if the text is not one."""
    try:
        text, _ = split_note(note)
        return Checkpoint.parse(text)
    except BadInput:
        return None


def checkpoint_tree_size(note: str) -> int | None:
    """The tree size of a C2SP checkpoint note, or None if the text is not a checkpoint."""
    checkpoint = parse_checkpoint(note)
    return None if checkpoint is None else checkpoint.size


def verify_checkpoint(note: str, key: str) -> Checkpoint:
    """Verify that the log key signed the checkpoint and parse it (C2SP tlog-checkpoint).

    Raises BadInput for a malformed note or checkpoint, VerificationError for a signature
    that does not verify or is missing.
    """
    checkpoint, _ = open_checkpoint(note, Verifier.from_key_string(key))
    return checkpoint


def _check_checkpoint(note: str, key: str | None, min_tree_size: int | None) -> dict[str, Any]:
    if not note:
        raise BadInput("the checkpoint is empty")
    checkpoint = verify_checkpoint(note, key) if key is not None else parse_checkpoint(note)
    if checkpoint is None:
        # Even unverified, the seed must come from a whole checkpoint: a truncated or foreign
        # text would silently give another selection.
        raise BadInput(
            "the checkpoint is not a signed C2SP checkpoint note (origin, tree size and root "
            "hash lines, a blank line, then signature lines)"
        )
    if min_tree_size is not None and checkpoint.size < min_tree_size:
        raise VerificationError(
            "the checkpoint predates the declaration: its tree is smaller than the log "
            "right after the declaration was committed",
            expected=f"tree size >= {min_tree_size}",
            computed=checkpoint.size,
        )
    return {
        "note": note,
        "sha256": hashlib.sha256(note.encode("utf-8")).hexdigest(),
        "origin": None if checkpoint is None else checkpoint.origin,
        "tree_size": None if checkpoint is None else checkpoint.size,
        "min_tree_size": min_tree_size,
        "key": key,
        "signature_verified": key is not None,
    }


def _population_json(population: Population) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": population.kind,
        "size": population.size,
        "sha256": population.digest().hex(),
    }
    if population.items is not None:
        out["items"] = list(population.items)
    return out


def make_record(
    population: Population,
    k: int,
    checkpoint: str,
    *,
    commitments: Mapping[str, bytes] | None = None,
    reveals: Mapping[str, bytes] | None = None,
    key: str | None = None,
    min_tree_size: int | None = None,
) -> dict[str, Any]:
    """Check the inputs, derive the selection and return its record."""
    cp = _check_checkpoint(checkpoint, key, min_tree_size)
    contributions = open_contributions(commitments or {}, reveals or {})
    pairs = [(c.party, c.reveal) for c in contributions]
    selected = select(population, k, checkpoint.encode("utf-8"), pairs)
    seed = seed_input(population, k, checkpoint.encode("utf-8"), pairs)
    return {
        "algorithm": ALGORITHM,
        "population": _population_json(population),
        "k": k,
        "checkpoint": cp,
        "contributions": [_contribution_json(c) for c in contributions],
        "seed_sha256": hashlib.sha256(seed).hexdigest(),
        "selected": selected,
    }


def _contribution_json(c: Contribution) -> dict[str, str]:
    return {"party": c.party, "commitment": c.commitment.hex(), "reveal": c.reveal.hex()}


def _get(obj: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if name not in obj:
        raise BadInput(f"selection record: {where} has no field {name!r}")
    value = obj[name]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise BadInput(f"selection record: {where}.{name} has the wrong type")
    return value


def _hex(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise BadInput(f"selection record: {where} must be a hex string")
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise BadInput(f"selection record: {where} is not valid hex") from exc


def _same(what: str, expected: Any, computed: Any) -> None:
    if expected != computed:
        raise VerificationError(
            f"selection record: {what} does not match", expected=expected, computed=computed
        )


def verify_selection(
    record: Mapping[str, Any],
    *,
    trusted_key: str | None = None,
    min_tree_size: int | None = None,
) -> dict[str, Any]:
    """Re-derive a selection from its published inputs; return the recomputed record.

    A record is only self-consistent on its own: its checkpoint key and its minimum tree
    size are the publisher's claims. A verifier who knows the log's key passes it as
    ``trusted_key`` (the checkpoint must then be signed by it, whatever the record says), and
    one who knows the log size right after the declaration passes ``min_tree_size``.

    Raises BadInput for a malformed record and VerificationError when a published value
    (population hash, commitment, checkpoint signature, seed, selection) disagrees.
    """
    if not isinstance(record, Mapping):
        raise BadInput("selection record must be a JSON object")
    algorithm = _get(record, "algorithm", str, "record")
    if algorithm != ALGORITHM:
        raise BadInput(f"selection record: unknown algorithm {algorithm!r} (know {ALGORITHM})")
    pop = _get(record, "population", Mapping, "record")
    kind = _get(pop, "kind", str, "population")
    size = _get(pop, "size", int, "population")
    population: Population
    if kind == "range":
        population = population_range(size)
    elif kind == "list":
        items = _get(pop, "items", list, "population")
        population = population_list(items, source="selection record")
        _same("population size", size, population.size)
        if list(population.items or ()) != items:
            raise BadInput("selection record: population items are not in canonical order")
    else:
        raise BadInput(f"selection record: population kind must be range or list, got {kind!r}")
    _same("population sha256", _get(pop, "sha256", str, "population"), population.digest().hex())
    k = _get(record, "k", int, "record")
    cp = _get(record, "checkpoint", Mapping, "record")
    note = _get(cp, "note", str, "checkpoint")
    key = cp.get("key")
    if key is not None and not isinstance(key, str):
        raise BadInput("selection record: checkpoint.key must be a string or null")
    claimed_verified = _get(cp, "signature_verified", bool, "checkpoint")
    if claimed_verified and key is None:
        raise BadInput("selection record: checkpoint claims a verified signature but has no key")
    claimed_min = cp.get("min_tree_size")
    if claimed_min is not None and (
        isinstance(claimed_min, bool) or not isinstance(claimed_min, int)
    ):
        raise BadInput("selection record: checkpoint.min_tree_size must be an integer or null")
    entries = _get(record, "contributions", list, "record")
    commitments: dict[str, bytes] = {}
    reveals: dict[str, bytes] = {}
    for i, entry in enumerate(entries):
        where = f"contributions[{i}]"
        if not isinstance(entry, Mapping):
            raise BadInput(f"selection record: {where} must be an object")
        party = _get(entry, "party", str, where)
        if party in reveals:
            raise BadInput(f"selection record: party {party!r} appears twice")
        commitments[party] = _hex(_get(entry, "commitment", str, where), f"{where}.commitment")
        reveals[party] = _hex(_get(entry, "reveal", str, where), f"{where}.reveal")
    if trusted_key is not None:
        # The verifier's own key decides; a record signed by another key fails here.
        _check_checkpoint(note, trusted_key, min_tree_size)
    if min_tree_size is not None:
        _check_checkpoint(note, None, min_tree_size)
    recomputed = make_record(
        population,
        k,
        note,
        commitments=commitments,
        reveals=reveals,
        key=key if claimed_verified else None,
        min_tree_size=claimed_min,
    )
    _same(
        "checkpoint sha256",
        _get(cp, "sha256", str, "checkpoint"),
        recomputed["checkpoint"]["sha256"],
    )
    _same("seed", _get(record, "seed_sha256", str, "record"), recomputed["seed_sha256"])
    _same("selection", _get(record, "selected", list, "record"), recomputed["selected"])
    return recomputed
