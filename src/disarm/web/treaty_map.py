"""The *Treaties and zones* world map: inline SVG plus the same data as table rows.

`treaty_map` is pure: it reads only bundled data and returns strings and rows, so the CLI, the
future server (through the project's one Jinja environment) and tests all use it alike. Every
state of the treaty data is one ``<path>`` with ``data-iso3`` and ``data-status``: its 1:110m
outline, or a dot where the outlines omit it (small island and city states). Statuses differ by
pattern as well as by colour, every fill has at least 3:1 contrast with the white sea and
borders (WCAG 2.1 SC 1.4.11), and every path carries a ``<title>`` naming state and status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any, Final

from disarm.data.treaty_timeline import (
    DATED_TREATIES,
    STATUSES,
    TREATY_NAMES,
    TreatyStatus,
    check_date,
    check_treaty,
    counts,
    signed_by,
    status_on,
)
from disarm.web.outlines import Feature, equal_earth, features, small_states

WIDTH: Final = 960.0
#: Douglas-Peucker tolerance in SVG units (1/960 of the map's width).
TOLERANCE: Final = 0.6
MARGIN: Final = 4.0
DOT_RADIUS: Final = 2.6
#: Left off the map: Antarctica (no state's territory; demilitarised by the Antarctic Treaty).
SKIP: Final = frozenset({"ATA"})

SEA: Final = "#ffffff"
INK: Final = "#1a1a1a"
BORDER: Final = "#ffffff"
#: Fill of outlines that are no state of the treaty data (territories, disputed entities).
OTHER: Final = "#e6e6e6"
OTHER_STROKE: Final = "#767676"


@dataclass(frozen=True, slots=True)
class Style:
    """How one kind of status is drawn: a pattern (or solid), its base colour and its ink."""

    pattern: str  # solid | hatch | hlines | dots | cross
    base: str
    ink: str


#: Statuses grouped by meaning, so that e.g. TPNW party and CTBT ratified look alike.
STYLES: Final = {
    "full": Style("solid", "#0b2e59", "#0b2e59"),
    "partial": Style("hatch", "#5b8fd0", "#0b2e59"),
    "none": Style("solid", "#929292", "#929292"),
    "negative": Style("hlines", "#b35806", "#ffffff"),
    "special": Style("dots", "#7b3294", "#ffffff"),
    "unknown": Style("cross", "#ffffff", "#767676"),
}

KIND: Final = {
    "party": "full",
    "ratified": "full",
    "signatory": "partial",
    "signed": "partial",
    "none": "none",
    "non-party": "negative",
    "not-party": "negative",
    "disputed": "special",
    "single-state": "special",
    "unknown": "unknown",
}

LABELS: Final[dict[str, dict[str, str]]] = {
    "tpnw": {
        "party": "Party (ratification or accession deposited)",
        "signatory": "Signatory",
        "none": "Neither signed nor joined",
    },
    "npt": {
        "party": "Party",
        "non-party": "Not a party",
        "disputed": "Withdrawal announced 2003, disputed",
        "unknown": "Not established in the data",
    },
    "ctbt": {
        "ratified": "Ratified",
        "signed": "Signed, not ratified",
        "none": "Not signed",
        "unknown": "Not derivable from the data on this date",
    },
    "nwfz": {
        "party": "Party to a zone treaty",
        "signatory": "Signatory (later ratification not established)",
        "single-state": "Single-state nuclear-weapon-free status",
        "not-party": "In a zone's region, not a party",
        "unknown": "Not established in the data",
        "none": "Outside any zone",
    },
}


@dataclass(frozen=True, slots=True)
class LegendEntry:
    status: str
    label: str
    count: int
    pattern: str
    colour: str


@dataclass(frozen=True, slots=True)
class TreatyMap:
    """The map of one treaty on one date: SVG text, table rows, legend and counts."""

    treaty: str
    as_of: str
    title: str
    svg: str
    rows: tuple[dict[str, Any], ...]
    legend: tuple[LegendEntry, ...]
    counts: dict[str, int]
    notes: tuple[str, ...]


def treaty_map(treaty: str, as_of: str, *, id_prefix: str = "tm") -> TreatyMap:
    """Draw `treaty` (tpnw, npt, ctbt or nwfz) status on `as_of` (YYYY-MM-DD).

    `id_prefix` prefixes the SVG's element ids, so that several maps can share one page.
    Raises BadInput for an unknown treaty or a date the data do not cover.
    """
    key = check_treaty(treaty)
    as_of = check_date(key, as_of)
    statuses = status_on(key, as_of)
    tally = counts(statuses)
    labels = LABELS[key]
    legend = tuple(
        LegendEntry(s, labels[s], tally.get(s, 0), STYLES[KIND[s]].pattern, STYLES[KIND[s]].base)
        for s in STATUSES[key]
        if tally.get(s, 0) or s not in ("unknown",)
    )
    geometry = _geometry()
    dots = {m.iso3 for m in small_states()}
    rows = tuple(
        {
            "iso3": s.iso3,
            "name": s.name,
            "status": s.status,
            "label": labels[s.status],
            "since": s.since,
            "note": s.note,
            "drawn_as": "dot" if s.iso3 in dots else "outline",
        }
        for s in statuses
    )
    title = f"{TREATY_NAMES[key]}: status on {as_of}"
    counted: tuple[str, ...] = ()
    if key in DATED_TREATIES:
        full = "deposited an instrument" if key == "tpnw" else "ratified"
        counted = (
            f"On {as_of}, {signed_by(key, as_of)} states had signed and "
            f"{tally.get(STATUSES[key][0], 0)} had {full}.",
        )
    notes = (
        *counted,
        f"{len(dots)} states too small for the 1:110m outlines are drawn as dots.",
        "Outlines: Natural Earth 1:110m (public domain) via world-atlas 2.0.2; "
        "Equal Earth projection; Antarctica omitted.",
    )
    svg = _svg(id_prefix, title, statuses, legend, geometry, labels, notes)
    return TreatyMap(key, as_of, title, svg, rows, legend, tally, notes)


@dataclass(frozen=True, slots=True)
class _Geometry:
    height: float
    paths: dict[str, str]  # iso3 -> d, for states with an outline
    others: tuple[tuple[str | None, str, str], ...]  # (iso3, name, d) of non-state outlines
    dots: dict[str, tuple[float, float]]


@cache
def _geometry() -> _Geometry:
    """Project, simplify and fit the outlines once; every map shares the result."""
    unit = features(equal_earth, 0.0, skip=SKIP)
    xs = [x for f in unit for ring in f.rings for x, _ in ring]
    ys = [y for f in unit for ring in f.rings for _, y in ring]
    scale = (WIDTH - 2 * MARGIN) / (max(xs) - min(xs))
    x0, y1 = min(xs), max(ys)
    height = round((max(ys) - min(ys)) * scale + 2 * MARGIN, 1)

    def fit(lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return (x - x0) * scale + MARGIN, (y1 - y) * scale + MARGIN

    fitted = features(fit, TOLERANCE, skip=SKIP)
    states = {str(r.iso3) for r in status_on("tpnw", "2026-02-03")}
    paths: dict[str, str] = {}
    others: list[tuple[str | None, str, str]] = []
    for f in fitted:
        d = _d(f)
        if f.iso3 in states:
            paths[f.iso3] = d
        else:
            others.append((f.iso3, f.name, d))
    dots = {m.iso3: fit(m.lon, m.lat) for m in small_states()}
    return _Geometry(height, paths, tuple(others), dots)


def _num(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _d(feature: Feature) -> str:
    parts = []
    for ring in feature.rings:
        pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
        coords = " ".join(f"{_num(x)} {_num(y)}" for x, y in pts)
        parts.append(f"M{coords}Z")
    return "".join(parts)


def _dot(x: float, y: float) -> str:
    r = DOT_RADIUS
    return f"M{_num(x - r)} {_num(y)}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"


def _fill(prefix: str, status: str) -> str:
    style = STYLES[KIND[status]]
    return style.base if style.pattern == "solid" else f"url(#{prefix}-{KIND[status]})"


def _patterns(prefix: str, kinds: Sequence[str]) -> str:
    out = []
    for kind in kinds:
        s = STYLES[kind]
        mark = {
            "hatch": f'<path d="M0 0V6" stroke="{s.ink}" stroke-width="2"/>',
            "hlines": f'<path d="M0 1.5H6M0 4.5H6" stroke="{s.ink}" stroke-width="1"/>',
            "dots": f'<circle cx="3" cy="3" r="1.2" fill="{s.ink}"/>',
            "cross": f'<path d="M0 0L6 6M6 0L0 6" stroke="{s.ink}" stroke-width="1"/>',
        }.get(s.pattern)
        if mark is None:
            continue
        turn = ' patternTransform="rotate(45)"' if s.pattern == "hatch" else ""
        out.append(
            f'<pattern id="{prefix}-{kind}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse"{turn}>'
            f'<rect width="6" height="6" fill="{s.base}"/>{mark}</pattern>'
        )
    return "".join(out)


def _svg(
    prefix: str,
    title: str,
    statuses: Sequence[TreatyStatus],
    legend: Sequence[LegendEntry],
    geo: _Geometry,
    labels: dict[str, str],
    notes: Sequence[str],
) -> str:
    rows_h = 24.0
    legend_h = rows_h * ((len(legend) + 1) // 2 + 1 + len(notes)) + 8
    height = geo.height + legend_h
    summary = "; ".join(f"{e.label}: {e.count}" for e in legend)
    kinds = sorted({KIND[e.status] for e in legend})
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(WIDTH)} {_num(height)}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="treaty-map" '
        f'font-family="system-ui, sans-serif" font-size="16">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(summary)}. {escape(" ".join(notes))} '
        "The table beside the map lists every state.</desc>",
        f"<defs>{_patterns(prefix, kinds)}</defs>",
        f'<rect width="{_num(WIDTH)}" height="{_num(geo.height)}" fill="{SEA}"/>',
        f'<g stroke="{OTHER_STROKE}" stroke-width="0.5" fill="{OTHER}">',
    ]
    for iso3, name, d in geo.others:
        code = f' data-iso3="{iso3}"' if iso3 else ""
        out.append(
            f'<path{code} data-status="not-in-data" d="{d}">'
            f"<title>{escape(name)}: not a state in the treaty data</title></path>"
        )
    out.append("</g>")
    out.append(f'<g stroke="{BORDER}" stroke-width="0.5" stroke-linejoin="round">')
    outlined = [s for s in statuses if s.iso3 in geo.paths]
    dotted = [s for s in statuses if s.iso3 in geo.dots]
    for s in outlined:
        out.append(_state_path(prefix, s, geo.paths[s.iso3], labels))
    out.append("</g>")
    out.append(f'<g stroke="{INK}" stroke-width="0.8" class="dots">')
    for s in dotted:
        out.append(_state_path(prefix, s, _dot(*geo.dots[s.iso3]), labels))
    out.append("</g>")
    out.append(_legend(prefix, legend, geo.height, rows_h, notes))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _state_path(prefix: str, s: TreatyStatus, d: str, labels: dict[str, str]) -> str:
    since = f", {s.since}" if s.since else ""
    tip = f"{s.name}: {labels[s.status]}{since}"
    return (
        f'<path data-iso3="{s.iso3}" data-status="{s.status}" fill="{_fill(prefix, s.status)}" '
        f'd="{d}"><title>{escape(tip)}</title></path>'
    )


def _legend(
    prefix: str, legend: Sequence[LegendEntry], top: float, rows_h: float, notes: Sequence[str]
) -> str:
    col_w = (WIDTH - 2 * MARGIN) / 2
    out = [f'<g class="legend" fill="{INK}">']
    for i, e in enumerate(legend):
        x = MARGIN + (i % 2) * col_w
        y = top + 8 + (i // 2) * rows_h
        out.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="26" height="17" '
            f'fill="{_fill(prefix, e.status)}" stroke="{INK}" stroke-width="0.8"/>'
            f'<text x="{_num(x + 34)}" y="{_num(y + 14)}">'
            f"{escape(e.label)}: {e.count}</text>"
        )
    y = top + 8 + ((len(legend) + 1) // 2) * rows_h
    out.append(
        f'<rect x="{_num(MARGIN)}" y="{_num(y)}" width="26" height="17" fill="{OTHER}" '
        f'stroke="{OTHER_STROKE}" stroke-width="0.8"/><text x="{_num(MARGIN + 34)}" '
        f'y="{_num(y + 14)}">Territory or entity not in the data</text>'
    )
    for i, note in enumerate(notes, start=1):
        out.append(
            f'<text x="{_num(MARGIN)}" y="{_num(y + i * rows_h + 14)}" font-size="14">'
            f"{escape(note)}</text>"
        )
    out.append("</g>")
    return "".join(out)
