"""Each state's status under one treaty on a chosen date, from the bundled ``treaty_status.csv``.

TPNW and CTBT status is *derived* on any date from the signature and deposit/ratification dates
(a state is a TPNW ``party`` once its instrument of ratification or accession is deposited, the
convention of the data set and of CD/2402 §12, with a note while the treaty is not yet in force
for it; ``signatory`` once it has signed). The derivation
agrees with the data set's two snapshot columns (2024-02-22, 2026-02-03; a test checks it).
NPT and nuclear-weapon-free-zone status have no dates in the data: they are given only on the
two snapshot dates, and any other date is refused. See ``docs/treaties.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Final

from disarm.data.treaties import STATUS_DATES, treaty_status
from disarm.errors import BadInput

TREATIES: Final = ("tpnw", "npt", "ctbt", "nwfz")
#: Treaties whose status is derived from the dates on any date up to `LAST_DATE`.
DATED_TREATIES: Final = ("tpnw", "ctbt")
#: Treaties whose status the data give only on the snapshot dates (`STATUS_DATES`).
SNAPSHOT_TREATIES: Final = ("npt", "nwfz")
#: The last date the data describe (the UN Treaty Collection snapshot).
LAST_DATE: Final = max(STATUS_DATES)

TREATY_NAMES: Final = {
    "tpnw": "Treaty on the Prohibition of Nuclear Weapons (TPNW)",
    "npt": "Treaty on the Non-Proliferation of Nuclear Weapons (NPT)",
    "ctbt": "Comprehensive Nuclear-Test-Ban Treaty (CTBT)",
    "nwfz": "Nuclear-weapon-free zones",
}

#: The statuses each treaty can take, in legend order.
STATUSES: Final[dict[str, tuple[str, ...]]] = {
    "tpnw": ("party", "signatory", "none"),
    "npt": ("party", "non-party", "disputed", "unknown"),
    "ctbt": ("ratified", "signed", "none", "unknown"),
    "nwfz": ("party", "signatory", "single-state", "not-party", "unknown", "none"),
}

#: A ratification withdrawn later; the data set keeps no ratification date for it (CSV `notes`).
CTBT_REVOKED: Final = {"RUS": "2023-11-02"}

_NOT_PARTY_AS_OF = re.compile(r"not party as of (\d{4}-\d{2}-\d{2})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class TreatyStatus:
    """One state's status under one treaty on one date."""

    iso3: str
    name: str
    status: str
    since: str | None = None
    note: str | None = None


def check_treaty(treaty: str) -> str:
    """`treaty` lower-cased, or BadInput naming the choices."""
    key = treaty.strip().lower()
    if key not in TREATIES:
        raise BadInput(f"--treaty {treaty!r} is not one of: {', '.join(TREATIES)}")
    return key


def opened(treaty: str) -> str:
    """The first signature date in the data (the day the treaty opened for signature)."""
    column = f"{check_treaty(treaty)}_signature_date"
    return min(str(d) for d in treaty_status()[column].dropna())


def check_date(treaty: str, as_of: str) -> str:
    """`as_of` if the data give `treaty` status on that date, else BadInput with the reason."""
    key = check_treaty(treaty)
    text = as_of.strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"--as-of {as_of!r} is not a valid date of the form YYYY-MM-DD") from None
    if key in SNAPSHOT_TREATIES and text not in STATUS_DATES:
        raise BadInput(
            f"--as-of {text}: {key.upper()} status is in the data only on "
            f"{' and '.join(sorted(STATUS_DATES))} (no dates of accession are bundled)"
        )
    if text > LAST_DATE:
        raise BadInput(f"--as-of {text} is after {LAST_DATE}, the last date the treaty data cover")
    first = opened(key) if key in DATED_TREATIES else min(STATUS_DATES)
    if text < first:
        raise BadInput(
            f"--as-of {text} is before {first}, when the {key.upper()} opened for signature"
        )
    return text


def status_on(treaty: str, as_of: str) -> list[TreatyStatus]:
    """Every state's status under `treaty` (one of `TREATIES`) on `as_of`, in the data's order."""
    key = check_treaty(treaty)
    day = check_date(key, as_of)
    out: list[TreatyStatus] = []
    for rec in treaty_status().to_dict("records"):
        row = {str(k): (None if v is None else str(v)) for k, v in rec.items()}
        out.append(_ROW[key](row, day))
    return out


def signed_by(treaty: str, as_of: str) -> int:
    """How many states had signed `treaty` (tpnw or ctbt) on or before `as_of`.

    This is the UN's count of signatories: it includes those that have since ratified, and
    leaves out those that joined by accession without signing.
    """
    key = check_treaty(treaty)
    if key not in DATED_TREATIES:
        raise BadInput(f"--treaty {treaty!r}: the data have no signature dates for it")
    day = check_date(key, as_of)
    return sum(str(d) <= day for d in treaty_status()[f"{key}_signature_date"].dropna())


def counts(rows: list[TreatyStatus]) -> dict[str, int]:
    """How many states have each status."""
    return dict(Counter(r.status for r in rows))


def tpnw_in_force_for(deposit: str) -> str:
    """The date the TPNW entered into force for a state that deposited on `deposit` (art. 15).

    Ninety days after the fiftieth deposit for the first fifty (art. 15.1), ninety days after
    its own deposit for a later one (art. 15.2); the fiftieth deposit date is read from the data.
    """
    deposits = sorted(str(d) for d in treaty_status()["tpnw_deposit_date"].dropna())
    fiftieth = deposits[49]
    start = fiftieth if deposit <= fiftieth else deposit
    return (dt.date.fromisoformat(start) + dt.timedelta(days=90)).isoformat()


def _tpnw(row: dict[str, str | None], day: str) -> TreatyStatus:
    sig, dep = row["tpnw_signature_date"], row["tpnw_deposit_date"]
    if dep is not None and dep <= day:
        note = f"{row['tpnw_instrument'] or 'instrument'} deposited"
        in_force = tpnw_in_force_for(dep)
        if day < in_force:
            note += f"; the treaty enters into force for it on {in_force} (art. 15)"
        return _status(row, "party", dep, note)
    if sig is not None and sig <= day:
        return _status(row, "signatory", sig)
    return _status(row, "none")


def _ctbt(row: dict[str, str | None], day: str) -> TreatyStatus:
    sig, rat = row["ctbt_signature_date"], row["ctbt_ratification_date"]
    revoked = CTBT_REVOKED.get(str(row["iso3"]))
    if rat is not None and rat <= day:
        return _status(row, "ratified", rat)
    if revoked is not None and sig is not None and sig <= day < revoked:
        return _status(row, "unknown", None, row["notes"])
    if sig is not None and sig <= day:
        return _status(row, "signed", sig)
    return _status(row, "none")


def _npt(row: dict[str, str | None], day: str) -> TreatyStatus:
    raw = row["npt_status"]
    notes = row["notes"] if raw is None or raw not in ("party", "non-party") else None
    if raw in ("party", "non-party"):
        status = str(raw)
    elif raw is not None and ("withdrawal" in raw or "disputed" in raw):
        status = "disputed"
    else:
        status = "unknown"
    if row["npt_nuclear_weapon_state"] == "yes":
        notes = "nuclear-weapon state under the NPT (art. IX.3)"
    return _status(row, status, None, notes)


def _nwfz(row: dict[str, str | None], day: str) -> TreatyStatus:
    zone, raw = row["nwfz_treaty"], (row["nwfz_status"] or "")
    if zone is None:
        return _status(row, "none")
    note = f"{zone}: {raw}" if raw else zone
    not_party = _NOT_PARTY_AS_OF.match(raw)
    if not_party is not None:
        status = "not-party" if day <= not_party.group(1) else "unknown"
    elif raw.startswith("party"):
        status = "party"
    elif raw.startswith("signatory"):
        status = "signatory"
    elif raw.startswith("not "):
        status = "not-party"
    elif "single-state" in zone.lower():
        status = "single-state"
    else:
        status = "unknown"
    return _status(row, status, None, note)


def _status(
    row: dict[str, str | None], status: str, since: str | None = None, note: str | None = None
) -> TreatyStatus:
    return TreatyStatus(str(row["iso3"]), str(row["name"]), status, since, note)


_ROW: Final = {"tpnw": _tpnw, "ctbt": _ctbt, "npt": _npt, "nwfz": _nwfz}
