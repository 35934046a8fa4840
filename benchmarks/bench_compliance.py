"""Benchmark of the compliance engine (`disarm.rules.evaluate`) on a million declaration rows.

Workload: the built-in `model` programme (nine parties, 23 obligations of all six kinds over
16 categories), and 1,000,000 synthetic declaration rows (seeded): daily exchange dates from
2024-12-01, every party declaring every category, 2% of the cells left out at random so that
`no-data` occurs. Baselines come from the declarations on or before entry into force.

Timed (CPU seconds), in one run, on the SAME rows:
  load       `load_declarations(frame, programme=...)`: validation of every row (dates, codes,
             numbers, duplicates) and the checks against the programme;
  evaluate   `evaluate(programme, decls)`: every verdict with its structured evidence (rows
             used, limit, value, margin, deadline, notes) as arrays of codes and numbers;
  table      `result.findings`: the verdicts laid out as one long table (on first use);
  text       `result.verdicts`: the evidence sentence of every verdict (only when shown);
  naive      `disarm.rules.reference`: per-row validation and one verdict at a time in plain
             Python (dict look-ups), on all the rows; its verdicts must equal the engine's.
The ratio printed is naive / (load + evaluate), and naive / (load + evaluate + table).

Run: python benchmarks/bench_compliance.py [--rows 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from disarm.rules import Programme, evaluate, load_declarations, load_programme
from disarm.rules import reference as naive


def synthetic(programme: Programme, rows: int, seed: int) -> pd.DataFrame:
    """`rows` declarations: parties × categories × daily dates, 2% of cells left out."""
    rng = np.random.default_rng(seed)
    parties, categories = list(programme.parties), list(programme.categories)
    cells_per_day = len(parties) * len(categories)
    n_days = math.ceil(rows / 0.98 / cells_per_day)
    start = np.datetime64("2024-12-01", "D")
    total = n_days * cells_per_day
    keep = np.sort(rng.choice(total, rows, replace=False))
    day, rest = np.divmod(keep, cells_per_day)
    party, category = np.divmod(rest, len(categories))
    units = np.array([programme.categories[c].unit for c in categories])[category]
    value = np.round(rng.gamma(2.0, 200.0, rows) * np.exp(-day / 2000.0))
    value = np.where(units == "flag", rng.integers(0, 2, rows), value)
    value = np.where(units == "tonnes", np.round(rng.gamma(2.0, 5.0, rows), 3), value)
    return pd.DataFrame(
        {
            "date": (start + day).astype("datetime64[ns]"),
            "party": np.array(parties, dtype=object)[party],
            "category": np.array(categories, dtype=object)[category],
            "value": value.astype(float),
            "source": "synthetic (seeded)",
        }
    )


CPU: dict[str, float] = {}


def timed(fn: Callable[[], Any], label: str = "") -> tuple[Any, float]:
    """Wall-clock seconds of `fn()`; its CPU seconds are kept in CPU[label]."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    CPU[label] = time.process_time() - cpu
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    programme = load_programme("model")
    frame, t_make = timed(lambda: synthetic(programme, args.rows, args.seed), "make")
    # warm-up (imports, caches) on a small slice, not timed
    warm = evaluate(programme, load_declarations(frame.head(5000), programme=programme))
    assert len(warm.verdicts) > 0
    decls, t_load = timed(lambda: load_declarations(frame, programme=programme), "load")
    result, t_eval = timed(lambda: evaluate(programme, decls), "eval")
    findings, t_table = timed(lambda: result.findings, "table")
    _, t_text = timed(lambda: result.verdicts, "text")
    table, t_nval = timed(lambda: naive.validate(frame, programme), "naive_validate")
    reference, t_neval = timed(lambda: naive.evaluate(programme, table), "naive_eval")
    agree = Counter(naive.engine_verdicts(findings)) == Counter(reference)

    n = len(decls)
    print(
        f"workload: model programme ({len(programme.parties)} parties, "
        f"{len(programme.rules)} obligations), {n:,} declaration rows (seed {args.seed}), "
        f"{decls['date'].nunique():,} exchange dates, {len(findings):,} verdicts; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"synthetic data generated in {t_make:.2f} s (not part of the figures)")
    print(f"{'step':52s} {'wall s':>8s} {'cpu s':>8s} {'rows/s (cpu)':>14s}")
    engine = CPU["load"] + CPU["eval"]
    nv = CPU["naive_validate"] + CPU["naive_eval"]
    for label, wall, cpu in (
        ("engine: load_declarations (validation)", t_load, CPU["load"]),
        ("engine: evaluate (verdicts, structured evidence)", t_eval, CPU["eval"]),
        ("engine: validated and evaluated", t_load + t_eval, engine),
        ("  then the verdict table, on first use", t_table, CPU["table"]),
        ("  then the evidence sentence of every verdict", t_text, CPU["text"]),
        ("naive reference: per-row validation", t_nval, CPU["naive_validate"]),
        ("naive reference: one verdict at a time", t_neval, CPU["naive_eval"]),
        ("naive reference: validated and evaluated", t_nval + t_neval, nv),
    ):
        print(f"{label:52s} {wall:8.2f} {cpu:8.2f} {n / cpu:14,.0f}")
    print(f"ratio naive / engine (validated and evaluated), cpu: {nv / engine:.1f}x")
    print(f"ratio naive / engine with the verdict table, cpu: {nv / (engine + CPU['table']):.1f}x")
    print(f"engine and naive verdicts identical on all {len(reference):,}: {agree}")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
