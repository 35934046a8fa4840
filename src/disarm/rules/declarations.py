"""Declarations: tidy rows `date, party, category, value[, source]`, validated.

Read from CSV, JSON Lines or a DataFrame. Every problem names the input, the line (CSV: the
file line, header = line 1; JSON Lines: the file line; DataFrame: `row` = position + 1) and what
is wrong. An empty value means "declared without a value" (missing, never zero).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from disarm.errors import BadInput, NotFound

if TYPE_CHECKING:
    from disarm.rules.programme import Programme

COLUMNS = ("date", "party", "category", "value", "source")
MAX_PROBLEMS = 50


def load_declarations(
    data: str | Path | pd.DataFrame, *, programme: Programme | None = None
) -> pd.DataFrame:
    """Validated declarations as a DataFrame: date, party, category, value, source, line.

    `data` is a path to a `.csv` or `.jsonl`/`.ndjson` file, or a DataFrame with those
    columns. With `programme`, rows are also checked against it (parties, categories, units).
    A DataFrame's `attrs["retrieved"]` (the data set's retrieval date) is kept.
    """
    retrieved = None
    if isinstance(data, pd.DataFrame):
        raw, label, unit = _from_frame(data), "declarations (DataFrame)", "row"
        retrieved = data.attrs.get("retrieved")
    else:
        raw, label, unit = _read(Path(data))
    frame, problems = _validate(raw, label, unit)
    if retrieved is not None:  # the data set's retrieval date: how far the evaluation can see
        frame.attrs["retrieved"] = retrieved
    if programme is not None:
        problems += programme_problems(frame, programme)
    _raise(problems, label)
    return frame


def _read(path: Path) -> tuple[pd.DataFrame, str, str]:
    if not path.is_file():
        raise NotFound(f"no declarations file {str(path)!r}")
    label = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson", ".json"):
            return _read_jsonl(path, label), label, "line"
        with warnings.catch_warnings():
            # more fields than the header in the first row: an error, not silent data loss
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(
                path, dtype=str, keep_default_na=False, skipinitialspace=True, index_col=False
            )
    except (
        OSError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.ParserWarning,
        pd.errors.EmptyDataError,
    ) as exc:
        raise BadInput(f"cannot read the declarations: {exc}", source=label) from None
    raw["line"] = np.arange(len(raw)) + 2
    return raw, label, "line"


def _read_jsonl(path: Path, label: str) -> pd.DataFrame:
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(f"line {number}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                problems.append(f"line {number}: expected a JSON object")
                continue
            record["line"] = number
            records.append(record)
    _raise(problems, label)
    raw = pd.DataFrame.from_records(records)
    for column in ("date", "party", "category", "value", "source"):
        if column in raw.columns:
            raw[column] = raw[column].map(_as_text, na_action="ignore").fillna("")
    return raw


def _as_text(value: Any) -> str:
    """JSON values as the text a CSV cell would hold (true/false are not numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _from_frame(data: pd.DataFrame) -> pd.DataFrame:
    raw = data.copy()
    if "line" not in raw.columns:
        raw["line"] = np.arange(len(raw)) + 1
    return raw


def _validate(raw: pd.DataFrame, label: str, unit: str) -> tuple[pd.DataFrame, list[str]]:
    missing = [c for c in ("date", "party", "category", "value") if c not in raw.columns]
    if missing:
        raise BadInput(
            f"missing column(s) {', '.join(missing)}; expected date, party, category, value "
            "and optionally source",
            source=label,
        )
    line = raw["line"].to_numpy()
    problems: list[str] = []

    date = _dates(raw["date"])
    bad = date.isna().to_numpy()
    problems += _each(line[bad], raw["date"][bad], unit, "date {!r} is not a date (YYYY-MM-DD)")

    party = raw["party"].astype(str).str.strip()
    bad = ~party.str.fullmatch(r"[A-Z]{3}").to_numpy(dtype=bool)
    problems += _each(line[bad], party[bad], unit, "party {!r} is not an ISO 3166 alpha-3 code")

    category = raw["category"].astype(str).str.strip()
    bad = (category == "").to_numpy()
    problems += _each(line[bad], category[bad], unit, "category is empty")

    value, bad_value = _values(raw["value"])
    problems += _each(line[bad_value], raw["value"][bad_value], unit, "value {!r} is not a number")
    negative = (value < 0).to_numpy(dtype=bool)
    problems += _each(
        line[negative], value[negative], unit, "value {} is negative (counts cannot be)"
    )

    frame = pd.DataFrame(
        {
            "date": date,
            "party": party,
            "category": category,
            "value": value,
            "source": _sources(raw),
            "line": line,
        }
    )
    dup = frame.duplicated(["date", "party", "category"], keep=False).to_numpy()
    dup = dup & frame["date"].notna().to_numpy()
    if dup.any():
        d = frame[dup].sort_values(["date", "party", "category", "line"])
        first = d.groupby(["date", "party", "category"])["line"].transform("first")
        later = d[d["line"] != first].head(MAX_PROBLEMS + 1)  # messages for the first few
        problems += [
            f"{unit} {ln}: duplicate row for {p} {c} on {dd.date()} (first at {unit} {f})"
            for ln, p, c, dd, f in zip(
                later["line"],
                later["party"],
                later["category"],
                later["date"],
                first[later.index],
                strict=True,
            )
        ]
    frame = frame.sort_values(["date", "party", "category"], kind="stable").reset_index(drop=True)
    frame.attrs["origin"] = label
    frame.attrs["unit"] = unit
    return frame, problems


def _dates(column: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed: pd.Series = column.dt.normalize()
    else:
        text = column.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
        parsed = pd.to_datetime(text.str.strip(), format="%Y-%m-%d", errors="coerce")
    return parsed.astype("datetime64[ns]")


def _values(column: pd.Series) -> tuple[pd.Series, np.ndarray[Any, Any]]:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        value = column.astype(float)
        bad = np.isinf(value.to_numpy())
        return value.where(~bad), bad
    text = column.astype(object).where(column.notna(), "").astype(str).str.strip()
    value = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    bad = ((text != "") & value.isna()).to_numpy() | np.isinf(value.to_numpy())
    return value.where(~bad), bad


def _sources(raw: pd.DataFrame) -> pd.Series:
    if "source" not in raw.columns:
        return pd.Series([None] * len(raw), index=raw.index, dtype=object)
    src = raw["source"].astype(object)
    kept: pd.Series = src.where(src.notna() & (src.astype(str) != ""), None)
    return kept


def _each(lines: Any, values: Any, unit: str, template: str) -> list[str]:
    out = []
    for ln, v in zip(lines[: MAX_PROBLEMS + 1], list(values)[: MAX_PROBLEMS + 1], strict=False):
        shown = f"{v:g}" if isinstance(v, float) else v
        out.append(f"{unit} {ln}: " + template.format(shown))
    return out


def _raise(problems: list[str], label: str) -> None:
    if not problems:
        return
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"... and more problems (only the first {MAX_PROBLEMS} are listed)")
    count = (
        f"more than {MAX_PROBLEMS} problems"
        if len(problems) > MAX_PROBLEMS
        else f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    )
    raise BadInput(f"the declarations are invalid ({count})", source=label, problems=shown)


def check_against(frame: pd.DataFrame, programme: Programme) -> None:
    """Raise BadInput for rows whose party, category or value the programme does not allow."""
    _raise(programme_problems(frame, programme), frame.attrs.get("origin", "declarations"))


def programme_problems(frame: pd.DataFrame, programme: Programme) -> list[str]:
    """One message per row whose party, category or value the programme does not allow."""
    unit = frame.attrs.get("unit", "row")
    line = frame["line"].to_numpy()
    problems: list[str] = []
    cats = programme.categories
    bad = ~frame["category"].isin(list(cats)).to_numpy()
    problems += _each(
        line[bad],
        frame["category"][bad],
        unit,
        f"unknown category {{!r}} (programme {programme.id} has: {', '.join(cats)})",
    )
    bad = ~frame["party"].isin(list(programme.parties)).to_numpy()
    problems += _each(
        line[bad],
        frame["party"][bad],
        unit,
        f"unknown party {{!r}} (parties of {programme.id}: {', '.join(programme.parties)})",
    )
    units = frame["category"].map({k: v.unit for k, v in cats.items()})
    value = frame["value"]
    whole = units.isin(["count", "flag", "level"]).to_numpy() & (value % 1 != 0).to_numpy()
    whole &= value.notna().to_numpy()
    problems += _each(
        line[whole], value[whole], unit, "value {} is not a whole number (unit is a count)"
    )
    flag = (units == "flag").to_numpy() & value.notna().to_numpy() & ~value.isin([0, 1]).to_numpy()
    problems += _each(line[flag], value[flag], unit, "value {} is not 0 or 1 (unit is a flag)")
    return problems
