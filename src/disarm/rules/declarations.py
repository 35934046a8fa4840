"""Declarations: tidy rows `date, party, category, value[, source]`, validated.

Read from CSV, JSON Lines or a DataFrame. Every problem names the input, the line (CSV: the
file line, header = line 1; JSON Lines: the file line; DataFrame: `row` = position + 1) and what
is wrong. An empty value means "declared without a value" (missing, never zero).
"""

from __future__ import annotations

import csv
import json
import re
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
    frame, problems = _validate(raw, label, unit, programme)
    if retrieved is not None:  # the data set's retrieval date: how far the evaluation can see
        frame.attrs["retrieved"] = retrieved
    _raise(problems, label)
    if programme is not None:  # evaluate() need not check the rows against it again
        frame.attrs["checked"] = fingerprint(programme)
    return frame


def fingerprint(programme: Programme) -> str:
    """What `programme_problems` depends on: the parties and the categories with units."""
    units = ",".join(f"{k}:{c.unit}" for k, c in programme.categories.items())
    return f"{','.join(programme.parties)}|{units}"


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
    _check_last_row(path, label, len(raw.columns))
    raw["line"] = np.arange(len(raw)) + 2
    return raw, label, "line"


def _check_last_row(path: Path, label: str, width: int) -> None:
    """A last row with fewer fields than the header is a truncated file, not missing data."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        tail = handle.read().rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    try:
        fields = next(csv.reader([tail.decode("utf-8")]), [])
    except (UnicodeDecodeError, csv.Error):
        return  # a partial character or quote: pandas has read the file; leave it to it
    if 0 < len(fields) < width and any(f.strip() for f in fields):
        raise BadInput(
            f"the last line has {len(fields)} fields, the header {width}: the file looks truncated",
            source=label,
        )


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
            except RecursionError:
                problems.append(f"line {number}: nested too deeply")
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


def _validate(
    raw: pd.DataFrame, label: str, unit: str, programme: Programme | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Check every row (and against `programme` when given); text columns are checked once
    per distinct value (they repeat)."""
    missing = [c for c in ("date", "party", "category", "value") if c not in raw.columns]
    if missing:
        raise BadInput(
            f"missing column(s) {', '.join(missing)}; expected date, party, category, value "
            "and optionally source",
            source=label,
        )
    line = raw["line"].to_numpy()
    problems: list[str] = []

    date, date_codes = _dates(raw["date"])
    bad = date_codes < 0
    problems += _each(line[bad], raw["date"][bad], unit, "date {!r} is not a date (YYYY-MM-DD)")

    party, party_codes, party_names = _texts(raw["party"])
    iso3 = np.array([_ISO3.fullmatch(n) is not None for n in party_names], dtype=bool)
    bad = ~iso3[party_codes]
    problems += _each(line[bad], party[bad], unit, "party {!r} is not an ISO 3166 alpha-3 code")

    category, category_codes, category_names = _texts(raw["category"])
    bad = (np.array(category_names, dtype=object) == "")[category_codes]
    problems += _each(line[bad], category[bad], unit, "category is empty")

    value, bad_value, inexact = _values(raw["value"])
    problems += _each(line[bad_value], raw["value"][bad_value], unit, "value {!r} is not a number")
    problems += _each(
        line[inexact],
        raw["value"][inexact],
        unit,
        "value {!r} cannot be represented exactly: counts above 2^53 "
        f"({EXACT:,}) are not supported",
    )
    negative = value < 0
    problems += _each(
        line[negative], value[negative], unit, "value {} is negative (counts cannot be)"
    )

    # one integer per (date, party, category), ordered like the three columns
    width_p, width_c = int(party_codes.max(initial=0)) + 1, int(category_codes.max(initial=0)) + 1
    key = (date_codes.astype(np.int64) * width_p + party_codes) * width_c + category_codes
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    repeat = (ordered[1:] == ordered[:-1]) & (date_codes[order[1:]] >= 0)
    if repeat.any():
        problems += _duplicates(order, repeat, line, party, category, date, unit)
    if programme is not None:
        texts = (party, party_codes, party_names, category, category_codes, category_names)
        problems += _against(programme, texts, value, line, unit)
    frame = pd.DataFrame(
        {
            "date": date[order],
            "party": party[order],
            "category": category[order],
            "value": value[order],
            "source": pd.Series(_sources(raw)[order], dtype=object),
            "line": line[order],
        }
    )
    frame.attrs["origin"] = label
    frame.attrs["unit"] = unit
    return frame, problems


_ISO3 = re.compile(r"[A-Z]{3}")


def _duplicates(
    order: Any, repeat: Any, line: Any, party: Any, category: Any, date: Any, unit: str
) -> list[str]:
    """`unit N: duplicate row ... (first at unit M)` for the first few repeated rows."""
    out = []
    first = order[0]
    for i in range(1, len(order)):
        if not repeat[i - 1]:
            first = order[i]
            continue
        row = order[i]
        day = pd.Timestamp(date[row]).date()
        out.append(
            f"{unit} {line[row]}: duplicate row for {party[row]} {category[row]} on {day} "
            f"(first at {unit} {line[first]})"
        )
        if len(out) > MAX_PROBLEMS:
            break
    return sorted(out, key=lambda m: int(m.split()[1].rstrip(":")))


def _texts(column: pd.Series) -> tuple[Any, Any, list[str]]:
    """Stripped text of every row (object array), its code, and the distinct texts in order."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    stripped = ["" if _missing(u) else str(u).strip() for u in uniques]
    ranks, names = pd.factorize(pd.Series(stripped, dtype=object), sort=True)
    names_list = [str(n) for n in names]
    if len(codes) == 0:
        return np.array([], dtype=object), np.array([], dtype=np.int64), names_list
    row_codes = ranks[codes].astype(np.int64)
    return np.array(names_list, dtype=object)[row_codes], row_codes, names_list


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _dates(column: pd.Series) -> tuple[Any, Any]:
    """Dates as datetime64[ns], and their rank among the distinct dates (-1: not a date)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        values = column.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        codes, uniques = pd.factorize(values, sort=True)
        days = uniques.astype("datetime64[ns]")
    else:
        codes, raw = pd.factorize(column, use_na_sentinel=False)
        text = pd.Series(
            [v.isoformat() if hasattr(v, "isoformat") else str(v) for v in raw], dtype=object
        )
        parsed = pd.to_datetime(text.str.strip(), format="%Y-%m-%d", errors="coerce")
        stamps = parsed.dt.normalize().to_numpy(dtype="datetime64[ns]")
        ranks, distinct = pd.factorize(stamps, sort=True)
        codes = ranks[codes] if len(codes) else codes
        days = np.asarray(distinct, dtype="datetime64[ns]")
    codes = np.asarray(codes, dtype=np.int64)
    out = np.full(len(codes), np.datetime64("NaT", "ns"))
    known = codes >= 0
    out[known] = days[codes[known]]
    return out, codes


#: The largest count a float64 holds exactly together with all smaller ones (2^53).
EXACT = 2**53


def _values(column: pd.Series) -> tuple[Any, Any, Any]:
    """Values as floats, and per row: not a number; a number no float holds exactly."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        if pd.api.types.is_integer_dtype(column):  # before float conversion rounds them
            big = (column.abs() > EXACT).to_numpy(dtype=bool, na_value=False)
        else:
            big = None
        value = column.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(value)
        if big is None:
            big = np.abs(np.where(bad, 0, np.nan_to_num(value))) > EXACT
        big = np.asarray(big, dtype=bool)
        return np.where(bad | big, np.nan, value), bad, big
    text = column.astype(object).where(column.notna(), "").astype(str).str.strip()
    value = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    bad = (text != "").to_numpy() & np.isnan(value) | np.isinf(value)
    big = ~bad & (np.abs(np.nan_to_num(value)) >= EXACT)
    for i in np.flatnonzero(big):  # rare: decide exactly from the text
        written = str(text.iloc[i])
        big[i] = not written.lstrip("+-").isdigit() or abs(int(written)) > EXACT
    return np.where(bad | big, np.nan, value), bad, big


def _sources(raw: pd.DataFrame) -> Any:
    """The source of every row (object array), None where empty."""
    if "source" not in raw.columns:
        return np.full(len(raw), None, dtype=object)
    codes, uniques = pd.factorize(raw["source"], use_na_sentinel=False)
    kept = [None if _missing(u) or str(u) == "" else u for u in uniques]
    return np.array([*kept, None], dtype=object)[codes]


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
    party, party_codes, party_names = _texts(frame["party"])
    category, category_codes, category_names = _texts(frame["category"])
    texts = (party, party_codes, party_names, category, category_codes, category_names)
    value = frame["value"].to_numpy(dtype=float)
    line = frame["line"].to_numpy()
    return _against(programme, texts, value, line, frame.attrs.get("unit", "row"))


def _against(
    programme: Programme, texts: tuple[Any, ...], value: Any, line: Any, unit: str
) -> list[str]:
    """Rows whose party, category or value `programme` does not allow; parties and categories
    are checked once per distinct value, not once per row."""
    party, party_codes, party_names, category, category_codes, category_names = texts
    problems: list[str] = []
    cats = programme.categories
    known = np.array([n in cats for n in category_names], dtype=bool)
    bad = ~known[category_codes]
    problems += _each(
        line[bad],
        category[bad],
        unit,
        f"unknown category {{!r}} (programme {programme.id} has: {', '.join(cats)})",
    )
    parties = set(programme.parties)
    bad = ~np.array([n in parties for n in party_names], dtype=bool)[party_codes]
    problems += _each(
        line[bad],
        party[bad],
        unit,
        f"unknown party {{!r}} (parties of {programme.id}: {', '.join(programme.parties)})",
    )
    units = [cats[n].unit if n in cats else "" for n in category_names]
    counted = np.array([u in ("count", "flag", "level") for u in units], dtype=bool)
    flags = np.array([u == "flag" for u in units], dtype=bool)
    known_value = ~np.isnan(value)
    whole = counted[category_codes] & known_value
    whole &= np.mod(np.where(known_value, value, 0), 1) != 0
    problems += _each(
        line[whole], value[whole], unit, "value {} is not a whole number (unit is a count)"
    )
    flag = flags[category_codes] & known_value & (value != 0) & (value != 1)
    problems += _each(line[flag], value[flag], unit, "value {} is not 0 or 1 (unit is a flag)")
    return problems
