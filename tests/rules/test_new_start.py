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
    after = central[
        (central["date"] >= CENTRAL_DATE) & (central["date"] < pd.Timestamp("2023-03-01"))
    ]
    known = after[after["value"].notna()]
    assert set(known["party"]) == {"USA", "RUS"}
    assert len(known) == 2 * 3 * 9  # 9 exchanges from 2018-02-05 to 2022-03-01, both parties
    assert (known["status"] == "compliant").all()
    assert (known["value"] <= known["limit"]).all()
    # 2022-09-01: the exchange took place, its figures are not in the dataset: never a pass
    gap = after[after["value"].isna()]
    assert set(gap["date"]) == {pd.Timestamp("2022-09-01")} and len(gap) == 2 * 3
    assert (gap["status"] == "no-data").all() and (gap["note"] == "declared without a value").all()
    us_march = central[(central["date"] == "2023-03-01") & (central["party"] == "USA")]
    assert (us_march["status"] == "compliant").all() and len(us_march) == 3


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
    row = verdicts[(verdicts["obligation"] == "NS-1550") & (verdicts["party"] == "RUS")].iloc[-4]
    assert row["deadline"] == pd.Timestamp(dt.date(2018, 2, 5))
    assert "1474" in row["evidence"] and "1550" in row["evidence"]
    assert "State" in row["evidence_source"]


def test_evaluated_to_the_retrieval_date() -> None:
    """Issue 15.2: by default up to the earlier of the programme's end and the data set's
    retrieval date; the horizon is an evaluation date of its own (no data is never a pass)."""
    result = evaluate(load_programme("new-start"), new_start_declarations())
    assert result.horizon == dt.date(2026, 2, 3) and result.horizon_basis == "retrieval"
    assert load_programme("new-start").end == dt.date(2026, 2, 5)
    last = result.verdicts[result.verdicts["date"] == pd.Timestamp("2026-02-03")]
    assert len(last) == 6 and set(last["status"]) == {"no-data"}


def test_reporting_on_the_bundled_data(verdicts: pd.DataFrame) -> None:
    reports = verdicts[verdicts["obligation"] == "NS-DATA"]
    assert "no-data" not in set(reports["status"])
    missed = reports[reports["status"] == "non-compliant"]
    # Russia from its March 2023 exchange on, the US (no exchange in the data after March
    # 2023) from September 2023 on: one finding per missed half-year, to the retrieval date
    assert missed.groupby("party", observed=True).size().to_dict() == {"USA": 5, "RUS": 6}
    assert missed["date"].min() == pd.Timestamp("2023-04-15")
    assert missed["date"].max() <= pd.Timestamp("2026-02-03")
    for party in ("USA", "RUS"):  # Sep 2022: declared, figures not in the dataset
        row = reports[(reports["party"] == party) & (reports["date"] == "2022-10-16")].iloc[0]
        assert row["status"] == "compliant" and row["note"] == "declared on time without values"


def test_russia_missed_the_march_2023_exchange() -> None:
    result = evaluate(load_programme("new-start"), new_start_declarations(), as_of="2023-06-01")
    v = result.verdicts
    bad = v[v["status"] == "non-compliant"]
    assert bad[["party", "obligation"]].values.tolist() == [["RUS", "NS-DATA"]]
    assert bad["date"].tolist() == [pd.Timestamp("2023-04-15")]  # 2023-03-01 + 45 days
    assert bad["note"].tolist() == ["missing: no declaration by the due date"]
    us = v[(v["party"] == "USA") & (v["obligation"] == "NS-DATA")]
    assert us.loc[us["date"] == "2023-04-15", "status"].tolist() == ["compliant"]
