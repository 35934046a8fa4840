"""Bulk durable append: disarm's log against pymerkle's SQLite backend and hashlib's limit.

    python benchmarks/bench_log_append.py [--entries 2000000] [--batch 1000000] [--pg URL]

Same 128-byte entries for every peer. disarm appends batch by batch through the logbook use case:
each batch is durable (journal fsync) and gets one signed checkpoint. pymerkle's SqliteTree
appends the same batches with `append_entries` (one SQLite transaction each, durable on commit).
The limit is hashlib: RFC 9162 needs one leaf hash and about one interior-node hash per entry.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from pymerkle import SqliteTree

from bench_log_common import batches, cores, disk_bytes, fmt_rate, sha256_leaf_rate
from disarm.service.logbook import Logbook
from disarm.tlog.note import Signer, generate_key


def run_disarm(target: str, total: int, size: int, workers: int | None = None) -> float:
    skey, _ = generate_key("bench.example/append")
    book = Logbook.create(target, "bench.example/append", Signer.from_key_string(skey))
    if workers is not None:
        book.store.workers = workers  # type: ignore[attr-defined]
    elapsed = 0.0
    for batch in batches(total, size):
        start = time.perf_counter()
        book.append_batch(batch)
        elapsed += time.perf_counter() - start
    start = time.perf_counter()
    book.close()
    elapsed += time.perf_counter() - start
    return total / elapsed


def run_pymerkle(path: Path, total: int, size: int) -> float:
    tree = SqliteTree(str(path))
    elapsed = 0.0
    for batch in batches(total, size):
        start = time.perf_counter()
        tree.append_entries(batch)
        elapsed += time.perf_counter() - start
    tree.close()
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-out"))
    parser.add_argument("--pg", default=None, help="Also time the PostgreSQL backend at this URL.")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=args.dir))
    try:
        limit = sha256_leaf_rate()
        print(f"entries: {args.entries:,} x 128 bytes, batches of {args.batch:,}; {cores()} cores")
        print(f"hashlib SHA-256 limit: {fmt_rate(limit)} leaf hashes per core; one entry costs")
        print(f"  ~2 hashes (leaf + interior node) -> {fmt_rate(limit / 2)} entries/s per core")
        peer = run_pymerkle(work / "pymerkle.db", args.entries, args.batch)
        print(f"pymerkle SqliteTree.append_entries:   {fmt_rate(peer)}")
        one = run_disarm(str(work / "one"), args.entries, args.batch, workers=1)
        print(f"disarm log, 1 process:                {fmt_rate(one)}   {one / peer:.2f}x pymerkle")
        ours = run_disarm(str(work / "all"), args.entries, args.batch, workers=cores())
        used = disk_bytes(work / "all")
        print(
            f"disarm log, {cores()} processes:              {fmt_rate(ours)}   "
            f"{ours / peer:.2f}x pymerkle, {ours / (limit / 2 * cores()):.2f}x the "
            f"{cores()}-core hashlib limit"
        )
        peer_bytes = (work / "pymerkle.db").stat().st_size
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
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
