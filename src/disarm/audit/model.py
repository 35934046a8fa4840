"""The shapes every directory check shares: a disagreement, a check's result, the protocol.

A check is a small object with a `name`, a `title` and `run(context)`. It returns a
`CheckResult` (what it verified, how many things, a few figures) or raises a
`disarm.errors.DisarmError`; the runner turns that error into a `Disagreement` that names the
file, the log entry and the byte where it could (expected versus computed).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from disarm.errors import BadInput, DisarmError, VerificationError

if TYPE_CHECKING:
    from disarm.audit.context import AuditContext

__all__ = [
    "Check",
    "CheckResult",
    "Disagreement",
    "Mismatch",
    "Status",
    "compare_bytes",
    "disagreement_from",
    "first_difference",
]


class Status(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    NOT_RUN = "not-run"


@dataclass(frozen=True)
class Disagreement:
    """The first thing that did not agree: where, and what was expected versus computed."""

    check: str
    message: str
    file: str | None = None
    index: int | None = None
    byte: int | None = None
    expected: Any = None
    computed: Any = None
    #: what DIR holds at that place, when the verifier compared a file with the log
    found: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "message": self.message,
            "file": self.file,
            "index": self.index,
            "byte": self.byte,
            "expected": _plain(self.expected),
            "computed": _plain(self.computed),
            "found": _plain(self.found),
        }

    def text(self) -> str:
        where = [
            f"file {self.file}" if self.file else None,
            f"log entry {self.index}" if self.index is not None else None,
            f"byte {self.byte}" if self.byte is not None else None,
        ]
        place = ", ".join(w for w in where if w)
        lines = [f"{self.check}: {self.message}" + (f" [{place}]" if place else "")]
        if self.expected is not None:
            lines.append(f"  expected: {_plain(self.expected)}")
        if self.computed is not None:
            lines.append(f"  computed: {_plain(self.computed)}")
        if self.found is not None:
            lines.append(f"  found:    {_plain(self.found)}")
        return "\n".join(lines)


@dataclass
class CheckResult:
    """What one check verified: a count of things and a few named figures."""

    name: str
    title: str
    status: Status = Status.OK
    checked: int = 0
    unit: str = "items"
    figures: dict[str, Any] = field(default_factory=dict)
    disagreement: Disagreement | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "title": self.title,
            "status": self.status.value,
            "checked": self.checked,
            "unit": self.unit,
            "figures": {k: _plain(v) for k, v in self.figures.items()},
            "disagreement": None if self.disagreement is None else self.disagreement.to_json(),
        }


class Check(Protocol):
    """One concern of the directory verification."""

    name: str
    title: str

    def run(self, ctx: AuditContext) -> CheckResult: ...


_ENTRY = re.compile(r"(?:log )?entry (\d+)")
_BYTE = re.compile(r"\bbyte (\d+)")


def disagreement_from(check: str, exc: DisarmError, *, file: str | None = None) -> Disagreement:
    """A disagreement from an error raised by a check (entry and byte taken from its text when
    the error does not carry them)."""
    message = exc.message
    index = getattr(exc, "index", None)
    byte = getattr(exc, "byte", None)
    file = getattr(exc, "file", None) or file
    if index is None and (m := _ENTRY.search(message)):
        index = int(m.group(1))
    if byte is None and (m := _BYTE.search(message)):
        byte = int(m.group(1))
    problems = getattr(exc, "problems", None)
    if problems:
        message = message + ": " + "; ".join(problems[:3])
    return Disagreement(
        check,
        message,
        file=file,
        index=index,
        byte=byte,
        expected=getattr(exc, "expected", None),
        computed=getattr(exc, "computed", None),
        found=getattr(exc, "found", None),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


class OptionError(BadInput):
    """A command-line value that cannot apply to DIR (e.g. a quorum above the number of
    witnesses): bad input (exit 2), not a disagreement of DIR with its log."""


class Mismatch(VerificationError):
    """A disagreement found by a directory check, with its place (file, log entry, byte)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        index: int | None = None,
        byte: int | None = None,
        expected: Any = None,
        computed: Any = None,
        found: Any = None,
    ) -> None:
        super().__init__(message, expected=expected, computed=computed, source=file)
        self.file = file
        self.index = index
        self.byte = byte
        self.found = found


def first_difference(a: bytes, b: bytes) -> int:
    """The offset of the first byte where `a` and `b` differ (the shorter length if one is a
    prefix of the other)."""
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def compare_bytes(file: str, stated: bytes, derived: bytes, what: str) -> None:
    """Raise `Mismatch` at the first byte where a file (`stated`) differs from the content the
    verifier re-derived from the log (`derived`): expected is what the log gives, found is what
    the file holds; both excerpts start at the beginning of the token that differs."""
    if stated == derived:
        return
    at = first_difference(stated, derived)
    start = token_start(stated, at)
    raise Mismatch(
        f"{what} differs from what the log re-derives",
        file=file,
        byte=at,
        expected=_excerpt(derived, start),
        found=_excerpt(stated, start),
    )


_TOKEN = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._+-")


def token_start(data: bytes, at: int, limit: int = 32) -> int:
    """The offset where the token (number, word, hash) around byte `at` begins, at most
    `limit` bytes back, so that an excerpt never starts in the middle of a number."""
    start = at
    while start > 0 and at - start < limit and data[start - 1] in _TOKEN:
        start -= 1
    return start


def _excerpt(data: bytes, start: int) -> str:
    text = data[start : start + 48].decode("utf-8", "replace")
    return f"from byte {start}: {text!r}" if text else f"from byte {start}: (end of file)"
