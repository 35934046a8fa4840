"""Inspection plans: spreading a year's quota of inspections across sites.

A state declares sites, each holding a number of items (warheads, containers) and belonging to
a stratum (a region or a site type). The treaty grants a quota of Q inspections a year; each
inspection verifies c items at one site. An evader has falsified M items (substituted,
diverted) and places them where they are least likely to be found. Two models:

``random`` (default): each inspection picks a site at random with probability p_i (proportional
to its items), unannounced, then c distinct items there at random; inspections are independent
stages. Per inspection the non-detection probability is Σ_i p_i β_i(m_i) with
β_i(m) = C(N_i − m, c)/C(N_i, c), and over the year it is that number to the power Q. The evader
knows the p_i but not the draws; its best placement (m_i) maximises Σ_i p_i β_i(m_i), found
exactly by dynamic programming over sites.

``scheduled``: the plan fixes in advance how many inspections each site receives (divisor
apportionment, Sainte-Laguë, proportional to items), so site i has n_i = min(N_i, c·v_i) items
verified in the year. Non-detection is Π_i C(N_i − m_i, n_i)/C(N_i, n_i); the evader's best
placement is found greedily, which is exact because log β_i is concave in m_i. A site that gets
no inspection is a safe haven: a scheduled plan must reach every site to detect anything.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from disarm.errors import BadInput
from disarm.io import parse_csv
from disarm.stats.sampling import nondetection_exact

__all__ = ["Plan", "Site", "SiteRow", "StratumRow", "parse_sites", "plan_inspections"]

SITE_COLUMNS = ("site", "items", "stratum")
MODES = ("random", "scheduled")
#: Bound on the work of the exact worst-case search in random mode (defects × items considered).
MAX_DP_WORK = 50_000_000


@dataclass(frozen=True)
class Site:
    name: str
    items: int
    stratum: str


@dataclass(frozen=True)
class SiteRow:
    """One site of a plan: the inspection effort and the evader's best defect placement."""

    site: str
    stratum: str
    items: int
    probability: float
    inspections: float
    items_verified: float
    worst_case_defects: int


@dataclass(frozen=True)
class StratumRow:
    """The plan's effort and the evader's placement summed over one stratum."""

    stratum: str
    sites: int
    items: int
    inspections: float
    items_verified: float
    worst_case_defects: int


@dataclass(frozen=True)
class Plan:
    mode: str
    quota: int
    items_per_inspection: int
    defects: int
    total_items: int
    nondetection: float
    detection_probability: float
    beta_target: float | None
    meets_target: bool | None
    quota_needed: int | None
    sites: list[SiteRow] = field(default_factory=list)
    strata: list[StratumRow] = field(default_factory=list)


def parse_sites(text: str, *, source: str = "sites") -> list[Site]:
    """Parse a sites CSV: header ``site,items[,stratum]``; one row per site."""
    reader = iter(parse_csv(text, source))
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput("the sites file is empty", source=source) from None
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in SITE_COLUMNS]
    if unknown:
        raise BadInput(
            f"unknown column(s) {', '.join(map(repr, unknown))}; "
            f"expected site, items and optionally stratum",
            source=source,
        )
    for required in ("site", "items"):
        if required not in header:
            raise BadInput(f"missing column {required!r}", source=source)
    if len(set(header)) != len(header):
        raise BadInput("a column appears twice in the header", source=source)
    sites: list[Site] = []
    seen: set[str] = set()
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(f"line {line}: {len(row)} fields, expected {len(header)}")
            continue
        rec = dict(zip(header, (c.strip() for c in row), strict=True))
        name = rec["site"]
        if not name:
            problems.append(f"line {line}: empty site name")
        elif name in seen:
            problems.append(f"line {line}: site {name!r} appears twice")
        try:
            items = int(rec["items"])
        except ValueError:
            problems.append(f"line {line}: items {rec['items']!r} is not an integer")
            continue
        if items < 1:
            problems.append(f"line {line}: items must be at least 1, got {items}")
            continue
        seen.add(name)
        sites.append(Site(name, items, rec.get("stratum") or name))
    if problems:
        raise BadInput("the sites file has errors", source=source, problems=problems[:20])
    if not sites:
        raise BadInput("the sites file lists no site", source=source)
    return sites


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadInput(f"{name} must be a positive integer, got {value!r}")
    return value


def apportion(weights: Sequence[int], seats: int) -> list[int]:
    """Sainte-Laguë (Webster) apportionment: house-monotone, so more quota never takes away."""
    heap = [(-Fraction(w, 1), i) for i, w in enumerate(weights)]
    heapq.heapify(heap)
    out = [0] * len(weights)
    for _ in range(seats):
        _, i = heapq.heappop(heap)
        out[i] += 1
        heapq.heappush(heap, (-Fraction(weights[i], 2 * out[i] + 1), i))
    return out


def _scheduled_worst_case(sizes: Sequence[int], verified: Sequence[int], defects: int) -> list[int]:
    """Greedy placement maximising Π β_i; exact since each log β_i(m) is concave in m."""

    def gain(i: int, m: int) -> float:
        left = sizes[i] - m
        if left - verified[i] <= 0:
            return -math.inf
        return math.log1p(-verified[i] / left)

    placed = [0] * len(sizes)
    heap = [(-gain(i, 0), i) for i in range(len(sizes))]
    heapq.heapify(heap)
    for _ in range(defects):
        _, i = heapq.heappop(heap)  # only sites with room are in the heap
        placed[i] += 1
        if placed[i] < sizes[i]:
            heapq.heappush(heap, (-gain(i, placed[i]), i))
    return placed


def _per_inspection_beta(size: int, c: int, upto: int) -> np.ndarray:
    """β(m) = C(size − m, c)/C(size, c) for m = 0..upto (float, by the ratio recurrence)."""
    m = np.arange(upto, dtype=np.float64)
    ratios = np.clip((size - m - c) / (size - m), 0.0, 1.0)
    return np.concatenate(([1.0], np.cumprod(ratios)))


def _random_worst_case(
    sizes: Sequence[int], probs: Sequence[float], c: int, defects: int
) -> tuple[list[int], float]:
    """Exact max of Σ p_i β_i(m_i) over Σ m_i = M by dynamic programming over sites."""
    work = defects * sum(min(defects, s) + 1 for s in sizes)
    if work > MAX_DP_WORK:
        raise BadInput(
            f"{defects} defects over {sum(sizes)} items is too large for the exact worst case "
            "in random mode; use --mode scheduled"
        )
    best = np.full(defects + 1, -np.inf)
    best[0] = 0.0
    choices: list[np.ndarray] = []
    for size, p in zip(sizes, probs, strict=True):
        cap = min(size, defects)
        g = p * _per_inspection_beta(size, min(c, size), cap)
        new = np.full(defects + 1, -np.inf)
        choice = np.zeros(defects + 1, dtype=np.int64)
        for m in range(cap + 1):
            cand = np.full(defects + 1, -np.inf)
            cand[m:] = best[: defects + 1 - m] + g[m]
            better = cand > new
            new[better] = cand[better]
            choice[better] = m
        best = new
        choices.append(choice)
    placed = [0] * len(sizes)
    t = defects
    for i in range(len(sizes) - 1, -1, -1):
        placed[i] = int(choices[i][t])
        t -= placed[i]
    return placed, float(best[defects])


def plan_inspections(
    sites: Sequence[Site],
    quota: int,
    defects: int,
    *,
    items_per_inspection: int = 1,
    mode: str = "random",
    beta: float | None = None,
) -> Plan:
    """Spread ``quota`` inspections over ``sites`` and report the worst-case detection
    probability against ``defects`` falsified items (and, with ``beta``, the quota needed)."""
    _positive("quota", quota)
    _positive("defects", defects)
    c = _positive("items per inspection", items_per_inspection)
    if mode not in MODES:
        raise BadInput(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    if beta is not None and not 0 < beta < 1:
        raise BadInput(f"beta must lie strictly between 0 and 1, got {beta}")
    if not sites:
        raise BadInput("an inspection plan needs at least one site")
    sizes = [s.items for s in sites]
    total = sum(sizes)
    if defects > total:
        raise BadInput(f"defects ({defects}) exceed the items at all sites ({total})")
    rows, beta_year = _evaluate(sites, quota, defects, c, mode)
    needed: int | None = None
    if beta is not None:
        needed = _quota_needed(sites, defects, c, mode, beta)
    return Plan(
        mode=mode,
        quota=quota,
        items_per_inspection=c,
        defects=defects,
        total_items=total,
        nondetection=beta_year,
        detection_probability=1.0 - beta_year,
        beta_target=beta,
        meets_target=None if beta is None else beta_year <= beta,
        quota_needed=needed,
        sites=rows,
        strata=_strata(rows),
    )


def _strata(rows: Sequence[SiteRow]) -> list[StratumRow]:
    order: dict[str, list[SiteRow]] = {}
    for r in rows:
        order.setdefault(r.stratum, []).append(r)
    return [
        StratumRow(
            stratum=name,
            sites=len(members),
            items=sum(r.items for r in members),
            inspections=sum(r.inspections for r in members),
            items_verified=sum(r.items_verified for r in members),
            worst_case_defects=sum(r.worst_case_defects for r in members),
        )
        for name, members in order.items()
    ]


def _evaluate(
    sites: Sequence[Site], quota: int, defects: int, c: int, mode: str
) -> tuple[list[SiteRow], float]:
    sizes = [s.items for s in sites]
    total = sum(sizes)
    probs = [n / total for n in sizes]
    if mode == "random":
        placed, per_inspection = _random_worst_case(sizes, probs, c, defects)
        beta_year = min(1.0, max(0.0, per_inspection)) ** quota
        visits = [quota * p for p in probs]
        verified = [v * min(c, n) for v, n in zip(visits, sizes, strict=True)]
    else:
        seats = apportion(sizes, quota)
        verified_int = [min(n, c * v) for n, v in zip(sizes, seats, strict=True)]
        placed = _scheduled_worst_case(sizes, verified_int, defects)
        exact = Fraction(1)
        for n, v, m in zip(sizes, verified_int, placed, strict=True):
            exact *= nondetection_exact(n, m, v)
        beta_year = float(exact)
        visits = [float(v) for v in seats]
        verified = [float(v) for v in verified_int]
        probs = [v / quota for v in seats]
    rows = [
        SiteRow(s.name, s.stratum, s.items, p, v, n, m)
        for s, p, v, n, m in zip(sites, probs, visits, verified, placed, strict=True)
    ]
    return rows, beta_year


def _quota_needed(
    sites: Sequence[Site], defects: int, c: int, mode: str, beta: float
) -> int | None:
    """The smallest quota meeting β (None if no quota can, e.g. a site too small to sample)."""
    if mode == "random":
        sizes = [s.items for s in sites]
        total = sum(sizes)
        _, per = _random_worst_case(sizes, [n / total for n in sizes], c, defects)
        if per <= 0.0:
            return 1
        if per >= 1.0:
            return None
        q = max(1, math.ceil(math.log(beta) / math.log(per)))
        while q > 1 and per ** (q - 1) <= beta:  # guard the rounding of the logarithms
            q -= 1
        while per**q > beta:
            q += 1
        return q
    # scheduled: β is non-increasing in the quota (Sainte-Laguë is house-monotone).
    hi = 1
    limit = sum(math.ceil(s.items / c) for s in sites) * 4 + len(sites)
    while _evaluate(sites, hi, defects, c, mode)[1] > beta:
        if hi >= limit:
            return None
        hi = min(limit, hi * 2)
    lo = max(1, hi // 2)
    while lo < hi:
        mid = (lo + hi) // 2
        if _evaluate(sites, mid, defects, c, mode)[1] <= beta:
            hi = mid
        else:
            lo = mid + 1
    return lo
