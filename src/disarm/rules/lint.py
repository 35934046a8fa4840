"""`disarm programme lint`: asymmetries with their reasons, extensions, and other warnings.

The same obligations bind every party; anything party-specific must be written in
`asymmetries` (or `extensions`) with a reason, and lint lists each one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from disarm.rules.obligations.base import Rule

if TYPE_CHECKING:
    from disarm.rules.programme import Programme

_DESIGN = re.compile(r"\bdesign\b", re.IGNORECASE)


def lint(programme: Programme) -> dict[str, list[dict[str, Any]]]:
    """Findings grouped as `asymmetries`, `extensions` and `warnings` (each a list of dicts)."""
    spec = programme.spec
    asymmetries = [
        {
            "party": a.party,
            "obligation": a.obligation,
            "set": dict(a.set),
            "reason": a.reason,
            "source": a.source,
            "message": f"{a.party} is bound differently by {a.obligation} "
            f"({', '.join(f'{k}={v}' for k, v in a.set.items())}): {a.reason}",
        }
        for a in spec.asymmetries
    ]
    extensions = []
    for e in spec.extensions:
        rule = programme.rule(e.obligation)
        extensions.append(
            {
                "party": e.party,
                "obligation": e.obligation,
                "original_deadline": rule.original_deadline(e.party),
                "new_deadline": rule.deadline(e.party),
                "reason": e.reason,
                "message": f"{e.party}: deadline of {e.obligation} extended from "
                f"{rule.original_deadline(e.party)} to {rule.deadline(e.party)}: {e.reason}",
            }
        )
    return {"asymmetries": asymmetries, "extensions": extensions, "warnings": _warnings(programme)}


def _warnings(programme: Programme) -> list[dict[str, Any]]:
    spec = programme.spec
    out: list[dict[str, Any]] = []

    def warn(code: str, where: str, message: str) -> None:
        out.append({"code": code, "where": where, "message": message})

    previous = None
    for i, phase in enumerate(programme.phases):
        if previous is not None and phase.deadline < previous:
            warn("phase-order", f"phases[{i}]", f"{phase.id} ends before the phase before it")
        previous = phase.deadline
        if phase.provisional:
            warn("provisional", f"phases[{i}]", f"deadline of {phase.id} is provisional")
    deadlines = {p.id: p.deadline for p in programme.phases}
    used: set[str] = set()
    for rule in programme.rules:
        used.update(rule.category.split(","))
        _rule_warnings(rule, deadlines, programme, warn)
    for name in spec.categories:
        if name not in used:
            warn("unused-category", f"categories.{name}", f"{name} is not used by any obligation")
    if programme.extensions and spec.extension_policy is not None:
        warn(
            "extension-policy",
            "extension_policy",
            f"deadlines may be extended by at most {spec.extension_policy.max_delay}",
        )
    return out


def _rule_warnings(rule: Rule, deadlines: dict[str, Any], programme: Programme, warn: Any) -> None:
    common = programme.parties[0]
    if rule.spec.provisional:
        warn("provisional", rule.id, f"{rule.id}: deadline is provisional")
    if getattr(rule.spec, "provisional_value", False):
        warn("provisional-value", rule.id, f"{rule.id}: the limit's value is provisional")
    for group in getattr(rule.spec, "jointly", []):
        warn("joint", rule.id, f"{rule.id} binds {', '.join(group)} jointly (their sum)")
    if _DESIGN.search(rule.source):
        warn("design-choice", rule.id, f"{rule.id}: rests (partly) on a design choice")
    end = deadlines.get(rule.phase)
    if end is not None and rule.kind != "reporting" and rule.original_deadline(common) > end:
        warn(
            "due-after-phase",
            rule.id,
            f"{rule.id} is due {rule.original_deadline(common)}, after the end of its phase "
            f"{rule.phase} ({end})",
        )
