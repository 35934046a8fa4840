"""Balance-area descriptions (YAML/JSON) and measurement series (tables), to and from the model.

The reading of files is the adapter's job: this module takes the parsed document and a
`read_table` callback that returns a pandas DataFrame for a series path named in the document
(or for a path given on the command line). Every problem is a `BadInput` naming the file and
the field. The format is documented in docs/material-accountancy.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from disarm.errors import BadInput
from disarm.stats.mua.model import (
    POINT_KINDS,
    BalanceArea,
    FloatArray,
    MeasurementPoint,
    PointKind,
    build_balance_area,
)

FORMAT = "disarm-balance-area/1"
SAMPLE = "sample"

#: Returns the table stored at a path (relative to the description) and a name for messages.
TableReader = Callable[[str], tuple[pd.DataFrame, str]]


def parse_balance_area(
    doc: Any,
    *,
    source: str,
    read_table: TableReader,
    flows: tuple[pd.DataFrame, str] | None = None,
    inventories: tuple[pd.DataFrame, str] | None = None,
    require_series: bool = False,
) -> BalanceArea:
    """Build the balance area of a description; `flows`/`inventories` override its series.

    With `require_series` (measured data), every point must have a column in the series: a
    nominal value is not a measurement.
    """
    if not isinstance(doc, Mapping):
        raise BadInput("a balance-area description must be a mapping", source=source)
    _known_keys(doc, AREA_KEYS, "", source)
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        raise BadInput(f"format: expected {FORMAT!r}, got {fmt!r}", source=source)
    length = _integer(doc, "period_length", source)
    series = doc.get("series") or {}
    if not isinstance(series, Mapping):
        raise BadInput(
            "series: expected a mapping with 'flows' and/or 'inventories'", source=source
        )
    _known_keys(series, ("flows", "inventories"), "series.", source)
    tables = {
        "flows": flows or _named(series, "flows", read_table, source),
        "inventories": inventories or _named(series, "inventories", read_table, source),
    }
    raw_points = doc.get("points")
    if not isinstance(raw_points, list) or not raw_points:
        raise BadInput("points: expected a non-empty list of measurement points", source=source)
    specs = [_point_spec(p, i, source) for i, p in enumerate(raw_points)]
    periods = _periods(doc, length, tables, source)
    grids = {name: _grid(table, name, length, periods) for name, table in tables.items() if table}
    points = []
    for spec in specs:
        kind: PointKind = spec["type"]
        table_name = "inventories" if kind == "inventory" else "flows"
        grid = grids.get(table_name)
        if require_series and (grid is None or spec["name"] not in grid[0]):
            where = grid[1] if grid is not None else source
            raise BadInput(
                f"no measured {table_name} column for point {spec['name']!r}", source=where
            )
        values = _values(spec, kind, grid, length, periods, source)
        points.append(
            MeasurementPoint(spec["name"], kind, spec["random"], spec["systematic"], values)
        )
    for name, grid in grids.items():
        expected = {
            s["name"] for s in specs if (s["type"] == "inventory") == (name == "inventories")
        }
        extra = sorted(set(grid[0]) - expected)
        if extra:
            what = "flow" if name == "flows" else "inventory"
            raise BadInput(
                f"columns {', '.join(extra)} match no {what} point of the description",
                source=grid[1],
            )
    cal = doc.get("calibration_length")
    return build_balance_area(
        str(doc.get("name", "balance area")),
        period_length=length,
        periods=periods,
        calibration_length=None if cal is None else _integer(doc, "calibration_length", source),
        points=tuple(points),
        unit=str(doc.get("unit", "kg")),
        source=source,
    )


#: The keys a balance-area description and each point may have (docs/material-accountancy.md).
AREA_KEYS = (
    "format",
    "name",
    "unit",
    "period_length",
    "periods",
    "calibration_length",
    "series",
    "points",
)
POINT_KEYS = ("name", "type", "nominal", "random", "systematic")


def _known_keys(doc: Mapping[str, Any], allowed: tuple[str, ...], prefix: str, source: str) -> None:
    """A misspelt key is named as unknown (not reported later as a missing one)."""
    unknown = [str(k) for k in doc if k not in allowed]
    if unknown:
        close = {k: difflib.get_close_matches(k, allowed, n=1, cutoff=0.6) for k in unknown}
        hints = [
            f"{prefix}{k}" + (f" (did you mean {prefix}{close[k][0]}?)" if close[k] else "")
            for k in unknown[:5]
        ]
        raise BadInput(
            f"unknown key {', '.join(hints)}; allowed: {', '.join(allowed)}", source=source
        )


def _named(
    series: Mapping[str, Any], key: str, read_table: TableReader, source: str
) -> tuple[pd.DataFrame, str] | None:
    path = series.get(key)
    if path is None:
        return None
    if not isinstance(path, str):
        raise BadInput(f"series.{key}: expected a file path", source=source)
    return read_table(path)


def _integer(doc: Mapping[str, Any], key: str, source: str) -> int:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadInput(f"{key}: expected a positive integer, got {value!r}", source=source)
    return value


def _point_spec(raw: Any, index: int, source: str) -> dict[str, Any]:
    where = f"points[{index}]"
    if not isinstance(raw, Mapping):
        raise BadInput(f"{where}: expected a mapping", source=source)
    _known_keys(raw, POINT_KEYS, f"{where}.", source)
    name = raw.get("name")
    if not isinstance(name, str) or not name or name == SAMPLE:
        raise BadInput(
            f"{where}.name: expected a non-empty name other than 'sample'", source=source
        )
    kind = raw.get("type")
    if kind not in POINT_KINDS:
        raise BadInput(
            f"points.{name}.type: expected one of {', '.join(POINT_KINDS)}, got {kind!r}",
            source=source,
        )
    out: dict[str, Any] = {"name": name, "type": kind, "nominal": raw.get("nominal")}
    for key in ("random", "systematic"):
        value = raw.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadInput(f"points.{name}.{key}: expected a number, got {value!r}", source=source)
        out[key] = float(value)
    return out


def _periods(
    doc: Mapping[str, Any],
    length: int,
    tables: Mapping[str, tuple[pd.DataFrame, str] | None],
    source: str,
) -> int:
    implied: dict[str, int] = {}
    flows = tables.get("flows")
    if flows is not None:
        rows = len(flows[0])
        if rows % length:
            raise BadInput(
                f"the flow series has {rows} samples, not a whole number of {length}-sample "
                "balance periods (unbalanced series)",
                source=flows[1],
            )
        implied[flows[1]] = rows // length
    inv = tables.get("inventories")
    if inv is not None:
        implied[inv[1]] = len(inv[0]) - 1
    if "periods" in doc:
        implied[f"{source} (periods)"] = _integer(doc, "periods", source)
    values = set(implied.values())
    if not values:
        raise BadInput("periods: give the number of balance periods or series", source=source)
    if len(values) > 1:
        detail = "; ".join(f"{k}: {v}" for k, v in implied.items())
        raise BadInput(
            f"mismatched time grids: the numbers of periods differ ({detail})", source=source
        )
    periods = values.pop()
    if periods < 1:
        raise BadInput("the series cover no balance period", source=source)
    return periods


def _grid(
    table: tuple[pd.DataFrame, str], name: str, length: int, periods: int
) -> tuple[dict[str, FloatArray], str]:
    """Columns of a series table after checking its `sample` column against the time grid."""
    frame, where = table
    if SAMPLE not in frame.columns:
        raise BadInput(f"missing column {SAMPLE!r} (the time grid)", source=where)
    if name == "flows":
        expected = np.arange(periods * length)
        rule = "0, 1, ..., " + str(periods * length - 1)
    else:
        expected = np.arange(periods + 1) * length
        rule = f"the period boundaries 0, {length}, ..., {periods * length}"
    got = pd.to_numeric(frame[SAMPLE], errors="coerce").to_numpy(dtype=np.float64)
    if got.shape != expected.shape or not np.array_equal(got, expected):
        bad = _first_mismatch(got, expected)
        raise BadInput(
            f"mismatched time grid: column {SAMPLE!r} must be {rule}; first difference at row "
            f"{bad + 1}",
            source=where,
        )
    columns: dict[str, FloatArray] = {}
    for col in frame.columns:
        if col == SAMPLE:
            continue
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(values)):
            row = int(np.argmax(~np.isfinite(values)))
            raise BadInput(f"column {col!r}: not a number at row {row + 1}", source=where)
        if np.any(values < 0):
            row = int(np.argmax(values < 0))
            raise BadInput(
                f"column {col!r}: negative quantity {values[row]} at row {row + 1}", source=where
            )
        columns[str(col)] = values
    return columns, where


def _first_mismatch(got: FloatArray, expected: Any) -> int:
    n = min(got.size, expected.size)
    diff = np.flatnonzero(got[:n] != expected[:n])
    return int(diff[0]) if diff.size else n


def _values(
    spec: Mapping[str, Any],
    kind: PointKind,
    grid: tuple[dict[str, FloatArray], str] | None,
    length: int,
    periods: int,
    source: str,
) -> FloatArray:
    size = periods + 1 if kind == "inventory" else periods * length
    if grid is not None and spec["name"] in grid[0]:
        return grid[0][spec["name"]]
    nominal = spec["nominal"]
    where = f"points.{spec['name']}.nominal"
    if nominal is None:
        table = "inventories" if kind == "inventory" else "flows"
        raise BadInput(
            f"{where}: no nominal value and no column {spec['name']!r} in the {table} series",
            source=source,
        )
    if isinstance(nominal, bool):
        raise BadInput(f"{where}: expected a number or a list of numbers", source=source)
    if isinstance(nominal, int | float):
        if nominal < 0 or not np.isfinite(nominal):
            raise BadInput(f"{where}: negative or non-finite quantity {nominal}", source=source)
        return np.full(size, float(nominal))
    if isinstance(nominal, list):
        try:
            values = np.asarray(nominal, dtype=np.float64)
        except (TypeError, ValueError):
            raise BadInput(f"{where}: expected a list of numbers", source=source) from None
        if values.shape != (size,):
            unit = "period boundaries" if kind == "inventory" else "samples"
            raise BadInput(
                f"{where}: {values.size} values, {size} expected (one per {unit}); "
                "mismatched time grid",
                source=source,
            )
        return values
    raise BadInput(f"{where}: expected a number or a list of numbers", source=source)
