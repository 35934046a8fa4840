"""HTTP adapters (FastAPI): `disarm.api.witness` serves c2sp.org/tlog-witness."""

from __future__ import annotations

__all__: list[str] = []
