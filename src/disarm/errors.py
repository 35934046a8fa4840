"""One error hierarchy for the whole package.

Every error knows its CLI exit code (0 ok, 1 a check failed, 2 bad input) and the HTTP status
an API would answer with. Adapters (CLI, API) handle `DisarmError` once; the core raises the
most specific subclass with a message that names the input and the problem.
"""

from __future__ import annotations

from typing import Any


class DisarmError(Exception):
    """Root of every error `disarm` raises on purpose."""

    exit_code: int = 2
    http_status: int = 400

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def diagnostics(self) -> str:
        """A human-readable, one-paragraph explanation (no traceback)."""
        if self.source:
            return f"{self.source}: {self.message}"
        return self.message


class BadInput(DisarmError):
    """The input (a file, a flag, a record) is malformed or inconsistent."""

    exit_code = 2
    http_status = 400

    def __init__(
        self, message: str, *, source: str | None = None, problems: list[str] | None = None
    ) -> None:
        super().__init__(message, source=source)
        self.problems = problems or []

    def diagnostics(self) -> str:
        head = super().diagnostics()
        if not self.problems:
            return head
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class NotFound(DisarmError):
    """A named thing (file, dataset, programme, log entry, party) does not exist."""

    exit_code = 2
    http_status = 404


class Conflict(DisarmError):
    """The request contradicts what is already recorded (a fork, a replay, a duplicate)."""

    exit_code = 1
    http_status = 409


class Unauthorised(DisarmError):
    """The caller's role or key may not do this."""

    exit_code = 1
    http_status = 403


class StorageFailed(DisarmError):
    """Writing failed (disk full, read-only media, an I/O error); the message says what is
    durable."""

    exit_code = 1
    http_status = 507


class VerificationError(DisarmError):
    """A cryptographic or consistency check failed.

    Carries what was expected and what was computed, so that the reader sees the disagreement
    rather than a bare "invalid".
    """

    exit_code = 1
    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        expected: Any = None,
        computed: Any = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message, source=source)
        self.expected = expected
        self.computed = computed

    def diagnostics(self) -> str:
        head = super().diagnostics()
        parts = [head]
        if self.expected is not None:
            parts.append(f"  expected: {_show(self.expected)}")
        if self.computed is not None:
            parts.append(f"  computed: {_show(self.computed)}")
        return "\n".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return str(value)
