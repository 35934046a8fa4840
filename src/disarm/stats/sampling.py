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
    "SampleSize",
    "combined_nondetection",
    "completeness",
    "iaea_sample_size",
    "nondetection",
    "nondetection_exact",
    "plan_sample_size",
    "sample_size",
]


def _count(name: str, value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise BadInput(f"{name} must be at least {minimum}, got {value}")
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
    _check_population(population, defects)
    _count("sample size n", n, minimum=0)
    if n > population:
        raise BadInput(f"sample size n ({n}) cannot exceed population N ({population})")
    if n + defects > population:
        return Fraction(0)
    num = den = 1
    if defects <= n:
        for i in range(defects):
            num *= population - n - i
            den *= population - i
    else:
        for i in range(n):
            num *= population - defects - i
            den *= population - i
    return Fraction(num, den)


def nondetection(population: int, defects: int, n: int) -> float:
    """β(n) as a float (correctly rounded from the exact fraction)."""
    return float(nondetection_exact(population, defects, n))


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
    # with the exact fraction (the float is only a guide; the result is decided exactly).
    lo, hi = 1, population - defects + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _log_nondetection(population, defects, mid) <= math.log(target):
            hi = mid
        else:
            lo = mid + 1
    n = lo
    while n < population - defects + 1 and nondetection_exact(population, defects, n) > target:
        n += 1
    while n > 1 and nondetection_exact(population, defects, n - 1) <= target:
        n -= 1
    return n


def _log_nondetection(population: int, defects: int, n: int) -> float:
    """log β(n) from log-gamma (approximate; used only to guide the exact search)."""
    if n + defects > population:
        return -math.inf
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
        return float(1 - (1 - q * Fraction(opened, regions)) ** hidden)
    if spread == "distinct":
        if hidden > regions:
            raise BadInput(
                f"hidden sites h ({hidden}) cannot lie in distinct regions: only {regions}"
            )
        total = Fraction(0)
        denom = math.comb(regions, opened)
        for k in range(0, min(hidden, opened) + 1):
            ways = math.comb(hidden, k) * math.comb(regions - hidden, opened - k)
            total += Fraction(ways, denom) * miss**k
        return float(1 - total)
    if spread == "clustered":
        return float(Fraction(opened, regions) * (1 - miss**hidden))
    raise BadInput(f"spread must be one of independent, distinct, clustered; got {spread!r}")
