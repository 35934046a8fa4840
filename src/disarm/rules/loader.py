"""Reading a programme file: YAML with line numbers, and one message per problem.

Every problem names the file, the field path (`phases[2].obligations[0].max`), the line where
that field is written when it is known, and what is wrong. Problems are collected and raised
together as one `BadInput`, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from disarm.errors import BadInput, NotFound
from disarm.io import check_nesting
from disarm.io import read_text as bounded_read_text
from disarm.rules.schema import KINDS, ProgrammeFile

Loc = Sequence[str | int]


def builtin_names() -> list[str]:
    """Names of the programmes shipped with disarm (package data)."""
    folder = resources.files("disarm.rules") / "programmes"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def read_text(name_or_path: str | Path) -> tuple[str, str]:
    """The text of a built-in programme (by name) or a file (by path), and its label."""
    text_name = str(name_or_path)
    if isinstance(name_or_path, str) and text_name in builtin_names():
        data = resources.files("disarm.rules") / "programmes" / f"{text_name}.yaml"
        return data.read_text(encoding="utf-8"), f"{text_name} (built-in)"
    path = Path(name_or_path)
    if not path.is_file():
        raise NotFound(
            f"no programme file or built-in programme named {text_name!r} "
            f"(built-ins: {', '.join(builtin_names())})"
        )
    return bounded_read_text(path, "programme"), str(path)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date (2020-13-01) as text for the schema to report."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def parse_yaml(text: str, label: str) -> tuple[Any, yaml.Node | None]:
    """The YAML document as Python data and as a node tree (for line numbers)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = exc.problem or str(exc)
        raise BadInput(
            "the programme is not valid YAML",
            source=label,
            problems=[f"{where}: {problem}" + (f" ({exc.context})" if exc.context else "")],
        ) from None
    except yaml.YAMLError as exc:
        raise BadInput(f"the programme is not valid YAML: {exc}", source=label) from None
    except RecursionError:
        raise BadInput("the programme nests lists or mappings too deeply", source=label) from None
    check_nesting(data, f"the programme {label}")
    return data, node


def line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line where the value at `loc` (or its nearest parent) is written."""
    best = None if node is None else node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            nxt = node.value[key] if 0 <= key < len(node.value) else None
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        best = node.start_mark.line + 1
    return best


def path_text(loc: Loc) -> str:
    """`('phases', 2, 'obligations', 0, 'max')` -> `phases[2].obligations[0].max`."""
    out = ""
    for key in loc:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out or "(top level)"


def _clean_loc(loc: Loc) -> list[str | int]:
    """Drop pydantic's union/discriminator tags from an error location."""
    out: list[str | int] = []
    previous: str | int | None = None
    for key in loc:
        tag = (
            (isinstance(previous, int) and key in KINDS)  # obligations[i].<kind>
            or (previous in _WHEN_FIELDS and key in ("date", "str"))  # date | offset text
            or (isinstance(key, str) and key.startswith("function-"))
            or (previous == "parties" and (key == "PartySelector" or str(key).startswith("list[")))
        )
        previous = key
        if not tag:
            out.append(key)
    return out


_WHEN_FIELDS = ("deadline", "due", "until", "new_deadline")


def problem(node: yaml.Node | None, loc: Loc, message: str) -> str:
    """One problem line: `path (line N): message`."""
    line = line_of(node, loc)
    where = path_text(loc) + (f" (line {line})" if line is not None else "")
    return f"{where}: {message}"


def validate(data: Any, node: yaml.Node | None, label: str) -> ProgrammeFile:
    """The file as a `ProgrammeFile`, or BadInput with one message per problem."""
    if not isinstance(data, dict):
        raise BadInput(
            "a programme file must be a YAML mapping (format:, id:, phases: ...)", source=label
        )
    try:
        return ProgrammeFile.model_validate(data)
    except ValidationError as exc:
        problems = error_lines(exc, node)
        raise BadInput(
            f"the programme file is invalid ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''})",
            source=label,
            problems=problems,
        ) from None


def error_lines(exc: ValidationError, node: yaml.Node | None, prefix: Loc = ()) -> list[str]:
    """One line per pydantic error: field path (under `prefix`), line, message."""
    problems = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    errors = exc.errors(include_url=False)
    locs = [tuple(_clean_loc(err["loc"])) for err in errors]
    specific = {loc for loc, err in zip(locs, errors, strict=True) if not _generic(err["type"])}
    for err, here in zip(errors, locs, strict=True):
        loc = list(here)
        # a union member's type error is noise next to a specific message at or under its path
        if _generic(err["type"]) and any(s[: len(here)] == here for s in specific):
            continue
        if _generic(err["type"]) and any(
            len(o) > len(here) and o[: len(here)] == here for o in locs
        ):
            continue  # the deeper error says what is wrong
        if _generic(err["type"]) and here in {tuple(k) for k, _ in seen}:
            continue  # several members rejected the same value: one message is enough
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc.append("kind")
        msg = _message(err)
        key = (tuple(loc), msg)
        if key in seen:
            continue
        seen.add(key)
        problems.append(problem(node, (*prefix, *loc), msg))
    return problems


def _generic(kind: str) -> bool:
    return kind.endswith("_type") or kind.startswith(("date_", "list_", "dict_", "model_"))


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see docs/programme-format.md)"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return f"unknown obligation kind; use one of: {', '.join(KINDS)}"
    if kind == "union_tag_not_found":
        return f"`kind` is missing; use one of: {', '.join(KINDS)}"
    raw = err["loc"]
    if len(raw) >= 2 and raw[-2] in _WHEN_FIELDS and raw[-1] in ("date", "str"):
        return (
            "expected a date (YYYY-MM-DD) or an offset from entry into force such as T0+1y "
            f"(got {err.get('input')!r})"
        )
    if err["loc"] and err["loc"][0] == "parties" and len(err["loc"]) == 2 and _generic(kind):
        return (
            "expected a list of ISO3 codes ([USA, RUS]) or a selector "
            f"({{select: nuclear-armed}}) (got {err.get('input')!r})"
        )
    text = str(err["msg"])
    if "input" in err and kind not in ("model_type", "dict_type", "value_error"):
        text += f" (got {err['input']!r})"
    return text.replace("Value error, ", "")
