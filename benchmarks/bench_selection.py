"""Benchmark: verifiable selection and exact sample sizes against peers measured in the same run.

Peers: Python's `random.sample` (Mersenne Twister: fast, not verifiable, not for adversaries),
the raw SHA-256 rate of hashlib (the cost floor of hashing a population), a binary search
on `scipy.stats.hypergeom(N, M, n).pmf(0)` for the sample size, and for chain-of-custody
validation the bare cost of reading the same CSV with `csv.reader` and parsing its times.

    python benchmarks/bench_selection.py
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import time
from collections.abc import Callable

from scipy.stats import hypergeom

from disarm.inspect.custody import validate_custody
from disarm.inspect.custody_events import parse_events
from disarm.inspect.selection import population_list, population_range, select
from disarm.stats.sampling import sample_size


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def scipy_sample_size(n_pop: int, defects: int, beta: float) -> int:
    lo, hi = 1, n_pop - defects + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if hypergeom(n_pop, defects, mid).pmf(0) <= beta:
            hi = mid
        else:
            lo = mid + 1
    return lo


def main() -> None:
    n, k = 1_000_000, 10_000
    pop = population_range(n)
    ours = best_of(lambda: select(pop, k, b"checkpoint"))
    peer = best_of(lambda: random.Random(1).sample(range(n), k))
    print(
        f"select {k} of {n:,} (range):   {ours * 1e3:8.2f} ms   "
        f"random.sample {peer * 1e3:6.2f} ms   ratio {ours / peer:5.2f}x"
    )

    ids = [f"warhead-{i:07d}" for i in range(100_000)]
    t_list = best_of(lambda: select(population_list(ids), 100, b"checkpoint"), repeat=3)
    blob = b"".join(i.encode() for i in ids)
    t_hash = best_of(lambda: hashlib.sha256(blob).digest())
    print(
        f"select 100 of 100,000 ids (list, incl. validation, sort, hash): {t_list * 1e3:8.2f} ms"
        f"   raw SHA-256 of the ids {t_hash * 1e3:6.2f} ms   ratio {t_list / t_hash:6.1f}x"
    )

    for n_pop, m in ((1000, 10), (10_000_000, 1000)):
        exact = best_of(lambda n_pop=n_pop, m=m: sample_size(n_pop, m, "0.05"))
        ref = best_of(lambda n_pop=n_pop, m=m: scipy_sample_size(n_pop, m, 0.05), repeat=3)
        assert sample_size(n_pop, m, "0.05") == scipy_sample_size(n_pop, m, 0.05)
        print(
            f"sample size N={n_pop:,} M={m}: exact {exact * 1e3:8.2f} ms   "
            f"scipy hypergeom search {ref * 1e3:8.2f} ms   ratio {exact / ref:5.2f}x"
        )
    custody()


LIFECYCLE = [
    ("deployed", "A", "", "", ""),
    ("removed_from_delivery_vehicle", "A", "", "", ""),
    ("tag_applied", "A", "T{i}", "", ""),
    ("seal_applied", "A", "", "S{i}", ""),
    ("in_storage", "A", "", "S{i}", ""),
    ("in_transit", "A", "", "S{i}", "P"),
    ("at_dismantlement_facility", "P", "", "S{i}", ""),
    ("seal_verified", "P", "T{i}", "S{i}", ""),
    ("seal_removed", "P", "", "S{i}", ""),
    ("dismantled", "P", "", "", ""),
    ("components_separated", "P", "", "", ""),
    ("material_in_safeguarded_storage", "P", "", "", ""),
]


def custody_csv(items: int) -> str:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    lines = ["item,time,location,event,actor,tag,seal,previous_seal,destination"]
    for i in range(items):
        for j, (ev, loc, tag, seal, dest) in enumerate(LIFECYCLE):
            t = (base + dt.timedelta(hours=j, minutes=i % 60)).isoformat()
            lines.append(f"W{i},{t},{loc},{ev},host,{tag.format(i=i)},{seal.format(i=i)},,{dest}")
    return "\n".join(lines) + "\n"


def bare_read(text: str) -> int:
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return sum(1 for r in rows if dt.datetime.fromisoformat(r[1]))


def custody() -> None:
    text = custody_csv(10_000)
    ours = best_of(
        lambda: validate_custody(parse_events(text), max_unverified=dt.timedelta(days=30)),
        repeat=3,
    )
    peer = best_of(lambda: bare_read(text), repeat=3)
    n = text.count("\n") - 1
    print(
        f"custody: parse + validate {n:,} events: {ours * 1e3:8.1f} ms "
        f"({ours / n * 1e6:.1f} us/event)   csv.reader + fromisoformat {peer * 1e3:7.1f} ms"
        f"   ratio {ours / peer:5.2f}x"
    )


if __name__ == "__main__":
    main()
