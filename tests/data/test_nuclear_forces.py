from __future__ import annotations

import pytest

from disarm import data
from disarm.errors import BadInput, NotFound
from disarm.model.quantity import Quantity


def test_baselines_2024_sipri() -> None:
    b = data.baselines()
    assert sorted(b) == data.nuclear_armed_states()
    assert "WORLD" not in b
    assert b["USA"]["total_inventory"] == Quantity.exact(5044)
    assert b["RUS"]["military_stockpile"] == Quantity.exact(4380)
    assert b["PRK"]["military_stockpile"] == Quantity.exact(50)
    # SIPRI 2024 gives no strategic/non-strategic split: missing stays missing
    assert "deployed_strategic" not in b["USA"]
    assert "deployed_total" not in b["IND"]
    for cats in b.values():
        assert set(cats) <= set(data.CATEGORIES)


def test_baselines_fas_and_case_insensitive_source() -> None:
    b = data.baselines(2024, "fas")
    assert b["USA"]["deployed_strategic"] == Quantity.exact(1670)
    assert b["IND"]["deployed_total"] == Quantity.exact(0)


def test_baselines_keep_qualifiers() -> None:
    b = data.baselines(2010, "SIPRI")
    quals = {q.text for cats in b.values() for q in cats.values() if not q.is_exact}
    assert quals  # 2010 has ranges such as 60-80


def test_year_without_data_and_bad_source() -> None:
    with pytest.raises(NotFound, match="2017"):
        data.baselines(2017)
    with pytest.raises(BadInput, match="IAEA"):
        data.baselines(2024, "IAEA")


def test_forces_includes_world_row() -> None:
    df = data.forces(2024, "SIPRI")
    assert "WORLD" in set(df["iso3"])
    assert len(df) == 10


def test_baseline_sources_cite_each_state() -> None:
    s = data.baseline_sources()
    assert set(s) == set(data.nuclear_armed_states())
    assert all("SIPRI Yearbook 2024" in v for v in s.values())
