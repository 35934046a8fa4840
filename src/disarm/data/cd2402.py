"""Adapter: the bundled treaty-status data -> tidy declarations for the ``cd2402`` programme.

One row per state, category and date, on the two dates the data describe every treaty
(`STATUS_DATES`: 2024-02-22, the date of CD/2402 §12's counts, and 2026-02-03, the UN Treaty
Collection snapshot). Only what the data say becomes a value; nothing is invented:

- ``tpnw_signed`` (flag): the state had signed the TPNW by that date (UN count of signatories,
  which leaves out states that acceded without signing);
- ``tpnw_party`` (flag): its instrument of ratification or accession was deposited by then
  (the convention of the data set and of CD/2402 §12);
- ``ctbt_ratified`` (flag): it had ratified the CTBT (the Russian Federation withdrew its
  ratification on 2023-11-02: 0 on both dates). An *unknown* status would be a row with an
  **empty value** (``no-data``, never a pass); on these two dates the data have none;
- ``nwfz_party`` (flag): for a state of a nuclear-weapon-free-zone region, party to its zone
  treaty (Mongolia's single-state status counts, with a note). A signatory whose ratification
  the data do not establish, or an unknown status, is an empty value.

The other categories of the programme (alert levels, commitment statements, zone protocols) are
in no bundled data set: they get **no row**, so their verdicts are ``no-data``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from disarm.data.treaties import STATUS_DATES, treaty_status
from disarm.data.treaty_timeline import LAST_DATE, TreatyStatus, status_on

if TYPE_CHECKING:
    import pandas as pd

COLUMNS: Final = ("date", "party", "category", "value", "source")
FILE: Final = "treaty_status.csv"
#: The date of the working paper CD/2402 (the programme's entry into force).
CD2402_DATE: Final = dt.date(2024, 8, 20)


def cd2402_states() -> list[str]:
    """ISO3 codes of every state in the bundled treaty data, in the data's order."""
    return [str(c) for c in treaty_status()["iso3"]]


def nwfz_states() -> list[str]:
    """ISO3 codes of the states of a nuclear-weapon-free-zone region, in the data's order."""
    df = treaty_status()
    return [str(c) for c in df.loc[df["nwfz_treaty"].notna(), "iso3"]]


def cd2402_declarations() -> pd.DataFrame:
    """Tidy declarations (``date, party, category, value, source``) for the ``cd2402`` programme.

    ``value`` is a nullable ``Int64`` (empty: the data give the status as unknown);
    ``attrs["retrieved"]`` is the last date the treaty data describe (the engine's horizon).
    """
    import pandas as pd  # loaded on use: `disarm --version` never imports it

    sources = {str(r["iso3"]): str(r["sources"] or FILE) for r in _records()}
    signed = {str(r["iso3"]): r["tpnw_signature_date"] for r in _records()}
    rows: list[dict[str, object]] = []
    for day in sorted(STATUS_DATES):
        date = dt.date.fromisoformat(day)
        for s in status_on("tpnw", day):
            sig = signed[s.iso3]
            rows.append(
                _row(date, s.iso3, "tpnw_signed", sig is not None and str(sig) <= day, sources,
                     f"signed {sig}" if sig is not None and str(sig) <= day else "not signed")
            )  # fmt: skip
            rows.append(_row(date, s.iso3, "tpnw_party", s.status == "party", sources, _why(s)))
        for s in status_on("ctbt", day):
            value = None if s.status == "unknown" else s.status == "ratified"
            rows.append(_row(date, s.iso3, "ctbt_ratified", value, sources, _why(s)))
        for s in status_on("nwfz", day):
            if s.status == "none":
                continue  # not in a zone region: the zone obligation does not bind it
            value = None if s.status in ("signatory", "unknown") else s.status != "not-party"
            rows.append(_row(date, s.iso3, "nwfz_party", value, sources, _why(s)))
    df = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    df["value"] = pd.array(df["value"].tolist(), dtype="Int64")
    df.attrs["retrieved"] = dt.date.fromisoformat(LAST_DATE)
    return df


def _records() -> list[dict[str, object]]:
    return [{str(k): v for k, v in r.items()} for r in treaty_status().to_dict("records")]


def _why(s: TreatyStatus) -> str:
    text = s.status + (f" since {s.since}" if s.since else "")
    return text + (f" ({s.note})" if s.note else "")


def _row(
    date: dt.date,
    party: str,
    category: str,
    value: bool | None,
    sources: dict[str, str],
    why: str,
) -> dict[str, object]:
    return {
        "date": date,
        "party": party,
        "category": category,
        "value": None if value is None else int(value),
        "source": f"{FILE} ({sources[party]}): {why}",
    }
