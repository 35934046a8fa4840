"""Charts for reports: a declared series against its ceiling schedule, as a small SVG document.

Written directly as SVG text (no plotting library): the output is deterministic, fast to build,
prints sharply, and its text (title, legend, axis labels) is sized for reading. Every chart also
has `chart_alt`, a sentence that states what the chart shows, for the ``alt`` attribute.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

COLOURS = {
    "declared": "#1f4e79",
    "ceiling": "#b22222",
    "deadline": "#555555",
    "compliant": "#2e7d32",
    "non-compliant": "#c62828",
    "not-yet-due": "#8d8d8d",
    "no-data": "#b07d00",
    "baseline": "#7a5c99",
    "grid": "#e3e3e3",
    "axis": "#333333",
}
STATUSES = ("compliant", "non-compliant", "not-yet-due", "no-data")

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 78, 18, 62, 40
FONT = "DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Point:
    """One declared value, coloured by the status the engine gave it (if any)."""

    date: dt.date
    value: float
    status: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    """What one chart shows: declared points, the ceiling step schedule, deadlines."""

    title: str
    unit: str
    points: Sequence[Point] = ()
    schedule: Sequence[tuple[dt.date, float]] = ()  # (date from which the limit holds, limit)
    deadlines: Sequence[tuple[dt.date, str]] = ()  # (date, label): deadlines binding this series
    baseline: float | None = None
    baseline_label: str = "baseline"
    end: dt.date | None = None  # where the last schedule step is drawn to
    start: dt.date | None = None  # where the x axis starts (e.g. entry into force)
    #: other phase deadlines of the programme, drawn lighter (context, not binding here)
    phases: Sequence[tuple[dt.date, str]] = ()
    notes: Sequence[str] = field(default_factory=tuple)


def _days(d: dt.date) -> int:
    return d.toordinal()


def _nice_step(span: float, target: int = 5) -> float:
    raw = max(span / target, 1e-12)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return float(m * mag)
    return float(10 * mag)


def _num(v: float) -> str:
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.1f}"


def _f(x: float) -> str:
    return f"{x:.1f}"


class _Frame:
    """Data -> pixel coordinates of the plotting area."""

    def __init__(self, x0: int, x1: int, top: float) -> None:
        self.x0, self.x1, self.top = x0, max(x1, x0 + 1), top
        self.w = WIDTH - LEFT - RIGHT
        self.h = HEIGHT - TOP - BOTTOM

    def x(self, d: dt.date) -> float:
        return LEFT + (_days(d) - self.x0) / (self.x1 - self.x0) * self.w

    def y(self, v: float) -> float:
        return TOP + self.h - v / self.top * self.h


def _dates(spec: ChartSpec) -> list[dt.date]:
    out = [p.date for p in spec.points] + [d for d, _ in spec.schedule]
    out += [d for d, _ in spec.deadlines] + [d for d, _ in spec.phases]
    out += [d for d in (spec.start, spec.end) if d is not None]
    return out


def chart_svg(spec: ChartSpec) -> str:
    """Render one chart as an SVG document (deterministic: same spec, same bytes)."""
    dates = _dates(spec) or [dt.date(2000, 1, 1)]
    lo = spec.start or min(dates)
    hi = max(dates)
    if hi <= lo:
        hi = lo + dt.timedelta(days=365)
    values = [p.value for p in spec.points] + [v for _, v in spec.schedule if math.isfinite(v)]
    if spec.baseline is not None:
        values.append(spec.baseline)
    step = _nice_step(max([*values, 1.0]) * 1.08)
    step = max(step, 1.0)
    top = step * math.ceil(max([*values, 1.0]) * 1.08 / step)
    fr = _Frame(_days(lo), _days(hi) + (_days(hi) - _days(lo)) // 60, top)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family={quoteattr(FONT)} font-size="12">',
        f"<title>{escape(spec.title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold" '
        f'fill="{COLOURS["axis"]}">{escape(spec.title)}</text>',
    ]
    out += _axes(fr, lo, hi, step, spec.unit)
    out += _deadline_lines(fr, spec)
    legend: list[tuple[str, str]] = []
    out += _schedule(fr, spec, hi, legend)
    out += _baseline(fr, spec, lo, hi, legend)
    out += _declared(fr, spec, legend)
    if not spec.points and not spec.schedule and spec.baseline is None:
        out.append(
            f'<text x="{_f(LEFT + fr.w / 2)}" y="{_f(TOP + fr.h / 2)}" text-anchor="middle" '
            'fill="#777777">no data</text>'
        )
    out += _legend(legend)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _axes(fr: _Frame, lo: dt.date, hi: dt.date, step: float, unit: str) -> list[str]:
    out = []
    n = round(fr.top / step)
    for i in range(n + 1):
        v = i * step
        y = _f(fr.y(v))
        out.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" '
            f'stroke="{COLOURS["grid"]}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y}" dy="4" text-anchor="end" '
            f'fill="{COLOURS["axis"]}">{_num(v)}</text>'
        )
    years = list(range(lo.year + (0 if (lo.month, lo.day) == (1, 1) else 1), hi.year + 1))
    every = next(k for k in (1, 2, 5, 10, 20, 50, 100) if len(years) / k <= 10)
    for year in years:
        if year % every:
            continue
        x = _f(fr.x(dt.date(year, 1, 1)))
        out.append(
            f'<line x1="{x}" y1="{_f(TOP + fr.h)}" x2="{x}" y2="{_f(TOP + fr.h + 5)}" '
            f'stroke="{COLOURS["axis"]}"/>'
        )
        out.append(
            f'<text x="{x}" y="{_f(TOP + fr.h + 19)}" text-anchor="middle" '
            f'fill="{COLOURS["axis"]}">{year}</text>'
        )
    base = _f(TOP + fr.h)
    out.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" '
        f'stroke="{COLOURS["axis"]}"/>'
    )
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="{COLOURS["axis"]}"/>')
    mid = _f(TOP + fr.h / 2)
    out.append(
        f'<text transform="translate(16,{mid}) rotate(-90)" text-anchor="middle" '
        f'fill="{COLOURS["axis"]}">{escape(unit)}</text>'
    )
    return out


def _deadline_lines(fr: _Frame, spec: ChartSpec) -> list[str]:
    out = []
    binding = {d for d, _ in spec.deadlines}
    marks = [(d, lab, True) for d, lab in spec.deadlines]
    marks += [(d, lab, False) for d, lab in spec.phases if d not in binding]
    for day, label, strong in sorted(marks, key=lambda m: (m[0], m[1])):
        x = _f(fr.x(day))
        colour = COLOURS["deadline"] if strong else "#a8a8a8"
        out.append(
            f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{_f(TOP + fr.h)}" stroke="{colour}" '
            f'stroke-width="{1.2 if strong else 0.8}" stroke-dasharray="4 3"/>'
        )
        right = fr.x(day) + 3 + 7 * len(label) > WIDTH - 2
        out.append(
            f'<text x="{_f(fr.x(day) + (-3 if right else 3))}" y="{TOP + 12}" font-size="11" '
            f'text-anchor="{"end" if right else "start"}" fill="{colour}"'
            f"{' font-weight=' + quoteattr('bold') if strong else ''}>{escape(label)}</text>"
        )
    return out


def _schedule(fr: _Frame, spec: ChartSpec, hi: dt.date, legend: list[tuple[str, str]]) -> list[str]:
    steps = [(d, v) for d, v in spec.schedule]
    if not steps:
        return []
    out = []
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for i, (day, v) in enumerate(steps):
        nxt = steps[i + 1][0] if i + 1 < len(steps) else max(hi, day)
        if not math.isfinite(v):
            if current:
                runs.append(current)
            current = []
            continue
        y = fr.y(v)
        current += [(fr.x(day), y), (fr.x(nxt), y)]
    if current:
        runs.append(current)
    for run in runs:
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in run)
        out.append(
            f'<polyline points="{pts}" fill="none" stroke="{COLOURS["ceiling"]}" '
            'stroke-width="2.6" stroke-linejoin="miter"/>'
        )
    legend.append(
        (
            "ceiling",
            _swatch("ceiling", 2.6),
        )
    )
    first_day, first = steps[0]
    start = spec.start or first_day
    if first_day > start and math.isfinite(first):
        out.append(
            f'<text x="{_f(fr.x(start) + 6)}" y="{_f(TOP + fr.h - 8)}" font-size="11" '
            f'fill="{COLOURS["ceiling"]}">no ceiling before {first_day.isoformat()}</text>'
        )
    return out


def _baseline(
    fr: _Frame, spec: ChartSpec, lo: dt.date, hi: dt.date, legend: list[tuple[str, str]]
) -> list[str]:
    if spec.baseline is None:
        return []
    y = _f(fr.y(spec.baseline))
    out = [
        f'<line x1="{_f(fr.x(lo))}" y1="{y}" x2="{_f(fr.x(hi))}" y2="{y}" '
        f'stroke="{COLOURS["baseline"]}" stroke-width="1.4" stroke-dasharray="2 3"/>',
        f'<circle cx="{_f(fr.x(spec.start or lo))}" cy="{y}" r="4" fill="{COLOURS["baseline"]}"/>',
    ]
    legend.append(
        (
            spec.baseline_label,
            f'<line x1="0" y1="0" x2="18" y2="0" stroke="{COLOURS["baseline"]}" '
            'stroke-width="1.4" stroke-dasharray="2 3"/>',
        )
    )
    return out


def _declared(fr: _Frame, spec: ChartSpec, legend: list[tuple[str, str]]) -> list[str]:
    if not spec.points:
        return []
    pts = sorted(spec.points, key=lambda p: p.date)
    line = " ".join(f"{_f(fr.x(p.date))},{_f(fr.y(p.value))}" for p in pts)
    out = [
        f'<polyline points="{line}" fill="none" stroke="{COLOURS["declared"]}" stroke-width="1.6"/>'
    ]
    legend.append(
        (
            "declared",
            _swatch("declared", 1.6),
        )
    )
    for p in pts:
        colour = COLOURS.get(p.status or "declared", COLOURS["declared"])
        out.append(
            f'<circle cx="{_f(fr.x(p.date))}" cy="{_f(fr.y(p.value))}" r="3.6" fill="{colour}" '
            'stroke="#ffffff" stroke-width="0.8"/>'
        )
    for status in STATUSES:
        if any(p.status == status for p in pts):
            legend.append((status, f'<circle cx="9" cy="0" r="4" fill="{COLOURS[status]}"/>'))
    return out


def _swatch(colour: str, width: float, dash: str | None = None) -> str:
    extra = "" if dash is None else f' stroke-dasharray="{dash}"'
    return (
        f'<line x1="0" y1="0" x2="18" y2="0" stroke="{COLOURS[colour]}" '
        f'stroke-width="{width}"{extra}/>'
    )


def _legend(items: Iterable[tuple[str, str]]) -> list[str]:
    out = []
    x = float(LEFT)
    y = 36
    for label, swatch in items:
        width = 26 + 7.0 * len(label)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = float(LEFT), y + 16
        out.append(f'<g transform="translate({_f(x)},{y})">{swatch}')
        out.append(f'<text x="24" y="4" fill="{COLOURS["axis"]}">{escape(label)}</text></g>')
        x += width + 14
    return out


def chart_alt(spec: ChartSpec) -> str:
    """What the chart shows, in sentences (for the image's alt text and screen readers)."""
    return f"Chart: {spec.title}, in {spec.unit}. {chart_description(spec)}"


def chart_description(spec: ChartSpec) -> str:
    """The chart's figures in sentences (its caption, and the alt text after the title)."""
    parts: list[str] = []
    pts = sorted(spec.points, key=lambda p: p.date)
    if pts:
        first, last = pts[0], pts[-1]
        statuses = sorted({p.status for p in pts if p.status})
        parts.append(
            f"Declared: {_num(first.value)} on {first.date.isoformat()}"
            + (f", {_num(last.value)} on {last.date.isoformat()}" if len(pts) > 1 else "")
            + f" ({len(pts)} values"
            + (f"; verdicts: {', '.join(statuses)}" if statuses else "")
            + ")."
        )
    else:
        parts.append("No declared values.")
    steps = [(d, v) for d, v in spec.schedule if math.isfinite(v)]
    if steps:
        parts.append(
            "Ceiling: "
            + "; ".join(f"{_num(v)} from {d.isoformat()}" for d, v in steps[:8])
            + ("; …" if len(steps) > 8 else "")
            + "."
        )
    if spec.baseline is not None:
        parts.append(f"{spec.baseline_label}: {_num(spec.baseline)}.")
    if spec.deadlines:
        parts.append(
            "Deadlines: " + ", ".join(f"{lab} {d.isoformat()}" for d, lab in spec.deadlines) + "."
        )
    return " ".join(parts)


def svg_data_uri(svg: str) -> str:
    """An SVG document as a ``data:image/svg+xml;base64,...`` URI."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
