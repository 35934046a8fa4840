"""The plain-language summary a report opens with: a few sentences a non-specialist can read."""

from __future__ import annotations

from typing import Any

from disarm.render import fmt
from disarm.report.document import ReportData

_SAY = {
    "compliant": "met every obligation that had fallen due",
    "non-compliant": "breached at least one obligation",
    "no-data": "could not be judged on at least one obligation: the figures needed are "
    "missing, and missing data is never counted as a pass",
    "not-yet-due": "had no obligation due yet",
}


_THE = ("United ", "Russian ", "Democratic ", "Republic ", "Islamic ", "Kingdom ", "Netherlands")


def _name(data: ReportData, party: str) -> str:
    name = data.party_names.get(party, party)
    return f"the {name}" if name.startswith(_THE) else name


def _names(data: ReportData, parties: list[str]) -> str:
    names = [_name(data, p) for p in parties]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def brief(data: ReportData, summary: dict[str, Any] | None) -> list[str]:
    """Sentences for the top of the report, from what it shows (no number that is not in it)."""
    n = len(data.parties)
    who = _names(data, list(data.parties)) if n <= 3 else f"the {n} states"
    if summary is None:
        last = max((p.deadline for p in data.phases if p.deadline), default=None)
        out = [
            f"This report sets out what {who} must reach under the "
            f"{data.programme_title or data.programme_id or 'programme'}: "
            f"the limit in force on each date, from entry into force on "
            f"{fmt(data.entry_into_force)}"
            + (f" to the last deadline, {fmt(last)}." if last else "."),
            f"Limits that depend on a starting figure use: {data.baseline_label}.",
            "It evaluates no declaration: it shows what must hold, not whether it does.",
        ]
        return out
    out = [
        f"This report checks the figures declared by {who} against "
        f"the obligations of the {data.programme_title or data.programme_id or 'programme'}"
        + (f", with verdicts that hold up to {fmt(data.as_of)}." if data.as_of else ".")
    ]
    phases = [ph for ph, _title in summary["phases"]]
    for row in summary["rows"]:
        name = _name(data, str(row["party"]))
        per_phase = ", ".join(
            f"{ph} {cell['verdict']}" for ph, cell in zip(phases, row["cells"], strict=True) if cell
        )
        overall = str(row["overall"])
        sentence = f"{name[0].upper()}{name[1:]} {_SAY.get(overall, overall)}"
        out.append(sentence + (f". By phase: {per_phase}." if per_phase else "."))
    out.append(
        "Each party's section below charts its declared figures against the ceilings and "
        "lists every verdict with its evidence; the sources are at the end."
    )
    return out
