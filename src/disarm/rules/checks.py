"""Checks that relate the fields of a programme file to each other.

Shape and types are checked by the schema; here: categories and parties that exist, unique
identifiers, deadlines in order, extensions within the cap, asymmetries on fields that exist.
Each problem is one line naming the field path (and its line in the file when known).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from disarm.rules import schema
from disarm.rules.loader import error_lines, problem
from disarm.rules.parties import SELECTORS, select
from disarm.rules.timing import parse_duration, resolve_when


def obligations_with_paths(spec: schema.ProgrammeFile) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every obligation with its field path, phases first, then standing ones."""
    out: list[tuple[tuple[str | int, ...], Any]] = []
    for i, phase in enumerate(spec.phases):
        for j, ob in enumerate(phase.obligations):
            out.append((("phases", i, "obligations", j), ob))
    for j, ob in enumerate(spec.standing):
        out.append((("standing", j), ob))
    return out


def resolve_parties(
    spec: schema.ProgrammeFile,
    selectors: Mapping[str, Sequence[str]] | None,
    node: yaml.Node | None,
    problems: list[str],
) -> tuple[str, ...]:
    return _resolve(spec.parties, ("parties",), selectors, node, problems)


def _resolve(
    value: list[str] | schema.PartySelector,
    path: tuple[str | int, ...],
    selectors: Mapping[str, Sequence[str]] | None,
    node: yaml.Node | None,
    problems: list[str],
) -> tuple[str, ...]:
    """An explicit list of parties (each once) or a selector's parties."""
    if isinstance(value, list):
        seen: set[str] = set()
        for i, p in enumerate(value):
            if p in seen:
                problems.append(problem(node, (*path, i), f"party {p} is listed twice"))
            seen.add(p)
        return tuple(dict.fromkeys(value))
    try:
        return select(value.select, value.include, value.exclude, selectors=selectors)
    except KeyError:
        problems.append(
            problem(
                node,
                (*path, "select"),
                f"unknown selector {value.select!r}; use "
                + ", ".join(sorted({*SELECTORS, *(selectors or {})}))
                + " or an explicit list",
            )
        )
        return ()


def obligation_parties(
    ob: Any,
    parties: tuple[str, ...],
    selectors: Mapping[str, Sequence[str]] | None = None,
    path: tuple[str | int, ...] = (),
    node: yaml.Node | None = None,
    problems: list[str] | None = None,
) -> frozenset[str] | None:
    """The parties an obligation binds (its `parties:`; selector `all` = the programme's), or
    None when it binds every party. Problems (a party outside the programme) go to `problems`."""
    if ob.parties is None:
        return None
    found: list[str] = [] if problems is None else problems
    table = {**(selectors or {}), "all": parties}
    chosen = _resolve(ob.parties, (*path, "parties"), table, node, found)
    for p in chosen:
        if p not in parties:
            found.append(problem(node, (*path, "parties"), f"{p} is not a party of the programme"))
    return frozenset(chosen)


def check(
    spec: schema.ProgrammeFile,
    parties: tuple[str, ...],
    node: yaml.Node | None,
    selectors: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """All cross-field problems of a schema-valid programme file."""
    problems: list[str] = []
    eif = spec.entry_into_force
    ids: dict[str, tuple[str | int, ...]] = {}
    by_id: dict[str, tuple[Any, dt.date]] = {}
    phase_ids: set[str] = set()
    for i, phase in enumerate(spec.phases):
        if phase.id in phase_ids:
            problems.append(problem(node, ("phases", i, "id"), f"phase id {phase.id} repeats"))
        phase_ids.add(phase.id)
        if resolve_when(phase.deadline, eif) < eif:
            problems.append(
                problem(node, ("phases", i, "deadline"), "deadline is before entry into force")
            )
    for path, ob in obligations_with_paths(spec):
        if ob.id in ids:
            problems.append(
                problem(node, (*path, "id"), f"obligation id {ob.id} repeats ({_p(ids[ob.id])})")
            )
        ids[ob.id] = path
        cats = (ob.categories or []) if ob.kind == "reporting" else [ob.category]
        for k, cat in enumerate(cats):
            if cat not in spec.categories:
                where = (*path, "categories", k) if ob.kind == "reporting" else (*path, "category")
                problems.append(problem(node, where, f"unknown category {cat!r}; {_cats(spec)}"))
        due = resolve_when(ob.due, eif) if ob.due is not None else eif
        if ob.until is not None and resolve_when(ob.until, eif) < due:
            problems.append(problem(node, (*path, "until"), "`until` is before `due`"))
        if ob.kind == "status" and ob.category in spec.categories:
            _check_flag(spec, ob, path, node, problems)
        if ob.kind == "ceiling":
            problems += _check_groups(spec, ob, path, parties, node)
        by_id[ob.id] = (ob, due)
        binds = obligation_parties(ob, parties, selectors, path, node, problems)
        problems += _check_bound(spec, ob, binds, path, node)
    problems += _check_extensions(spec, parties, by_id, node)
    problems += _check_asymmetries(spec, parties, by_id, node)
    return problems


def _check_bound(
    spec: schema.ProgrammeFile,
    ob: Any,
    binds: frozenset[str] | None,
    path: tuple[str | int, ...],
    node: yaml.Node | None,
) -> list[str]:
    """Terms written for a party the obligation does not bind would never apply."""
    if binds is None:
        return []
    problems: list[str] = []
    for g, group in enumerate(getattr(ob, "jointly", [])):
        for k, party in enumerate(group):
            if party not in binds:
                problems.append(
                    problem(node, (*path, "jointly", g, k), f"{ob.id} does not bind {party}")
                )
    terms: list[tuple[str, int, str, str]] = [
        ("asymmetries", i, a.obligation, a.party) for i, a in enumerate(spec.asymmetries)
    ]
    terms += [("extensions", i, e.obligation, e.party) for i, e in enumerate(spec.extensions)]
    for field, i, obligation, party in terms:
        if obligation == ob.id and party not in binds:
            problems.append(problem(node, (field, i, "party"), f"{ob.id} does not bind {party}"))
    return problems


def _p(path: tuple[str | int, ...]) -> str:
    from disarm.rules.loader import path_text

    return f"first at {path_text(path)}"


def _cats(spec: schema.ProgrammeFile) -> str:
    return "declared categories: " + ", ".join(spec.categories)


def _check_groups(
    spec: schema.ProgrammeFile,
    ob: schema.Ceiling,
    path: tuple[str | int, ...],
    parties: tuple[str, ...],
    node: yaml.Node | None,
) -> list[str]:
    """A joint group names parties of the programme, each in one group, none with its own
    terms (the group shares one limit)."""
    problems: list[str] = []
    seen: set[str] = set()
    own = {a.party for a in spec.asymmetries if a.obligation == ob.id}
    own |= {e.party for e in spec.extensions if e.obligation == ob.id}
    for g, group in enumerate(ob.jointly):
        for k, party in enumerate(group):
            here = (*path, "jointly", g, k)
            if party not in parties:
                problems.append(problem(node, here, f"{party} is not a party"))
            elif party in seen:
                problems.append(problem(node, here, f"{party} is in more than one joint group"))
            elif party in own:
                problems.append(
                    problem(
                        node,
                        here,
                        f"{party} is bound jointly, so it cannot have its own asymmetry or "
                        f"extension of {ob.id}",
                    )
                )
            seen.add(party)
    return problems


def _check_flag(
    spec: schema.ProgrammeFile,
    ob: schema.Status,
    path: tuple[str | int, ...],
    node: yaml.Node | None,
    problems: list[str],
) -> None:
    if spec.categories[ob.category].unit != "flag":
        return
    for name in ("equals", "at_most", "at_least"):
        value = getattr(ob, name)
        if value is not None and value not in (0, 1):
            problems.append(
                problem(node, (*path, name), f"{ob.category} is a flag (0 or 1), not {value}")
            )


def _check_extensions(
    spec: schema.ProgrammeFile,
    parties: tuple[str, ...],
    by_id: dict[str, tuple[Any, dt.date]],
    node: yaml.Node | None,
) -> list[str]:
    problems: list[str] = []
    policy = spec.extension_policy
    for i, ext in enumerate(spec.extensions):
        here = ("extensions", i)
        if policy is None:
            problems.append(
                problem(node, here, "extensions need an `extension_policy` with `max_delay`")
            )
            continue
        if ext.party not in parties:
            problems.append(problem(node, (*here, "party"), f"{ext.party} is not a party"))
        if ext.obligation not in by_id:
            problems.append(
                problem(node, (*here, "obligation"), f"no obligation with id {ext.obligation}")
            )
            continue
        ob, _ = by_id[ext.obligation]
        original = _original_deadline(spec, ob)
        new = resolve_when(ext.new_deadline, spec.entry_into_force)
        cap = parse_duration(policy.max_delay).after(original)
        if new <= original:
            problems.append(
                problem(
                    node,
                    (*here, "new_deadline"),
                    f"{new} is not later than the deadline {original} of {ob.id}",
                )
            )
        elif new > cap:
            problems.append(
                problem(
                    node,
                    (*here, "new_deadline"),
                    f"{new} exceeds the cap: at most {policy.max_delay} after {original}, "
                    f"i.e. {cap} (extension_policy.max_delay)",
                )
            )
    return problems


def _original_deadline(spec: schema.ProgrammeFile, ob: Any) -> dt.date:
    """The common deadline of an obligation, as the rules compute it."""
    eif = spec.entry_into_force
    for phase in spec.phases:
        if any(o is ob for o in phase.obligations):
            return default_due(ob, resolve_when(phase.deadline, eif), eif)
    return default_due(ob, eif, eif)


def default_due(ob: Any, phase_deadline: dt.date, eif: dt.date) -> dt.date:
    """An obligation's deadline before extensions and asymmetries.

    `due` when written; otherwise entry into force for prohibitions, and the phase deadline for
    the other kinds. For reporting the deadline is the baseline's: start + baseline_within_days.
    """
    if ob.kind == "reporting":
        start = resolve_when(ob.due, eif) if ob.due is not None else eif
        return start + dt.timedelta(days=ob.baseline_within_days)
    if ob.due is not None:
        return resolve_when(ob.due, eif)
    return eif if ob.kind == "prohibition" else phase_deadline


def _check_asymmetries(
    spec: schema.ProgrammeFile,
    parties: tuple[str, ...],
    by_id: dict[str, tuple[Any, dt.date]],
    node: yaml.Node | None,
) -> list[str]:
    problems: list[str] = []
    for i, asym in enumerate(spec.asymmetries):
        here = ("asymmetries", i)
        if asym.party not in parties:
            problems.append(problem(node, (*here, "party"), f"{asym.party} is not a party"))
        if asym.obligation not in by_id:
            problems.append(
                problem(node, (*here, "obligation"), f"no obligation with id {asym.obligation}")
            )
            continue
        ob, _ = by_id[asym.obligation]
        allowed = schema.OVERRIDABLE[ob.kind]
        for key in asym.set:
            if key not in allowed:
                problems.append(
                    problem(
                        node,
                        (*here, "set", key),
                        f"a {ob.kind} obligation has no overridable field {key!r} "
                        f"(allowed: {', '.join(allowed)})",
                    )
                )
        update = {k: v for k, v in asym.set.items() if k in allowed}
        try:
            type(ob).model_validate({**ob.model_dump(), **update})
        except ValidationError as exc:
            problems += error_lines(exc, node, (*here, "set"))
    return problems
