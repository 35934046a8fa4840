"""Spreadsheet-safe CSV: the one helper through which every CSV the project writes goes.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run
as a formula by a spreadsheet that opens the file (CSV injection). Such a cell is written with a
leading apostrophe (``'=HYPERLINK(...)``), as OWASP and spreadsheet-safe exporters do; the
apostrophe is shown, never evaluated.

Numbers stay numbers: a cell that is a number (an int or float, or text that is wholly a
decimal number such as ``-5``, ``+3.2`` or ``-1e-3``) is written unchanged, because a
spreadsheet reads it as a value, not a formula. Everything else starting with a trigger
character, ``-5+A1`` or ``-`` included, is neutralised. See docs/csv.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRIGGERS", "csv_text", "frame_csv", "safe_cell", "write_rows"]

#: First characters that make a spreadsheet treat a cell as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def safe_cell(value: Any) -> Any:
    """`value` ready for a CSV cell: text that a spreadsheet would run gets a leading `'`."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (``\\n`` line ends) of a header and rows, every cell made safe."""
    buf = io.StringIO()
    write_rows(buf, header, rows)
    return buf.getvalue()


def write_rows(out: Any, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header and rows to a text stream, every cell made safe."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def frame_csv(frame: pd.DataFrame, **to_csv: Any) -> str:
    """A DataFrame as CSV text: text cells made safe, numeric columns written as numbers."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith("str"):
            safe[column] = safe[column].map(safe_cell)
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\n")
    text: str = safe.to_csv(**to_csv)
    return text
