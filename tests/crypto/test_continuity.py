"""Every rejection of issue item 6 (item fates across declarations), with its evidence."""

from __future__ import annotations

from disarm.crypto.commitments import Item
from disarm.crypto.continuity import (
    DeclarationView,
    Evidence,
    Fate,
    FindingKind,
    check_continuity,
    check_found_item,
    fates,
)


def _item(i: str, region: str = "R1", status: str = "stored") -> Item:
    return Item(i, "warhead", region, status)


def _view(commit: int, its: list[tuple[Item, int]], complete: bool = True) -> DeclarationView:
    return DeclarationView(
        commit, {it.id: (it, ref) for it, ref in its}, {"R1": commit + 1}, complete
    )


EARLIER = _view(10, [(_item("A"), 11), (_item("B"), 11), (_item("C"), 11), (_item("D"), 11)])


def test_fates_are_derived_from_the_two_records() -> None:
    later = _view(
        20,
        [
            (_item("A"), 21),
            (_item("B", region="R2"), 21),
            (_item("C", status="dismantled"), 21),
            (_item("D", status="disposed"), 21),
        ],
    )
    assert fates(EARLIER, later) == {
        "A": Fate.HELD,
        "B": Fate.MOVED,
        "C": Fate.DISMANTLED,
        "D": Fate.DISPOSED,
    }
    assert check_continuity(EARLIER, later) == []


def test_vanished_item_is_a_finding_with_evidence() -> None:
    later = _view(20, [(_item("A"), 21), (_item("B"), 21), (_item("C"), 22)])
    [finding] = check_continuity(EARLIER, later)
    assert finding.kind is FindingKind.VANISHED and finding.item == "D"
    assert Evidence(10, "earlier declaration") in finding.evidence
    assert Evidence(11, "earlier reveal") in finding.evidence
    assert Evidence(20, "later declaration") in finding.evidence


def test_vanishing_is_not_decided_before_the_later_declaration_is_fully_revealed() -> None:
    later = _view(20, [(_item("A"), 21)], complete=False)
    assert check_continuity(EARLIER, later) == []
    assert fates(EARLIER, later)["D"] is None


def test_dismantled_item_that_reappears_is_a_finding() -> None:
    earlier = _view(10, [(_item("A", status="dismantled"), 12)])
    later = _view(20, [(_item("A", status="deployed"), 23)])
    [finding] = check_continuity(earlier, later)
    assert finding.kind is FindingKind.REAPPEARED
    assert finding.evidence == (
        Evidence(10, "earlier declaration"),
        Evidence(12, "earlier reveal"),
        Evidence(20, "later declaration"),
        Evidence(23, "later reveal"),
    )


def test_terminal_items_may_be_carried_or_dropped() -> None:
    earlier = _view(10, [(_item("A", status="dismantled"), 12)])
    assert check_continuity(earlier, _view(20, [])) == []
    again = _view(20, [(_item("A", status="disposed"), 21)])
    assert check_continuity(earlier, again) == []


def test_found_item_in_a_revealed_region_is_hidden() -> None:
    found = _item("Z")
    finding = check_found_item(EARLIER, found)
    assert finding is not None and finding.kind is FindingKind.HIDDEN_ITEM
    assert finding.evidence == (Evidence(10, "declaration"), Evidence(11, "region reveal"))


def test_found_item_in_an_unrevealed_region_is_undecided() -> None:
    assert check_found_item(EARLIER, _item("Z", region="R9")) is None


def test_found_item_matching_its_opening_is_fine_and_mismatch_is_misdeclared() -> None:
    assert check_found_item(EARLIER, _item("A")) is None
    finding = check_found_item(EARLIER, Item("A", "launcher", "R1", "stored"))
    assert finding is not None and finding.kind is FindingKind.MISDECLARED
