from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.errors import BadInput
from disarm.model.quantity import Qualifier, Quantity, parse_quantity


@pytest.mark.parametrize(
    ("text", "qualifier", "central", "low", "high"),
    [
        ("1550", Qualifier.EXACT, 1550, 1550, 1550),
        ("0", Qualifier.EXACT, 0, 0, 0),
        (" 42 ", Qualifier.EXACT, 42, 42, 42),
        ("130-140", Qualifier.RANGE, 135, 130, 140),
        ("60 - 75", Qualifier.RANGE, 67.5, 60, 75),
        ("10–20", Qualifier.RANGE, 15, 10, 20),
        ("~5600", Qualifier.APPROX, 5600, None, None),
        ("≈180", Qualifier.APPROX, 180, None, None),
        ("<10", Qualifier.LESS, 10, None, 10),
        ("<=10", Qualifier.LESS_EQUAL, 10, None, 10),
        ("≤10", Qualifier.LESS_EQUAL, 10, None, 10),
        (">10", Qualifier.GREATER, 10, 10, None),
        (">=10", Qualifier.GREATER_EQUAL, 10, 10, None),
        ("≥10", Qualifier.GREATER_EQUAL, 10, 10, None),
        ("2.5", Qualifier.EXACT, 2.5, 2.5, 2.5),
    ],
)
def test_every_qualifier_form(
    text: str, qualifier: Qualifier, central: float, low: float | None, high: float | None
) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert q.qualifier is qualifier
    assert q.central == central
    assert (q.low, q.high) == (low, high)
    assert q.is_exact is (qualifier is Qualifier.EXACT)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_cell_is_missing_not_zero(text: str | None) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    "text", ["abc", "5,600", "-5", "140-130", "~", "<", "1e3", "12 warheads", "~~5", "10-", "٣"]
)
def test_malformed_value_names_the_text(text: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_quantity(text, where="f.csv line 3 column x")
    assert repr(text) in err.value.message
    assert err.value.source == "f.csv line 3 column x"


def test_text_is_canonical_and_round_trips() -> None:
    for text in ["1550", "130-140", "~5600", "<10", "≤10", ">10", "≥10"]:
        q = parse_quantity(text)
        assert q is not None
        assert q.text == text == str(q)
        assert parse_quantity(q.text) == q
    assert parse_quantity("<=10") == parse_quantity("≤10")


def test_as_int_only_for_exact_counts() -> None:
    assert Quantity.exact(7).as_int() == 7
    with pytest.raises(BadInput):
        Quantity.approx(7).as_int()
    with pytest.raises(BadInput):
        Quantity.range(1, 3).as_int()


def test_range_invariant_and_frozen() -> None:
    with pytest.raises(BadInput):
        Quantity(Qualifier.RANGE, 5, 6, 4)
    q = Quantity.exact(1)
    with pytest.raises(AttributeError):
        q.central = 2  # type: ignore[misc]


def test_to_json_shape() -> None:
    q = parse_quantity("130-140")
    assert q is not None
    assert q.to_json() == {
        "text": "130-140",
        "qualifier": "range",
        "value": 135,
        "low": 130,
        "high": 140,
    }


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**6))
def test_range_midpoint_property(low: int, width: int) -> None:
    q = parse_quantity(f"{low}-{low + width}")
    assert q is not None
    assert q.low == low and q.high == low + width
    assert q.central == pytest.approx((2 * low + width) / 2)
    assert q.low <= q.central <= q.high


@given(st.text(max_size=12))
def test_any_text_parses_or_raises_bad_input(text: str) -> None:
    try:
        q = parse_quantity(text)
    except BadInput as exc:
        assert repr(text) in exc.message
    else:
        assert q is None or parse_quantity(q.text) == q


@given(
    st.sampled_from(["", "~", "<", ">", "≤", "≥", "<=", ">="]),
    st.integers(min_value=0, max_value=10**12),
)
def test_prefixed_forms_round_trip(prefix: str, n: int) -> None:
    q = parse_quantity(f"{prefix}{n}")
    assert q is not None and q.central == n
    assert parse_quantity(q.text) == q
