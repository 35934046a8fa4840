"""Bulk durable append: disarm's log against pymerkle's SQLite backend and hashlib's limit.

    python benchmarks/bench_log_append.py [--entries 1000000] [--batch 500000] [--rounds 2]

Same 128-byte entries for every peer. disarm appends batch by batch through the logbook use case:
each batch is durable (journal fsync) and gets one signed checkpoint. pymerkle's SqliteTree
appends the same batches with `append_entries` (one SQLite transaction each, durable on commit).
The floor is hashlib: RFC 9162 needs one leaf hash and about one interior-node hash per entry, so
the one-core limit is half the rate of a Python loop making one hashlib leaf hash per call, and the
two-core limit twice that. The pool of the two-process run is started before timing (its one-off
start-up is printed apart). Besides wall-clock rates, the CPU time of the appending process is
measured for the one-process runs (a rate per CPU second moves less with the machine's load).
Peers run in turn, `--rounds` times, and each keeps its best round, so that a burst of load on
a shared machine hits every peer alike; the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from pymerkle import SqliteTree

from bench_log_common import batches, cores, disk_bytes, fmt_rate, sha256_leaf_rate
from disarm.service.logbook import Logbook
from disarm.store import pool
from disarm.tlog.note import Signer, generate_key

CPU: dict[str, float] = {}  # entries per CPU second of this process, best round


def run_disarm(target: str, total: int, size: int, workers: int = 1) -> float:
    skey, _ = generate_key("bench.example/append")
    book = Logbook.create(target, "bench.example/append", Signer.from_key_string(skey))
    book.store.workers = workers  # type: ignore[attr-defined]
    elapsed = cpu = 0.0
    for batch in batches(total, size):
        start, start_cpu = time.perf_counter(), time.process_time()
        book.append_batch(batch)
        elapsed += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
    start, start_cpu = time.perf_counter(), time.process_time()
    book.close()
    elapsed += time.perf_counter() - start
    cpu += time.process_time() - start_cpu
    key = f"disarm{workers}"
    CPU[key] = max(CPU.get(key, 0.0), total / cpu)
    return total / elapsed


def run_pymerkle(path: Path, total: int, size: int) -> float:
    tree = SqliteTree(str(path))
    elapsed = cpu = 0.0
    for batch in batches(total, size):
        start, start_cpu = time.perf_counter(), time.process_time()
        tree.append_entries(batch)
        elapsed += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
    tree.close()
    CPU["pymerkle"] = max(CPU.get("pymerkle", 0.0), total / cpu)
    return total / elapsed


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--pg", default=None, help="Also time the PostgreSQL backend at this URL.")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=args.dir))
    n = cores()
    try:
        print(
            f"entries: {args.entries:,} x 128 bytes, batches of {args.batch:,}; {n} cores; {load()}"
        )
        start = time.perf_counter()
        pool.pool(n - 1).submit(int).result()
        print(
            f"process pool ({n - 1} worker, {pool._context().get_start_method()}) started in "
            f"{time.perf_counter() - start:.2f} s"
        )
        best: dict[str, float] = {}
        for r in range(args.rounds):
            rates = {
                "leaf": sha256_leaf_rate(),
                "pymerkle": run_pymerkle(work / f"pymerkle{r}.db", args.entries, args.batch),
                "one": run_disarm(str(work / f"one{r}"), args.entries, args.batch, 1),
                "all": run_disarm(str(work / f"all{r}"), args.entries, args.batch, n),
            }
            for k, v in rates.items():
                best[k] = max(best.get(k, 0.0), v)
        leaf, peer, one, ours = best["leaf"], best["pymerkle"], best["one"], best["all"]
        limit1 = leaf / 2  # entries/s on one core: a leaf hash and an interior hash each
        print(
            f"hashlib limit: {fmt_rate(leaf)} leaf hashes/s per core -> "
            f"{fmt_rate(limit1)} entries/s per core"
        )
        print(f"pymerkle SqliteTree.append_entries:   {fmt_rate(peer)}")
        print(
            f"disarm log, 1 process:                {fmt_rate(one)}   {one / peer:.2f}x pymerkle, "
            f"{one / limit1:.2f}x the 1-core limit"
        )
        print(
            f"disarm log, {n} processes:              {fmt_rate(ours)}   "
            f"{ours / peer:.2f}x pymerkle, "
            f"{ours / (limit1 * n):.2f}x the {n}-core limit"
        )
        one_cpu, peer_cpu = CPU["disarm1"], CPU["pymerkle"]
        print(
            f"per CPU second of the appending process (less sensitive to load): disarm 1 process "
            f"{fmt_rate(one_cpu)}, pymerkle {fmt_rate(peer_cpu)}: {one_cpu / peer_cpu:.2f}x"
        )
        used = disk_bytes(work / "all0")
        peer_bytes = (work / "pymerkle0.db").stat().st_size
        print(
            f"disk per entry: disarm {used / args.entries:.1f} B ({used / args.entries - 128:.1f} B"
            f" beyond the 128-byte entry); pymerkle {peer_bytes / args.entries:.1f} B"
        )
        if args.pg:
            url = f"{args.pg}{'&' if '?' in args.pg else '?'}schema=bench_{uuid.uuid4().hex[:8]}"
            pg = run_disarm(url, args.entries, args.batch)
            print(
                f"disarm log, PostgreSQL backend:       {fmt_rate(pg)}   {pg / peer:.2f}x pymerkle"
            )
            from disarm.store import open_log

            with open_log(url) as log:
                log.drop()  # type: ignore[attr-defined]
        print(f"after: {load()}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
