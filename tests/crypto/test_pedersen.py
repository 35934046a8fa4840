from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disarm.crypto import pedersen
from disarm.crypto.hazmat import ed25519_group as grp
from disarm.errors import BadInput

from .helpers import seeded

counts = st.lists(st.integers(0, 10**6), min_size=1, max_size=12)


def _commit_all(values: list[int], seed: int) -> tuple[list[bytes], list[pedersen.Opening]]:
    rnd = seeded(seed)
    openings = [pedersen.new_opening(v, rnd) for v in values]
    return [pedersen.commit(o.value, o.blinding) for o in openings], openings


@given(counts, st.integers(0, 2**32))
def test_sum_check_passes_for_honest_inputs(values: list[int], seed: int) -> None:
    commitments, openings = _commit_all(values, seed)
    pedersen.verify_sum(commitments, sum(values), pedersen.blinding_sum(openings))
    for c, o in zip(commitments, openings, strict=True):
        pedersen.verify_opening(c, o)


@given(counts, st.integers(0, 2**32), st.data())
def test_sum_check_fails_when_any_regional_count_is_altered(
    values: list[int], seed: int, data: st.DataObject
) -> None:
    commitments, openings = _commit_all(values, seed)
    k = data.draw(st.integers(0, len(values) - 1))
    delta = data.draw(st.integers(-values[k], 1000).filter(lambda d: d != 0))
    altered = pedersen.commit(values[k] + delta, openings[k].blinding)
    forged = [*commitments[:k], altered, *commitments[k + 1 :]]
    with pytest.raises(pedersen.PedersenError):
        pedersen.verify_sum(forged, sum(values), pedersen.blinding_sum(openings))
    with pytest.raises(pedersen.PedersenError):
        pedersen.verify_opening(
            commitments[k], pedersen.Opening(values[k] + delta, openings[k].blinding)
        )


@given(counts, st.integers(0, 2**32), st.integers(1, 50))
def test_sum_check_fails_for_a_wrong_total(values: list[int], seed: int, delta: int) -> None:
    commitments, openings = _commit_all(values, seed)
    with pytest.raises(pedersen.PedersenError):
        pedersen.verify_sum(commitments, sum(values) + delta, pedersen.blinding_sum(openings))


def test_commitments_hide_equal_values() -> None:
    rnd = random.Random(3).randbytes
    a, b = pedersen.new_opening(5, rnd), pedersen.new_opening(5, rnd)
    assert pedersen.commit(a.value, a.blinding) != pedersen.commit(b.value, b.blinding)


def test_zero_counts_and_zero_blinding() -> None:
    assert pedersen.commit(0, grp.ZERO) == grp.IDENTITY
    pedersen.verify_sum([pedersen.commit(0, grp.ZERO)], 0, grp.ZERO)


def test_generators_are_distinct_valid_points() -> None:
    g = grp.base_mul(grp.scalar_from_int(1))
    assert grp.check_point(pedersen.H) == pedersen.H
    assert g != pedersen.H
    assert grp.hash_to_point(pedersen.H_DOMAIN) == pedersen.H


def test_group_laws_through_libsodium() -> None:
    a, b = grp.scalar_from_int(11), grp.scalar_from_int(31)
    assert grp.point_add(grp.base_mul(a), grp.base_mul(b)) == grp.base_mul(grp.scalar_add(a, b))
    assert grp.scalar_add(grp.scalar_from_int(grp.L - 1), grp.scalar_from_int(2)) == (
        grp.scalar_from_int(1)
    )


@pytest.mark.parametrize("bad", ["00" * 32, "zz", "01" * 16, grp.IDENTITY.hex()])
def test_invalid_commitments_are_rejected(bad: str) -> None:
    with pytest.raises(BadInput):
        pedersen.decode_commitment(bad)


def test_out_of_range_values() -> None:
    with pytest.raises(BadInput):
        pedersen.commit(-1, grp.ZERO)
    with pytest.raises(BadInput):
        pedersen.commit(2**64, grp.ZERO)
    with pytest.raises(grp.GroupError):
        grp.check_scalar(grp.L.to_bytes(32, "little"))
