"""Verifiable random selection of k of N items: algorithm ``disarm-select-v1``.

Everything here is a pure function of public inputs, so anyone can re-derive a selection.
The algorithm (also specified in docs/inspections.md):

1. **Population.** Either the integers 1..N (``range``) or N distinct, non-empty strings
   (``list``), put in canonical order: numeric for a range, bytewise order of the UTF-8
   encodings for a list. Its hash is SHA-256 over length-prefixed fields (each field is an
   8-byte big-endian length followed by the bytes)::

       range: F("disarm/select/v1/population/range") || F(u64(N))
       list:  F("disarm/select/v1/population/list")  || F(u64(N)) || F(id_1) || ... || F(id_N)

2. **Seed.** The bytes ``S = F("disarm/select/v1/seed") || F(population hash) || F(u64(N)) ||
   F(u64(k)) || F(checkpoint note bytes) || F(u64(c)) || F(party_1) || F(reveal_1) || ...``
   with the c revealed contributions in bytewise order of their party names.

3. **Stream.** The output of SHAKE-256(S), read from the start, as much as needed.

4. **Uniform integer below r.** If r = 1 the answer is 0 and no byte is read. Otherwise let
   L = bit length of r − 1 and b = ⌈L/8⌉; read b bytes, read them as a big-endian integer, keep
   its low L bits; if the value is below r it is the answer, else read the next b bytes (rejection
   sampling: every value in [0, r) has exactly the same probability, no modulo bias).

5. **Partial Fisher–Yates shuffle.** Over positions 0..N−1 of the canonical order, for
   i = 0..k−1: j = i + uniform(N − i); swap positions i and j; the i-th selected item is the one
   now at position i. The result is listed in draw order.

Every k-subset (and every ordered k-sequence) has the same probability when the stream is
uniform; the partial shuffle reads O(k) integers and keeps O(k) state.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from disarm.errors import BadInput

ALGORITHM = "disarm-select-v1"
_DOMAIN_RANGE = b"disarm/select/v1/population/range"
_DOMAIN_LIST = b"disarm/select/v1/population/list"
_DOMAIN_SEED = b"disarm/select/v1/seed"
MAX_ITEM_BYTES = 1024
#: The most items one selection may draw (docs/limits.md): far more than any inspection round,
#: and few enough to draw, print and re-derive in about a second.
MAX_SELECTED = 100_000
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CONTROL_INSIDE = re.compile("[\x01-\x1f\x7f]")
_SPACE_AFTER_NUL = re.compile(r"\x00\s")
_SPACE_BEFORE_NUL = re.compile(r"\s\x00")


def field(data: bytes) -> bytes:
    """A length-prefixed field: 8-byte big-endian length, then the bytes."""
    return len(data).to_bytes(8, "big") + data


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


@dataclass(frozen=True)
class Population:
    """The population to select from, in canonical order.

    ``items`` is None for a range population 1..size.
    """

    kind: str
    size: int
    items: tuple[str, ...] | None = None

    def item(self, position: int) -> str | int:
        if self.items is None:
            return position + 1
        return self.items[position]

    def digest(self) -> bytes:
        """The population hash (step 1), computed once per population."""
        return self._digest

    @functools.cached_property
    def _digest(self) -> bytes:
        if self.items is None:
            return hashlib.sha256(field(_DOMAIN_RANGE) + field(u64(self.size))).digest()
        h = hashlib.sha256(field(_DOMAIN_LIST) + field(u64(self.size)))
        h.update(b"".join(field(item.encode("utf-8")) for item in self.items))
        return h.digest()


def population_range(n: object) -> Population:
    """The population 1..n."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise BadInput(f"population size N must be an integer, got {n!r}")
    if n < 1:
        raise BadInput(f"population size N must be at least 1, got {n}")
    if n >= 2**63:
        raise BadInput(f"population size N is too large: {n}")
    return Population(kind="range", size=n)


def population_list(items: Iterable[str], *, source: str | None = None) -> Population:
    """A population of distinct identifiers, sorted into canonical (UTF-8 bytewise) order.

    UTF-8 preserves code point order, so sorting the strings sorts their encodings.
    """
    entries = list(items)
    if not _looks_valid(entries):
        _explain(entries, source)
    if not entries:
        raise BadInput("the population is empty", source=source)
    ordered = tuple(sorted(entries))
    return Population(kind="list", size=len(ordered), items=ordered)


def _looks_valid(entries: list[str]) -> bool:
    """Fast whole-list check; any doubt sends the list to `_explain` for exact messages."""
    if not all(type(e) is str for e in entries):
        return False
    distinct = set(entries)
    if len(distinct) != len(entries) or "" in distinct:
        return False
    # Entries joined by NUL: no NUL or other control character inside an entry, and no white
    # space next to a separator or at either end.
    joined = "\x00".join(entries)
    if joined.count("\x00") != len(entries) - 1 or _CONTROL_INSIDE.search(joined):
        return False
    if joined[:1].isspace() or joined[-1:].isspace():
        return False
    if _SPACE_AFTER_NUL.search(joined) or _SPACE_BEFORE_NUL.search(joined):
        return False
    try:
        encoded = joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return len(encoded) <= MAX_ITEM_BYTES or all(
        len(e.encode("utf-8")) <= MAX_ITEM_BYTES for e in entries
    )


def _explain(entries: list[str], source: str | None) -> None:
    seen: set[str] = set()
    problems: list[str] = []
    for i, item in enumerate(entries):
        if not isinstance(item, str):
            problems.append(f"entry {i + 1}: identifier must be a string, got {item!r}")
        elif item in seen:
            problems.append(f"entry {i + 1}: duplicate identifier {item!r}")
        elif not item or item != item.strip() or _CONTROL.search(item):
            problems.append(
                f"entry {i + 1}: identifier {item!r} is empty, has surrounding space or "
                "contains a control character"
            )
        elif any(0xD800 <= ord(ch) <= 0xDFFF for ch in item):
            problems.append(f"entry {i + 1}: identifier {item!r} is not valid Unicode text")
        elif len(item.encode("utf-8")) > MAX_ITEM_BYTES:
            problems.append(f"entry {i + 1}: identifier longer than {MAX_ITEM_BYTES} bytes")
        else:
            seen.add(item)
        if len(problems) >= 20:
            break
    if problems:
        raise BadInput(
            "the population is not a list of distinct identifiers", source=source, problems=problems
        )


def seed_input(
    population: Population, k: int, checkpoint: bytes, reveals: Sequence[tuple[str, bytes]]
) -> bytes:
    """The bytes S fed to SHAKE-256 (step 2 of the algorithm)."""
    parts = [
        field(_DOMAIN_SEED),
        field(population.digest()),
        field(u64(population.size)),
        field(u64(k)),
        field(checkpoint),
        field(u64(len(reveals))),
    ]
    for party, reveal in sorted(reveals, key=lambda pr: pr[0].encode("utf-8")):
        parts.append(field(party.encode("utf-8")))
        parts.append(field(reveal))
    return b"".join(parts)


class ByteStream:
    """The SHAKE-256 output of a seed, read from the start as far as needed."""

    def __init__(self, seed: bytes, *, initial: int = 256) -> None:
        self._xof = hashlib.shake_256(seed)
        self._buffer = self._xof.digest(initial)
        self._pos = 0

    def read(self, count: int) -> bytes:
        end = self._pos + count
        if end > len(self._buffer):
            # SHAKE output is a prefix-stable stream: a longer digest extends a shorter one.
            self._buffer = self._xof.digest(max(2 * len(self._buffer), end))
        out = self._buffer[self._pos : end]
        self._pos = end
        return out

    @property
    def consumed(self) -> int:
        return self._pos


def uniform_below(stream: ByteStream, r: int) -> int:
    """A uniform integer in [0, r) by rejection sampling (step 4)."""
    if r < 1:
        raise ValueError("range must be positive")
    if r == 1:
        return 0
    bits = (r - 1).bit_length()
    nbytes = (bits + 7) // 8
    mask = (1 << bits) - 1
    while True:
        value = int.from_bytes(stream.read(nbytes), "big") & mask
        if value < r:
            return value


def draw_positions(stream: ByteStream, n: int, k: int) -> list[int]:
    """Positions in canonical order of k distinct items, in draw order (step 5)."""
    if not 0 <= k <= n:
        raise BadInput(f"cannot select k={k} of N={n} items: k must be between 0 and N")
    swapped: dict[int, int] = {}
    chosen: list[int] = []
    for i in range(k):
        j = i + uniform_below(stream, n - i)
        at_i = swapped.get(i, i)
        at_j = swapped.get(j, j)
        swapped[j] = at_i
        chosen.append(at_j)
    return chosen


def select(
    population: Population,
    k: object,
    checkpoint: bytes,
    reveals: Sequence[tuple[str, bytes]] = (),
) -> list[str | int]:
    """Select k items of the population from the public seed; the result is in draw order."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise BadInput(f"k must be an integer, got {k!r}")
    if k < 0:
        raise BadInput(f"k must not be negative, got {k}")
    if k > population.size:
        raise BadInput(f"cannot select k={k} items from a population of N={population.size}")
    if k > MAX_SELECTED:
        raise BadInput(f"k={k} is more than the limit of {MAX_SELECTED:,} items per selection")
    stream = ByteStream(seed_input(population, k, checkpoint, reveals))
    return [population.item(p) for p in draw_positions(stream, population.size, k)]
