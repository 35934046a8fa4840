"""Party selectors of programme files (`parties: {select: nuclear-armed}`).

The lists live here, in the programme layer, so that a programme resolves without the data
package. A caller may pass its own selectors to `load_programme(..., selectors=...)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: The nine states that possess nuclear weapons (SIPRI Yearbook 2024, FAS Status of World
#: Nuclear Forces 2024): United States, Russia, United Kingdom, France, China, India,
#: Pakistan, Israel, North Korea.
NUCLEAR_ARMED: tuple[str, ...] = ("USA", "RUS", "GBR", "FRA", "CHN", "IND", "PAK", "ISR", "PRK")

#: The five nuclear-weapon states of NPT Article IX(3).
NPT_NUCLEAR_WEAPON_STATES: tuple[str, ...] = ("USA", "RUS", "GBR", "FRA", "CHN")

#: The 44 states of Annex 2 of the Comprehensive Nuclear-Test-Ban Treaty, whose ratification
#: its entry into force requires (CTBT Art. XIV); the bundled ``treaty_status.csv`` marks the
#: same 44 (a test keeps them equal).
CTBT_ANNEX_2: tuple[str, ...] = (
    "DZA", "ARG", "AUS", "AUT", "BGD", "BEL", "BRA", "BGR", "CAN", "CHL", "CHN", "COL", "PRK",
    "COD", "EGY", "FIN", "FRA", "DEU", "HUN", "IND", "IDN", "IRN", "ISR", "ITA", "JPN", "MEX",
    "NLD", "NOR", "PAK", "PER", "POL", "KOR", "ROU", "RUS", "SVK", "ZAF", "ESP", "SWE", "CHE",
    "TUR", "UKR", "GBR", "USA", "VNM",
)  # fmt: skip

SELECTORS: Mapping[str, Sequence[str]] = {
    "nuclear-armed": NUCLEAR_ARMED,
    "npt-nuclear-weapon-states": NPT_NUCLEAR_WEAPON_STATES,
    "ctbt-annex-2": CTBT_ANNEX_2,
}


def select(
    name: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    selectors: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, ...]:
    """The parties a selector names, plus `include`, minus `exclude`, in a stable order."""
    table = {**SELECTORS, **(selectors or {})}
    if name not in table:
        raise KeyError(name)
    chosen = [p for p in table[name] if p not in exclude]
    chosen += [p for p in include if p not in chosen]
    return tuple(chosen)
