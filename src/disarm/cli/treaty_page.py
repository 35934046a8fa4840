"""A tiny standalone HTML page around the treaty map, for `disarm data treaties --map x.html`.

The server will render the same `TreatyMap` through the project's one Jinja environment; this
wrapper only lets a reader open the map and its table today, offline, with no script.
"""

from __future__ import annotations

from html import escape

from disarm.web.treaty_map import TreatyMap

_STYLE = (
    "body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:1rem;"
    "line-height:1.4}main{max-width:80rem;margin:auto}figure{margin:0}"
    "svg{width:100%;height:auto}table{border-collapse:collapse;font-size:.9rem}"
    "th,td{border-bottom:1px solid #767676;padding:.2rem .5rem;text-align:left;"
    "vertical-align:top}caption{text-align:left;font-weight:600}"
    ".table{max-height:40rem;overflow:auto}"
    "@media(min-width:70rem){.layout{display:grid;grid-template-columns:3fr 2fr;gap:1rem}}"
)


def treaty_page(m: TreatyMap) -> str:
    """A complete HTML document: heading, the inline SVG map and a table of every state."""
    head = "".join(f"<th scope='col'>{h}</th>" for h in ("State", "ISO3", "Status", "Since"))
    body = "".join(
        f"<tr><th scope='row'>{escape(r['name'])}</th><td>{r['iso3']}</td>"
        f"<td>{escape(r['label'])}{_note(r['note'])}</td><td>{r['since'] or ''}</td></tr>"
        for r in m.rows
    )
    counts = "; ".join(f"{escape(e.label)}: {e.count}" for e in m.legend)
    notes = " ".join(escape(n) for n in m.notes)
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(m.title)}</title><style>{_STYLE}</style></head>\n<body><main>"
        f"<h1>{escape(m.title)}</h1><div class='layout'>"
        f"<figure>{m.svg}<figcaption>{counts}. {notes}</figcaption></figure>\n"
        f"<div class='table' tabindex='0' role='region' aria-label='Every state'>"
        f"<table><caption>{escape(m.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div></div></main></body></html>\n"
    )


def _note(note: str | None) -> str:
    return f"<br><small>{escape(note)}</small>" if note else ""
