from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from disarm import data
from disarm.errors import BadInput, NotFound
from disarm.model.quantity import Qualifier, Quantity

EXPECTED_ROWS = {
    "world_nuclear_forces": 151,
    "nuclear_stockpiles_history": 584,
    "us_stockpile": 79,
    "us_dismantlements_periods": 18,
    "new_start_data_exchange": 50,
    "new_start_treaty_parameters": 14,
    "treaty_status": 197,
}


def _bundled_files() -> set[str]:
    root = resources.files("disarm.data").joinpath("bundled")
    return {p.name for p in root.iterdir() if p.name.endswith(".csv")}


def test_catalogue_covers_every_bundled_csv_and_sources_file() -> None:
    assert {d.file for d in data.datasets()} == _bundled_files()
    sources = resources.files("disarm.data").joinpath("bundled", "SOURCES.md").read_text("utf-8")
    for d in data.datasets():
        assert d.file in sources
        assert d.description and d.sources


@pytest.mark.parametrize("name", sorted(EXPECTED_ROWS))
def test_every_numeric_cell_parses(name: str) -> None:
    ds = data.dataset(name)
    raw = list(csv.DictReader(io.StringIO(data.read_text(ds.file))))
    df = data.load(name)
    assert len(df) == len(raw) == EXPECTED_ROWS[name]
    for i, row in enumerate(raw):
        for col in ds.quantity_columns:
            value = df.at[i, col]
            if row[col].strip() == "":
                assert value is None  # missing, never zero
            else:
                assert isinstance(value, Quantity), (name, i, col, row[col])
                assert value.text == row[col].strip()
        for col in ds.integer_columns:
            assert df.at[i, col] == int(row[col])


def test_qualified_values_are_present_in_the_real_data() -> None:
    df = data.load("world_nuclear_forces")
    seen = {
        v.qualifier
        for col in data.dataset("world_nuclear_forces").quantity_columns
        for v in df[col]
        if isinstance(v, Quantity)
    }
    assert {Qualifier.EXACT, Qualifier.RANGE, Qualifier.APPROX, Qualifier.LESS} <= seen
    us = data.load("us_stockpile")
    retired = [v for v in us["retired_awaiting_dismantlement"] if v is not None]
    assert retired and all(v.text == "~2000" for v in retired)
    # FY2021 and FY2022 are not found: missing, not zero
    missing = us.loc[us["fiscal_year"].isin([2021, 2022]), "stockpile"].tolist()
    assert missing == [None, None]


def test_text_cells_empty_is_none() -> None:
    df = data.load("treaty_status")
    assert df["nwfz_treaty"].isna().sum() == 78
    assert all(v is None or isinstance(v, str) for v in df["nwfz_treaty"])


def test_unknown_dataset_is_not_found() -> None:
    with pytest.raises(NotFound, match="unknown dataset 'nope'"):
        data.load("nope")
    assert data.dataset("treaty_status.csv").name == "treaty_status"


def test_malformed_cell_raises_bad_input_naming_the_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from disarm.data import catalog

    text = "year,iso3,state,measure,warheads,source\n1950,USA,US,military_stockpile,lots,x\n"
    monkeypatch.setattr(catalog, "read_text", lambda file: text)
    catalog._raw.cache_clear()
    try:
        with pytest.raises(BadInput) as err:
            data.load("nuclear_stockpiles_history")
        assert "'lots'" in err.value.diagnostics()
        assert "line 2 column warheads" in err.value.diagnostics()
    finally:
        catalog._raw.cache_clear()
