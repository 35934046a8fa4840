from __future__ import annotations

import datetime as dt

import pytest

from disarm import data
from disarm.data.new_start import CATEGORY_COLUMNS, NOT_DECLARED
from disarm.errors import BadInput

D = dt.date


def test_tidy_shape_and_counts() -> None:
    df = data.new_start_declarations()
    assert list(df.columns) == ["date", "party", "category", "value", "source"]
    assert len(df) == 147  # 25 exchanges x 2 parties x 3 categories, less Russia's March 2023
    known = df[df["value"].notna()]
    assert len(known) == 132
    assert known.groupby("category").size().to_dict() == {
        "deployed_launchers": 45,
        "deployed_warheads": 47,
        "launchers": 40,
    }
    assert set(df["party"]) == {"USA", "RUS"}
    assert set(df["category"]) == set(CATEGORY_COLUMNS) == set(data.CENTRAL_LIMITS)
    assert str(df["value"].dtype) == "Int64"
    assert (known["value"] > 0).all()
    assert not df.duplicated(["date", "party", "category"]).any()
    assert all(isinstance(d, dt.date) for d in df["date"])
    assert known["source"].str.contains("State").all()


def test_not_retrieved_is_an_empty_value_not_declared_is_no_row() -> None:
    df = data.new_start_declarations()
    sep_2022 = df[df["date"] == D(2022, 9, 1)]  # exchange took place, figures not retrieved
    assert len(sep_2022) == 6 and sep_2022["value"].isna().all()
    assert set(sep_2022["party"]) == {"USA", "RUS"}
    assert sep_2022["source"].str.contains("Exchange took place").all()
    # Russia did not provide data after its purported suspension: no declaration, no row
    assert {(D(2023, 3, 1), "RUS"): "Russia did not provide data"} == NOT_DECLARED
    russia_2023 = df[(df["date"] == D(2023, 3, 1)) & (df["party"] == "RUS")]
    assert russia_2023.empty
    us_2023 = df[(df["date"] == D(2023, 3, 1)) & (df["party"] == "USA")]
    assert dict(zip(us_2023["category"], us_2023["value"], strict=True)) == {
        "deployed_launchers": 662,
        "deployed_warheads": 1419,
        "launchers": 800,
    }
    sep2015 = df[df["date"] == D(2015, 9, 1)]
    assert set(sep2015.loc[sep2015["value"].notna(), "category"]) == {"deployed_warheads"}
    assert sep2015["value"].isna().sum() == 4  # only the warhead counts were retrieved
    assert (df["value"].dropna() != 0).all()  # a gap is never a zero


def test_values_from_the_central_limit_date() -> None:
    df = data.new_start_declarations()
    feb2018 = df[df["date"] == D(2018, 2, 5)].set_index(["party", "category"])["value"]
    assert feb2018[("USA", "deployed_warheads")] == 1350
    assert feb2018[("RUS", "deployed_warheads")] == 1444
    assert feb2018[("RUS", "deployed_launchers")] == 527
    after = df[df["date"] >= D(2018, 2, 5)]
    for category, limit in data.CENTRAL_LIMITS.items():
        assert (after.loc[after["category"] == category, "value"] <= limit).all()


def test_central_limits_match_the_bundled_treaty_parameters() -> None:
    assert (
        data.new_start_limits()
        == data.CENTRAL_LIMITS
        == {
            "deployed_launchers": 700,
            "deployed_warheads": 1550,
            "launchers": 800,
        }
    )
    params = data.new_start_parameters()
    assert params["entry_into_force"] == D(2011, 2, 5)
    assert params["central_limits_deadline"] == D(2018, 2, 5)
    assert params["data_exchange_frequency"] == "every six months"
    assert params["inspections_paused"] == "2020-03/04"  # a month range stays text
    assert str(params["onsite_inspections_per_year"]) == "18"


def test_not_declared_list_must_agree_with_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from disarm.data import new_start

    monkeypatch.setitem(new_start.NOT_DECLARED, (D(2022, 9, 1), "USA"), "did not provide data")
    with pytest.raises(BadInput, match="does not say 'did not provide data'"):
        data.new_start_declarations()
    monkeypatch.delitem(new_start.NOT_DECLARED, (D(2022, 9, 1), "USA"))
    monkeypatch.setitem(new_start.NOT_DECLARED, (D(2023, 3, 1), "USA"), "Russia did not provide")
    with pytest.raises(BadInput, match="listed as not declared, but has figures"):
        data.new_start_declarations()
