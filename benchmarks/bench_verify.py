"""`disarm verify DIR` against the run that produced DIR and against the log audit alone.

    python benchmarks/bench_verify.py [--years 5] [--scale 1.0] [--cheat none] [--seed 1]

Runs `disarm demo` (the producer) and `disarm verify` as subprocesses (wall time and peak
memory of each), then the verification in-process with a per-check breakdown, the store audit
alone (`disarm.store.audit.audit`: the part of the verification a plain log auditor does) and
hashlib SHA-256 over every byte of DIR (the limit of reading and hashing the directory once).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from disarm.audit.directory import verify_directory
from disarm.store import open_log
from disarm.store.audit import audit
from disarm.tlog.note import Verifier


def _run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cheat", default="none")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    disarm = [sys.executable, "-m", "disarm.cli.main"]
    work = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    try:
        out = work / "out"
        demo = [*disarm, "demo", "--out", str(out), "--seed", str(args.seed)]
        demo += ["--years", str(args.years), "--scale", str(args.scale), "--cheat", args.cheat]
        demo_s, demo_mb = _run([*demo, "-q"])
        verify_s, verify_mb = _run([*disarm, "verify", str(out), "-q", "--allow-simulation-keys"])
        files = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"demo: --years {args.years} --scale {args.scale} --cheat {args.cheat}: "
              f"{len(files)} files, {size / 1e6:.1f} MB")  # fmt: skip
        print(f"disarm demo    (producer): {demo_s:6.2f} s, peak {demo_mb:6.0f} MiB")
        print(f"disarm verify  (verifier): {verify_s:6.2f} s, peak {verify_mb:6.0f} MiB"
              f"  -> {verify_s / demo_s:.2f} x the producer")  # fmt: skip

        marks: list[tuple[float, str]] = []
        t0 = time.perf_counter()
        report = verify_directory(
            out,
            allow_simulation_keys=True,
            progress=lambda i, n, title: marks.append((time.perf_counter(), title)),
        )
        total = time.perf_counter() - t0
        assert report.ok, report.disagreement and report.disagreement.text()
        print(f"in-process verification: {total:.2f} s; per check:")
        for (a, title), (b, _) in itertools.pairwise(marks):
            print(f"  {b - a:7.3f} s  {title}")

        copy = work / "log-copy"
        shutil.copytree(out / "log", copy)
        key = Verifier.from_key_string((out / "keys/log.vkey").read_text().strip())
        with open_log(copy) as log:
            t = time.perf_counter()
            audit(log, key)
            audit_s = time.perf_counter() - t
            entries = log.size
        ratio = total / audit_s
        print(f"store audit alone ({entries} entries): {audit_s:.3f} s "
              f"-> the full verification costs {ratio:.0f} x a plain log audit")  # fmt: skip

        t = time.perf_counter()
        for p in files:
            hashlib.sha256(p.read_bytes()).digest()
        hash_s = time.perf_counter() - t
        rate = size / hash_s / 1e6
        print(f"read + SHA-256 of every byte of DIR: {hash_s:.3f} s "
              f"({rate:.0f} MB/s) -> verification = {total / hash_s:.0f} x")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
