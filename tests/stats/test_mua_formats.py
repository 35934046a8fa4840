"""Balance-area descriptions and measurement series: parsing and bad input."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from disarm.errors import BadInput
from disarm.stats.mua.formats import parse_balance_area


def description(**over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "disarm-balance-area/1",
        "name": "t",
        "period_length": 2,
        "periods": 3,
        "points": [
            {"name": "in", "type": "input", "random": 0.01, "systematic": 0.005, "nominal": 1.0},
            {"name": "out", "type": "output", "random": 0.01, "nominal": 1.0},
            {"name": "tank", "type": "inventory", "random": 0.01, "nominal": 4.0},
        ],
    }
    doc.update(over)
    return doc


def no_tables(path: str) -> tuple[pd.DataFrame, str]:
    raise AssertionError(f"unexpected table {path}")


def flows_frame(n: int = 6) -> tuple[pd.DataFrame, str]:
    return pd.DataFrame({"sample": range(n), "in": [1.0] * n, "out": [1.0] * n}), "flows.csv"


def inventories_frame(samples: list[int] | None = None) -> tuple[pd.DataFrame, str]:
    s = samples if samples is not None else [0, 2, 4, 6]
    return pd.DataFrame({"sample": s, "tank": [4.0] * len(s)}), "inv.csv"


def parse(doc: dict[str, Any], **kw: Any) -> Any:
    return parse_balance_area(doc, source="area.yaml", read_table=no_tables, **kw)


def test_nominal_constants() -> None:
    area = parse(description())
    assert area.periods == 3 and area.samples == 6 and area.calibrations == 1
    np.testing.assert_array_equal(area.points[2].values, [4.0] * 4)
    assert area.points[1].systematic == 0.0


def test_series_tables_and_periods_inferred() -> None:
    doc = description()
    del doc["periods"]
    for p in doc["points"]:
        del p["nominal"]
    area = parse(doc, flows=flows_frame(), inventories=inventories_frame())
    assert area.periods == 3


def test_series_named_in_the_description_are_read_through_the_callback() -> None:
    doc = description(series={"flows": "f.csv"})
    seen = []

    def reader(path: str) -> tuple[pd.DataFrame, str]:
        seen.append(path)
        return flows_frame()

    parse_balance_area(doc, source="a.yaml", read_table=reader)
    assert seen == ["f.csv"]


@pytest.mark.parametrize(
    ("doc", "kw", "message"),
    [
        (description(period_length=0), {}, "period_length"),
        (description(format="other/2"), {}, "format"),
        (description(points=[]), {}, "points"),
        (
            description(points=[{"name": "x", "type": "pipe", "nominal": 1}]),
            {},
            "points.x.type",
        ),
        (
            description(points=[{"name": "x", "type": "input", "random": -0.1, "nominal": 1}]),
            {},
            "points.x.random",
        ),
        (
            description(points=[{"name": "x", "type": "input", "random": "big", "nominal": 1}]),
            {},
            "points.x.random",
        ),
        (
            description(points=[{"name": "x", "type": "input", "nominal": -1.0}]),
            {},
            "negative",
        ),
        (description(points=[{"name": "x", "type": "input"}]), {}, "points.x.nominal"),
        (
            description(points=[{"name": "x", "type": "inventory", "nominal": [1, 2]}]),
            {},
            "mismatched time grid",
        ),
        (
            description(points=[{"name": "a", "type": "input", "nominal": 1}] * 2),
            {},
            "duplicate",
        ),
        (description(), {"flows": flows_frame(5)}, "whole number"),
        (description(), {"flows": flows_frame(8)}, "mismatched time grids"),
        (description(), {"inventories": inventories_frame([0, 2, 5, 6])}, "time grid"),
        (description(), {"inventories": inventories_frame([0, 2, 4])}, "mismatched time grids"),
    ],
)
def test_bad_descriptions(doc: dict[str, Any], kw: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput) as err:
        parse(doc, **kw)
    assert message in err.value.diagnostics()


def test_negative_measurement_names_file_column_and_row() -> None:
    frame, _ = flows_frame()
    frame.loc[3, "out"] = -0.5
    with pytest.raises(BadInput) as err:
        parse(description(), flows=(frame, "flows.csv"))
    text = err.value.diagnostics()
    assert "flows.csv" in text and "'out'" in text and "row 4" in text


def test_unknown_column_and_missing_measured_column() -> None:
    frame, _ = flows_frame()
    frame["spill"] = 0.0
    with pytest.raises(BadInput, match="spill"):
        parse(description(), flows=(frame, "flows.csv"))
    with pytest.raises(BadInput, match="no measured inventories column for point 'tank'"):
        parse(description(), flows=flows_frame(), require_series=True)


def test_bundled_examples_parse() -> None:
    root = resources.files("disarm.stats") / "examples"
    for name in ("mapit-sized.yaml", "pu-store.yaml"):
        doc = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        area = parse(doc)
        assert area.periods in (15, 30)
    mapit = parse(yaml.safe_load((root / "mapit-sized.yaml").read_text(encoding="utf-8")))
    kinds = [p.kind for p in mapit.points]
    assert (kinds.count("input"), kinds.count("inventory"), kinds.count("output")) == (2, 26, 3)
    assert mapit.period_length == 416


def test_examples_directory_exists_in_the_package() -> None:
    root = Path(str(resources.files("disarm.stats") / "examples"))
    assert (root / "pu-store-flows.csv").is_file()
