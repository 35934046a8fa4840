"""`--baselines`: one meaning for every command that takes it (`comply`, `report`).

Either ``SOURCE:YEAR`` of the bundled estimates (``SIPRI:2024``, ``FAS:2023``; central values,
only the programme's parties and categories) or a JSON file ``{"PARTY": {"category": number}}``.
Either way the values replace each party's declarations at entry into force as the baselines
of fraction-of-baseline ceilings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from disarm.errors import BadInput

if TYPE_CHECKING:
    from disarm.rules import Programme

HELP = (
    "Baselines instead of each party's declarations at entry into force: SOURCE:YEAR of the "
    'bundled estimates (e.g. SIPRI:2024, FAS:2023) or a JSON file {"PARTY": {"category": '
    "number}}."
)
#: A baselines JSON file is small; refuse anything larger than this.
MAX_BYTES = 1 << 20
_SOURCE_YEAR = re.compile(r"([A-Za-z]+):(\d{4})")

Baselines = dict[str, dict[str, float]]


def baselines_option(text: str | None, programme: Programme) -> Baselines | None:
    """The baselines `--baselines TEXT` names (None if unset)."""
    if text is None:
        return None
    match = _SOURCE_YEAR.fullmatch(text)
    if match and not Path(text).exists():
        return _bundled(match.group(1), int(match.group(2)), programme)
    return _from_file(Path(text))


def _bundled(source: str, year: int, programme: Programme) -> Baselines:
    from disarm import data

    published = data.baselines(year, source)
    return {
        p: {c: float(q.central) for c, q in cats.items() if c in programme.categories}
        for p, cats in published.items()
        if p in programme.parties
    }


def _from_file(path: Path) -> Baselines:
    if not path.is_file():
        raise BadInput(
            f"--baselines {str(path)!r}: no such file (or write SOURCE:YEAR, e.g. SIPRI:2024)"
        )
    if path.stat().st_size > MAX_BYTES:
        raise BadInput(f"--baselines {str(path)!r}: larger than {MAX_BYTES} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"cannot read baselines: {exc}", source=str(path)) from None
    ok = isinstance(data, dict) and all(
        isinstance(v, dict)
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v.values())
        for v in data.values()
    )
    if not ok:
        raise BadInput(
            'baselines must be a JSON object {"PARTY": {"category": number}}', source=str(path)
        )
    return {str(p): {str(c): float(x) for c, x in v.items()} for p, v in data.items()}
