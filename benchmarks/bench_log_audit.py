"""Full audit rate: disarm's streaming audit against hashlib's limit and pymerkle's rebuild.

    python benchmarks/bench_log_audit.py [--entries 2000000]

The audit decodes every entry bundle, recomputes every leaf hash and every stored node and
compares them, then checks every checkpoint (signature, root, consistency). The limit is
hashlib: about two SHA-256 calls per entry. pymerkle has no audit; its nearest operation is
recomputing the root of the whole reopened tree from the stored leaf hashes (a cold `get_state`
with the cache off), which hashes only nodes, not entries. The log is opened read-only, as
`disarm log audit` does; with several processes the standard pool (`disarm.store.pool`) is used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from pymerkle import SqliteTree

from bench_log_common import batches, cores, fmt_rate, sha256_leaf_rate
from disarm.service.logbook import Logbook
from disarm.store import open_log
from disarm.store.audit import audit
from disarm.tlog.note import Signer, Verifier, generate_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=args.dir))
    try:
        skey, vkey = generate_key("bench.example/audit")
        with Logbook.create(work / "log", "bench.example/audit", Signer.from_key_string(skey)) as b:
            for batch in batches(args.entries, 250_000):
                b.append_batch(batch)
        limit = sha256_leaf_rate()
        per_core_limit = limit / 2
        print(
            f"entries: {args.entries:,} x 128 bytes; {cores()} cores; "
            "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
        )
        print(
            f"hashlib limit: {fmt_rate(limit)} SHA-256 calls per core -> "
            f"{fmt_rate(per_core_limit)} entries per core (2 hashes per entry)"
        )
        verifier = Verifier.from_key_string(vkey)
        for workers in sorted({1, cores()}):
            with open_log(work / "log", read_only=True) as log:
                start = time.perf_counter()
                report = audit(log, verifier, workers=workers)
                seconds = time.perf_counter() - start
            rate = report.size / seconds
            print(
                f"disarm audit, {workers} process(es): {fmt_rate(rate)} "
                f"({fmt_rate(rate / workers)} per core, {rate / workers / per_core_limit:.2f}x "
                f"the per-core hashlib limit); {report.checkpoints_checked} checkpoints"
            )
        tree = SqliteTree(str(work / "pymerkle.db"), disable_cache=True)
        for batch in batches(args.entries, 1_000_000):
            tree.append_entries(batch)
        tree.close()
        tree = SqliteTree(str(work / "pymerkle.db"), disable_cache=True)
        start = time.perf_counter()
        getattr(tree, "get_root", tree.get_state)()
        seconds = time.perf_counter() - start
        tree.close()
        print(f"pymerkle root recomputation after reopening: {fmt_rate(args.entries / seconds)}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
