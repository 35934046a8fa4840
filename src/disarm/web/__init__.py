"""The public web side of disarm: pure page renderers and the static assets served to readers.

* `treaty_map` draws the *Treaties and zones* world map as inline SVG with the same data as
  table rows; `outlines` holds the country outlines, the projection and the simplification
  (no server and no template environment here).
* ``static/verify.js`` — the in-browser verifier (C2SP signed notes, checkpoints and
  cosignatures, and whole entries, with WebCrypto), with ``merkle.js`` (RFC 9162 proofs) and
  ``checks.js`` (result objects, decoding) beside it; see docs/web-verify.md.

The assets ship as package data so a served page works offline, with no request leaving its
origin.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["static_file"]


def static_file(name: str) -> Traversable:
    """A bundled static asset by its name under ``static/`` (e.g. ``"verify.js"``)."""
    return files(__name__).joinpath("static", name)
