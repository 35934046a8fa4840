"""Benchmark of the compliance engine (`disarm.rules.evaluate`) on a million declaration rows.

Workload: the built-in `model` programme (nine parties, 23 obligations of all six kinds over
16 categories), and 1,000,000 synthetic declaration rows (seeded): daily exchange dates from
2024-12-01, every party declaring every category, 2% of the cells left out at random so that
`no-data` occurs. Baselines come from the declarations on or before entry into force.

Timed, in this order and in one run:
  load       `load_declarations(frame)`: validation of the rows (dates, codes, numbers,
             duplicates) and the checks against the programme;
  evaluate   `evaluate(programme, decls)`: every verdict with its structured evidence (rows
             used, limit, value, margin, deadline);
  evidence   `result.verdicts`: the human-readable evidence text of every verdict;
  naive      a per-row Python reference (dict look-ups, one verdict at a time), run on a
             subsample of the exchange dates and EXTRAPOLATED linearly to the full row count;
             its verdicts are compared with the engine's on the same subsample.

Run: python benchmarks/bench_compliance.py [--rows 1000000] [--sample-rows 50000] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from disarm.rules import Programme, evaluate, load_declarations, load_programme
from disarm.rules.obligations.base import condition_of


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


# --- the naive reference: one verdict at a time, plain Python ---------------------------


def naive(
    programme: Programme, frame: pd.DataFrame, text: bool = False
) -> dict[tuple[str, str, dt.date], str]:
    """Every verdict computed with per-row Python loops and dict look-ups.

    With `text`, each verdict also gets an evidence string (an f-string per verdict), like
    the engine's `verdicts["evidence"]`; the strings are built and dropped.
    """
    table: dict[tuple[str, str, dt.date], float | None] = {}
    dates: set[dt.date] = set()
    columns = (frame["date"], frame["party"], frame["category"], frame["value"])
    for d, p, c, v in zip(*columns, strict=True):
        day = d.date()
        table[p, c, day] = None if v != v else float(v)
        dates.add(day)
    grid = sorted(dates)
    eif = programme.entry_into_force
    baseline: dict[tuple[str, str], float] = {}
    for (p, c, day), v in sorted(table.items(), key=lambda kv: kv[0][2]):
        if day <= eif and v is not None:
            baseline[p, c] = v
    out: dict[tuple[str, str, dt.date], str] = {}
    for rule in programme.rules:
        if rule.kind == "reporting":
            continue  # reporting checkpoints are few (per report, not per row): not compared
        for p in programme.parties:
            due, end = rule.deadline(p), rule.until(p)
            previous = None
            for day in grid:
                if end is not None and day > end:
                    continue
                v = table.get((p, rule.category, day))
                out[rule.id, p, day] = status = _naive_one(rule, p, day, v, due, baseline, previous)
                if text:
                    _ = f"{rule.category} = {v} declared {day}; {status}; from {due}"
                if rule.kind == "non-increase" and day >= due and v is not None:
                    previous = v
    return out


def _naive_one(
    rule: Any,
    party: str,
    day: dt.date,
    v: float | None,
    due: dt.date,
    baseline: dict[tuple[str, str], float],
    previous: float | None,
) -> str:
    if day < due:
        return "not-yet-due"
    if v is None:
        return "no-data"
    if rule.kind == "non-increase":
        return "compliant" if previous is None or v <= previous else "non-compliant"
    if rule.kind in ("elimination", "prohibition"):
        return "compliant" if v <= 0 else "non-compliant"
    terms = rule.terms(party)
    if rule.kind == "status":
        op, need = condition_of(terms)
        ok = v == need if op == "eq" else v <= need if op == "le" else v >= need
        return "compliant" if ok else "non-compliant"
    cap = math.inf if terms.max is None else terms.max
    if terms.fraction is None:
        return "compliant" if v <= cap else "non-compliant"
    b = baseline.get((party, rule.category))
    if b is None:
        return "non-compliant" if v > cap else "compliant" if v == 0 else "no-data"
    return "compliant" if v <= min(cap, terms.fraction * b) else "non-compliant"


def engine_statuses(verdicts: pd.DataFrame) -> dict[tuple[str, str, dt.date], str]:
    v = verdicts[verdicts["kind"] != "reporting"]
    return {
        (o, p, d.date()): s
        for o, p, d, s in zip(v["obligation"], v["party"], v["date"], v["status"], strict=True)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample-rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    programme = load_programme("model")
    frame, t_make = timed(lambda: synthetic(programme, args.rows, args.seed), "make")
    # the subsample first: the naive reference and the agreement check (also warms up imports)
    days = np.sort(frame["date"].unique())
    cutoff = days[min(len(days) - 1, args.sample_rows // (len(programme.parties) * 16))]
    sample = load_declarations(frame[frame["date"] <= cutoff].copy(), programme=programme)
    check = engine_statuses(evaluate(programme, sample).verdicts)
    reference, t_naive = timed(lambda: naive(programme, sample), "naive")
    timed(lambda: naive(programme, sample, text=True), "naive_text")

    decls, t_load = timed(lambda: load_declarations(frame, programme=programme), "load")
    result, t_eval = timed(lambda: evaluate(programme, decls), "eval")
    verdicts, t_text = timed(lambda: result.verdicts, "text")
    agree = check == reference

    n = len(decls)
    naive_cpu = CPU["naive"] * n / len(sample)
    print(
        f"workload: model programme ({len(programme.parties)} parties, "
        f"{len(programme.rules)} obligations), {n:,} declaration rows (seed {args.seed}), "
        f"{decls['date'].nunique():,} exchange dates"
    )
    print(f"synthetic data generated in {t_make:.2f} s (not part of the figures)")
    print(f"{'step':44s} {'wall s':>8s} {'cpu s':>8s} {'rows/s (cpu)':>14s}")
    total, total_cpu = t_load + t_eval + t_text, CPU["load"] + CPU["eval"] + CPU["text"]
    for label, wall, cpu in (
        ("load_declarations (validation)", t_load, CPU["load"]),
        (f"evaluate -> {len(verdicts):,} verdicts, structured evidence", t_eval, CPU["eval"]),
        ("evidence text of every verdict", t_text, CPU["text"]),
        ("total", total, total_cpu),
    ):
        print(f"{label:44s} {wall:8.2f} {cpu:8.2f} {n / cpu:14,.0f}")
    print(
        f"naive per-row Python reference on a subsample of {len(sample):,} rows "
        f"({len(reference):,} verdicts): {t_naive:.2f} s wall, {CPU['naive']:.2f} s cpu "
        f"-> {len(sample) / CPU['naive']:,.0f} rows/s (cpu)"
    )
    naive_text_cpu = CPU["naive_text"] * n / len(sample)
    print(
        f"naive EXTRAPOLATED to {n:,} rows: {naive_cpu:.1f} s cpu (statuses only), "
        f"{naive_text_cpu:.1f} s cpu (with an evidence string per verdict)"
    )
    print(
        "ratio naive / evaluate (statuses and structured evidence), cpu: "
        f"{naive_cpu / CPU['eval']:.1f}x"
    )
    print(
        "ratio naive with text / evaluate + evidence text, cpu: "
        f"{naive_text_cpu / (CPU['eval'] + CPU['text']):.1f}x"
    )
    print(f"engine and naive verdicts agree on the subsample: {agree}")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
