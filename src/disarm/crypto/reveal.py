"""Step-by-step reveals: opening leaves of a committed declaration, and checking them.

A reveal opens a set of leaves (a whole region, a whole category, or a selection of items),
each with its salt and RFC 9162 inclusion path. `RevealState` replays the reveals of one
declaration in log order and rejects, with a specific `RevealReason`, any opening that does not
match the committed root, a region reveal that does not open every position of the region
(dummies included), a region whose opened count does not open its Pedersen commitment, and
opened counts that contradict the public aggregates.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from disarm.crypto import pedersen
from disarm.crypto.commitments import Item, Leaf, leaf_commitment
from disarm.crypto.escrow import EscrowOpening, PublicPart
from disarm.crypto.merkle import root_from_path
from disarm.errors import BadInput, VerificationError


class RevealKind(enum.StrEnum):
    REGION = "region"
    CATEGORY = "category"
    SELECTION = "selection"


class RevealReason(enum.StrEnum):
    EMPTY = "empty"
    NOT_IN_TREE = "not-in-tree"
    WRONG_REGION = "wrong-region"
    INCOMPLETE_REGION = "incomplete-region"
    COUNT_MISMATCH = "count-mismatch"
    WRONG_CATEGORY = "wrong-category"
    AGGREGATE_MISMATCH = "aggregate-mismatch"
    DUPLICATE_ID = "duplicate-id"
    DUPLICATE_POSITION = "duplicate-position"


class RevealRejected(VerificationError):
    def __init__(
        self, reason: RevealReason, message: str, *, expected: Any = None, computed: Any = None
    ) -> None:
        super().__init__(f"[{reason.value}] {message}", expected=expected, computed=computed)
        self.reason = reason


@dataclass(frozen=True)
class LeafOpening:
    index: int
    salt: bytes
    leaf: Leaf
    path: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "salt": self.salt.hex(),
            "leaf": self.leaf.to_json(),
            "path": [p.hex() for p in self.path],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LeafOpening:
        return cls(
            int(data["index"]),
            bytes.fromhex(data["salt"]),
            Leaf.from_json(data["leaf"]),
            tuple(bytes.fromhex(p) for p in data["path"]),
        )


@dataclass(frozen=True)
class Reveal:
    """The payload of a `declaration.reveal` statement (minus the declaration reference)."""

    kind: RevealKind
    target: str | None
    leaves: tuple[LeafOpening, ...]
    region_opening: pedersen.Opening | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "target": self.target,
            "leaves": [lo.to_json() for lo in self.leaves],
            "region_opening": None
            if self.region_opening is None
            else self.region_opening.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reveal:
        try:
            ro = data.get("region_opening")
            return cls(
                RevealKind(data["kind"]),
                data["target"],
                tuple(LeafOpening.from_json(e) for e in data["leaves"]),
                None if ro is None else pedersen.Opening.from_json(ro),
            )
        except BadInput:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadInput(f"malformed reveal payload: {exc}") from exc


def make_reveal(
    opening: EscrowOpening,
    kind: RevealKind,
    *,
    target: str | None = None,
    ids: Iterable[str] = (),
) -> Reveal:
    """Build a reveal from the declaring party's opening file."""
    layout = opening.layout
    if kind is RevealKind.REGION:
        if target is None:
            raise BadInput("a region reveal needs a region")
        indices = list(layout.positions(target))
    elif kind is RevealKind.CATEGORY:
        indices = [i for i, it in opening.items() if it.category == target]
        if not indices:
            raise BadInput(f"the declaration has no item in category {target!r}")
    else:
        wanted = set(ids)
        chosen = [(i, it) for i, it in opening.items() if it.id in wanted]
        indices = [i for i, _ in chosen]
        missing = wanted - {it.id for _, it in chosen}
        if missing:
            raise BadInput(f"not in the declaration: {', '.join(sorted(missing)[:10])}")
        if not indices:
            raise BadInput("the selection is empty")
    tree = opening.tree()
    leaves = tuple(
        LeafOpening(i, opening.salts[i], opening.leaves[i], tuple(tree.path(i))) for i in indices
    )
    region_opening = (
        opening.region_openings[target] if kind is RevealKind.REGION and target else None
    )
    return Reveal(kind, target, leaves, region_opening)


@dataclass
class RevealState:
    """Everything opened so far for one declaration; `apply` checks and adds one reveal."""

    public: PublicPart
    opened: dict[int, Leaf] = field(default_factory=dict)
    opened_by: dict[int, int] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)

    def items(self) -> dict[str, tuple[Item, int]]:
        """Opened items by identifier, with the log index of the reveal that opened each."""
        return {
            lf.item.id: (lf.item, self.opened_by[i]) for i, lf in self.opened.items() if lf.item
        }

    @property
    def complete(self) -> bool:
        return set(self.regions) == set(self.public.layout.regions)

    def check(self, reveal: Reveal) -> None:
        """Raise RevealRejected unless `reveal` is valid given what was opened before."""
        self._apply(reveal, None, dry_run=True)

    def apply(self, reveal: Reveal, ref: int) -> None:
        """Check `reveal` (recorded at log index `ref`), then add its openings."""
        self._apply(reveal, ref, dry_run=False)

    def _apply(self, reveal: Reveal, ref: int | None, *, dry_run: bool) -> None:
        public, layout = self.public, self.public.layout
        if not reveal.leaves:
            raise RevealRejected(RevealReason.EMPTY, "the reveal opens no leaf")
        seen: set[int] = set()
        for lo in reveal.leaves:
            if lo.index in seen:
                raise RevealRejected(RevealReason.DUPLICATE_POSITION, f"position {lo.index} twice")
            seen.add(lo.index)
            _verify_leaf(public, lo)
        new = {lo.index: lo.leaf for lo in reveal.leaves}
        if reveal.kind is RevealKind.REGION:
            self._check_region(reveal, set(new))
        elif reveal.kind is RevealKind.CATEGORY:
            bad = [
                i for i, lf in new.items() if lf.item is None or lf.item.category != reveal.target
            ]
            if bad:
                raise RevealRejected(
                    RevealReason.WRONG_CATEGORY,
                    f"a reveal of category {reveal.target!r} opens other leaves "
                    f"(positions {bad[:5]})",
                )
        merged = {**self.opened, **new}
        _check_unique_ids(merged)
        regions = dict(self.regions)
        categories = dict(self.categories)
        if reveal.kind is RevealKind.REGION and reveal.target is not None:
            regions[reveal.target] = ref if ref is not None else -1
        if reveal.kind is RevealKind.CATEGORY and reveal.target is not None:
            categories[reveal.target] = ref if ref is not None else -1
        complete = set(regions) == set(layout.regions)
        opened_counts = Counter(lf.item.category for lf in merged.values() if lf.item)
        for category in sorted(set(opened_counts) | set(public.counts)):
            declared, opened = public.counts.get(category, 0), opened_counts.get(category, 0)
            full = complete or category in categories
            if opened > declared or (full and opened != declared):
                raise RevealRejected(
                    RevealReason.AGGREGATE_MISMATCH,
                    f"category {category!r}: the public count is {declared}, "
                    f"but {opened} items are opened"
                    + (" and the category is complete" if full else ""),
                    expected=declared,
                    computed=opened,
                )
        if dry_run or ref is None:
            return
        self.opened = merged
        for i in new:
            self.opened_by.setdefault(i, ref)
        self.regions, self.categories = regions, categories

    def _check_region(self, reveal: Reveal, indices: set[int]) -> None:
        region = reveal.target
        if region is None or region not in self.public.layout.regions:
            raise RevealRejected(RevealReason.WRONG_REGION, f"unknown region {region!r}")
        wanted = set(self.public.layout.positions(region))
        if indices != wanted:
            missing = sorted(wanted - indices)
            raise RevealRejected(
                RevealReason.INCOMPLETE_REGION,
                f"a reveal of region {region!r} must open all {len(wanted)} positions, "
                f"dummies included; {len(missing)} are missing, "
                f"{len(indices - wanted)} are foreign",
                expected=len(wanted),
                computed=len(indices & wanted),
            )
        if reveal.region_opening is None:
            raise RevealRejected(
                RevealReason.COUNT_MISMATCH, f"the reveal of {region!r} lacks its count opening"
            )
        items = sum(1 for lo in reveal.leaves if lo.leaf.item is not None)
        if reveal.region_opening.value != items:
            raise RevealRejected(
                RevealReason.COUNT_MISMATCH,
                f"region {region!r} opens {items} items but its count opening says "
                f"{reveal.region_opening.value}",
                expected=reveal.region_opening.value,
                computed=items,
            )
        try:
            pedersen.verify_opening(
                self.public.region_commitments[region], reveal.region_opening, label=region
            )
        except pedersen.PedersenError as exc:
            raise RevealRejected(
                RevealReason.COUNT_MISMATCH,
                f"region {region!r}: the count {items} does not open the committed count",
                expected=exc.expected,
                computed=exc.computed,
            ) from exc


def _verify_leaf(public: PublicPart, lo: LeafOpening) -> None:
    layout = public.layout
    if not 0 <= lo.index < layout.size:
        raise RevealRejected(RevealReason.NOT_IN_TREE, f"position {lo.index} is outside the tree")
    if lo.leaf.region != layout.region_of(lo.index):
        raise RevealRejected(
            RevealReason.WRONG_REGION,
            f"position {lo.index} belongs to region {layout.region_of(lo.index)!r}, "
            f"but its leaf says {lo.leaf.region!r}",
        )
    try:
        value = leaf_commitment(public.context, lo.salt, lo.leaf)
        computed = root_from_path(lo.index, layout.size, value, lo.path)
    except (BadInput, VerificationError) as exc:
        raise RevealRejected(RevealReason.NOT_IN_TREE, f"position {lo.index}: {exc}") from exc
    if computed != public.root:
        raise RevealRejected(
            RevealReason.NOT_IN_TREE,
            f"the opening of position {lo.index} does not match the committed root",
            expected=public.root.hex(),
            computed=computed.hex(),
        )


def _check_unique_ids(opened: Mapping[int, Leaf]) -> None:
    where: dict[str, int] = {}
    for i, lf in sorted(opened.items()):
        if lf.item is None:
            continue
        if lf.item.id in where:
            raise RevealRejected(
                RevealReason.DUPLICATE_ID,
                f"item {lf.item.id!r} is committed twice, at positions {where[lf.item.id]} and {i}",
            )
        where[lf.item.id] = i
