"""Monte Carlo engine: measured balances with and without a diversion, and the tests on them.

The engine draws, per iteration, exactly the independent normal variables of the error model
(see `disarm.stats.mua.covariance`): one summed random flow error per period (the sum of the
per-sample random errors, whose variance is random^2 * sum x_t^2 -- exact, not an
approximation), one summed random inventory error per boundary, and one systematic error per
(point, calibration period). MUF errors are then a few matrix products; iterations are the
columns of (periods x chunk) arrays, processed in chunks to bound memory.

Diversion: a per-period vector d of material taken without being measured. The true MUF is d,
and measurement errors are computed on the nominal values (the diversion is small against the
measured amounts, the usual assumption of detection-probability studies). The same draws give
the no-diversion results (false alarms) and the diversion results (detections).

Seeds: one `numpy.random.SeedSequence(seed)` spawns independent streams for the SITMUF
threshold, the calibration of the MUF-based thresholds, and the evaluation run, so that false
alarm rates are always estimated on draws independent of those that chose the thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from disarm.errors import BadInput
from disarm.stats.mua.covariance import (
    ErrorStructure,
    cholesky_factor,
    cumulative_sigma,
    error_structure,
    muf_covariance,
)
from disarm.stats.mua.model import BalanceArea, FloatArray
from disarm.stats.mua.sequential import (
    NO_ALARM,
    check_alpha,
    check_draws,
    check_reference,
    first_alarm,
    page_maximum,
    page_threshold,
    quantile_threshold,
    sitmuf,
)

#: Tests reported by the engine, in order.
TESTS = ("page-sitmuf", "cusum-muf", "muf")
#: Working-memory budget per chunk, in float64 cells (about 24 MB; ~12 cells per MUF value).
CHUNK_CELLS = 3_000_000
#: Relative tolerance for "the true values balance".
BALANCE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class TestOutcome:
    """False alarms and detections of one test over the simulated iterations."""

    test: str
    threshold: float
    iterations: int
    false_alarms: int
    detections: int
    detection_time_counts: tuple[int, ...]  # first alarm under diversion, per period 1..n
    false_alarm_time_counts: tuple[int, ...]  # first alarm under no diversion, per period

    @property
    def false_alarm_probability(self) -> float:
        return self.false_alarms / self.iterations

    @property
    def detection_probability(self) -> float:
        return self.detections / self.iterations

    def standard_error(self, p: float) -> float:
        """Monte Carlo standard error of an estimated probability p."""
        return math.sqrt(max(p * (1.0 - p), 0.0) / self.iterations)

    @property
    def mean_detection_period(self) -> float | None:
        if self.detections == 0:
            return None
        periods = np.arange(1, len(self.detection_time_counts) + 1)
        return float(periods @ np.array(self.detection_time_counts) / self.detections)


@dataclass(frozen=True)
class SamplePath:
    """One simulated iteration under diversion, for plots."""

    muf: FloatArray
    sitmuf: FloatArray
    page: FloatArray
    cusum_muf: FloatArray


@dataclass(frozen=True)
class SimulationResult:
    area: str
    unit: str
    periods: int
    iterations: int
    seed: int
    alpha: float
    k: float
    k_muf: float
    diversion: FloatArray
    sigma_muf: FloatArray
    cumulative_sigma_muf: FloatArray
    outcomes: tuple[TestOutcome, ...]
    sitmuf_mean: FloatArray  # per period, no diversion
    sitmuf_sd: FloatArray
    muf_sd: FloatArray  # empirical sd of MUF per period, no diversion
    sample: SamplePath
    extra: dict[str, float] = field(default_factory=dict)

    def outcome(self, test: str) -> TestOutcome:
        return next(o for o in self.outcomes if o.test == test)


def diversion_pattern(
    kind: str,
    amount: float,
    periods: int,
    *,
    period: int | None = None,
    first: int = 1,
    last: int | None = None,
    values: FloatArray | None = None,
) -> FloatArray:
    """Per-period diverted amounts: none, abrupt (all in `period`), protracted, or custom.

    Periods are numbered from 1. A protracted loss is spread evenly over periods first..last
    (default: all).
    """
    d = np.zeros(periods)
    if kind == "custom":
        if values is None or values.shape != (periods,) or not np.all(np.isfinite(values)):
            raise BadInput(f"a custom diversion needs {periods} finite per-period amounts")
        return values.astype(np.float64)
    if not math.isfinite(amount) or amount < 0:
        raise BadInput(f"the diverted amount must be a finite quantity >= 0, got {amount}")
    if kind == "none":
        return d
    if kind == "abrupt":
        at = 1 if period is None else period
        if not 1 <= at <= periods:
            raise BadInput(f"abrupt diversion period must be in 1..{periods}, got {at}")
        d[at - 1] = amount
        return d
    if kind == "protracted":
        end = periods if last is None else last
        if not 1 <= first <= end <= periods:
            raise BadInput(f"protracted diversion needs 1 <= first <= last <= {periods}")
        d[first - 1 : end] = amount / (end - first + 1)
        return d
    raise BadInput(f"unknown diversion pattern {kind!r}: use none, abrupt, protracted or custom")


def check_balanced(area: BalanceArea, structure: ErrorStructure, *, source: str | None) -> None:
    """The true values must balance (MUF 0 in every period) for a simulation to mean anything."""
    scale = max(
        float(np.abs(structure.book_muf).max(initial=0.0)),
        max((float(np.abs(p.values).sum()) for p in area.points), default=0.0),
        1.0,
    )
    off = np.flatnonzero(np.abs(structure.book_muf) > BALANCE_TOLERANCE * scale)
    if off.size:
        i = int(off[0])
        raise BadInput(
            f"unbalanced series: the nominal values give MUF {structure.book_muf[i]:.6g} "
            f"{area.unit} in period {i + 1} ({off.size} period(s) do not balance); true values "
            "must satisfy opening + inputs - outputs - closing = 0",
            source=source,
        )


def draw_muf_errors(
    structure: ErrorStructure, iterations: int, rng: np.random.Generator
) -> FloatArray:
    """MUF measurement errors of `iterations` independent campaigns, shape (periods, iterations)."""
    return ErrorSampler(structure, iterations).draw(rng, iterations)


class ErrorSampler:
    """Draws MUF errors chunk by chunk into reused buffers (no re-allocation per chunk)."""

    def __init__(self, structure: ErrorStructure, chunk: int) -> None:
        n = structure.periods
        self.structure = structure
        self.chunk = chunk
        widest = max((b.coefficients.shape[1] for b in structure.blocks), default=0)
        # Flat buffers: a C-contiguous (rows, b) view of the first rows * b cells for any b.
        self._err = np.empty(n * chunk)
        self._inv = np.empty((n + 1) * chunk)
        self._sys = np.empty(widest * chunk)

    def draw(self, rng: np.random.Generator, iterations: int) -> FloatArray:
        """Errors of `iterations` <= chunk campaigns; the returned array is a view of a buffer."""
        st = self.structure
        n, b = st.periods, iterations
        err = self._err[: n * b].reshape(n, b)
        inv = self._inv[: (n + 1) * b].reshape(n + 1, b)
        rng.standard_normal(out=err)
        err *= st.flow_random_sd[:, None]
        rng.standard_normal(out=inv)
        inv *= st.inventory_random_sd[:, None]
        err += inv[:-1]
        err -= inv[1:]
        for blk in st.blocks:
            rows, m = blk.coefficients.shape
            z = self._sys[: m * b].reshape(m, b)
            rng.standard_normal(out=z)
            err[blk.first : blk.first + rows] += blk.coefficients @ z
        return err


def chunk_size(periods: int, requested: int | None = None) -> int:
    if requested is not None:
        return max(1, requested)
    return max(128, CHUNK_CELLS // (12 * periods))


def calibrate_muf_tests(
    structure: ErrorStructure,
    sigma: FloatArray,
    *,
    k_muf: float,
    alpha: float,
    iterations: int,
    rng: np.random.Generator,
    chunk: int | None = None,
) -> tuple[float, float]:
    """Thresholds (CUSUM on MUF, single-period MUF test) for false-alarm `alpha` over n periods.

    MUF values are standardised by sigma-MUF but still correlated, so the thresholds depend on
    the covariance and are chosen as (1 - alpha) quantiles of the simulated maxima.
    """
    step = min(chunk_size(structure.periods, chunk), iterations)
    sampler = ErrorSampler(structure, step)
    cusum_max, single_max = [], []
    done = 0
    while done < iterations:
        b = min(step, iterations - done)
        z = sampler.draw(rng, b)
        z /= sigma[:, None]
        cusum_max.append(page_maximum(z, k_muf))
        single_max.append(z.max(axis=0))
        done += b
    return (
        quantile_threshold(np.concatenate(cusum_max), alpha),
        quantile_threshold(np.concatenate(single_max), alpha),
    )


def simulate(
    area: BalanceArea,
    diversion: FloatArray,
    *,
    iterations: int,
    seed: int,
    alpha: float = 0.05,
    k: float = 0.5,
    k_muf: float | None = None,
    calibration_iterations: int | None = None,
    chunk: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    source: str | None = None,
) -> SimulationResult:
    """Simulate `iterations` campaigns with and without `diversion`; run the three tests."""
    check_alpha(alpha)
    if iterations < 1:
        raise BadInput(f"iterations must be a positive integer, got {iterations}")
    n = area.periods
    check_draws(n, iterations)
    if diversion.shape != (n,):
        raise BadInput(f"the diversion has {diversion.size} periods, the area has {n}")
    if not np.all(np.isfinite(diversion)):
        raise BadInput("the diversion must hold finite amounts")
    k_cusum = k if k_muf is None else k_muf
    check_reference(k)
    check_reference(k_cusum, "k_muf")
    structure = error_structure(area)
    check_balanced(area, structure, source=source)
    cov = muf_covariance(structure)
    factor = cholesky_factor(cov, source=source)
    sigma = np.sqrt(np.diag(cov))
    cal_iterations = iterations if calibration_iterations is None else calibration_iterations
    page_seq, cal_seq, run_seq = np.random.SeedSequence(seed).spawn(3)
    h_page = page_threshold(
        k, n, alpha, iterations=cal_iterations, rng=np.random.default_rng(page_seq)
    )
    h_cusum, c_single = calibrate_muf_tests(
        structure,
        sigma,
        k_muf=k_cusum,
        alpha=alpha,
        iterations=cal_iterations,
        rng=np.random.default_rng(cal_seq),
        chunk=chunk,
    )
    thresholds = {"page-sitmuf": h_page, "cusum-muf": h_cusum, "muf": c_single}
    run = _Run(n, thresholds)
    shift_y = sitmuf(diversion, factor)
    shift_z = diversion / sigma
    rng = np.random.default_rng(run_seq)
    step = min(chunk_size(n, chunk), iterations)
    sampler = ErrorSampler(structure, step)
    # Columns of the work arrays: SITMUF no-loss | SITMUF loss | z no-loss | z loss, so that
    # one Page recursion serves both tests and both hypotheses. Buffers are reused per chunk.
    stacked_buf = np.empty(n * 4 * step)
    paths_buf = np.empty(n * 4 * step)
    done = 0
    while done < iterations:
        b = min(step, iterations - done)
        err = sampler.draw(rng, b)
        stacked = stacked_buf[: n * 4 * b].reshape(n, 4 * b)
        y0, y1 = stacked[:, :b], stacked[:, b : 2 * b]
        z0, z1 = stacked[:, 2 * b : 3 * b], stacked[:, 3 * b :]
        y0[...] = sitmuf(err, factor)
        np.add(y0, shift_y[:, None], out=y1)
        np.divide(err, sigma[:, None], out=z0)
        np.add(z0, shift_z[:, None], out=z1)
        run.moments(y0, err)
        ks = np.repeat(np.array([k, k, k_cusum, k_cusum]), b)
        paths = _page(stacked, ks, paths_buf[: n * 4 * b].reshape(n, 4 * b))
        run.count("page-sitmuf", paths[:, :b], paths[:, b : 2 * b])
        run.count("cusum-muf", paths[:, 2 * b : 3 * b], paths[:, 3 * b :])
        run.count("muf", z0, z1)
        if done == 0:
            run.sample = SamplePath(
                muf=err[:, 0] + diversion,  # copies: the buffers are overwritten later
                sitmuf=y1[:, 0].copy(),
                page=paths[:, b].copy(),
                cusum_muf=paths[:, 3 * b].copy(),
            )
        done += b
        if on_progress is not None:
            on_progress(b)
    mean, sd, muf_sd = run.finish(iterations)
    assert run.sample is not None
    return SimulationResult(
        area=area.name,
        unit=area.unit,
        periods=n,
        iterations=iterations,
        seed=seed,
        alpha=alpha,
        k=k,
        k_muf=k_cusum,
        diversion=diversion,
        sigma_muf=sigma,
        cumulative_sigma_muf=cumulative_sigma(cov),
        outcomes=tuple(run.outcome(t, iterations) for t in TESTS),
        sitmuf_mean=mean,
        sitmuf_sd=sd,
        muf_sd=muf_sd,
        sample=run.sample,
    )


def _page(y: FloatArray, ks: FloatArray, out: FloatArray) -> FloatArray:
    """Page's statistic with a per-column reference value, written into `out`."""
    s = np.zeros(y.shape[1])
    for i in range(y.shape[0]):
        s += y[i]
        s -= ks
        np.maximum(s, 0.0, out=s)
        out[i] = s
    return out


class _Run:
    """Accumulators of one evaluation run."""

    def __init__(self, periods: int, thresholds: dict[str, float]) -> None:
        self.n = periods
        self.thresholds = thresholds
        self.alarms: dict[str, list[NDArray[np.int64]]] = {
            t: [np.zeros(periods, np.int64), np.zeros(periods, np.int64)] for t in TESTS
        }
        self.sums = np.zeros((4, periods))
        self.sample: SamplePath | None = None

    def moments(self, y: FloatArray, err: FloatArray) -> None:
        self.sums += np.stack([y.sum(1), np.square(y).sum(1), err.sum(1), np.square(err).sum(1)])

    def count(self, test: str, no_loss: FloatArray, loss: FloatArray) -> None:
        h = self.thresholds[test]
        for slot, stat in enumerate((no_loss, loss)):
            first = first_alarm(stat, h)
            hit = first[first != NO_ALARM]
            self.alarms[test][slot] += np.bincount(hit, minlength=self.n)

    def finish(self, iterations: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        mean = self.sums[0] / iterations
        var = self.sums[1] / iterations - np.square(mean)
        muf_mean = self.sums[2] / iterations
        muf_var = self.sums[3] / iterations - np.square(muf_mean)
        dof = iterations / max(iterations - 1, 1)
        return mean, np.sqrt(np.maximum(var * dof, 0)), np.sqrt(np.maximum(muf_var * dof, 0))

    def outcome(self, test: str, iterations: int) -> TestOutcome:
        no_loss, loss = self.alarms[test]
        return TestOutcome(
            test=test,
            threshold=self.thresholds[test],
            iterations=iterations,
            false_alarms=int(no_loss.sum()),
            detections=int(loss.sum()),
            detection_time_counts=tuple(int(c) for c in loss),
            false_alarm_time_counts=tuple(int(c) for c in no_loss),
        )
