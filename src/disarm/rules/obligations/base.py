"""The one protocol every obligation kind implements, and the evaluation context they share.

An obligation is evaluated for all parties and all evaluation dates at once: the context holds
each category's declarations as a dates × parties matrix, and a rule returns a long table of
findings (one row per party and date) with the evidence that decided each status.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np
import pandas as pd

from disarm.rules import schema
from disarm.rules.timing import resolve_when

COMPLIANT = "compliant"
NON_COMPLIANT = "non-compliant"
NOT_YET_DUE = "not-yet-due"
NO_DATA = "no-data"
STATUSES = (COMPLIANT, NON_COMPLIANT, NOT_YET_DUE, NO_DATA)
#: Rules return statuses, notes and comparisons as small integer codes into these tuples; the
#: engine turns them into categorical columns once (no per-row strings in the hot path).
STATUS = {s: i for i, s in enumerate(STATUSES)}
OPS = ("le", "eq", "ge")
NOTES = (
    "",
    "no declaration on this date",
    "declared without a value",
    "no baseline for this party, but the value exceeds the absolute cap",
    "no baseline for this party, but 0 meets any limit",
    "limit unknown: no baseline for this party",
    "first declaration under the ratchet: sets the reference",
    "declared on time",
    "declared on time without values",
    "not yet due",
    "declared late",
    "missing: no declaration by the due date",
    "joint limit: the value is the group's sum",
    "joint limit: a member declared nothing; the value is the known part of the sum",
)
NOTE = {s: i for i, s in enumerate(NOTES)}

#: Columns every rule returns (the engine adds obligation, kind, phase, category, rule_source).
FINDING_COLUMNS = (
    "party",
    "date",
    "status",
    "limit",
    "value",
    "margin",
    "deadline",
    "extended",
    "evidence_date",
    "evidence_source",
    "evidence_line",
    "reference_date",
    "baseline",
    "note",
)


@dataclass(frozen=True)
class Matrix:
    """One category's declarations on the evaluation grid: rows are dates, columns parties."""

    values: np.ndarray[Any, np.dtype[np.float64]]  # NaN where nothing usable was declared
    present: np.ndarray[Any, np.dtype[np.bool_]]  # a row exists (its value may be missing)
    sources: np.ndarray[Any, np.dtype[np.int32]]  # the row's source (code into ctx), or -1
    lines: np.ndarray[Any, np.dtype[np.int64]]  # the row's line in the input, or -1


@dataclass
class Context:
    """Everything a rule needs: the grid, the declarations, the baselines."""

    parties: tuple[str, ...]
    dates: pd.DatetimeIndex  # the evaluation grid, sorted
    horizon: pd.Timestamp  # the last date the evaluation looks at
    declarations: pd.DataFrame  # tidy: date, party, category, value, source (date <= horizon)
    baselines: dict[str, dict[str, float]]  # party -> category -> B(c)
    baseline_notes: dict[str, dict[str, str]]  # party -> category -> where B(c) came from
    _matrices: dict[str, Matrix] = field(default_factory=dict)
    _slices: dict[str, Any] = field(default_factory=dict)

    @property
    def source_names(self) -> list[str]:
        """The distinct sources of the declarations; `Matrix.sources` codes index this list."""
        return list(self._index()["source_names"])

    def matrix(self, category: str) -> Matrix:
        """The category's declarations as a dates × parties matrix (views of one block)."""
        if category not in self._matrices:
            ix = self._index()
            k = ix["categories"].get(category)
            if k is None:  # nothing declared in this category
                shape = (len(self.dates), len(self.parties))
                self._matrices[category] = Matrix(
                    np.full(shape, np.nan),
                    np.zeros(shape, dtype=bool),
                    np.full(shape, -1, dtype=np.int32),
                    np.full(shape, -1, dtype=np.int64),
                )
            else:
                self._matrices[category] = Matrix(
                    ix["values"][k], ix["present"][k], ix["sources"][k], ix["lines"][k]
                )
        return self._matrices[category]

    def _index(self) -> dict[str, Any]:
        """Every declaration scattered, in one pass, into categories × dates × parties blocks."""
        if not self._slices:
            d = self.declarations
            codes, names = pd.factorize(d["category"])
            source_codes, source_names = pd.factorize(d["source"], use_na_sentinel=True)
            row = _positions(self.dates, d["date"])
            col = pd.Index(self.parties).get_indexer(pd.Index(d["party"]))
            keep = (row >= 0) & (col >= 0) & (codes >= 0)
            at = (codes[keep], row[keep], col[keep])
            shape = (len(names), len(self.dates), len(self.parties))
            values = np.full(shape, np.nan)
            values[at] = d["value"].to_numpy(dtype=float)[keep]
            present = np.zeros(shape, dtype=bool)
            present[at] = True
            sources = np.full(shape, -1, dtype=np.int32)
            sources[at] = source_codes.astype(np.int32)[keep]
            lines = np.full(shape, -1, dtype=np.int64)
            if "line" in d.columns:
                lines[at] = d["line"].to_numpy(dtype=np.int64)[keep]
            self._slices.update(
                values=values,
                present=present,
                sources=sources,
                lines=lines,
                source_names=[str(s) for s in source_names],
                categories={str(n): i for i, n in enumerate(names)},
            )
        return self._slices

    def baseline_array(self, category: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        """B(category) for each party, NaN where unknown."""
        return np.array(
            [self.baselines.get(p, {}).get(category, np.nan) for p in self.parties], dtype=float
        )


def _positions(grid: pd.DatetimeIndex, dates: pd.Series) -> np.ndarray[Any, Any]:
    """The row of each date in the sorted grid, -1 where it is not on the grid."""
    values = grid.to_numpy(dtype="datetime64[ns]")
    stamps = dates.to_numpy(dtype="datetime64[ns]")
    at = np.minimum(np.searchsorted(values, stamps), max(len(values) - 1, 0))
    found = (values[at] == stamps) if len(values) else np.zeros(len(stamps), dtype=bool)
    return np.where(found, at, -1)


class Obligation(Protocol):
    """What the engine needs of an obligation, whatever its kind."""

    id: str
    kind: str
    phase: str
    source: str

    @property
    def category(self) -> str: ...

    def deadline(self, party: str) -> dt.date:
        """The date from which the obligation binds `party`, extensions included."""
        ...

    def evaluate(self, ctx: Context) -> dict[str, np.ndarray[Any, Any]]:
        """Findings for every party and evaluation date: FINDING_COLUMNS -> equal-length arrays."""
        ...


@dataclass(frozen=True)
class Rule(ABC):
    """Common ground of the obligation kinds: per-party terms, deadlines and extensions."""

    spec: Any  # one of the schema obligation models
    phase: str
    eif: dt.date
    default_due: dt.date
    parties: tuple[str, ...]
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    extensions: dict[str, dt.date] = field(default_factory=dict)
    #: the parties the obligation binds (`parties:` of the obligation); None: all of them
    binds: frozenset[str] | None = None

    kind: ClassVar[str] = ""

    @property
    def id(self) -> str:
        return str(self.spec.id)

    @property
    def source(self) -> str:
        return str(self.spec.source)

    @property
    def category(self) -> str:
        return str(getattr(self.spec, "category", ""))

    def bound(self, party: str) -> bool:
        """Whether the obligation binds `party` (no verdict for a party it does not bind)."""
        return self.binds is None or party in self.binds

    def terms(self, party: str) -> Any:
        """The obligation's terms for `party`: the common terms with any written asymmetry."""
        update = self.overrides.get(party)
        if not update:
            return self.spec
        return type(self.spec).model_validate({**self.spec.model_dump(), **update})

    def original_deadline(self, party: str) -> dt.date:
        due = self.terms(party).due
        return self.default_due if due is None else resolve_when(due, self.eif)

    def deadline(self, party: str) -> dt.date:
        return self.extensions.get(party, self.original_deadline(party))

    def until(self, party: str) -> dt.date | None:
        end = self.terms(party).until
        return None if end is None else resolve_when(end, self.eif)

    @abstractmethod
    def evaluate(self, ctx: Context) -> dict[str, np.ndarray[Any, Any]]:
        """Findings for every party and evaluation date (see `Obligation.evaluate`)."""

    def deadlines(self) -> np.ndarray[Any, np.dtype[np.datetime64]]:
        return np.array([np.datetime64(self.deadline(p), "D") for p in self.parties])

    def ends(self) -> np.ndarray[Any, np.dtype[np.datetime64]]:
        far = np.datetime64("9999-12-31", "D")
        return np.array(
            [far if (u := self.until(p)) is None else np.datetime64(u, "D") for p in self.parties]
        )

    def extended(self) -> np.ndarray[Any, np.dtype[np.bool_]]:
        return np.array([p in self.extensions for p in self.parties])

    def groups(self) -> list[list[int]]:
        """The columns of the parties bound jointly (`jointly`), one list per group."""
        index = {p: i for i, p in enumerate(self.parties)}
        return [[index[p] for p in g] for g in getattr(self.spec, "jointly", [])]


def condition_of(spec: schema.Status) -> tuple[str, float]:
    """A status obligation's comparison and required value: ("eq"|"le"|"ge", value)."""
    if spec.equals is not None:
        return "eq", spec.equals
    if spec.at_most is not None:
        return "le", spec.at_most
    assert spec.at_least is not None
    return "ge", spec.at_least
