"""Verifiable random selection: the algorithm, its uniformity, and its negative control."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from disarm.errors import BadInput
from disarm.inspect.selection import (
    ByteStream,
    draw_positions,
    population_list,
    population_range,
    seed_input,
    select,
    uniform_below,
)


def _f(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def reference_select(items: list[str], k: int, checkpoint: bytes) -> list[str]:
    """An independent, naive reimplementation of docs/inspections.md (list population)."""
    ordered = sorted(items, key=lambda s: s.encode())
    n = len(ordered)
    pop_hash = hashlib.sha256(
        _f(b"disarm/select/v1/population/list")
        + _f(n.to_bytes(8, "big"))
        + b"".join(_f(s.encode()) for s in ordered)
    ).digest()
    seed = (
        _f(b"disarm/select/v1/seed")
        + _f(pop_hash)
        + _f(n.to_bytes(8, "big"))
        + _f(k.to_bytes(8, "big"))
        + _f(checkpoint)
        + _f((0).to_bytes(8, "big"))
    )
    stream = hashlib.shake_256(seed).digest(1 << 16)
    pos = 0
    arr = list(ordered)
    for i in range(k):
        r = n - i
        if r == 1:
            x = 0
        else:
            bits = (r - 1).bit_length()
            nb = (bits + 7) // 8
            while True:
                x = int.from_bytes(stream[pos : pos + nb], "big") % (1 << bits)
                pos += nb
                if x < r:
                    break
        j = i + x
        arr[i], arr[j] = arr[j], arr[i]
    return arr[:k]


def test_matches_independent_reimplementation() -> None:
    items = [f"warhead-{i:03d}" for i in range(300)] + ["Ω-7", "a", "B"]
    for t in range(50):
        cp = f"checkpoint {t}\n".encode()
        assert select(population_list(items), 17, cp) == reference_select(items, 17, cp)


def test_golden_vector() -> None:
    # Published in docs/inspections.md so that other implementations can check themselves.
    pop = population_range(1000)
    assert pop.digest().hex() == (
        "20fab6a9bc21f58e39980cde851575bd6be2a312516036f1cef351b8a07b848f"
    )
    seed = seed_input(pop, 5, b"example checkpoint\n", [])
    assert hashlib.sha256(seed).hexdigest() == (
        "3acdc14224ddb01f30d8a91476c5306aec20f88035e6f667d0a04a176ed9ac46"
    )
    # First SHAKE-256 bytes 0x0b34: 10 low bits = 820 < 1000, so the first draw is item 821.
    assert hashlib.shake_256(seed).digest(2) == bytes.fromhex("0b34")
    assert select(pop, 5, b"example checkpoint\n") == [821, 500, 165, 978, 120]
    listed = population_list(["w3", "w1", "w2", "w10"])
    assert listed.items == ("w1", "w10", "w2", "w3")
    assert select(listed, 2, b"example checkpoint\n", [("A", bytes(16))]) == ["w10", "w1"]


def test_population_order_does_not_matter() -> None:
    items = ["c", "a", "b", "d"]
    assert select(population_list(items), 3, b"x") == select(
        population_list(sorted(items)), 3, b"x"
    )


def test_every_input_changes_the_seed() -> None:
    pop = population_range(100)
    base = seed_input(pop, 5, b"cp", [("A", b"a" * 16)])
    assert seed_input(population_range(101), 5, b"cp", [("A", b"a" * 16)]) != base
    assert seed_input(pop, 6, b"cp", [("A", b"a" * 16)]) != base
    assert seed_input(pop, 5, b"cq", [("A", b"a" * 16)]) != base
    assert seed_input(pop, 5, b"cp", [("B", b"a" * 16)]) != base
    assert seed_input(pop, 5, b"cp", [("A", b"c" * 16)]) != base
    assert seed_input(pop, 5, b"cp", []) != base


def test_uniform_below_rejects_rather_than_reduces() -> None:
    # r = 5 needs 3 bits; the stream's first byte 0xFF gives 7 (rejected), 0x02 gives 2.
    class Fixed(ByteStream):
        def __init__(self, data: bytes) -> None:
            self._data, self._i = data, 0

        def read(self, count: int) -> bytes:
            out = self._data[self._i : self._i + count]
            self._i += count
            return out

    assert uniform_below(Fixed(bytes([0xFF, 0x02])), 5) == 2
    assert uniform_below(Fixed(b""), 1) == 0


@pytest.mark.parametrize("k", [-1, 11])
def test_bad_k(k: int) -> None:
    with pytest.raises(BadInput):
        select(population_range(10), k, b"cp")


@pytest.mark.parametrize("n", [0, -3, 2.5, "7", True])
def test_bad_population_size(n: object) -> None:
    with pytest.raises(BadInput):
        population_range(n)


@pytest.mark.parametrize("items", [[], ["a", "a"], ["", "b"], [" a"], ["a\tb"], ["x" * 2000]])
def test_bad_population_list(items: list[str]) -> None:
    with pytest.raises(BadInput):
        population_list(items)


@settings(max_examples=60, deadline=None)
@given(
    items=st.sets(
        st.text(
            st.characters(min_codepoint=0x21, max_codepoint=0x2FF, exclude_categories=("Zs", "Cc")),
            min_size=1,
            max_size=8,
        ),
        min_size=1,
        max_size=40,
    ),
    data=st.data(),
    cp=st.binary(max_size=64),
)
def test_selection_is_a_deterministic_k_subset(
    items: set[str], data: st.DataObject, cp: bytes
) -> None:
    k = data.draw(st.integers(0, len(items)))
    pop = population_list(items)
    got = select(pop, k, cp)
    assert len(got) == k == len(set(got))
    assert set(got) <= items
    assert got == select(pop, k, cp)


# ------------------------------------------------------------------ uniformity (chi-square)
#
# Seeds are fixed (checkpoint i for i = 0..draws-1), so these tests are deterministic; they
# still fail for a biased selector, as the negative control shows with the same sizes.


def biased_draw(stream: ByteStream, n: int, k: int) -> list[int]:
    """The same partial Fisher–Yates, but with one byte reduced modulo r (modulo bias)."""
    arr = list(range(n))
    for i in range(k):
        j = i + stream.read(1)[0] % (n - i)
        arr[i], arr[j] = arr[j], arr[i]
    return arr[:k]


def fair_draw(stream: ByteStream, n: int, k: int) -> list[int]:
    return draw_positions(stream, n, k)


def _single_counts(draw, n: int, draws: int) -> list[int]:  # type: ignore[no-untyped-def]
    counts = Counter(draw(ByteStream(b"single %d" % t), n, 1)[0] for t in range(draws))
    return [counts[i] for i in range(n)]


def _pair_counts(draw, n: int, draws: int) -> list[int]:  # type: ignore[no-untyped-def]
    counts = Counter(frozenset(draw(ByteStream(b"pair %d" % t), n, 2)) for t in range(draws))
    return [counts[frozenset(p)] for p in itertools.combinations(range(n), 2)]


# N = 160: a byte reduced modulo 160 gives 96 values twice the weight of the other 64.
SINGLE_N, SINGLE_DRAWS = 160, 16_000
# N = 100, k = 2: 4,950 unordered pairs, 10 expected per pair; a byte modulo 100 gives
# 56 values weight 3/256 and 44 values weight 2/256.
PAIR_N, PAIR_DRAWS = 100, 49_500


def test_single_draws_are_uniform() -> None:
    p = chisquare(_single_counts(fair_draw, SINGLE_N, SINGLE_DRAWS)).pvalue
    assert p > 0.001


def test_pair_inclusion_is_uniform() -> None:
    p = chisquare(_pair_counts(fair_draw, PAIR_N, PAIR_DRAWS)).pvalue
    assert p > 0.001


def test_negative_control_modulo_bias_fails_single_draws() -> None:
    p = chisquare(_single_counts(biased_draw, SINGLE_N, SINGLE_DRAWS)).pvalue
    assert p < 1e-6


def test_negative_control_modulo_bias_fails_pair_inclusion() -> None:
    p = chisquare(_pair_counts(biased_draw, PAIR_N, PAIR_DRAWS)).pvalue
    assert p < 1e-6


def test_three_subsets_are_uniform() -> None:
    # Every 3-subset of 10 items (120 of them), 50 expected each.
    counts = Counter(frozenset(fair_draw(ByteStream(b"triple %d" % t), 10, 3)) for t in range(6000))
    cells = [counts[frozenset(c)] for c in itertools.combinations(range(10), 3)]
    assert chisquare(cells).pvalue > 0.001


def test_whole_pipeline_single_draws_uniform_over_checkpoints() -> None:
    pop = population_range(40)
    counts = Counter(select(pop, 1, b"checkpoint %d\n" % t)[0] for t in range(4000))
    assert chisquare([counts[i] for i in range(1, 41)]).pvalue > 0.001


def _valid_by_spec(entries: list[str]) -> bool:
    """The identifier rules of docs/inspections.md, one entry at a time."""
    if len(set(entries)) != len(entries) or not entries:
        return False
    for e in entries:
        if not e or e != e.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in e):
            return False
        try:
            if len(e.encode("utf-8")) > 1024:
                return False
        except UnicodeEncodeError:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(
            st.sampled_from(
                ["a", "b", " ", "\t", "\x00", "\x7f", "\u00a0", "\u2028", "\ud800", "é"]
            ),
            max_size=4,
        ),
        max_size=5,
    )
)
def test_fast_validation_agrees_with_the_spec(entries: list[str]) -> None:
    if _valid_by_spec(entries):
        assert population_list(entries).items == tuple(sorted(entries, key=lambda s: s.encode()))
    else:
        with pytest.raises(BadInput):
            population_list(entries)
