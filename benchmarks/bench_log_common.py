"""Shared helpers of the log benchmarks: entries, the hashlib limit, pymerkle, timing."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

ENTRY = 128


def batches(total: int, size: int, seed: int = 0) -> Iterator[list[bytes]]:
    """128-byte pseudo-random entries (the same for every peer), batch by batch."""
    done = 0
    while done < total:
        n = min(size, total - done)
        raw = hashlib.shake_256(b"%d:%d" % (seed, done)).digest(ENTRY * n)
        yield [raw[i : i + ENTRY] for i in range(0, len(raw), ENTRY)]
        done += n


def sha256_leaf_rate(seconds: float = 1.0) -> float:
    """The machine's limit: RFC 9162 leaf hashes per second, one hashlib call each, one core."""
    entries = next(batches(50_000, 50_000, seed=99))
    sha, n, start = hashlib.sha256, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for e in entries:
            sha(b"\x00" + e).digest()
        n += len(entries)
    return n / (time.perf_counter() - start)


def sha256_bulk_rate(seconds: float = 0.5) -> float:
    """hashlib SHA-256 throughput on large buffers, bytes per second (one core)."""
    buf = os.urandom(64 << 20)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        hashlib.sha256(buf).digest()
        n += len(buf)
    return n / (time.perf_counter() - start)


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def fmt_rate(rate: float) -> str:
    return f"{rate / 1e6:.3f} M/s"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
