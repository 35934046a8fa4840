from __future__ import annotations

import pytest

from disarm.data.treaties import STATUS_DATES, treaty_status
from disarm.data.treaty_timeline import (
    TREATIES,
    check_date,
    counts,
    opened,
    signed_by,
    status_on,
    tpnw_in_force_for,
)
from disarm.errors import BadInput


def _by_iso3(treaty: str, as_of: str) -> dict[str, str]:
    return {r.iso3: r.status for r in status_on(treaty, as_of)}


@pytest.mark.parametrize("treaty", ["tpnw", "ctbt"])
@pytest.mark.parametrize("as_of", STATUS_DATES)
def test_status_derived_from_dates_agrees_with_the_snapshot_columns(
    treaty: str, as_of: str
) -> None:
    raw = treaty_status()
    column = f"{treaty}_status_{as_of.replace('-', '_')}"
    snapshot = dict(zip(raw["iso3"], raw[column], strict=True))
    assert _by_iso3(treaty, as_of) == snapshot


def test_cd2402_tpnw_counts_on_22_february_2024() -> None:
    # CD/2402 §12: 93 signatories and 70 parties.
    assert signed_by("tpnw", "2024-02-22") == 93
    assert counts(status_on("tpnw", "2024-02-22"))["party"] == 70


def test_status_between_and_after_the_snapshots() -> None:
    assert _by_iso3("tpnw", "2024-02-22")["IDN"] == "signatory"
    assert _by_iso3("tpnw", "2024-09-23")["IDN"] == "signatory"
    assert _by_iso3("tpnw", "2024-09-24")["IDN"] == "party"  # deposit date
    assert _by_iso3("tpnw", "2017-09-20")["AUT"] == "signatory"
    assert _by_iso3("tpnw", "2018-05-08")["AUT"] == "party"
    first_day = {r.iso3: r for r in status_on("tpnw", "2017-09-20") if r.status == "party"}
    assert sorted(first_day) == ["GUY", "THA", "VAT"]  # deposited on the opening day
    assert "enters into force for it on 2021-01-22" in str(first_day["GUY"].note)


def test_tpnw_entry_into_force_follows_article_15() -> None:
    assert tpnw_in_force_for("2017-09-20") == "2021-01-22"  # 90 days after the 50th deposit
    assert tpnw_in_force_for("2024-01-15") == "2024-04-14"
    parties = {r.iso3: r for r in status_on("tpnw", "2024-02-22") if r.status == "party"}
    pending = [r.iso3 for r in parties.values() if "enters into force" in str(r.note)]
    assert len(pending) == 1  # CD/2402's 70 counts deposits, one not yet in force for its state


def test_revoked_ctbt_ratification_is_unknown_not_signed_before_the_revocation() -> None:
    assert _by_iso3("ctbt", "2010-01-01")["RUS"] == "unknown"
    assert _by_iso3("ctbt", "2023-11-02")["RUS"] == "signed"
    assert _by_iso3("ctbt", "1996-09-24")["USA"] == "signed"


def test_npt_and_zones_on_the_snapshot_dates() -> None:
    for as_of in STATUS_DATES:
        npt = _by_iso3("npt", as_of)
        assert {k for k, v in npt.items() if v == "non-party"} == {"IND", "ISR", "PAK", "SSD"}
        assert npt["PRK"] == "disputed"
        assert npt["COK"] == npt["NIU"] == "unknown"
        zones = _by_iso3("nwfz", as_of)
        assert zones["BRA"] == zones["KAZ"] == zones["NZL"] == "party"
        assert zones["MNG"] == "single-state"
        assert zones["AGO"] == "signatory"
        assert zones["USA"] == "none"
    assert _by_iso3("nwfz", "2024-02-22")["MHL"] == "not-party"
    assert _by_iso3("nwfz", "2026-02-03")["MHL"] == "unknown"  # accession reported, unverified


def test_the_opening_dates_come_from_the_data() -> None:
    assert opened("tpnw") == "2017-09-20"
    assert opened("ctbt") == "1996-09-24"


@pytest.mark.parametrize(
    ("treaty", "as_of", "words"),
    [
        ("tpnw", "2024-2-22", "not a valid date"),
        ("tpnw", "2023-02-30", "not a valid date"),
        ("tpnw", "2026-02-04", "after 2026-02-03"),
        ("tpnw", "2017-09-19", "before 2017-09-20"),
        ("ctbt", "1996-01-01", "before 1996-09-24"),
        ("npt", "2025-01-01", "only on 2024-02-22 and 2026-02-03"),
        ("nwfz", "2024-02-23", "only on 2024-02-22 and 2026-02-03"),
        ("start", "2024-02-22", "not one of: tpnw, npt, ctbt, nwfz"),
    ],
)
def test_dates_the_data_do_not_cover_are_refused(treaty: str, as_of: str, words: str) -> None:
    with pytest.raises(BadInput, match=words):
        check_date(treaty, as_of)


def test_every_treaty_gives_one_row_per_state() -> None:
    for treaty in TREATIES:
        rows = status_on(treaty, "2026-02-03")
        assert len(rows) == len({r.iso3 for r in rows}) == 197
