"""The cd2402 programme on the bundled treaty data: who is bound by what, and sample verdicts."""

from __future__ import annotations

import pandas as pd
import pytest

from disarm.data import cd2402_declarations, cd2402_states
from disarm.data.cd2402 import nwfz_states
from disarm.rules import Result, evaluate, load_programme
from disarm.rules.parties import CTBT_ANNEX_2, NPT_NUCLEAR_WEAPON_STATES, NUCLEAR_ARMED


@pytest.fixture(scope="module")
def result() -> Result:
    return evaluate(load_programme("cd2402"), cd2402_declarations())


def _verdict(result: Result, party: str, obligation: str, date: str) -> pd.Series:
    v = result.verdicts
    rows = v[(v["party"] == party) & (v["obligation"] == obligation)]
    rows = rows[rows["date"] == pd.Timestamp(date)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_every_obligation_cites_its_paragraph_of_cd2402() -> None:
    prog = load_programme("cd2402")
    assert prog.parties == tuple(cd2402_states())
    assert {r.id for r in prog.rules} == {
        "CD30a", "CD30b", "CD30c", "CD30d", "CD30e",
        "CD12-TPNW", "CD23-CTBT-A2", "CD23-CTBT", "CD7-8-NWFZ", "CD7-8-PROT",
    }  # fmt: skip
    for rule in prog.rules:
        assert rule.source.startswith("CD/2402 para"), rule.id
        assert rule.id.removeprefix("CD").split("-")[0].rstrip("abcde") in rule.source


def test_each_obligation_binds_whom_the_paper_names() -> None:
    prog = load_programme("cd2402")
    binds = {r.id: r.binds for r in prog.rules}
    assert binds["CD30a"] == frozenset(NPT_NUCLEAR_WEAPON_STATES)
    for ob in ("CD30b", "CD30c", "CD30d", "CD30e"):
        assert binds[ob] == frozenset(NUCLEAR_ARMED)
    assert binds["CD12-TPNW"] is None  # every state
    assert binds["CD23-CTBT-A2"] == frozenset(CTBT_ANNEX_2)
    assert binds["CD23-CTBT-A2"] | (binds["CD23-CTBT"] or set()) == set(prog.parties)
    assert not binds["CD23-CTBT-A2"] & (binds["CD23-CTBT"] or set())
    assert binds["CD7-8-NWFZ"] == frozenset(nwfz_states())


def test_a_verdict_for_every_state_and_obligation_that_binds_it(result: Result) -> None:
    prog = result.programme
    got = set(zip(result.verdicts["party"], result.verdicts["obligation"], strict=True))
    want = {(p, r.id) for r in prog.rules for p in prog.parties if r.bound(p)}
    assert got == want
    assert result.horizon == pd.Timestamp("2026-02-03").date()


def test_tpnw_counts_through_the_programme(result: Result) -> None:
    """CD/2402 para 12: 70 parties on 2024-02-22 (values shown before the paper's date)."""
    v = result.verdicts
    on = v[(v["obligation"] == "CD12-TPNW") & (v["date"] == pd.Timestamp("2024-02-22"))]
    assert len(on) == len(cd2402_states()) and set(on["status"]) == {"not-yet-due"}
    assert int((on["value"] == 1).sum()) == 70


def test_sample_states(result: Result) -> None:
    # Austria: TPNW party since 2018, CTBT Annex 2 state that ratified
    assert _verdict(result, "AUT", "CD12-TPNW", "2026-02-03")["status"] == "compliant"
    assert _verdict(result, "AUT", "CD23-CTBT-A2", "2026-02-03")["status"] == "compliant"
    # Annex 2 states that have not ratified the CTBT: non-compliant once due
    for state in ("USA", "CHN", "EGY", "IRN", "ISR", "IND", "PAK", "PRK", "RUS"):
        got = _verdict(result, state, "CD23-CTBT-A2", "2026-02-03")
        assert got["status"] == "non-compliant", state
        assert _verdict(result, state, "CD23-CTBT-A2", "2024-02-22")["status"] != "compliant"
    # not due before the paper's date
    assert _verdict(result, "USA", "CD23-CTBT-A2", "2024-02-22")["status"] == "not-yet-due"


def test_what_no_data_set_holds_is_no_data_never_a_pass(result: Result) -> None:
    v = result.verdicts
    due = v[v["date"] == pd.Timestamp("2026-02-03")]
    for ob in ("CD30a", "CD30b", "CD30c", "CD30d", "CD30e", "CD7-8-PROT"):
        assert set(due.loc[due["obligation"] == ob, "status"]) == {"no-data"}, ob
    # a zone signatory whose ratification the data do not establish
    sig = due[(due["obligation"] == "CD7-8-NWFZ") & due["value"].isna()]
    assert len(sig) > 0 and set(sig["status"]) == {"no-data"}
