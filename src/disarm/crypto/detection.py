"""Exact detection probability of an escrowed declaration under random inspection.

A state holds N items and omits f of them from its committed declaration. Inspectors draw n of
the N items uniformly at random without replacement (for example, by visiting randomly chosen
items or sites in fully revealed regions) and check each against the openings. The number X of
omitted items in the sample is hypergeometric, and the omission is detected when X >= 1:

    P(detect) = 1 - P(X = 0) = 1 - C(N - f, n) / C(N, n)

Computed exactly with integer binomial coefficients (`math.comb`) and one final division.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

from disarm.errors import BadInput


def detection_probability_exact(total: int, omitted: int, inspected: int) -> Fraction:
    """P(at least one of `omitted` items among `inspected` drawn from `total`), as a fraction."""
    if total < 0 or not 0 <= omitted <= total or not 0 <= inspected <= total:
        raise BadInput(
            f"need 0 <= omitted <= total and 0 <= inspected <= total "
            f"(got total={total}, omitted={omitted}, inspected={inspected})"
        )
    return 1 - Fraction(comb(total - omitted, inspected), comb(total, inspected))


def detection_probability(total: int, omitted: int, inspected: int) -> float:
    return float(detection_probability_exact(total, omitted, inspected))


def inspections_needed(total: int, omitted: int, target: float) -> int:
    """The smallest n with P(detect) >= target (binary search; P grows with n)."""
    if not 0 < target < 1:
        raise BadInput(f"the target probability must be strictly between 0 and 1, not {target}")
    if omitted == 0:
        raise BadInput("nothing can be detected when no item is omitted")
    lo, hi = 0, total
    goal = Fraction(target)
    while lo < hi:
        mid = (lo + hi) // 2
        if detection_probability_exact(total, omitted, mid) >= goal:
            hi = mid
        else:
            lo = mid + 1
    return lo
