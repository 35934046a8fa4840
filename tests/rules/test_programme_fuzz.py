"""Property: any mutation of a valid programme is either valid or a BadInput, never a crash."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disarm.errors import BadInput
from disarm.rules import parse_programme
from disarm.rules.loader import read_text

BASE = yaml.safe_load(read_text("model")[0])

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["T0+1y", "T0+", "2030-02-30", "ceiling", "USA", "5y", "T0-1y", "x" * 70]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.sampled_from(["max", "kind", "id", "bogus"]), st.integers(), max_size=2),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


ALL_PATHS = paths(BASE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["set", "delete"]), VALUES),
        min_size=1,
        max_size=3,
    )
)
def test_mutations_never_crash(edits: list[tuple[tuple[Any, ...], str, Any]]) -> None:
    data = copy.deepcopy(BASE)
    for path, action, value in edits:
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            if action == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed this path
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        programme = parse_programme(text, "fuzz.yaml")
    except BadInput as exc:
        assert exc.problems or exc.message
        assert "fuzz.yaml" in exc.diagnostics()
    else:
        assert programme.rules
