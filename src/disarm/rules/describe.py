"""A programme as plain data, for `disarm programme show` (table or `--json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from disarm.rules.obligations.base import Rule, condition_of

if TYPE_CHECKING:
    from disarm.rules.programme import Programme


def terms_text(rule: Rule, party: str | None = None) -> str:
    """What the obligation requires, in one line (for the common terms or one party's)."""
    t = rule.terms(party) if party else rule.spec
    cat = rule.category
    if rule.kind == "ceiling":
        parts = []
        if t.max is not None:
            parts.append(f"{t.max:g}")
        if t.fraction is not None:
            parts.append(f"{t.fraction:g} × baseline")
        limit = parts[0] if len(parts) == 1 else f"min({', '.join(parts)})"
        joint = "".join(f"; jointly {'+'.join(g)}" for g in t.jointly)
        return f"{cat} ≤ {limit}{' (provisional value)' if t.provisional_value else ''}{joint}"
    if rule.kind in ("elimination", "prohibition"):
        return f"{cat} = 0" if rule.kind == "elimination" else f"{cat} = 0 throughout"
    if rule.kind == "status":
        op, value = condition_of(t)
        mark = " (provisional value)" if t.provisional_value else ""
        return f"{cat} {dict(eq='=', le='≤', ge='≥')[op]} {value:g}{mark}"
    if rule.kind == "non-increase":
        return f"{cat} never rises between consecutive declarations"
    return (
        f"baseline within {t.baseline_within_days} d, then every {t.every_months} mo"
        + (f" (+{t.grace_days} d grace)" if t.grace_days else "")
        + (f" [{cat}]" if t.categories else " [all categories]")
    )


def describe(programme: Programme, party: str | None = None) -> dict[str, Any]:
    """Programme metadata, phases and obligations with their resolved deadlines.

    With `party`, each obligation shows that party's terms and deadline (asymmetries and
    extensions applied) and says whether they differ from the common ones.
    """
    spec = programme.spec
    common = programme.parties[0] if programme.parties else ""
    who = party or common
    obligations = []
    for rule in programme.rules:
        if party and not rule.bound(party):
            continue
        until = rule.terms(who).until
        deadline = rule.deadline(who) if party else rule.original_deadline(common)
        obligations.append(
            {
                "id": rule.id,
                "phase": rule.phase,
                "kind": rule.kind,
                "category": rule.category,
                "terms": terms_text(rule, party),
                "deadline": deadline.isoformat() if who else None,
                "until": None if until is None else rule.until(who),
                "party_specific": bool(party)
                and (party in rule.overrides or party in rule.extensions),
                "provisional": bool(rule.spec.provisional),
                "provisional_value": bool(getattr(rule.spec, "provisional_value", False)),
                "jointly": [list(g) for g in getattr(rule.spec, "jointly", [])],
                "binds": None
                if rule.binds is None
                else [p for p in programme.parties if p in rule.binds],
                "description": rule.spec.description,
                "source": rule.source,
            }
        )
    return {
        "format": spec.format,
        "id": spec.id,
        "title": spec.title,
        "version": spec.version,
        "origin": programme.origin,
        "entry_into_force": spec.entry_into_force,
        "party": party,
        "parties": list(programme.parties),
        "source": spec.source,
        "description": spec.description,
        "categories": {
            k: {"unit": v.unit, "description": v.description, "source": v.source}
            for k, v in spec.categories.items()
        },
        "phases": [
            {
                "id": p.id,
                "title": p.title,
                "deadline": p.deadline,
                "provisional": p.provisional,
                "source": p.source,
            }
            for p in programme.phases
        ],
        "obligations": obligations,
        "extension_policy": spec.extension_policy,
        "extensions": list(spec.extensions),
        "asymmetries": list(spec.asymmetries),
        "notes": list(spec.notes),
    }
