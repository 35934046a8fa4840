"""A published number together with its qualifier.

Public nuclear-forces data are rarely exact. A cell may hold an exact count (``1550``), a range
copied from the source (``130-140``), a value the source marks as approximate (``~5600``) or a
bound (``<10``, ``>10``, ``≤10``, ``≥10``). `Quantity` keeps the qualifier next to the number so
that nothing downstream silently treats an estimate as a count. An empty cell is *missing*:
`parse_quantity` returns ``None`` for it, never zero.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from disarm.errors import BadInput

Number = int | float


class Qualifier(enum.StrEnum):
    """How a published number qualifies its value."""

    EXACT = "exact"
    RANGE = "range"
    APPROX = "approx"
    LESS = "lt"
    LESS_EQUAL = "le"
    GREATER = "gt"
    GREATER_EQUAL = "ge"


_BOUND_SIGNS: dict[str, Qualifier] = {
    "<": Qualifier.LESS,
    "≤": Qualifier.LESS_EQUAL,
    "<=": Qualifier.LESS_EQUAL,
    ">": Qualifier.GREATER,
    "≥": Qualifier.GREATER_EQUAL,
    ">=": Qualifier.GREATER_EQUAL,
}
_SIGN_TEXT: dict[Qualifier, str] = {
    Qualifier.LESS: "<",
    Qualifier.LESS_EQUAL: "≤",
    Qualifier.GREATER: ">",
    Qualifier.GREATER_EQUAL: "≥",
}

_NUM = r"[0-9]+(?:\.[0-9]+)?"
_EXACT_RE = re.compile(rf"({_NUM})")
_RANGE_RE = re.compile(rf"({_NUM})\s*[-–]\s*({_NUM})")  # en dash too
_APPROX_RE = re.compile(rf"[~≈]\s*({_NUM})")
_BOUND_RE = re.compile(rf"(<=|>=|<|>|≤|≥)\s*({_NUM})")


def _number(text: str) -> Number:
    return float(text) if "." in text else int(text)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its qualifier.

    - ``exact``: ``low == high == central``.
    - ``range``: ``low``..``high`` inclusive; ``central`` is the midpoint.
    - ``approx``: ``central`` is the published figure; ``low``/``high`` are unknown (None).
    - bounds (``lt``, ``le``, ``gt``, ``ge``): ``central`` is the published bound; ``high`` (for
      ``<``/``≤``) or ``low`` (for ``>``/``≥``) holds it, the other side is unknown.
    """

    qualifier: Qualifier
    central: Number
    low: Number | None = None
    high: Number | None = None

    def __post_init__(self) -> None:
        if self.qualifier is Qualifier.RANGE and (
            self.low is None or self.high is None or self.low > self.high
        ):
            raise BadInput(f"a range needs low <= high, got {self.low!r}..{self.high!r}")

    @classmethod
    def exact(cls, value: Number) -> Quantity:
        return cls(Qualifier.EXACT, value, value, value)

    @classmethod
    def range(cls, low: Number, high: Number) -> Quantity:
        mid = (low + high) / 2
        central: Number = int(mid) if float(mid).is_integer() else mid
        return cls(Qualifier.RANGE, central, low, high)

    @classmethod
    def approx(cls, value: Number) -> Quantity:
        return cls(Qualifier.APPROX, value)

    @classmethod
    def bound(cls, qualifier: Qualifier, value: Number) -> Quantity:
        if qualifier in (Qualifier.LESS, Qualifier.LESS_EQUAL):
            return cls(qualifier, value, None, value)
        if qualifier in (Qualifier.GREATER, Qualifier.GREATER_EQUAL):
            return cls(qualifier, value, value, None)
        raise BadInput(f"{qualifier.value!r} is not a bound qualifier")

    @property
    def is_exact(self) -> bool:
        return self.qualifier is Qualifier.EXACT

    @property
    def is_estimate(self) -> bool:
        """True for every qualifier except ``exact``."""
        return not self.is_exact

    def as_int(self) -> int:
        """The value as an exact integer count; BadInput if the value is qualified."""
        if not self.is_exact or not isinstance(self.central, int):
            raise BadInput(f"{self} is not an exact integer count")
        return self.central

    @property
    def text(self) -> str:
        """The canonical published form (``1550``, ``130-140``, ``~5600``, ``<10``)."""
        if self.qualifier is Qualifier.EXACT:
            return str(self.central)
        if self.qualifier is Qualifier.RANGE:
            return f"{self.low}-{self.high}"
        if self.qualifier is Qualifier.APPROX:
            return f"~{self.central}"
        return f"{_SIGN_TEXT[self.qualifier]}{self.central}"

    def __str__(self) -> str:
        return self.text

    def to_json(self) -> dict[str, Any]:
        """A stable JSON shape: text, qualifier, central value and known bounds."""
        return {
            "text": self.text,
            "qualifier": self.qualifier.value,
            "value": self.central,
            "low": self.low,
            "high": self.high,
        }


def parse_quantity(text: str | None, *, where: str | None = None) -> Quantity | None:
    """Parse a published numeric cell; ``None`` for an empty cell (missing, never zero).

    Accepts ``1550``, ``130-140`` (also with an en dash), ``~5600`` (or ``≈5600``), ``<10``,
    ``>10``, ``<=10``/``≤10`` and ``>=10``/``≥10``. Anything else raises `BadInput` naming the
    text (and `where`, e.g. ``file.csv row 3 column reserve``, when given).
    """
    if text is None:
        return None
    s = text.strip()
    if not s:
        return None
    if m := _EXACT_RE.fullmatch(s):
        return Quantity.exact(_number(m.group(1)))
    if m := _RANGE_RE.fullmatch(s):
        low, high = _number(m.group(1)), _number(m.group(2))
        if low > high:
            raise BadInput(f"range {text!r} has its low end above its high end", source=where)
        return Quantity.range(low, high)
    if m := _APPROX_RE.fullmatch(s):
        return Quantity.approx(_number(m.group(1)))
    if m := _BOUND_RE.fullmatch(s):
        return Quantity.bound(_BOUND_SIGNS[m.group(1)], _number(m.group(2)))
    raise BadInput(
        f"{text!r} is not a number: expected an integer, a range like 130-140, "
        "an approximation like ~5600 or a bound like <10",
        source=where,
    )
