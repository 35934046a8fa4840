"""Rendering of results: a table on a terminal, `--json` and `--csv` for scripts.

Data goes to stdout; messages and progress go to stderr.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from disarm.render.csv import write_rows

if TYPE_CHECKING:
    from rich.progress import Progress

stdout = Console(soft_wrap=True)
#: The widest line a table piped to a file may have before its cells wrap.
PIPED_WIDTH = 1_000
if not stdout.is_terminal:
    stdout.width = PIPED_WIDTH
stderr = Console(stderr=True, soft_wrap=True)


def to_jsonable(value: Any) -> Any:
    """Convert dates, paths, bytes, enums, dataclasses and pydantic models for JSON."""
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump) and not isinstance(value, type):  # a pydantic model
        return to_jsonable(model_dump(mode="json"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # NumPy scalars
        return value.item()
    return value


def dumps(value: Any, *, indent: int | None = 2) -> str:
    return json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False, sort_keys=False)


def print_json(value: Any) -> None:
    sys.stdout.write(dumps(value) + "\n")


def _cell(value: Any) -> str:
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def print_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> None:
    cols = list(columns) if columns is not None else _columns(rows)
    write_rows(sys.stdout, cols, ([_csv_cell(row.get(c)) for c in cols] for row in rows))


def _csv_cell(value: Any) -> Any:
    """Numbers stay numbers in CSV (so that `-5` is a value, not text to neutralise)."""
    plain = to_jsonable(value)
    if isinstance(plain, int | float) and not isinstance(plain, bool):
        return plain
    return _cell(value)


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    title: str | None = None,
) -> None:
    cols = list(columns) if columns is not None else _columns(rows)
    table = Table(title=title, show_lines=False)
    for c in cols:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in cols))
    # On a terminal the table fits the window; piped to a file or a program it keeps its
    # natural width, so that no cell is wrapped in the middle of a word at 80 columns.
    if not stdout.is_terminal:
        stdout.width = PIPED_WIDTH
    stdout.print(table)


def emit(
    rows: Sequence[Mapping[str, Any]],
    *,
    as_json: bool = False,
    as_csv: bool = False,
    columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """Print rows as JSON, CSV or a table, as the user asked."""
    if as_json:
        print_json(list(rows))
    elif as_csv:
        print_csv(rows, columns)
    else:
        print_table(rows, columns, title=title)


def _columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    cols: dict[str, None] = {}
    for row in rows:
        for k in row:
            cols.setdefault(k, None)
    return list(cols)


@contextmanager
def progress(enabled: bool = True) -> Iterator[Progress]:
    """A progress bar on stderr (hidden when stderr is not a terminal or when disabled)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        disable=not enabled,
        transient=False,
    )
    with bar:
        yield bar
