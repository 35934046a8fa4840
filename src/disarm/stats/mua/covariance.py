"""MUF per balance period, sigma-MUF and the full covariance matrix of the MUF sequence.

MUF_i = sum_k I_k(i-1) + sum_inputs F(i) - sum_outputs F(i) - sum_k I_k(i), with F(i) the
total flow of a point over the samples of period i. Under the multiplicative error model
(see `disarm.stats.mua.model`) the MUF measurement error is a linear combination of three
kinds of independent normal variables, and the covariance follows exactly:

* random flow errors: a period total of n samples x_t, each measured with its own random
  error, has random error variance random^2 * sum_t x_t^2 (n x^2 random^2 for a constant flow:
  the square root of n law, exact for normal errors). It touches one period only.
* random inventory errors, variance (random * I_k(j))^2: inventory j closes period j and
  opens period j + 1, so it adds to Var(MUF_j), Var(MUF_j+1) and subtracts from
  Cov(MUF_j, MUF_j+1). This is the negative lag-1 covariance.
* systematic errors, one per point and calibration period: the error of MUF_i is
  sum over (point, calibration) of s * g_i, with g_i the signed amount measured by that point
  under that calibration and entering MUF_i. They correlate every period that shares a
  calibration.

The systematic part is kept as blocks (one per calibration period) of coefficients per unit
standard normal, so that the simulator draws exactly the same variables that the covariance
describes, and the covariance is the sum of the blocks' outer products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack

from disarm.errors import BadInput
from disarm.stats.mua.model import BalanceArea, FloatArray

#: Relative size below which a pivot of the Cholesky factor counts as singular.
SINGULAR_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class SystematicBlock:
    """Coefficients of one calibration period's systematic errors on periods first..first+rows.

    `coefficients[r, m]` is the MUF error of period `first + r` per unit standard normal of the
    m-th (point, calibration) systematic error (it already includes that point's relative
    standard deviation and sign).
    """

    calibration: int
    first: int
    coefficients: FloatArray


@dataclass(frozen=True, eq=False)
class ErrorStructure:
    """Everything needed to draw MUF errors and to write their covariance."""

    book_muf: FloatArray  # MUF of the given values, one per period
    flow_random_sd: FloatArray  # sd of the summed random flow errors, per period
    inventory_random_sd: FloatArray  # sd of the summed random inventory errors, per boundary
    blocks: tuple[SystematicBlock, ...]

    @property
    def periods(self) -> int:
        return int(self.book_muf.shape[0])


def error_structure(area: BalanceArea) -> ErrorStructure:
    """Aggregate the per-sample model of `area` into period-level error terms (exactly)."""
    n, length = area.periods, area.period_length
    flows, inventories = area.flows, area.inventories
    book = np.zeros(n)
    flow_var = np.zeros(n)
    inv_var = np.zeros(n + 1)
    triplets: list[tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]] = []
    if flows:
        x = np.vstack([p.values for p in flows])
        signs = np.array([p.sign for p in flows], dtype=np.float64)
        rand = np.array([p.random for p in flows])
        totals = x.reshape(len(flows), n, length).sum(axis=2)
        squares = np.square(x).reshape(len(flows), n, length).sum(axis=2)
        book += signs @ totals
        flow_var = np.square(rand) @ squares
        triplets.extend(_flow_systematic(area, x, signs))
    if inventories:
        y = np.vstack([p.values for p in inventories])
        rand = np.array([p.random for p in inventories])
        level = y.sum(axis=0)
        book += level[:-1] - level[1:]
        inv_var = np.square(rand) @ np.square(y)
        triplets.extend(_inventory_systematic(area, y))
    return ErrorStructure(
        book_muf=book,
        flow_random_sd=np.sqrt(flow_var),
        inventory_random_sd=np.sqrt(inv_var),
        blocks=_blocks(triplets, len(area.points)),
    )


def _flow_systematic(
    area: BalanceArea, x: FloatArray, signs: FloatArray
) -> list[tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]]:
    """(variable id, period, coefficient) of every flow systematic error."""
    total, length, cal = area.samples, area.period_length, area.calibration_length
    cuts = np.union1d(np.arange(0, total, length), np.arange(0, total, cal))
    pieces = np.add.reduceat(x, cuts, axis=1)  # amount per (flow, period x calibration piece)
    period = cuts // length
    calibration = cuts // cal
    out = []
    for f, point in enumerate(area.flows):
        if point.systematic == 0.0:
            continue
        var_id = _var_id(area, area.points.index(point), calibration)
        out.append((var_id, period, signs[f] * point.systematic * pieces[f]))
    return out


def _inventory_systematic(
    area: BalanceArea, y: FloatArray
) -> list[tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]]:
    n = area.periods
    cal = area.inventory_calibration()
    opening, closing = np.arange(0, n), np.arange(1, n + 1)
    out = []
    for k, point in enumerate(area.inventories):
        if point.systematic == 0.0:
            continue
        q = area.points.index(point)
        s = point.systematic
        # Boundary j opens period j + 1 (row j) with +I and closes period j (row j - 1) with -I.
        out.append((_var_id(area, q, cal[opening]), opening, s * y[k, opening]))
        out.append((_var_id(area, q, cal[closing]), closing - 1, -s * y[k, closing]))
    return out


def _var_id(
    area: BalanceArea, point_index: int, calibration: NDArray[np.int64]
) -> NDArray[np.int64]:
    return calibration * len(area.points) + point_index


def _blocks(
    triplets: list[tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]], n_points: int
) -> tuple[SystematicBlock, ...]:
    if not triplets:
        return ()
    var = np.concatenate([t[0] for t in triplets])
    row = np.concatenate([t[1] for t in triplets])
    coef = np.concatenate([t[2] for t in triplets])
    keep = coef != 0.0
    var, row, coef = var[keep], row[keep], coef[keep]
    if var.size == 0:
        return ()
    blocks = []
    # Variable ids are calibration * n_points + point; group them by calibration period.
    # All variables of one calibration period touch a contiguous range of periods.
    group_of = var // n_points
    order = np.argsort(var, kind="stable")
    var, row, coef, group_of = var[order], row[order], coef[order], group_of[order]
    starts = np.flatnonzero(np.r_[True, group_of[1:] != group_of[:-1]])
    ends = np.r_[starts[1:], var.size]
    for a, b in zip(starts, ends, strict=True):
        ids, col = np.unique(var[a:b], return_inverse=True)
        first, last = int(row[a:b].min()), int(row[a:b].max())
        block = np.zeros((last - first + 1, ids.size))
        np.add.at(block, (row[a:b] - first, col), coef[a:b])
        blocks.append(SystematicBlock(int(group_of[a]), first, _minimal_factor(block)))
    return tuple(blocks)


def _minimal_factor(block: FloatArray) -> FloatArray:
    """A factor F with F F' = block block' and as few columns as its rank.

    Points with proportional coefficient patterns (e.g. many tanks at constant level) give a
    block of low rank; B z and F z' (z, z' standard normal) have the same normal distribution,
    so the simulation stays exact while drawing fewer variables.
    """
    if block.shape[1] <= 1:
        return block
    u, s, _ = np.linalg.svd(block, full_matrices=False)
    keep = s > s[0] * 1e-12 * max(block.shape)
    if keep.sum() >= block.shape[1]:
        return block
    return np.asarray(u[:, keep] * s[keep], dtype=np.float64)


def muf_covariance(structure: ErrorStructure) -> FloatArray:
    """The n x n covariance matrix of the MUF sequence (exact under the error model)."""
    n = structure.periods
    cov = np.diag(np.square(structure.flow_random_sd))
    inv = np.square(structure.inventory_random_sd)
    idx = np.arange(n)
    cov[idx, idx] += inv[:-1] + inv[1:]
    cov[idx[:-1], idx[:-1] + 1] -= inv[1:-1]
    cov[idx[:-1] + 1, idx[:-1]] -= inv[1:-1]
    for blk in structure.blocks:
        rows = slice(blk.first, blk.first + blk.coefficients.shape[0])
        cov[rows, rows] += blk.coefficients @ blk.coefficients.T
    # Exactly symmetric (matrix products may differ in the last bit between (i, j) and (j, i)).
    return np.asarray((cov + cov.T) / 2.0, dtype=np.float64)


def sigma_muf(structure: ErrorStructure) -> FloatArray:
    """Standard deviation of each period's MUF."""
    return np.sqrt(np.diag(muf_covariance(structure)))


def cumulative_sigma(cov: FloatArray) -> FloatArray:
    """Standard deviation of the cumulative MUF after each period: sqrt(1' S[:i,:i] 1)."""
    return np.sqrt(np.cumsum(np.cumsum(cov, axis=0), axis=1).diagonal())


def cholesky_factor(cov: FloatArray, *, source: str | None = None) -> FloatArray:
    """Lower Cholesky factor L (cov = L L'), or BadInput if cov is not positive definite.

    Singular means: some period's MUF is (numerically) a linear combination of the earlier
    ones, e.g. every error of the model is zero, or a period where nothing is measured.
    """
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or cov.shape[0] == 0:
        raise BadInput("the MUF covariance must be a non-empty square matrix", source=source)
    scale = float(np.abs(np.diag(cov)).max()) if np.all(np.isfinite(cov)) else 0.0
    if not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12 * scale):
        raise BadInput("the MUF covariance is not a finite symmetric matrix", source=source)
    diag = np.diag(cov)
    zero = np.flatnonzero(diag <= 0.0)
    if zero.size:
        raise BadInput(
            "the error model gives a MUF with zero variance in period "
            f"{int(zero[0]) + 1}: the covariance is singular (are all errors zero?)",
            source=source,
        )
    # LAPACK potrf reports the order of the first leading minor that is not positive definite.
    factor, info = lapack.dpotrf(cov, lower=1, clean=1)
    if info > 0:
        raise BadInput(
            f"the MUF covariance is not positive definite: period {info} is (numerically) "
            "determined by the earlier periods; check the error model (are some errors zero?)",
            source=source,
        )
    if info < 0:  # pragma: no cover - an argument error inside LAPACK
        raise BadInput("the MUF covariance could not be factorised", source=source)
    # Conditional variance of period i given 1..i-1, relative to its variance.
    ratio = np.square(np.diag(factor)) / diag
    bad = np.flatnonzero(~(ratio > SINGULAR_TOLERANCE))
    if bad.size:
        raise BadInput(
            f"the MUF covariance is singular or ill-conditioned at period {int(bad[0]) + 1} "
            f"(conditional variance ratio {float(ratio[bad[0]]):.3g}); check the error model",
            source=source,
        )
    return np.asarray(factor, dtype=np.float64)
