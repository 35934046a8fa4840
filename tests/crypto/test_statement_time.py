"""Statement times: canonical ISO 8601 UTC, and never earlier along one issuer's chain.

An issuer must not be able to backdate a statement behind one it already published (say, a
declaration dated before the checkpoint that seeded an inspection selection).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.crypto.registry import Registry
from disarm.crypto.statements import (
    Reason,
    SignedStatement,
    Statement,
    StatementRejected,
    check_time,
    decode,
    key_id,
    parse_time,
    sign,
)
from disarm.errors import BadInput

from .helpers import T0, Chain, bootstrap, key, pub

LATER = "2026-03-01T12:00:00Z"
EARLIER = "2025-12-31T23:59:59Z"


def _rejected(reg: Registry, signed: SignedStatement) -> StatementRejected:
    with pytest.raises(StatementRejected) as info:
        reg.check(signed)
    return info.value


def test_a_backdated_statement_is_rejected_as_time_regression() -> None:
    reg, _, sc = bootstrap()
    reg.apply(sc.make("declaration.commit", {"n": 1}, time=LATER))
    backdated = sc.make("declaration.commit", {"n": 2}, time=EARLIER)
    exc = _rejected(reg, backdated)
    assert exc.reason is Reason.TIME_REGRESSION
    assert exc.expected == f">= {LATER}" and exc.computed == EARLIER
    assert "[time-regression]" in exc.message and "STATE-A" in exc.message
    # Rejection changes nothing: the chain still expects seq 1 after the LATER statement.
    assert reg.next_position("STATE-A")[0] == 1
    assert reg.parties["STATE-A"].last_time == LATER


def test_one_second_earlier_is_enough_to_be_rejected() -> None:
    reg, _, sc = bootstrap()
    reg.apply(sc.make("declaration.commit", {}, time="2026-05-01T10:00:00Z"))
    signed = sc.make("declaration.commit", {}, time="2026-05-01T09:59:59Z")
    assert _rejected(reg, signed).reason is Reason.TIME_REGRESSION


def test_equal_times_are_allowed_for_batches_and_later_times_are_accepted() -> None:
    reg, _, sc = bootstrap()
    for _ in range(3):
        reg.apply(sc.make("declaration.reveal", {}, time=T0))
    reg.apply(sc.make("declaration.reveal", {}, time=LATER))
    reg.apply(sc.make("declaration.reveal", {}, time=LATER))
    assert reg.parties["STATE-A"].seq == 4


def test_times_compare_as_instants_not_as_strings() -> None:
    # As strings "...00.5Z" < "...00Z" ('.' < 'Z'), yet it is half a second later.
    reg, _, sc = bootstrap()
    reg.apply(sc.make("declaration.commit", {}, time="2026-02-01T00:00:00Z"))
    reg.apply(sc.make("declaration.commit", {}, time="2026-02-01T00:00:00.5Z"))
    back = sc.make("declaration.commit", {}, time="2026-02-01T00:00:00Z")
    assert _rejected(reg, back).reason is Reason.TIME_REGRESSION


def test_the_order_holds_per_issuer_not_across_issuers() -> None:
    reg, ic, sc = bootstrap()  # the inspectorate's statements are dated T0
    reg.apply(sc.make("declaration.commit", {}, time=LATER))
    # Another issuer may still log a statement dated before STATE-A's.
    reg.apply(ic.make("programme.phase", {}, time=T0))
    assert reg.parties["IAEA-X"].seq == 2


def test_the_chain_order_survives_a_key_rotation() -> None:
    reg, _, sc = bootstrap()
    new = key(5)
    reg.apply(sc.make("registry.rotate", {"new_public_key": pub(new).hex()}, time=LATER))
    backdated = sc.make("declaration.commit", {}, key=new, time=EARLIER)
    assert _rejected(reg, backdated).reason is Reason.TIME_REGRESSION


def test_a_backdated_replay_is_still_reported_as_a_replay() -> None:
    reg, _, sc = bootstrap()
    first = sc.make("declaration.commit", {}, time=T0)
    reg.apply(first)
    reg.apply(sc.make("declaration.commit", {}, time=LATER))
    assert _rejected(reg, first).reason is Reason.REPLAY


def test_replaying_a_log_with_a_backdated_statement_fails_there() -> None:
    insp, state = key(1), key(2)
    ic = Chain("IAEA-X", insp)
    entries = [
        ic.make(
            "registry.genesis",
            {"party": "IAEA-X", "role": "inspectorate", "public_key": pub(insp).hex()},
        ).encode(),
        ic.make(
            "registry.register",
            {"party": "STATE-A", "role": "state", "public_key": pub(state).hex()},
            time=LATER,
        ).encode(),
        ic.make("inspection.select", {}, time=EARLIER).encode(),
    ]
    with pytest.raises(StatementRejected) as info:
        Registry.replay(entries, pub(insp))
    assert info.value.reason is Reason.TIME_REGRESSION
    assert Registry.replay(entries[:2], pub(insp)).parties["IAEA-X"].last_time == LATER


@pytest.mark.parametrize(
    "time",
    [
        "2026-01-01T00:00:00",  # no zone
        "2026-01-01T00:00:00z",  # lower-case zone
        "2026-01-01T00:00:00+00:00",  # offset instead of Z
        "2026-01-01 00:00:00Z",  # space separator
        "2026-01-01T00:00Z",  # no seconds
        "20260101T000000Z",  # basic format
        "2026-01-01T00:00:00Z\n",  # trailing newline ($ would accept it)
        " 2026-01-01T00:00:00Z",
        "２０２６-01-01T00:00:00Z",  # full-width digits (\\d would accept them)
        "2026-01-01T00:00:0٠Z",  # Arabic-Indic digit
        "2026-13-01T00:00:00Z",  # month 13
        "2026-02-30T00:00:00Z",  # 30 February
        "2026-01-01T24:00:00Z",
        "2026-01-01T23:60:00Z",
        "2026-12-31T23:59:60Z",  # leap second: not representable, two spellings of one instant
        "0000-01-01T00:00:00Z",
        "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00.50Z",  # trailing zero: same instant as .5
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:00:00.1234567Z",  # beyond microseconds
    ],
)
def test_non_canonical_times_are_bad_input(time: str) -> None:
    with pytest.raises(BadInput, match="invalid time"):
        check_time(time)


def test_a_non_canonical_time_is_refused_when_signing_and_decoding() -> None:
    k = key(3)
    st_ = Statement("declaration.commit", "STATE-A", key_id(pub(k)), 0, None, T0, {})
    good = sign(st_, k)
    bad = dataclasses.replace(st_, time="2026-01-01T00:00:00.000Z")
    with pytest.raises(BadInput, match="invalid time"):
        sign(bad, k)
    forged = SignedStatement(bad, good.signature).encode()
    with pytest.raises(BadInput, match="invalid time"):
        decode(forged)


@pytest.mark.parametrize(
    "time", ["2026-01-31T12:00:00Z", "2028-02-29T23:59:59Z", "2026-01-01T00:00:00.5Z"]
)
def test_canonical_times_are_accepted(time: str) -> None:
    assert check_time(time) == time


def _canonical(t: dt.datetime) -> str:
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{t.microsecond:06d}".rstrip("0")
    return f"{text}.{frac}Z" if frac else f"{text}Z"


instants = st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31))


@given(instants, instants)
def test_canonical_spelling_round_trips_and_orders_like_the_instants(
    a: dt.datetime, b: dt.datetime
) -> None:
    ta, tb = _canonical(a), _canonical(b)
    assert parse_time(ta) == a.replace(tzinfo=dt.UTC)
    assert (parse_time(ta) < parse_time(tb)) == (a < b)
    reg, _, sc = bootstrap()
    reg.apply(sc.make("declaration.commit", {}, time=ta))
    later = sc.make("declaration.commit", {}, time=tb)
    if b < a:
        assert _rejected(reg, later).reason is Reason.TIME_REGRESSION
    else:
        reg.check(later)
