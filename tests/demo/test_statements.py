from __future__ import annotations

import pydantic
import pytest

from disarm.crypto.registry import ALLOWED_TYPES, Role, allowed
from disarm.demo import statements as S
from disarm.demo.rounds import _values

ISSUER = {
    "declaration.aggregates": Role.STATE,
    "declaration.contribution": Role.STATE,
}


def test_every_payload_model_is_frozen_and_strict() -> None:
    for type_, model in S.PAYLOADS.items():
        assert model.model_config.get("frozen") is True, type_
        assert model.model_config.get("extra") == "forbid", type_
        assert model.__doc__ and type_ in model.__doc__, type_


def test_every_type_may_be_issued_by_its_role() -> None:
    assert ALLOWED_TYPES  # the registry's table is the authority
    for type_ in S.PAYLOADS:
        assert allowed(ISSUER.get(type_, Role.INSPECTORATE), type_), type_


def test_unknown_fields_and_bad_values_are_rejected() -> None:
    ok = {"round": 0, "aggregates": {"index": 3, "hash": "a" * 64}, "reveal": "ab" * 32}
    S.parse_payload("declaration.contribution", ok)
    with pytest.raises(pydantic.ValidationError):
        S.parse_payload("declaration.contribution", {**ok, "extra": 1})
    with pytest.raises(pydantic.ValidationError):
        S.parse_payload("declaration.contribution", {**ok, "reveal": "ab" * 8})  # < 128 bits
    with pytest.raises(pydantic.ValidationError):
        S.parse_payload(
            "declaration.contribution", {**ok, "aggregates": {"index": -1, "hash": "a" * 64}}
        )


def test_layout_names_are_consistent() -> None:
    assert all(f.startswith(S.DATA_DIR + "/") for f in S.CSV_FILES)
    assert all(f.startswith(S.KEYS_DIR + "/") for f in (S.TRUST_ANCHOR_FILE, S.LOG_KEY_FILE))
    assert len(S.WITNESS_KEY_FILES) == len(S.WITNESSES) >= S.WITNESS_QUORUM
    assert set(S.ITEM_BACKED.values()) <= {
        tuple(c for c in S.ITEM_CATEGORIES if c in parts) for parts in S.ITEM_BACKED.values()
    }
    assert "dismantled" not in S.LIVE_CATEGORIES


def test_declaration_categories_are_the_keys_the_demo_declares_in_order() -> None:
    cats = S.DECLARATION_CATEGORIES
    assert len(set(cats)) == len(cats)
    assert cats[: len(S.ITEM_BACKED)] == tuple(S.ITEM_BACKED)
    for counts in ({}, {"deployed": 3, "stored": 2, "dismantled": 1}):
        assert tuple(_values(counts)) == cats
