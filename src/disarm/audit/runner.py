"""Run the checks in order; stop at the first disagreement.

Later checks rely on what earlier ones verified (the tree on the entries, the registry on the
tree, the escrow on the registry, and so on), so the first disagreement ends the run and the
remaining checks are reported as not run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from disarm.audit.context import AuditContext
from disarm.audit.model import (
    Check,
    CheckResult,
    Disagreement,
    OptionError,
    Status,
    disagreement_from,
)
from disarm.errors import DisarmError

__all__ = ["AuditReport", "run_checks"]

_UNEXPECTED = (
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    ArithmeticError,
    UnicodeError,
    OSError,
)

#: Called before each check with (its position, the number of checks, its title).
Progress = Callable[[int, int, str], None]


@dataclass
class AuditReport:
    """The outcome: every check's result, in order, and the first disagreement (if any)."""

    directory: str
    results: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    trust: dict[str, Any] = field(default_factory=dict)
    #: The findings the log states and the verifier re-derived (set by the findings check).
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def disagreement(self) -> Disagreement | None:
        for r in self.results:
            if r.disagreement is not None:
                return r.disagreement
        return None

    @property
    def ok(self) -> bool:
        return all(r.status is Status.OK for r in self.results) and bool(self.results)

    def to_json(self) -> dict[str, Any]:
        d = self.disagreement
        return {
            "directory": self.directory,
            "status": "ok" if self.ok else "failed",
            "checks": [r.to_json() for r in self.results],
            "first_disagreement": None if d is None else d.to_json(),
            "findings": list(self.findings),
            "trust": self.trust,
            "warnings": list(self.warnings),
        }


def run_checks(
    ctx: AuditContext, checks: Sequence[Check], progress: Progress | None = None
) -> AuditReport:
    """Run `checks` on `ctx` in order; a `DisarmError` raised by a check is its disagreement."""
    report = AuditReport(str(ctx.root))
    failed = False
    for i, check in enumerate(checks):
        if failed:
            report.results.append(CheckResult(check.name, check.title, status=Status.NOT_RUN))
            continue
        if progress is not None:
            progress(i, len(checks), check.title)
        try:
            result = check.run(ctx)
        except OptionError:
            raise
        except DisarmError as exc:
            failed = True
            result = CheckResult(
                check.name,
                check.title,
                status=Status.FAILED,
                disagreement=disagreement_from(check.name, exc),
            )
        except _UNEXPECTED as exc:
            # Everything in DIR is untrusted input: a value no model foresaw is a failure to
            # verify, never a crash.
            failed = True
            message = f"the check could not complete on this input ({type(exc).__name__}: {exc})"
            result = CheckResult(
                check.name,
                check.title,
                status=Status.FAILED,
                disagreement=Disagreement(check.name, message),
            )
        report.results.append(result)
    if progress is not None:
        progress(len(checks), len(checks), "done")
    report.findings = list(ctx.facts.get("verified_findings", []))
    if ctx.trust_anchors is not None:
        report.trust = ctx.trust_anchors.to_json()
        report.warnings = ctx.trust_anchors.warnings()
    report.warnings.extend(ctx.facts.get("warnings", []))
    return report
