"""The canonical-JSON fast path writes exactly the bytes of the `rfc8785` reference."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.crypto import canonical as canonical_module
from disarm.crypto.canonical import MAX_DEPTH, SAFE_INTEGER, canonical
from disarm.crypto.commitments import Item, Leaf, canonical_leaf
from disarm.crypto.statements import SignedStatement, Statement
from disarm.errors import BadInput

# Every code point, lone surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=12)
INTS = st.one_of(
    st.integers(-(2**64), 2**64),
    st.sampled_from([SAFE_INTEGER, SAFE_INTEGER + 1, -SAFE_INTEGER, -SAFE_INTEGER - 1, 0, -1]),
)
SCALARS = st.one_of(st.none(), st.booleans(), INTS, ANY_TEXT, st.floats(allow_nan=False))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(ANY_TEXT, inner, max_size=4),
    ),
    max_leaves=20,
)


def reference_or_error(value: Any) -> bytes | None:
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, UnicodeError):  # rfc8785 0.1.4: surrogate keys
        return None


def check(value: Any) -> None:
    expected = reference_or_error(value)
    if expected is None:
        with pytest.raises(BadInput):
            canonical(value)
    else:
        assert canonical(value) == expected


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_value_matches_rfc8785(value: Any) -> None:
    check(value)


PRINTABLE = st.text(min_size=1, max_size=30)
STATEMENTS = st.builds(
    Statement,
    type=st.sampled_from(["declaration.count", "escrow.commit", "key.register"]),
    issuer=PRINTABLE,
    key_id=st.text("0123456789abcdef", min_size=32, max_size=32),
    seq=st.integers(0, 2**60),
    prev=st.one_of(st.none(), st.text("0123456789abcdef", min_size=64, max_size=64)),
    time=st.just("2026-01-01T00:00:00Z"),
    payload=st.dictionaries(st.text(max_size=10), VALUES, max_size=5),
)


@settings(max_examples=150, deadline=None)
@given(STATEMENTS, st.binary(min_size=64, max_size=64))
def test_statements_match_rfc8785(statement: Statement, signature: bytes) -> None:
    check(statement.to_json())
    check(SignedStatement(statement, signature).to_json())


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT, ANY_TEXT, st.booleans())
def test_leaves_match_rfc8785(a: str, b: str, c: str, d: str, dummy: bool) -> None:
    leaf = Leaf(c) if dummy else Leaf(c, Item(a, b, c, d))
    expected = reference_or_error(leaf.to_json())
    if expected is None:
        with pytest.raises(BadInput):
            canonical_leaf(leaf)
    else:
        assert canonical_leaf(leaf) == expected


def test_the_project_shapes_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Statements and leaves as the project writes them never reach the slow reference."""

    def slow(value: Any) -> bytes:
        raise AssertionError(f"reference path taken for {value!r}")

    monkeypatch.setattr(canonical_module, "reference", slow)
    statement = Statement(
        "escrow.commit",
        "STATE-A",
        "ab" * 16,
        3,
        "cd" * 32,
        "2026-01-01T00:00:00Z",
        {"root": "ef" * 32, "counts": {"warhead": 12}, "regions": ["R1", "R2"]},
    )
    assert canonical(SignedStatement(statement, bytes(64)).to_json()).startswith(b'{"signature":')
    assert canonical_leaf(Leaf("R1", Item("ITEM-1", "warhead", "R1", "stored"))) == (
        b'{"item":{"category":"warhead","id":"ITEM-1","region":"R1","status":"stored"}}'
    )


def test_edges_take_the_reference_path() -> None:
    """Floats, big integers, non-ASCII keys and deep nesting: the reference's bytes or refusal."""
    check({"f": 1.0, "g": 1e21, "h": 0.1})
    check({"\U0001f600": 1, "\ue000": 2})  # UTF-16 order differs from code point order here
    check([SAFE_INTEGER + 1])
    deep: Any = "x"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    check(deep)
    with pytest.raises(BadInput):
        canonical("\ud800")
    with pytest.raises(BadInput):
        canonical({1: "non-string key"})
