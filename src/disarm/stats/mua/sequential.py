"""Sequential tests on a MUF sequence: SITMUF, Page's test, CUSUM on MUF, single-period test.

Arrays of MUF sequences are laid out period-first: shape (periods,) for one sequence or
(periods, iterations) for many, so that period i of every iteration is one contiguous row.

SITMUF. With MUF ~ N(mu, S) and S = L L' (L lower triangular, positive diagonal), the vector
Y = L^-1 MUF is N(L^-1 mu, I): under no loss, Y_1..Y_n are independent standard normals. Because
L^-1 is lower triangular, Y_i depends only on MUF_1..MUF_i, and it equals the sequential
definition
    Y_i = (MUF_i - E[MUF_i | MUF_1..MUF_i-1]) / sd(MUF_i | MUF_1..MUF_i-1)
(ITMUF_i divided by its standard deviation): forward substitution computes exactly the
innovation of MUF_i and L_ii is its conditional standard deviation.

Page's test. S_0 = 0, S_i = max(0, S_i-1 + Y_i - k); alarm at the first i with S_i > h.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import solve_triangular

from disarm.errors import BadInput
from disarm.stats.mua.model import FloatArray

NO_ALARM = -1


def sitmuf(muf: FloatArray, factor: FloatArray) -> FloatArray:
    """Standardised independent transformed MUF: L^-1 MUF (per column for 2-D input)."""
    return np.asarray(
        solve_triangular(factor, muf, lower=True, check_finite=False), dtype=np.float64
    )


def page_statistic(y: FloatArray, k: float) -> FloatArray:
    """Page's CUSUM S_i = max(0, S_i-1 + y_i - k), S_0 = 0, along the first axis."""
    out = np.empty_like(y, dtype=np.float64)
    s = np.zeros(y.shape[1:])
    for i in range(y.shape[0]):
        s = np.maximum(s + y[i] - k, 0.0)
        out[i] = s
    return out


def page_maximum(y: FloatArray, k: float) -> FloatArray:
    """max_i S_i of Page's statistic, per column (an alarm at h happens iff this is > h)."""
    s = np.zeros(y.shape[1:])
    top = np.zeros(y.shape[1:])
    for i in range(y.shape[0]):
        s = np.maximum(s + y[i] - k, 0.0)
        np.maximum(top, s, out=top)
    return top


def first_alarm(statistic: FloatArray, threshold: float) -> NDArray[np.int64]:
    """0-based index of the first period whose statistic exceeds `threshold`, or -1."""
    over = statistic > threshold
    first = np.argmax(over, axis=0).astype(np.int64)
    return np.where(over.any(axis=0), first, NO_ALARM)


def quantile_threshold(maxima: FloatArray, alpha: float) -> float:
    """Smallest sample value h with at most a fraction `alpha` of `maxima` strictly above it."""
    if maxima.size == 0:
        raise BadInput("no simulated values to choose a threshold from")
    ordered = np.sort(maxima)
    index = max(math.ceil((1.0 - alpha) * ordered.size) - 1, 0)
    return float(ordered[index])


def page_threshold(
    k: float,
    periods: int,
    alpha: float,
    *,
    iterations: int,
    rng: np.random.Generator,
    chunk: int = 20_000,
) -> float:
    """Threshold h of Page's test on SITMUF for false-alarm probability `alpha` over `periods`.

    Under no loss SITMUF is i.i.d. N(0, 1) whatever the covariance, so h depends only on
    (k, periods, alpha) and is chosen as the (1 - alpha) quantile of max_i S_i over
    `iterations` simulated standard normal sequences.
    """
    check_alpha(alpha)
    if iterations < 1 or periods < 1:
        raise BadInput("iterations and periods must be positive to choose a threshold")
    check_draws(periods, iterations)
    per_chunk = max(1, min(chunk, 1_000_000 // periods))
    maxima = []
    done = 0
    while done < iterations:
        b = min(per_chunk, iterations - done)
        maxima.append(page_maximum(rng.standard_normal((periods, b)), k))
        done += b
    return quantile_threshold(np.concatenate(maxima), alpha)


#: The most balance periods a simulation accepts (daily balances for 270 years).
MAX_PERIODS = 100_000
#: The most normal draws (periods × iterations) one simulation may make: about 10 s of CPU
#: and bounded memory (docs/limits.md).
MAX_DRAWS = 200_000_000


def check_draws(periods: int, iterations: int) -> None:
    """Refuse simulations too large to finish in bounded time, before drawing anything."""
    if periods > MAX_PERIODS:
        raise BadInput(f"{periods} balance periods is more than the limit of {MAX_PERIODS:,}")
    if periods * iterations > MAX_DRAWS:
        raise BadInput(
            f"{periods:,} periods × {iterations:,} iterations is {periods * iterations:,} "
            f"draws, more than the limit of {MAX_DRAWS:,}; use fewer iterations"
        )


def check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise BadInput(f"the false-alarm probability must be in (0, 1), got {alpha}")


def check_reference(k: float, name: str = "k") -> None:
    if not math.isfinite(k):
        raise BadInput(f"the reference value {name} must be a finite number, got {k}")
