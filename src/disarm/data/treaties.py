"""Treaty memberships (NPT, TPNW, CTBT, nuclear-weapon-free zones) and the nuclear-armed states."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from disarm.data.catalog import load
from disarm.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd

#: Dates for which the bundled table gives TPNW and CTBT status.
STATUS_DATES: Final = ("2026-02-03", "2024-02-22")

NPT_CHOICES: Final = ("party", "non-party", "disputed", "unknown")
TPNW_CHOICES: Final = ("party", "signatory", "none")
CTBT_CHOICES: Final = ("ratified", "signed", "none")

STATE_COLUMNS: Final = (
    "iso3",
    "name",
    "un_status",
    "nuclear_armed",
    "npt",
    "npt_nuclear_weapon_state",
    "tpnw",
    "ctbt",
    "ctbt_annex2",
    "nwfz",
    "nwfz_status",
)


def treaty_status() -> pd.DataFrame:
    """The bundled ``treaty_status.csv`` rows (empty cells are None)."""
    return load("treaty_status")


def nuclear_armed_states() -> list[str]:
    """ISO3 codes of the nine nuclear-armed states, sorted."""
    df = treaty_status()
    return sorted(str(c) for c in df.loc[df["nuclear_armed"] == "yes", "iso3"])


def _npt(raw: object) -> str:
    if raw is None:
        return "unknown"
    text = str(raw)
    if text in ("party", "non-party"):
        return text
    if "withdrawal" in text or "disputed" in text:
        return "disputed"
    return "unknown"


def states(
    *,
    nuclear_armed: bool | None = None,
    npt: str | None = None,
    tpnw: str | None = None,
    ctbt: str | None = None,
    nwfz: str | None = None,
    as_of: str = STATUS_DATES[0],
) -> pd.DataFrame:
    """One row per state with its memberships, filtered.

    `npt` is one of `NPT_CHOICES` (``disputed`` is the DPRK's announced withdrawal, ``unknown``
    an empty cell); `tpnw` one of `TPNW_CHOICES`; `ctbt` one of `CTBT_CHOICES`; TPNW and CTBT
    status are taken as of `as_of` (one of `STATUS_DATES`). `nwfz` matches the zone treaty's name
    case-insensitively (``pelindaba``, ``tlatelolco``, ``rarotonga``, ``bangkok``,
    ``semipalatinsk``, ``mongolia``). Bad filter values raise BadInput.
    """
    import pandas as pd

    _check("--npt", npt, NPT_CHOICES)
    _check("--tpnw", tpnw, TPNW_CHOICES)
    _check("--ctbt", ctbt, CTBT_CHOICES)
    _check("--as-of", as_of, STATUS_DATES)
    suffix = as_of.replace("-", "_")
    raw = treaty_status()
    df = pd.DataFrame(
        {
            "iso3": raw["iso3"],
            "name": raw["name"],
            "un_status": raw["un_status"],
            "nuclear_armed": raw["nuclear_armed"] == "yes",
            "npt": raw["npt_status"].map(_npt),
            "npt_nuclear_weapon_state": raw["npt_nuclear_weapon_state"] == "yes",
            "tpnw": raw[f"tpnw_status_{suffix}"],
            "ctbt": raw[f"ctbt_status_{suffix}"],
            "ctbt_annex2": raw["ctbt_annex2"] == "yes",
            "nwfz": raw["nwfz_treaty"],
            "nwfz_status": raw["nwfz_status"],
        }
    )
    mask = pd.Series(True, index=df.index)
    if nuclear_armed is not None:
        mask &= df["nuclear_armed"] == nuclear_armed
    if npt is not None:
        mask &= df["npt"] == npt
    if tpnw is not None:
        mask &= df["tpnw"] == tpnw
    if ctbt is not None:
        mask &= df["ctbt"] == ctbt
    if nwfz is not None:
        zones = sorted({str(z) for z in df["nwfz"].dropna()})
        needle = nwfz.strip().lower()
        if not needle or not any(needle in z.lower() for z in zones):
            raise BadInput(f"--nwfz {nwfz!r} matches no zone; zones: {', '.join(zones)}")
        mask &= df["nwfz"].map(lambda z: z is not None and needle in str(z).lower())
    return df.loc[mask].reset_index(drop=True)


def _check(option: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise BadInput(f"{option} {value!r} is not one of: {', '.join(choices)}")
