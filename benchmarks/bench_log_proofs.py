"""Proofs after reopening a 10-million-entry log: disarm against pymerkle's SQLite backend.

    python benchmarks/bench_log_proofs.py [--entries 10000000] [--peer-entries 10000000]

Both logs hold the same 128-byte entries. Each is closed and reopened, then timed: opening, the
first inclusion proof (cold: nothing cached; the OS page cache is dropped if we may), the first
consistency proof, and proofs at 1,000 random indexes (100 for pymerkle), twice: the first pass
reads tiles from disk, the second ("warm") finds them cached. p50 and p99. Every disarm proof is
verified. The hashlib limit printed is the time of one leaf hash, the least any proof costs.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from pymerkle import SqliteTree

from bench_log_common import batches, fmt_rate, sha256_leaf_rate
from disarm.store import create_log, open_log
from disarm.tlog import merkle


def drop_caches() -> bool:
    try:
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
        return True
    except OSError:
        return False


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p99 = times[int(len(times) * 0.99)]
    return f"p50 {statistics.median(times) * 1e6:.0f} us, p99 {p99 * 1e6:.0f} us"


def bench_disarm(path: Path, total: int, rng: random.Random) -> dict[str, float]:
    with create_log(path, "bench.example/proofs") as log:
        start = time.perf_counter()
        for batch in batches(total, 1_000_000):
            log.append(batch)
        built = time.perf_counter() - start
    dropped = drop_caches()
    start = time.perf_counter()
    log = open_log(path)
    opened = time.perf_counter() - start
    index = rng.randrange(total)
    start = time.perf_counter()
    proof = log.inclusion_proof(index)
    first = time.perf_counter() - start
    root = log.root()
    merkle.verify_inclusion(log.leaf_hash(index), index, total, proof, root)
    old = rng.randrange(1, total)
    start = time.perf_counter()
    cproof = log.consistency_proof(old)
    first_c = time.perf_counter() - start
    merkle.verify_consistency(old, total, cproof, log.root(old), root)
    sample = [rng.randrange(total) for _ in range(1000)]
    cold, warm = [], []
    for times in (cold, warm):  # first pass: tiles read from disk; second: from the caches
        for i in sample:
            start = time.perf_counter()
            p = log.inclusion_proof(i)
            times.append(time.perf_counter() - start)
            merkle.verify_inclusion(log.leaf_hash(i), i, total, p, root)
    log.close()
    print(f"disarm:   built {total:,} in {built:.1f} s; page cache dropped: {dropped}")
    print(
        f"  reopen {opened * 1e3:.2f} ms, first inclusion proof {first * 1e3:.2f} ms, "
        f"first consistency proof {first_c * 1e3:.2f} ms"
    )
    print(
        f"  1,000 random proofs: first pass {percentiles(cold)}; again (warm) {percentiles(warm)}"
    )
    return {"first": first, "p50": statistics.median(warm), "open": opened}


def bench_pymerkle(path: Path, total: int, rng: random.Random) -> dict[str, float]:
    tree = SqliteTree(str(path))
    start = time.perf_counter()
    for batch in batches(total, 1_000_000):
        tree.append_entries(batch)
    built = time.perf_counter() - start
    tree.close()
    drop_caches()
    start = time.perf_counter()
    tree = SqliteTree(str(path))
    opened = time.perf_counter() - start
    index = rng.randrange(total)
    start = time.perf_counter()
    tree.prove_inclusion(index + 1)  # pymerkle counts leaves from 1
    first = time.perf_counter() - start
    sample = [rng.randrange(total) for _ in range(100)]
    cold, warm = [], []
    for times in (cold, warm):
        for i in sample:
            start = time.perf_counter()
            tree.prove_inclusion(i + 1)
            times.append(time.perf_counter() - start)
    tree.close()
    print(f"pymerkle: built {total:,} in {built:.1f} s")
    print(
        f"  reopen {opened * 1e3:.2f} ms, first inclusion proof {first * 1e3:.1f} ms; "
        f"100 random proofs: first pass {percentiles(cold)}; again {percentiles(warm)}"
    )
    return {"first": first, "p50": statistics.median(warm), "open": opened}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--peer-entries", type=int, default=None)
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-out"))
    args = parser.parse_args()
    peer_entries = args.peer_entries or args.entries
    args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=args.dir))
    try:
        limit = sha256_leaf_rate()
        print(f"hashlib SHA-256: {fmt_rate(limit)} leaf hashes, {1e6 / limit:.2f} us each")
        ours = bench_disarm(work / "disarm", args.entries, random.Random(1))
        peer = bench_pymerkle(work / "pymerkle.db", peer_entries, random.Random(1))
        print(
            f"first proof after reopening: {ours['first'] * 1e3:.2f} ms vs pymerkle "
            f"{peer['first'] * 1e3:.0f} ms ({peer['first'] / ours['first']:.0f}x faster); "
            f"warm p50 {ours['p50'] * 1e6:.0f} us vs {peer['p50'] * 1e6:.0f} us "
            f"({peer['p50'] / ours['p50']:.1f}x); warm p50 = "
            f"{ours['p50'] * limit:.0f} leaf-hash times"
        )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
