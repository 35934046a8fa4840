from __future__ import annotations

import pytest

from disarm import data
from disarm.errors import BadInput


def test_nine_nuclear_armed_states() -> None:
    assert data.nuclear_armed_states() == [
        "CHN", "FRA", "GBR", "IND", "ISR", "PAK", "PRK", "RUS", "USA"
    ]  # fmt: skip


def test_treaty_counts_match_the_sources() -> None:
    assert len(data.states()) == 197
    assert len(data.states(tpnw="party", as_of="2024-02-22")) == 70
    assert len(data.states(tpnw="signatory", as_of="2024-02-22")) == 27
    assert len(data.states(tpnw="party")) == 74
    assert len(data.states(ctbt="ratified", as_of="2024-02-22")) == 177
    assert len(data.states(ctbt="ratified")) == 178
    assert len(data.states(npt="party")) == 190
    assert data.states(npt="disputed")["iso3"].tolist() == ["PRK"]
    assert sorted(data.states(npt="non-party")["iso3"]) == ["IND", "ISR", "PAK", "SSD"]


def test_filters_combine() -> None:
    df = data.states(nuclear_armed=True, ctbt="signed")
    assert sorted(df["iso3"]) == ["CHN", "ISR", "RUS", "USA"]
    assert len(data.states(nwfz="tlatelolco")) == 33
    assert len(data.states(nwfz="Semipalatinsk")) == 5
    assert data.states(nuclear_armed=False, tpnw="party").shape[0] == 74


@pytest.mark.parametrize(
    "kwargs",
    [{"npt": "member"}, {"tpnw": "ratified"}, {"ctbt": "party"}, {"nwfz": "atlantis"},
     {"as_of": "2025-01-01"}],
)  # fmt: skip
def test_bad_filter_values(kwargs: dict[str, str]) -> None:
    with pytest.raises(BadInput):
        data.states(**kwargs)  # type: ignore[arg-type]
