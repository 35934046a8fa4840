"""Every row of effects_reference.csv: within its source's tolerance, or listed as not reached.

A row that no model reaches must appear in docs/effects.md ("Reference rows not reached") with a
reason; where a model exists for it, the test also checks that it really misses, so the list
cannot go stale silently.
"""

from __future__ import annotations

import re

import pytest

from tests.effects.reference import CHECKS, DOCS_PATH, UNREACHED, Row, rows

ROWS = rows()


def _unreached_section() -> str:
    text = DOCS_PATH.read_text(encoding="utf-8")
    start = text.index("## Reference rows not reached")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_the_csv_is_complete() -> None:
    assert len(ROWS) == 88
    assert {r.line for r in ROWS} >= UNREACHED


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_reference_row(row: Row) -> None:
    check = CHECKS.get(row.quantity)
    if row.line in UNREACHED:
        pattern = rf"^\| {row.line} \| `{re.escape(row.quantity)}` \| .{{20,}}\|$"
        assert re.search(pattern, _unreached_section(), re.MULTILINE), (
            f"line {row.line} ({row.quantity}) is not reached but docs/effects.md gives no reason"
        )
        if check is not None:
            ok, got = check.passes(row)
            assert not ok, f"line {row.line} is now reached ({got}): remove it from UNREACHED"
        return
    assert check is not None, f"no model for {row.quantity} (line {row.line})"
    ok, got = check.passes(row)
    assert ok, f"{row.quantity} (line {row.line}): model {got:.6g}, source {row.value} {row.unit}"
