"""Balance areas: key measurement points, balance periods, calibration periods.

A balance area is observed on a grid of `samples` (e.g. hours). Flows (inputs and outputs) are
amounts that cross a key measurement point during one sample. Inventories are measured at the
`periods + 1` boundaries of the balance periods: boundary 0 opens period 1, boundary j closes
period j. Each period is `period_length` samples long.

Measurement errors follow the multiplicative model used in safeguards (IAEA International Target
Values): measured = true x (1 + r + s), with r ~ N(0, random^2) drawn afresh for every
measurement (every sample of a flow, every inventory taking) and s ~ N(0, systematic^2) drawn
once per point and calibration period (`calibration_length` samples) and shared by every
measurement of that point in that calibration period.

A flow sample t belongs to calibration period floor(t / calibration_length). The inventory at
boundary j >= 1 is taken at the end of period j with the calibration in force during the last
sample of period j (sample j * period_length - 1); the opening inventory uses calibration 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from disarm.errors import BadInput

PointKind = Literal["input", "output", "inventory"]
POINT_KINDS: tuple[PointKind, ...] = ("input", "output", "inventory")

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class MeasurementPoint:
    """A key measurement point with its true (or nominal) values and its error model.

    `values` holds one amount per sample for a flow, or one inventory per period boundary
    (periods + 1 values) for an inventory. `random` and `systematic` are relative standard
    deviations (0.01 = 1 %).
    """

    name: str
    kind: PointKind
    random: float
    systematic: float
    values: FloatArray

    @property
    def sign(self) -> int:
        """+1 for inputs, -1 for outputs (the sign with which a flow enters the MUF)."""
        return -1 if self.kind == "output" else 1


@dataclass(frozen=True, eq=False)
class BalanceArea:
    """A material balance area observed over `periods` balance periods."""

    name: str
    period_length: int
    periods: int
    calibration_length: int
    points: tuple[MeasurementPoint, ...]
    unit: str = "kg"

    @property
    def samples(self) -> int:
        return self.periods * self.period_length

    @property
    def calibrations(self) -> int:
        """Number of calibration periods (systematic errors redrawn at each)."""
        return -(-self.samples // self.calibration_length)

    @property
    def flows(self) -> tuple[MeasurementPoint, ...]:
        return tuple(p for p in self.points if p.kind != "inventory")

    @property
    def inventories(self) -> tuple[MeasurementPoint, ...]:
        return tuple(p for p in self.points if p.kind == "inventory")

    def inventory_calibration(self) -> NDArray[np.int64]:
        """Calibration period of each inventory boundary 0..periods (see module docstring)."""
        ends = np.arange(self.periods + 1, dtype=np.int64) * self.period_length - 1
        return np.maximum(ends, 0) // self.calibration_length

    def with_values(self, values: dict[str, FloatArray]) -> BalanceArea:
        """The same area and error model with other values (e.g. measured ones) per point."""
        points = tuple(
            MeasurementPoint(p.name, p.kind, p.random, p.systematic, values.get(p.name, p.values))
            for p in self.points
        )
        return build_balance_area(
            self.name,
            period_length=self.period_length,
            periods=self.periods,
            calibration_length=self.calibration_length,
            points=points,
            unit=self.unit,
        )


def build_balance_area(
    name: str,
    *,
    period_length: int,
    periods: int,
    calibration_length: int | None,
    points: tuple[MeasurementPoint, ...],
    unit: str = "kg",
    source: str | None = None,
) -> BalanceArea:
    """Validate and build a balance area; every problem is reported, naming the field."""
    problems: list[str] = []
    if period_length < 1:
        problems.append(f"period_length must be a positive integer, got {period_length}")
    if periods < 1:
        problems.append(f"periods must be a positive integer, got {periods}")
    total = max(periods, 1) * max(period_length, 1)
    calibration = total if calibration_length is None else calibration_length
    if calibration < 1:
        problems.append(f"calibration_length must be a positive integer, got {calibration}")
    if not points:
        problems.append("points: at least one measurement point is needed")
    names = [p.name for p in points]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"points: duplicate name {dup!r}")
    for p in points:
        problems.extend(_point_problems(p, periods, total))
    if problems:
        raise BadInput(f"invalid balance area {name!r}", source=source, problems=problems)
    return BalanceArea(name, period_length, periods, calibration, points, unit)


def _point_problems(p: MeasurementPoint, periods: int, samples: int) -> list[str]:
    where = f"points.{p.name}"
    out: list[str] = []
    if p.kind not in POINT_KINDS:
        out.append(f"{where}.type must be one of {', '.join(POINT_KINDS)}, got {p.kind!r}")
    for field, value in (("random", p.random), ("systematic", p.systematic)):
        if not np.isfinite(value) or value < 0:
            out.append(f"{where}.{field} must be a finite relative error >= 0, got {value}")
    expected = periods + 1 if p.kind == "inventory" else samples
    what = "period boundaries (periods + 1)" if p.kind == "inventory" else "samples"
    if p.values.ndim != 1 or p.values.shape[0] != expected:
        out.append(
            f"{where}: {p.values.size} values given, {expected} expected (one per {what}); "
            "the time grids do not match"
        )
    elif not np.all(np.isfinite(p.values)):
        out.append(f"{where}: values must be finite numbers")
    elif np.any(p.values < 0):
        first = int(np.argmax(p.values < 0))
        out.append(f"{where}: negative quantity {p.values[first]} at index {first}")
    return out
