"""10^8 entries: the log builds, reopens and serves proofs; time and disk used.

    python benchmarks/bench_log_scale.py [--entries 100000000] [--dir /work/bench-out/scale]

Appends 128-byte random entries in batches of 1,000,000 (one journal fsync and one signed
checkpoint per batch), then reopens the log, times the first inclusion and consistency proofs
and 1,000 warm random proofs (each verified), and reports the disk used and the bytes per entry
beyond the entry data. The log directory is deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import time
from pathlib import Path

from disarm.service.logbook import Logbook
from disarm.store import open_log
from disarm.tlog import merkle
from disarm.tlog.note import Signer, generate_key

ENTRY = 128


def disk_bytes(path: Path) -> tuple[int, int]:
    """(apparent bytes, allocated bytes) of every file under path."""
    apparent = allocated = 0
    for p in path.rglob("*"):
        if p.is_file():
            st = p.stat()
            apparent += st.st_size
            allocated += st.st_blocks * 512
    return apparent, allocated


def sha256_rate(seconds: float = 1.0) -> float:
    """hashlib SHA-256 leaf hashes per second on 128-byte entries (one call each)."""
    entries = [os.urandom(ENTRY) for _ in range(100_000)]
    sha, n, start = hashlib.sha256, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for e in entries:
            sha(b"\x00" + e).digest()
        n += len(entries)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-out/scale"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.dir.exists():
        shutil.rmtree(args.dir)
    args.dir.parent.mkdir(parents=True, exist_ok=True)
    skey, _ = generate_key("bench.example/scale")
    signer = Signer.from_key_string(skey)
    print(f"hashlib SHA-256 leaf hashes: {sha256_rate() / 1e6:.2f} M/s (one core)")
    appending = 0.0
    started = time.perf_counter()
    with Logbook.create(args.dir, "bench.example/scale", signer) as book:
        done = 0
        while done < args.entries:
            n = min(args.batch, args.entries - done)
            raw = os.urandom(ENTRY * n)
            batch = [raw[i : i + ENTRY] for i in range(0, len(raw), ENTRY)]
            t = time.perf_counter()
            book.append_batch(batch)
            appending += time.perf_counter() - t
            done += n
            if done % (10 * args.batch) == 0 or done == args.entries:
                print(
                    f"  {done:>11,} entries  {done / appending / 1e6:.3f} M/s appending"
                    f"  ({time.perf_counter() - started:.0f} s wall)",
                    flush=True,
                )
        t = time.perf_counter()
    closing = time.perf_counter() - t
    apparent, allocated = disk_bytes(args.dir)
    data = args.entries * ENTRY
    print(
        f"built {args.entries:,} entries: {appending:.1f} s appending "
        f"({args.entries / appending / 1e6:.3f} M entries/s), close {closing:.1f} s"
    )
    print(
        f"disk: {apparent / 1e9:.2f} GB apparent, {allocated / 1e9:.2f} GB allocated; "
        f"overhead beyond entry data {(apparent - data) / args.entries:.1f} B/entry "
        f"(allocated {(allocated - data) / args.entries:.1f} B/entry)"
    )
    t = time.perf_counter()
    log = open_log(args.dir)
    opened = time.perf_counter() - t
    size = log.size
    rng = random.Random(1)
    index = rng.randrange(size)
    t = time.perf_counter()
    proof = log.inclusion_proof(index)
    first = time.perf_counter() - t
    root = log.root()
    merkle.verify_inclusion(log.leaf_hash(index), index, size, proof, root)
    old = rng.randrange(1, size)
    t = time.perf_counter()
    cproof = log.consistency_proof(old)
    first_c = time.perf_counter() - t
    merkle.verify_consistency(old, size, cproof, log.root(old), root)
    times = []
    for _ in range(1000):
        i = rng.randrange(size)
        t = time.perf_counter()
        p = log.inclusion_proof(i)
        times.append(time.perf_counter() - t)
        merkle.verify_inclusion(log.leaf_hash(i), i, size, p, root)
    log.close()
    print(
        f"reopen {opened * 1e3:.2f} ms; first inclusion proof {first * 1e3:.2f} ms; "
        f"first consistency proof {first_c * 1e3:.2f} ms; random proofs p50 "
        f"{statistics.median(times) * 1e6:.0f} us, p99 {sorted(times)[989] * 1e6:.0f} us"
    )
    if not args.keep:
        shutil.rmtree(args.dir)


if __name__ == "__main__":
    main()
