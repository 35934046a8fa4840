from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from disarm.demo.drbg import Drbg, Stream


@given(st.integers(0, 2**64 - 1), st.text(max_size=20), st.integers(1, 10_000))
def test_below_stays_in_range_and_is_reproducible(seed: int, name: str, r: int) -> None:
    a, b = Stream(seed, name), Stream(seed, name)
    xs = [a.below(r) for _ in range(20)]
    assert xs == [b.below(r) for _ in range(20)]
    assert all(0 <= x < r for x in xs)


@given(st.integers(0, 2**64 - 1), st.lists(st.text(max_size=5), max_size=30))
def test_shuffled_is_a_permutation(seed: int, values: list[str]) -> None:
    out = Stream(seed, "s").shuffled(values)
    assert sorted(out) == sorted(values)


@given(st.integers(0, 2**64 - 1))
def test_streams_are_independent_of_each_others_use(seed: int) -> None:
    d1, d2 = Drbg(seed), Drbg(seed)
    d1.stream("salts").random(1000)  # using one stream does not move another
    assert d1.stream("items").random(64) == d2.stream("items").random(64)
    assert d1.stream("items").random(64) != Drbg(seed ^ 1).stream("items").random(64)


def test_reads_are_a_prefix_stable_stream() -> None:
    whole = Stream(3, "x").random(10_000)
    s = Stream(3, "x")
    parts = b"".join(s.random(n) for n in (1, 4095, 1, 5000, 903))
    assert parts == whole
