"""Consistency over time: the fate of every item from one declaration to the next.

A declaration that `supersedes` an earlier one must account for every earlier item: it lists
the item again, and the item's fate follows from the two records:

- held: same region, live status;
- moved: another region, live status;
- dismantled / disposed: the later record has status "dismantled" / "disposed".

Once both declarations are revealed, `check_continuity` reports as findings, with their
evidence (the statements and log indexes that prove them): an earlier item that vanished
without a recorded fate, and a dismantled or disposed item that reappears with a live status.
`check_found_item` turns an item found at an inspection into a finding when the declaration's
openings show it was never committed (or was committed with different particulars).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from disarm.crypto.commitments import Item

TERMINAL = frozenset({"dismantled", "disposed"})


class Fate(enum.StrEnum):
    HELD = "held"
    MOVED = "moved"
    DISMANTLED = "dismantled"
    DISPOSED = "disposed"


class FindingKind(enum.StrEnum):
    VANISHED = "vanished"
    REAPPEARED = "reappeared"
    HIDDEN_ITEM = "hidden-item"
    MISDECLARED = "misdeclared"


@dataclass(frozen=True)
class Evidence:
    """One log entry that a finding rests on."""

    index: int
    role: str

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "role": self.role}


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    item: str
    message: str
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "item": self.item,
            "message": self.message,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class DeclarationView:
    """What is known of one declaration: its commitment and the items opened so far.

    `items` maps item id to (item, log index of the reveal that opened it); `regions` maps each
    fully revealed region to the log index of its reveal; `complete` is True once every region
    is revealed.
    """

    commit_index: int
    items: Mapping[str, tuple[Item, int]]
    regions: Mapping[str, int] = field(default_factory=dict)
    complete: bool = False


def fate(earlier: Item, later: Item | None) -> Fate | None:
    """The fate recorded for `earlier` by its record `later` in the next declaration."""
    if later is None:
        return None
    if later.status == "dismantled":
        return Fate.DISMANTLED
    if later.status == "disposed":
        return Fate.DISPOSED
    return Fate.HELD if later.region == earlier.region else Fate.MOVED


def fates(earlier: DeclarationView, later: DeclarationView) -> dict[str, Fate | None]:
    """Fate of every opened earlier item (None: not (yet) accounted for)."""
    later_items = {k: v[0] for k, v in later.items.items()}
    return {i: fate(it, later_items.get(i)) for i, (it, _) in sorted(earlier.items.items())}


def check_continuity(earlier: DeclarationView, later: DeclarationView) -> list[Finding]:
    """Findings between two successive declarations, from what is opened so far."""
    return vanished(earlier, later) + reappeared(earlier, later)


def vanished(earlier: DeclarationView, later: DeclarationView) -> list[Finding]:
    """Earlier live items with no record in the later declaration, once it is fully revealed."""
    if not later.complete:
        return []
    findings = []
    for item_id, (old, old_ref) in sorted(earlier.items.items()):
        if item_id in later.items or old.status in TERMINAL:
            continue
        findings.append(
            Finding(
                FindingKind.VANISHED,
                item_id,
                f"item {item_id!r} ({old.category}, {old.region}) was declared at log index "
                f"{earlier.commit_index} but the next declaration, fully revealed, records no "
                "fate for it",
                (
                    Evidence(earlier.commit_index, "earlier declaration"),
                    Evidence(old_ref, "earlier reveal"),
                    Evidence(later.commit_index, "later declaration"),
                    *(Evidence(i, "later reveal") for i in sorted(set(later.regions.values()))),
                ),
            )
        )
    return findings


def reappeared(earlier: DeclarationView, later: DeclarationView) -> list[Finding]:
    """Items recorded as dismantled or disposed in `earlier` that are live in `later`.

    `earlier` may be any ancestor of `later`, not only the declaration it supersedes.
    """
    findings = []
    for item_id, (old, old_ref) in sorted(earlier.items.items()):
        new = later.items.get(item_id)
        if new is None or old.status not in TERMINAL or new[0].status in TERMINAL:
            continue
        item, new_ref = new
        findings.append(
            Finding(
                FindingKind.REAPPEARED,
                item_id,
                f"item {item_id!r} was recorded as {old.status} at log index "
                f"{earlier.commit_index} but reappears with status {item.status!r}",
                (
                    Evidence(earlier.commit_index, "earlier declaration"),
                    Evidence(old_ref, "earlier reveal"),
                    Evidence(later.commit_index, "later declaration"),
                    Evidence(new_ref, "later reveal"),
                ),
            )
        )
    return findings


def check_found_item(view: DeclarationView, found: Item) -> Finding | None:
    """Confront an item found at an inspection with a declaration's openings.

    Returns a finding when the openings prove that the declaration did not commit to the item
    as found: its region is fully revealed and the item is not among the openings
    (HIDDEN_ITEM), or the item was opened with other particulars (MISDECLARED). Returns None
    when the item matches an opened item, or when the openings cannot decide yet (its region
    is not revealed: the inspectorate asks the party to open the item).
    """
    opened = view.items.get(found.id)
    if opened is not None:
        item, ref = opened
        if (item.category, item.region) == (found.category, found.region):
            return None
        return Finding(
            FindingKind.MISDECLARED,
            found.id,
            f"item {found.id!r} was found as {found.category} in {found.region}, but the "
            f"declaration committed it as {item.category} in {item.region}",
            (Evidence(view.commit_index, "declaration"), Evidence(ref, "reveal")),
        )
    region_ref = view.regions.get(found.region)
    if region_ref is None:
        return None
    where = (
        "no region of the declaration holds it: every region is fully revealed"
        if view.complete
        else "it was not committed as located there (hidden, or declared elsewhere)"
    )
    return Finding(
        FindingKind.HIDDEN_ITEM,
        found.id,
        f"item {found.id!r} ({found.category}) was found in region {found.region!r}, whose "
        f"committed leaves were all opened at log index {region_ref} without it; {where}; the "
        f"declaration at log index {view.commit_index} contradicts the inspection",
        (Evidence(view.commit_index, "declaration"), Evidence(region_ref, "region reveal")),
    )
