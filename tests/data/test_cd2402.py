"""The cd2402 data adapter: treaty status rows from the bundled data, nothing invented."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from disarm.data import cd2402_declarations, cd2402_states, treaty_status
from disarm.data.cd2402 import nwfz_states
from disarm.rules.parties import CTBT_ANNEX_2


def _on(df: pd.DataFrame, day: str, category: str) -> pd.DataFrame:
    return df[(df["date"] == dt.date.fromisoformat(day)) & (df["category"] == category)]


def test_tpnw_counts_of_para_12() -> None:
    """CD/2402 para 12: 93 signatories and 70 parties on 22 February 2024."""
    df = cd2402_declarations()
    assert int(_on(df, "2024-02-22", "tpnw_signed")["value"].sum()) == 93
    assert int(_on(df, "2024-02-22", "tpnw_party")["value"].sum()) == 70


def test_only_what_the_data_say_becomes_a_row() -> None:
    df = cd2402_declarations()
    assert set(df["category"]) == {"tpnw_signed", "tpnw_party", "ctbt_ratified", "nwfz_party"}
    assert {str(d) for d in df["date"]} == {"2024-02-22", "2026-02-03"}
    assert df.attrs["retrieved"] == dt.date(2026, 2, 3)
    assert set(df["value"].dropna()) <= {0, 1}
    # Russia withdrew its CTBT ratification on 2023-11-02: not ratified on either date
    rus = df[(df["party"] == "RUS") & (df["category"] == "ctbt_ratified")]
    assert rus["value"].tolist() == [0, 0]
    assert "signed since 1996-09-24" in rus["source"].iloc[0]
    # zone rows only for the states of a zone region
    assert set(_on(df, "2026-02-03", "nwfz_party")["party"]) == set(nwfz_states())
    assert "AUT" not in nwfz_states()


def test_every_state_and_the_annex_2_list_agree_with_the_data() -> None:
    raw = treaty_status()
    assert cd2402_states() == list(raw["iso3"])
    assert set(CTBT_ANNEX_2) == set(raw.loc[raw["ctbt_annex2"] == "yes", "iso3"])
    assert len(CTBT_ANNEX_2) == 44
