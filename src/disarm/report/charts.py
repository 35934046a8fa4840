"""Charts for reports: a party's declared series against its ceiling schedule, as SVG text.

Rendered with matplotlib's Agg/SVG backends (no display, no files): `chart_svg` returns the
SVG document, which the HTML template embeds as a ``data:`` URI so that the report stays a
single self-contained file and the charts' internal ids cannot collide.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

COLOURS = {
    "declared": "#1f4e79",
    "ceiling": "#b22222",
    "deadline": "#6b6b6b",
    "compliant": "#2e7d32",
    "non-compliant": "#c62828",
    "not-yet-due": "#8d8d8d",
    "no-data": "#e0a100",
    "baseline": "#7a5c99",
}

_RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "disarm-report",
    "font.size": 9,
    "font.family": "DejaVu Sans",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
}


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
    deadlines: Sequence[tuple[dt.date, str]] = ()  # (date, label)
    baseline: float | None = None
    baseline_label: str = "baseline"
    end: dt.date | None = None  # where the last schedule step is drawn to
    start: dt.date | None = None  # where the x axis starts (e.g. entry into force)
    notes: Sequence[str] = field(default_factory=tuple)


def chart_svg(spec: ChartSpec) -> str:
    """Render one chart as an SVG document (deterministic: no date metadata, fixed ids)."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7.2, 2.9), dpi=100)
        ax = fig.add_subplot()
        _draw(ax, spec)
        # a figure text, not an axes title: placing a title costs a layout pass per chart
        fig.text(0.985, 0.975, spec.title, ha="right", va="top", fontsize=9, fontweight="bold")
        fig.subplots_adjust(left=0.085, right=0.985, top=0.86, bottom=0.1)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "disarm"})
    return _strip(buf.getvalue())


_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.DOTALL)


def _strip(svg: str) -> str:
    """Drop the RDF metadata block and the DOCTYPE (which names an external DTD)."""
    return _DOCTYPE.sub("", _METADATA.sub("", svg, count=1), count=1)


def svg_data_uri(svg: str) -> str:
    """An SVG document as a ``data:image/svg+xml;base64,...`` URI."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _draw(ax: object, spec: ChartSpec) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    dates: list[dt.date] = [p.date for p in spec.points]
    dates += [d for d, _ in spec.schedule] + [d for d, _ in spec.deadlines]
    if spec.end is not None:
        dates.append(spec.end)
    if spec.start is not None:
        dates.append(spec.start)
    if spec.schedule:
        xs: Any = [d for d, _ in spec.schedule]
        ys = [v if math.isfinite(v) else math.nan for _, v in spec.schedule]
        last = max(dates) if dates else xs[-1]
        if last > xs[-1]:
            xs, ys = [*xs, last], [*ys, ys[-1]]
        ax.step(xs, ys, where="post", color=COLOURS["ceiling"], linewidth=1.6, label="ceiling")
    if spec.baseline is not None and dates:
        ax.axhline(
            spec.baseline,
            color=COLOURS["baseline"],
            linewidth=0.9,
            linestyle=":",
            label=spec.baseline_label,
        )
        if spec.start is not None:
            at_start: Any = [spec.start]
            ax.scatter(at_start, [spec.baseline], s=22, color=COLOURS["baseline"], zorder=4)
    if spec.points:
        pts = sorted(spec.points, key=lambda p: p.date)
        when: Any = [p.date for p in pts]
        ax.plot(
            when,
            [p.value for p in pts],
            color=COLOURS["declared"],
            linewidth=1.2,
            label="declared",
            zorder=3,
        )
        for status in ("compliant", "non-compliant", "not-yet-due", "no-data", None):
            sel = [p for p in pts if p.status == status]
            if not sel:
                continue
            sel_when: Any = [p.date for p in sel]
            ax.scatter(
                sel_when,
                [p.value for p in sel],
                s=16,
                color=COLOURS.get(status or "declared", COLOURS["declared"]),
                edgecolor="white",
                linewidth=0.5,
                zorder=4,
                label=status if status else None,
            )
    for day, label in spec.deadlines:
        at: Any = day
        ax.axvline(at, color=COLOURS["deadline"], linestyle="--", linewidth=0.9)
        ax.annotate(
            label,
            xy=(mdates.date2num(day), 0),  # type: ignore[no-untyped-call]
            xycoords=("data", "axes fraction"),
            xytext=(3, 4),
            textcoords="offset points",
            fontsize=7,
            color=COLOURS["deadline"],
        )
    tops = [p.value for p in spec.points] + [v for _, v in spec.schedule if math.isfinite(v)]
    if spec.baseline is not None:
        tops.append(spec.baseline)
    ax.set_ylim(bottom=0, top=max([*tops, 1.0]) * 1.08)
    if spec.start is not None:
        left: Any = spec.start
        ax.set_xlim(left=left)
    ax.set_ylabel(spec.unit)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    if not spec.points and not spec.schedule:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#888888")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    handles, _labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            fontsize=7,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            frameon=False,
            ncols=min(len(handles), 5),
            borderaxespad=0.2,
        )
