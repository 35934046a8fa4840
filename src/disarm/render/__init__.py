"""Rendering shared by the CLI, the reports and the web pages: cells, charts, one Jinja2
environment with one base template and one stylesheet (screen and print)."""

from disarm.render.cells import fmt, kg, kg_sq, pct, plus_minus, sq
from disarm.render.charts import (
    ChartSpec,
    Point,
    chart_alt,
    chart_description,
    chart_svg,
    svg_data_uri,
)
from disarm.render.templates import environment, render

__all__ = [
    "ChartSpec",
    "Point",
    "chart_alt",
    "chart_description",
    "chart_svg",
    "environment",
    "fmt",
    "kg",
    "kg_sq",
    "pct",
    "plus_minus",
    "render",
    "sq",
    "svg_data_uri",
]
