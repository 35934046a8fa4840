"""Benchmark of the material-accountancy Monte Carlo engine (`disarm.stats.mua.simulate`).

Scenarios (the issue's acceptance limits):
  mapit-5k    a balance area the size of Sandia MAPIT's example -- 2 inputs, 26 inventories,
              3 outputs, 6,480 hourly samples, 416-hour balance periods, 15 balances -- with
              5,000 iterations: < 0.5 s and < 200 MB peak;
  mapit-100k  the same with 100,000 iterations: < 5 s;
  daily-3y    daily balances (24 hourly samples) over three years, 1,095 balances, 10,000
              iterations: < 10 s.
Each scenario runs in a fresh subprocess: the first (cold) call and the best of three are
timed, and peak memory is measured as the child's maximum resident set size (getrusage) and,
in a separate call, as the tracemalloc peak of the simulation itself.

Peers printed as ratios:
  * a naive per-iteration Python loop (`disarm.stats.mua.reference.naive_campaigns`: every
    sample of every point measured with its own random error, then MUF, SITMUF, Page), timed
    on a subsample of iterations and extrapolated linearly -- labelled as such;
  * MAPIT's published figure for 5,000 iterations of its example, about 40 s and 6 GB, as
    quoted in the issue (NOT measured here).

Run: python benchmarks/bench_mua.py  (about a minute; --quick for a shorter naive subsample).
On a machine busy with other work, OPENBLAS_NUM_THREADS=1 avoids BLAS threads spinning against
each other (the Cholesky factor and triangular solves of the 1,095-period case).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from disarm.stats.mua.covariance import cholesky_factor, error_structure, muf_covariance
from disarm.stats.mua.model import BalanceArea, MeasurementPoint, build_balance_area
from disarm.stats.mua.montecarlo import diversion_pattern, simulate
from disarm.stats.mua.reference import naive_campaigns

MAPIT_SECONDS, MAPIT_BYTES = 40.0, 6e9  # the figure for MAPIT, 5,000 iterations

SCENARIOS: dict[str, dict[str, Any]] = {
    "mapit-5k": {"kind": "mapit", "iterations": 5_000, "limit_s": 0.5, "limit_mb": 200},
    "mapit-100k": {"kind": "mapit", "iterations": 100_000, "limit_s": 5.0, "limit_mb": 200},
    "daily-3y": {"kind": "daily", "iterations": 10_000, "limit_s": 10.0, "limit_mb": 200},
}


def plant(samples: int, periods: int, length: int, calibration: int) -> BalanceArea:
    """2 inputs, 3 outputs, 26 tanks; hourly flows vary (seeded), tanks absorb the net flow."""
    rng = np.random.default_rng(2024)
    used = periods * length  # the series may be longer than the complete balances
    feeds = [np.clip(rng.normal(rate, 0.1 * rate, samples), 0, None) for rate in (0.10, 0.05)]
    outs = [np.clip(rng.normal(rate, 0.1 * rate, samples), 0, None) for rate in (0.12, 0.02, 0.01)]
    net = (sum(feeds) - sum(outs))[:used].reshape(periods, length).sum(axis=1)
    points = [
        MeasurementPoint(f"feed-{i + 1}", "input", 0.01, 0.005, f[:used])
        for i, f in enumerate(feeds)
    ]
    points += [
        MeasurementPoint(name, "output", r, s, o[:used])
        for name, r, s, o in zip(
            ("product", "waste", "lab-samples"),
            (0.005, 0.05, 0.02),
            (0.003, 0.02, 0.01),
            outs,
            strict=True,
        )
    ]
    for t in range(26):
        level = np.full(periods + 1, 2.0)
        if t == 0:  # the buffer tank takes the net flow so that the true values balance
            level = 50.0 + np.r_[0.0, np.cumsum(net)]
        points.append(MeasurementPoint(f"tank-{t + 1:02d}", "inventory", 0.01, 0.005, level))
    return build_balance_area(
        "bench",
        period_length=length,
        periods=periods,
        calibration_length=calibration,
        points=tuple(points),
    )


def make_area(kind: str) -> BalanceArea:
    if kind == "mapit":
        # 6,480 hourly samples hold 15 complete 416-hour balances (6,240 samples).
        return plant(6_480, 15, 416, 2_080)
    return plant(1_095 * 24, 1_095, 24, 720)  # daily balances, monthly recalibration


def child(name: str) -> None:
    spec = SCENARIOS[name]
    area = make_area(spec["kind"])
    loss = diversion_pattern("protracted", 8.0, area.periods)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def run() -> float:
        t = time.perf_counter()
        simulate(area, loss, iterations=spec["iterations"], seed=1)
        return time.perf_counter() - t

    cold = run()
    best = min(run() for _ in range(3))
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    simulate(area, loss, iterations=spec["iterations"], seed=1)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {"cold": cold, "best": best, "rss_before": rss_before, "rss_peak": rss_peak,
             "traced_peak": traced}
        )
    )  # fmt: skip


def naive_per_iteration(kind: str, subsample: int) -> float:
    area = make_area(kind)
    factor = cholesky_factor(muf_covariance(error_structure(area)))
    rng = np.random.default_rng(0)
    naive_campaigns(area, factor, 0.5, 1, rng)  # warm-up
    t = time.perf_counter()
    naive_campaigns(area, factor, 0.5, subsample, rng)
    return (time.perf_counter() - t) / subsample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="smaller naive subsample")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
        f"load average {load} (other work on the machine slows every figure), "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    subsample = {"mapit": 20 if args.quick else 100, "daily": 3 if args.quick else 10}
    per_iter = {k: naive_per_iteration(k, n) for k, n in subsample.items()}
    header = (
        f"{'scenario':<11} {'iters':>7} {'cold s':>7} {'best s':>7} {'limit s':>7} "
        f"{'RSS MB':>7} {'+sim MB':>7} {'traced MB':>9} {'naive s (extrap.)':>17} {'x naive':>8}"
    )
    print(header)
    print("-" * len(header))
    results = {}
    for name, spec in SCENARIOS.items():
        out = subprocess.run(
            [sys.executable, __file__, "--child", name], check=True, capture_output=True, text=True
        )
        r = json.loads(out.stdout)
        results[name] = r
        naive = per_iter[spec["kind"]] * spec["iterations"]
        ok = r["best"] < spec["limit_s"] and r["cold"] < spec["limit_s"]
        ok = ok and r["rss_peak"] < spec["limit_mb"] * 1e6
        print(
            f"{name:<11} {spec['iterations']:>7} {r['cold']:>7.3f} {r['best']:>7.3f} "
            f"{spec['limit_s']:>7.1f} {r['rss_peak'] / 1e6:>7.1f} "
            f"{(r['rss_peak'] - r['rss_before']) / 1e6:>7.1f} {r['traced_peak'] / 1e6:>9.1f} "
            f"{naive:>17.1f} {naive / r['best']:>8.0f}  {'PASS' if ok else 'FAIL'}"
        )
    print()
    for kind, n in subsample.items():
        print(
            f"naive loop: {per_iter[kind] * 1e3:.2f} ms/iteration ({kind}, timed on {n} iterations)"
        )
    r = results["mapit-5k"]
    print(
        f"MAPIT (issue's figure, not measured here): {MAPIT_SECONDS:.0f} s and "
        f"{MAPIT_BYTES / 1e9:.0f} GB for 5,000 iterations -> ratio "
        f"{MAPIT_SECONDS / r['best']:.0f}x (best) / {MAPIT_SECONDS / r['cold']:.0f}x (cold) "
        "in time, "
        f"{MAPIT_BYTES / r['rss_peak']:.0f}x in peak memory (whole process RSS)"
    )
    print("RSS MB: peak resident set of the fresh child process (Python, NumPy, SciPy included);")
    print("+sim MB: its growth during the runs; traced MB: tracemalloc peak of one simulate().")


if __name__ == "__main__":
    main()
