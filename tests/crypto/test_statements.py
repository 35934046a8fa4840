from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.crypto.statements import (
    Reason,
    Statement,
    StatementRejected,
    canonical,
    decode,
    key_id,
    sign,
    verify_signature,
)
from disarm.errors import BadInput

from .helpers import T0, key, pub


def _statement(**kw: object) -> Statement:
    k = key(3)
    fields: dict[str, object] = {
        "type": "declaration.commit",
        "issuer": "STATE-A",
        "key_id": key_id(pub(k)),
        "seq": 0,
        "prev": None,
        "time": T0,
        "payload": {"b": 1, "a": [1, "x"]},
    }
    fields.update(kw)
    return Statement(**fields)  # type: ignore[arg-type]


def test_encoding_is_rfc8785_canonical_and_round_trips() -> None:
    signed = sign(_statement(), key(3))
    data = signed.encode()
    assert data == canonical(json.loads(data))
    assert data.startswith(b'{"signature":')
    back = decode(data)
    assert back == signed
    assert back.hash == signed.hash
    verify_signature(back, pub(key(3)))


def test_non_canonical_bytes_are_rejected() -> None:
    data = sign(_statement(), key(3)).encode()
    pretty = json.dumps(json.loads(data), indent=1).encode()
    with pytest.raises(BadInput, match="canonical"):
        decode(pretty)


def test_tampered_payload_fails_signature() -> None:
    signed = sign(_statement(), key(3))
    obj = json.loads(signed.encode())
    obj["statement"]["payload"]["b"] = 2
    tampered = decode(canonical(obj))
    with pytest.raises(StatementRejected) as info:
        verify_signature(tampered, pub(key(3)))
    assert info.value.reason is Reason.BAD_SIGNATURE


def test_signing_with_the_wrong_key_is_refused() -> None:
    with pytest.raises(BadInput, match="signing key"):
        sign(_statement(), key(4))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time", "2026-01-01 00:00:00"),
        ("time", "2026-01-01T00:00:00+01:00"),
        ("issuer", "bad party"),
        ("type", "Declaration"),
        ("seq", -1),
        ("prev", "zz"),
    ],
)
def test_field_validation(field: str, value: object) -> None:
    with pytest.raises(BadInput):
        sign(_statement(**{field: value}), key(3))


@pytest.mark.parametrize("data", [b"", b"[]", b'{"signature":"00"}', b"\xff"])
def test_garbage_is_not_a_statement(data: bytes) -> None:
    with pytest.raises(BadInput):
        decode(data)


def test_deeply_nested_entries_are_bad_input_not_a_crash() -> None:
    deep = b'{"signature":"00","statement":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    with pytest.raises(BadInput):
        decode(deep)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=5), st.data())
def test_any_payload_round_trips_and_any_flipped_byte_is_caught(
    payload: dict[str, object], data: st.DataObject
) -> None:
    signed = sign(_statement(payload=payload), key(3))
    encoded = signed.encode()
    assert decode(encoded) == signed
    i = data.draw(st.integers(0, len(encoded) - 1))
    bit = data.draw(st.integers(0, 7))
    mutated = bytearray(encoded)
    mutated[i] ^= 1 << bit
    try:
        tampered = decode(bytes(mutated))
    except BadInput:
        return
    with pytest.raises(StatementRejected) as info:
        verify_signature(tampered, pub(key(3)))
    assert info.value.reason in (Reason.BAD_SIGNATURE, Reason.UNKNOWN_KEY)
