"""Attribute sampling: exact non-detection probabilities and sample sizes.

A population of ``N`` items contains ``M`` defective (falsified, diverted, substituted) items.
The inspector verifies ``n`` items drawn at random without replacement. The probability that
no defective item is among them (the non-detection probability) is hypergeometric:

    β(n) = C(N − M, n) / C(N, n) = Π_{i=0}^{M−1} (N − n − i) / (N − i)

The second form has ``M`` factors instead of ``n``; both are exact ratios of integers, so the
functions below compute β as a :class:`fractions.Fraction` and compare it with a target exactly.
The IAEA's approximation of the sample size for a target β is ``n ≈ N (1 − β^(1/M))``
(Avenhaus and Canty, *Compliance Quantified*, 1996; terms as in the IAEA Safeguards Glossary,
2022 edition); it never underestimates the exact size, because it replaces each factor
(N − n − i)/(N − i) by the larger 1 − n/N.

Every function validates its arguments and raises :class:`disarm.errors.BadInput`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from disarm.errors import BadInput

__all__ = [
    "MAX_DISTINCT_REGIONS",
    "MAX_EXACT_FACTORS",
    "MAX_POPULATION",
    "SampleSize",
    "combined_nondetection",
    "completeness",
    "iaea_sample_size",
    "nondetection",
    "nondetection_exact",
    "plan_sample_size",
    "sample_size",
]


#: The largest population, region or site count accepted (docs/limits.md): far above any
#: inventory, and small enough that every answer comes in well under a second.
MAX_POPULATION = 10**12
#: The most factors an exact non-detection probability may multiply (min(M, n)); beyond it the
#: exact fractions grow too large to compute in bounded time.
MAX_EXACT_FACTORS = 10_000
#: Regions for which the ``distinct`` completeness is summed exactly (fractions); above it, in
#: log space over the terms within 40 standard deviations of the mean, up to the second limit.
EXACT_DISTINCT_REGIONS = 2_000
MAX_DISTINCT_REGIONS = 10**7


def _count(name: str, value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise BadInput(f"{name} must be at least {minimum}, got {value}")
    if value > MAX_POPULATION:
        raise BadInput(f"{name} is {value}, more than the limit of {MAX_POPULATION:.0e}")
    return value


def _probability(name: str, value: object, *, open_interval: bool = True) -> Fraction:
    """A probability as an exact fraction (floats are taken at their exact binary value)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | str):
        raise BadInput(f"{name} must be a number, got {value!r}")
    try:
        frac = Fraction(value)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise BadInput(f"{name} must be a finite number, got {value!r}") from exc
    if open_interval and not 0 < frac < 1:
        raise BadInput(f"{name} must lie strictly between 0 and 1, got {value}")
    if not open_interval and not 0 <= frac <= 1:
        raise BadInput(f"{name} must lie between 0 and 1, got {value}")
    return frac


def _check_population(population: int, defects: int) -> None:
    _count("population N", population, minimum=1)
    _count("defects M", defects, minimum=0)
    if defects > population:
        raise BadInput(f"defects M ({defects}) cannot exceed population N ({population})")


def nondetection_exact(population: int, defects: int, n: int) -> Fraction:
    """β(n) = C(N−M, n) / C(N, n) as an exact fraction.

    Uses whichever product form has fewer factors (M or n), so the cost is
    O(min(M, n)) multiplications of integers of O(min(M, n) · log N) bits.
    """
    num, den = _nondetection_ratio(population, defects, n)
    return Fraction(num, den)


def _nondetection_ratio(population: int, defects: int, n: int) -> tuple[int, int]:
    """β(n) as an unreduced ratio of integers (products taken pairwise: balanced sizes)."""
    _check_population(population, defects)
    _count("sample size n", n, minimum=0)
    if n > population:
        raise BadInput(f"sample size n ({n}) cannot exceed population N ({population})")
    if n + defects > population:
        return 0, 1
    if min(defects, n) > MAX_EXACT_FACTORS:
        raise BadInput(
            f"the exact non-detection probability for M={defects} and n={n} needs "
            f"{min(defects, n)} factors, more than the limit of {MAX_EXACT_FACTORS}"
        )
    other, count = (n, defects) if defects <= n else (defects, n)
    num = _product([population - other - i for i in range(count)])
    den = _product([population - i for i in range(count)])
    return num, den


def _product(values: list[int]) -> int:
    """The product of `values`, multiplied as a balanced tree (fast for big integers)."""
    while len(values) > 1:
        paired = [a * b for a, b in zip(values[::2], values[1::2], strict=False)]
        if len(values) % 2:
            paired.append(values[-1])
        values = paired
    return values[0] if values else 1


def nondetection(population: int, defects: int, n: int) -> float:
    """β(n) as a float (correctly rounded: Python divides integers with one rounding)."""
    num, den = _nondetection_ratio(population, defects, n)
    return num / den


def sample_size(population: int, defects: int, beta: float | Fraction | str) -> int:
    """The smallest n with β(n) ≤ beta, decided on the exact formula.

    β(n) is non-increasing in n, β(0) = 1 and β(N − M + 1) = 0, so the answer lies in
    [1, N − M + 1]. A binary search on log-gamma values finds the neighbourhood; exact
    comparisons of fractions then step to the smallest n with β(n) ≤ beta, and confirm that
    β(n − 1) > beta. Needs at least one defect (with none, nothing can be detected).
    """
    _check_population(population, defects)
    target = _probability("beta", beta)
    if defects == 0:
        raise BadInput(
            "defects M must be at least 1: with no defective item there is nothing to find"
        )
    # Binary search on a log-gamma approximation to land next to the answer, then settle it
    # with the exact fraction (the float is only a guide; the result is decided exactly). The
    # guide can be far off for huge N, so the exact search gallops out from it: O(log error)
    # exact evaluations, never a step at a time.
    lo, hi = 1, population - defects + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _log_nondetection(population, defects, mid) <= math.log(target):
            hi = mid
        else:
            lo = mid + 1
    return _exact_smallest(population, defects, target, lo)


def _exact_smallest(population: int, defects: int, target: Fraction, guess: int) -> int:
    """The smallest n in [1, N − M + 1] with exact β(n) ≤ target, searched out from `guess`."""
    top = population - defects + 1  # β(top) = 0

    def ok(n: int) -> bool:
        if n >= top:
            return True
        num, den = _nondetection_ratio(population, defects, n)
        return num * target.denominator <= target.numerator * den

    step = 1
    if ok(guess):  # gallop down to a bracket (bad, good]
        good = guess
        while good - step >= 1 and ok(good - step):
            good -= step
            step *= 2
        bad = max(good - step, 0)
    else:  # gallop up
        bad = guess
        while not ok(bad + step):
            bad += step
            step *= 2
        good = min(bad + step, top)
    while good - bad > 1:
        mid = (bad + good) // 2
        if ok(mid):
            good = mid
        else:
            bad = mid
    return good


def _log_nondetection(population: int, defects: int, n: int) -> float:
    """log β(n), approximate: used only to guide the exact search.

    A sum of log1p terms (accurate to about 1e-13 even for huge N) when it has at most
    `MAX_EXACT_FACTORS` terms; log-gamma otherwise (which loses digits for huge N).
    """
    if n + defects > population:
        return -math.inf
    other, count = (n, defects) if defects <= n else (defects, n)
    if count <= MAX_EXACT_FACTORS:
        return math.fsum(math.log1p(-other / (population - i)) for i in range(count))
    lg = math.lgamma
    return (
        lg(population - defects + 1)
        + lg(population - n + 1)
        - lg(population + 1)
        - lg(population - defects - n + 1)
    )


def iaea_sample_size(population: int, defects: int, beta: float | Fraction | str) -> int:
    """The IAEA approximation n = ⌈N (1 − β^(1/M))⌉, capped at N."""
    _check_population(population, defects)
    target = float(_probability("beta", beta))
    if defects == 0:
        raise BadInput(
            "defects M must be at least 1: with no defective item there is nothing to find"
        )
    raw: float = population * (1.0 - float(target ** (1.0 / defects)))
    # Guard against 205.00000000000003 becoming 206 through rounding noise.
    nearest = round(raw)
    n = nearest if abs(raw - nearest) < 1e-9 * max(1.0, raw) else math.ceil(raw)
    return min(max(n, 0), population)


@dataclass(frozen=True)
class SampleSize:
    """The answer of `disarm stats sample-size`."""

    population: int
    defects: int
    beta_target: float
    exact_n: int
    exact_beta: float
    approximate_n: int
    approximate_beta: float

    @property
    def detection_probability(self) -> float:
        return 1.0 - self.exact_beta


def plan_sample_size(population: int, defects: int, beta: float | Fraction | str) -> SampleSize:
    """Exact and approximate sample sizes with the non-detection probability each achieves."""
    exact_n = sample_size(population, defects, beta)
    approx_n = iaea_sample_size(population, defects, beta)
    return SampleSize(
        population=population,
        defects=defects,
        beta_target=float(_probability("beta", beta)),
        exact_n=exact_n,
        exact_beta=nondetection(population, defects, exact_n),
        approximate_n=approx_n,
        approximate_beta=nondetection(population, defects, approx_n),
    )


def combined_nondetection(betas: Iterable[float | Fraction | str]) -> Fraction:
    """Non-detection over independent stages: the product of the stages' β.

    Independence is an assumption: the stages' random selections are independent draws and a
    defect found at any stage counts as a detection.
    """
    total = Fraction(1)
    count = 0
    for i, beta in enumerate(betas):
        total *= _probability(f"stage {i + 1} beta", beta, open_interval=False)
        count += 1
    if count == 0:
        raise BadInput("at least one stage is needed to combine non-detection probabilities")
    return total


def completeness(
    regions: int, opened: int, hidden: int, find_probability: float, *, spread: str = "independent"
) -> float:
    """Probability of finding at least one of ``hidden`` sites when ``opened`` of ``regions``
    regions are chosen uniformly at random (without replacement) and inspected, and each hidden
    site in an inspected region is found independently with probability q = find_probability.

    ``spread`` says how the hidden sites are placed:

    - ``independent``: each hidden site lies in a region chosen uniformly and independently
      (several may share a region): P = 1 − (1 − q·m/R)^h.
    - ``distinct``: the hidden sites lie in h different regions (h ≤ R): the number K of those
      regions opened is hypergeometric(R, h, m), and P = 1 − Σ_k P(K = k) (1 − q)^k.
    - ``clustered``: all hidden sites lie in one region: P = (m/R) (1 − (1 − q)^h). This is the
      evader's best placement (the worst case for the inspectorate) for every q.
    """
    _count("regions R", regions, minimum=1)
    _count("opened regions m", opened, minimum=0)
    _count("hidden sites h", hidden, minimum=0)
    if opened > regions:
        raise BadInput(f"opened regions m ({opened}) cannot exceed regions R ({regions})")
    q = _probability("find probability q", find_probability, open_interval=False)
    miss = 1 - q
    if hidden == 0:
        return 0.0
    if spread == "independent":
        # 1 − (1 − q·m/R)^h in floating point (log1p/expm1 keep it accurate for tiny q·m/R);
        # an exact power of h would take time and memory growing with h.
        p_site = float(q * Fraction(opened, regions))
        if p_site >= 1.0:
            return 1.0
        return -math.expm1(hidden * math.log1p(-p_site))
    if spread == "distinct":
        if hidden > regions:
            raise BadInput(
                f"hidden sites h ({hidden}) cannot lie in distinct regions: only {regions}"
            )
        if regions > MAX_DISTINCT_REGIONS:
            raise BadInput(
                f"the distinct spread is computed for at most {MAX_DISTINCT_REGIONS:.0e} "
                f"regions, got R={regions}"
            )
        if regions > EXACT_DISTINCT_REGIONS:
            return 1.0 - _hypergeometric_miss(regions, hidden, opened, float(miss))
        total = Fraction(0)
        denom = math.comb(regions, opened)
        for k in range(0, min(hidden, opened) + 1):
            ways = math.comb(hidden, k) * math.comb(regions - hidden, opened - k)
            total += Fraction(ways, denom) * miss**k
        return float(1 - total)
    if spread == "clustered":
        found = 1.0 if q == 1 else -math.expm1(hidden * math.log1p(-float(q)))
        return opened / regions * found
    raise BadInput(f"spread must be one of independent, distinct, clustered; got {spread!r}")


def _hypergeometric_miss(regions: int, hidden: int, opened: int, miss: float) -> float:
    """E[miss^K] for K ~ hypergeometric(R, h, m), in log space over the terms that matter."""

    def log_comb(n: int, k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    low, high = max(0, opened - (regions - hidden)), min(hidden, opened)
    mean = opened * hidden / regions
    var = mean * (regions - hidden) / regions * (regions - opened) / max(regions - 1, 1)
    width = int(40 * math.sqrt(var)) + 40
    first, last = max(low, int(mean) - width), min(high, int(mean) + width)
    base = log_comb(regions, opened)
    log_miss = math.log(miss) if miss > 0 else -math.inf
    total = 0.0
    for k in range(first, last + 1):
        weight = 0.0 if k == 0 else k * log_miss
        total += math.exp(
            log_comb(hidden, k) + log_comb(regions - hidden, opened - k) - base + weight
        )
    return min(total, 1.0)
