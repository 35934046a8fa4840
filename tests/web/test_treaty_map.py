from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from disarm.data.treaty_timeline import STATUSES, TREATIES, status_on
from disarm.errors import BadInput
from disarm.web.treaty_map import INK, KIND, OTHER_STROKE, SEA, STYLES, treaty_map

SVG = "{http://www.w3.org/2000/svg}"


def _statuses(treaty: str, as_of: str) -> dict[str, str]:
    root = ET.fromstring(treaty_map(treaty, as_of).svg)
    out: dict[str, str] = {}
    for path in root.iter(f"{SVG}path"):
        iso3, status = path.get("data-iso3"), path.get("data-status")
        if iso3 is None or status is None or status == "not-in-data":
            continue
        assert iso3 not in out, f"{iso3} drawn twice"
        out[iso3] = status
    return out


def test_the_map_shows_the_status_of_sample_states_on_two_dates() -> None:
    early, late = _statuses("tpnw", "2024-02-22"), _statuses("tpnw", "2026-02-03")
    assert early["AUT"] == late["AUT"] == "party"
    assert early["IDN"] == "signatory" and late["IDN"] == "party"  # deposited 2024-09-24
    assert early["USA"] == late["USA"] == "none"
    assert early["VAT"] == "party"  # a dot, not an outline
    for as_of in ("2024-02-22", "2026-02-03"):
        npt = _statuses("npt", as_of)
        assert npt["IND"] == npt["PAK"] == npt["ISR"] == "non-party"
        assert npt["PRK"] == "disputed"
        assert npt["FRA"] == "party"
        zones = _statuses("nwfz", as_of)
        assert zones["BRA"] == zones["NGA"] == zones["THA"] == "party"
        assert zones["MNG"] == "single-state"
        assert zones["CHN"] == "none"
    assert _statuses("ctbt", "2010-01-01")["RUS"] == "unknown"
    assert _statuses("ctbt", "2024-02-22")["RUS"] == "signed"


@pytest.mark.parametrize("treaty", TREATIES)
def test_every_state_is_one_path_and_the_svg_agrees_with_the_data(treaty: str) -> None:
    drawn = _statuses(treaty, "2024-02-22")
    assert drawn == {r.iso3: r.status for r in status_on(treaty, "2024-02-22")}
    m = treaty_map(treaty, "2024-02-22")
    assert [r["iso3"] for r in m.rows] == [r.iso3 for r in status_on(treaty, "2024-02-22")]
    assert {e.status: e.count for e in m.legend if e.count} == m.counts


def test_cd2402_counts_are_on_the_map() -> None:
    m = treaty_map("tpnw", "2024-02-22")
    assert m.counts["party"] == 70
    assert "93 states had signed and 70 had deposited" in m.svg
    assert list(_statuses("tpnw", "2024-02-22").values()).count("party") == 70


def test_the_svg_is_accessible() -> None:
    m = treaty_map("npt", "2026-02-03", id_prefix="npt")
    root = ET.fromstring(m.svg)
    assert root.get("role") == "img"
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert set(str(root.get("aria-labelledby")).split()) <= ids
    assert all(i.startswith("npt-") for i in ids)
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    for path in root.iter(f"{SVG}path"):
        if path.get("data-iso3"):
            assert path.find(f"{SVG}title") is not None
    legend = "".join(root.find(f"{SVG}g[@class='legend']").itertext())  # type: ignore[union-attr]
    assert "Withdrawal announced 2003, disputed: 1" in legend
    other = ET.fromstring(treaty_map("npt", "2026-02-03", id_prefix="two").svg)
    assert not ids & {e.get("id") for e in other.iter() if e.get("id")}


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_meet_wcag_aa_and_statuses_differ_by_more_than_hue() -> None:
    assert _contrast(INK, SEA) >= 4.5  # legend text
    assert _contrast(OTHER_STROKE, SEA) >= 3
    for style in STYLES.values():
        # the fill (or, on a white base, the pattern's ink) stands out from sea and borders
        shown = style.ink if style.base == SEA else style.base
        assert _contrast(shown, SEA) >= 3, style
    for treaty, statuses in STATUSES.items():
        styles = [STYLES[KIND[s]] for s in statuses]
        assert len(set(styles)) == len(styles), treaty
        solids = [s.base for s in styles if s.pattern == "solid"]
        others = [s.pattern for s in styles if s.pattern != "solid"]
        assert len(set(others)) == len(others), treaty  # each pattern once
        for i, a in enumerate(solids):
            for b in solids[i + 1 :]:
                assert _contrast(a, b) >= 3, (treaty, a, b)  # distinct in greyscale too


@pytest.mark.parametrize("treaty", TREATIES)
def test_the_svg_stays_small(treaty: str) -> None:
    # Measured 93 KB (TPNW); the whole world page has a 500 KB budget.
    assert len(treaty_map(treaty, "2026-02-03").svg.encode()) < 120_000


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(BadInput, match="not one of"):
        treaty_map("start", "2024-02-22")
    with pytest.raises(BadInput, match="only on 2024-02-22 and 2026-02-03"):
        treaty_map("npt", "2020-01-01")
