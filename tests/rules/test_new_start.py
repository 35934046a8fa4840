"""Acceptance: New START on the bundled data exchanges."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from disarm.data import new_start_declarations
from disarm.rules import evaluate, load_programme

LIMITS = {"NS-700": "deployed_launchers", "NS-1550": "deployed_warheads", "NS-800": "launchers"}
CENTRAL_DATE = pd.Timestamp("2018-02-05")


@pytest.fixture(scope="module")
def verdicts() -> pd.DataFrame:
    result = evaluate(load_programme("new-start"), new_start_declarations())
    return result.verdicts


def test_central_limits_met_by_both_parties_from_2018(verdicts: pd.DataFrame) -> None:
    central = verdicts[verdicts["obligation"].isin(list(LIMITS))]
    after = central[(central["date"] >= CENTRAL_DATE) & (central["date"] != "2023-03-01")]
    assert set(after["party"]) == {"USA", "RUS"}
    assert len(after) == 2 * 3 * 9  # 9 exchanges from 2018-02-05 to 2022-03-01, both parties
    assert (after["status"] == "compliant").all()
    assert (after["value"] <= after["limit"]).all()


def test_exchanges_before_the_deadline_are_not_yet_due(verdicts: pd.DataFrame) -> None:
    central = verdicts[verdicts["obligation"].isin(list(LIMITS))]
    before = central[central["date"] < CENTRAL_DATE]
    assert len(before) > 0
    assert (before["status"] == "not-yet-due").all()
    # Russia's 1,561 deployed warheads in September 2017 exceeded 1,550 but was then permitted
    sep17 = before[(before["party"] == "RUS") & (before["obligation"] == "NS-1550")]
    row = sep17[sep17["date"] == pd.Timestamp("2017-09-01")].iloc[0]
    assert row["value"] == 1561 and row["margin"] == -11


def test_march_2023_is_no_data_for_russia_and_compliant_for_the_us(
    verdicts: pd.DataFrame,
) -> None:
    march = verdicts[
        verdicts["obligation"].isin(list(LIMITS)) & (verdicts["date"] == pd.Timestamp("2023-03-01"))
    ]
    assert set(march.loc[march["party"] == "RUS", "status"]) == {"no-data"}
    assert set(march.loc[march["party"] == "USA", "status"]) == {"compliant"}


def test_deadline_and_evidence(verdicts: pd.DataFrame) -> None:
    row = verdicts[(verdicts["obligation"] == "NS-1550") & (verdicts["party"] == "RUS")].iloc[-2]
    assert row["deadline"] == pd.Timestamp(dt.date(2018, 2, 5))
    assert "1474" in row["evidence"] and "1550" in row["evidence"]
    assert "State" in row["evidence_source"]
