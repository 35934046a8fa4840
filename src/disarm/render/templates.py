"""The project's one Jinja2 environment: every HTML page (reports, the demo, the dashboard)
extends ``base.html.j2`` and shares ``style.css`` (screen and print)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from disarm.render.cells import fmt, kg, kg_sq, pct, plus_minus, sq

if TYPE_CHECKING:
    import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    """The shared environment (templates are package data of `disarm.render`)."""
    import jinja2  # imported on first use: light commands never load it

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("disarm.render", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cell=fmt, pct=pct, kg=kg, sq=sq, kg_sq=kg_sq, pm=plus_minus)
    return env


def render(template: str, **context: Any) -> str:
    """Render one template of the shared environment."""
    return environment().get_template(template).render(**context)
