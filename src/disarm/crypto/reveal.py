"""Step-by-step reveals: opening leaves of a committed declaration, and checking them.

A reveal opens a set of leaves (a whole region, a whole category, or a selection of items) with
their salts, in *blocks*: an aligned run of 2^k positions with one proof from the block's subtree
root to the declaration root (a single leaf is a block of one). An aligned block lying inside the
tree is a node of it, so that proof is the block's Merkle Tree Certificates subtree consistency
proof (`disarm.tlog.subtree`), which for a node is its RFC 9162 audit path: the siblings from the
block up to the root, lowest first (for one leaf, the leaf's inclusion proof). Log entries are
limited in size (64 KiB), so a large reveal is split into parts 1..k, appended together in one
atomic append; completeness is judged on the final part.

`RevealState` replays the reveals of one declaration in log order and rejects, with a specific
`RevealReason`, any opening that does not match the committed root, a region reveal that does
not open every position of the region (dummies included), a region whose opened count does not
open its Pedersen commitment, and opened counts that contradict the public aggregates.
"""

from __future__ import annotations

import copy
import enum
import json
import operator
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from disarm.crypto import pedersen
from disarm.crypto.commitments import SALT_SIZE, Item, Leaf, LeafHasher
from disarm.crypto.escrow import EscrowOpening, Layout, PublicPart
from disarm.crypto.statements import strict_int
from disarm.errors import BadInput, VerificationError
from disarm.tlog.merkle import InMemoryTree, root_from_leaf_hashes
from disarm.tlog.subtree import subtree_consistency_proof, verify_subtree_consistency

#: Bytes of reveal payload per part, leaving room for the envelope under the 64 KiB entry limit.
PART_BUDGET = 56_000


class RevealKind(enum.StrEnum):
    REGION = "region"
    CATEGORY = "category"
    SELECTION = "selection"


class RevealReason(enum.StrEnum):
    EMPTY = "empty"
    NOT_IN_TREE = "not-in-tree"
    BAD_BLOCK = "bad-block"
    WRONG_REGION = "wrong-region"
    INCOMPLETE_REGION = "incomplete-region"
    COUNT_MISMATCH = "count-mismatch"
    WRONG_CATEGORY = "wrong-category"
    AGGREGATE_MISMATCH = "aggregate-mismatch"
    DUPLICATE_ID = "duplicate-id"
    DUPLICATE_POSITION = "duplicate-position"
    PART_MISMATCH = "part-mismatch"


class RevealRejected(VerificationError):
    def __init__(
        self, reason: RevealReason, message: str, *, expected: Any = None, computed: Any = None
    ) -> None:
        super().__init__(f"[{reason.value}] {message}", expected=expected, computed=computed)
        self.reason = reason


@dataclass(frozen=True)
class BlockOpening:
    """Positions [start, start + len(leaves)) with their salts and the block's audit path."""

    start: int
    salts: tuple[bytes, ...]
    leaves: tuple[Leaf, ...]
    path: tuple[bytes, ...]

    @property
    def positions(self) -> range:
        return range(self.start, self.start + len(self.leaves))

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "leaves": [
                {"salt": s.hex(), "leaf": lf.to_json()}
                for s, lf in zip(self.salts, self.leaves, strict=True)
            ],
            "path": [p.hex() for p in self.path],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BlockOpening:
        return cls(
            strict_int(data["start"], "block start"),
            tuple(bytes.fromhex(e["salt"]) for e in data["leaves"]),
            tuple(Leaf.from_json(e["leaf"]) for e in data["leaves"]),
            tuple(bytes.fromhex(p) for p in data["path"]),
        )


@dataclass(frozen=True)
class Reveal:
    """The payload of one `declaration.reveal` statement (minus the declaration reference)."""

    kind: RevealKind
    target: str | None
    blocks: tuple[BlockOpening, ...]
    region_opening: pedersen.Opening | None = None
    part: int = 1
    parts: int = 1

    def leaves(self) -> dict[int, Leaf]:
        return {i: lf for b in self.blocks for i, lf in zip(b.positions, b.leaves, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "target": self.target,
            "part": self.part,
            "parts": self.parts,
            "blocks": [b.to_json() for b in self.blocks],
            "region_opening": None
            if self.region_opening is None
            else self.region_opening.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reveal:
        try:
            ro = data.get("region_opening")
            target = data["target"]
            if target is not None and not isinstance(target, str):
                raise ValueError("target must be a string or null")
            part, parts = strict_int(data["part"], "part"), strict_int(data["parts"], "parts")
            if not 1 <= part <= parts:
                raise ValueError(f"part {part} of {parts}")
            return cls(
                RevealKind(data["kind"]),
                target,
                tuple(BlockOpening.from_json(b) for b in data["blocks"]),
                None if ro is None else pedersen.Opening.from_json(ro),
                part,
                parts,
            )
        except BadInput:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadInput(f"malformed reveal payload: {exc}") from exc


def _hex(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


# -- building reveals (the declaring party) ------------------------------------------------------


def _aligned_blocks(start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) into maximal aligned power-of-two blocks (start, length)."""
    out = []
    while start < end:
        size = start & -start if start else 1 << (end - 1).bit_length()
        while start + size > end:
            size //= 2
        out.append((start, size))
        start += size
    return out


def _block(opening: EscrowOpening, tree: InMemoryTree, start: int, size: int) -> BlockOpening:
    return BlockOpening(
        start,
        tuple(opening.salts[start : start + size]),
        tuple(opening.leaves[start : start + size]),
        tuple(subtree_consistency_proof(tree, start, start + size, tree.size)),
    )


def _estimate(block: BlockOpening) -> int:
    """Bytes of the block in the statement (a close estimate; the exact size is checked later)."""
    return len(json.dumps(block.to_json(), separators=(",", ":"), ensure_ascii=False).encode())


def _fit(opening: EscrowOpening, tree: InMemoryTree, start: int, size: int) -> list[BlockOpening]:
    block = _block(opening, tree, start, size)
    if size == 1 or _estimate(block) <= PART_BUDGET // 2:
        return [block]
    half = size // 2
    return _fit(opening, tree, start, half) + _fit(opening, tree, start + half, half)


def make_reveals(
    opening: EscrowOpening,
    kind: RevealKind,
    *,
    target: str | None = None,
    ids: Iterable[str] = (),
) -> list[Reveal]:
    """Build a reveal (as one or more parts) from the declaring party's opening file."""
    layout = opening.layout
    tree = opening.tree()
    if kind is RevealKind.REGION:
        if target is None:
            raise BadInput("a region reveal needs a region")
        span = layout.positions(target)
        blocks = [
            b for s, n in _aligned_blocks(span.start, span.stop) for b in _fit(opening, tree, s, n)
        ]
    else:
        if kind is RevealKind.CATEGORY:
            chosen = [(i, it) for i, it in opening.items() if it.category == target]
            if not chosen:
                raise BadInput(f"the declaration has no item in category {target!r}")
        else:
            wanted = set(ids)
            if not wanted:
                raise BadInput("the selection is empty")
            chosen = [(i, it) for i, it in opening.items() if it.id in wanted]
            missing = wanted - {it.id for _, it in chosen}
            if missing:
                raise BadInput(f"not in the declaration: {', '.join(sorted(missing)[:10])}")
        blocks = [_block(opening, tree, i, 1) for i, _ in chosen]
    groups: list[list[BlockOpening]] = [[]]
    used = 0
    for b in blocks:
        size = _estimate(b) + 1
        if groups[-1] and used + size > PART_BUDGET:
            groups.append([])
            used = 0
        groups[-1].append(b)
        used += size
    final_opening = (
        opening.region_openings[target] if kind is RevealKind.REGION and target else None
    )
    return [
        Reveal(
            kind,
            target,
            tuple(g),
            final_opening if k == len(groups) else None,
            k,
            len(groups),
        )
        for k, g in enumerate(groups, start=1)
    ]


# -- checking reveals (anyone) -------------------------------------------------------------------


@dataclass
class RevealState:
    """Everything opened so far for one declaration; `apply` checks and adds one reveal part."""

    public: PublicPart
    opened: dict[int, Leaf] = field(default_factory=dict)
    opened_by: dict[int, int] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    pending: Reveal | None = None
    pending_positions: set[int] = field(default_factory=set)
    ids: dict[str, int] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._hasher = LeafHasher(self.public.context)

    def items(self) -> dict[str, tuple[Item, int]]:
        """Opened items by identifier, with the log index of the reveal that opened each."""
        return {
            lf.item.id: (lf.item, self.opened_by[i]) for i, lf in self.opened.items() if lf.item
        }

    @property
    def complete(self) -> bool:
        return set(self.regions) == set(self.public.layout.regions)

    def check_all(self, reveals: Sequence[Reveal]) -> None:
        """Raise RevealRejected unless the parts `reveals`, applied in order, are all valid."""
        trial = copy.deepcopy(self)
        for r in reveals:
            trial.apply(r, -1)

    def apply(self, reveal: Reveal, ref: int) -> None:
        """Check one reveal part (recorded at log index `ref`), then add its openings."""
        new = self._verify_blocks(reveal)
        self._check_part(reveal)
        final = reveal.part == reveal.parts
        positions = self.pending_positions | set(new) if reveal.part > 1 else set(new)
        if reveal.kind is RevealKind.REGION:
            region = reveal.target
            if region not in self.public.layout.regions:
                raise RevealRejected(RevealReason.WRONG_REGION, f"unknown region {region!r}")
            span = self.public.layout.positions(region)
            inside = not new or (span.start <= min(new) and max(new) < span.stop)
            outside = [] if inside else [i for i in new if i not in span]
            if outside:
                raise RevealRejected(
                    RevealReason.INCOMPLETE_REGION,
                    f"a reveal of region {region!r} opens positions of other regions "
                    f"({outside[:5]})",
                )
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
        fresh = {i: lf for i, lf in new.items() if i not in self.opened}
        ids = self._new_ids(fresh)
        counts = self.counts + Counter(lf.item.category for lf in fresh.values() if lf.item)
        regions, categories = dict(self.regions), dict(self.categories)
        if final and reveal.kind is RevealKind.REGION and reveal.target is not None:
            self._check_region_complete(reveal, positions, new)
            regions[reveal.target] = ref
        if final and reveal.kind is RevealKind.CATEGORY and reveal.target is not None:
            categories[reveal.target] = ref
        self._check_aggregates(counts, regions, categories)
        self.opened.update(fresh)
        for i in fresh:
            self.opened_by[i] = ref
        self.ids.update(ids)
        self.counts = counts
        self.regions, self.categories = regions, categories
        self.pending = None if final else reveal
        self.pending_positions = set() if final else positions

    def _new_ids(self, fresh: Mapping[int, Leaf]) -> dict[str, int]:
        pairs = [(lf.item.id, i) for i, lf in sorted(fresh.items()) if lf.item is not None]
        quick = dict(pairs)
        if len(quick) == len(pairs) and self.ids.keys().isdisjoint(quick):
            return quick  # no identifier twice: the common case, checked in C
        ids: dict[str, int] = {}
        for i, lf in sorted(fresh.items()):
            if lf.item is None:
                continue
            other = ids.get(lf.item.id, self.ids.get(lf.item.id))
            if other is not None:
                raise RevealRejected(
                    RevealReason.DUPLICATE_ID,
                    f"item {lf.item.id!r} is committed twice, at positions {other} and {i}",
                )
            ids[lf.item.id] = i
        return ids

    def _verify_blocks(self, reveal: Reveal) -> dict[int, Leaf]:
        layout, public = self.public.layout, self.public
        if not reveal.blocks or not all(b.leaves for b in reveal.blocks):
            raise RevealRejected(RevealReason.EMPTY, "the reveal opens no leaf")
        new: dict[int, Leaf] = {}
        for b in reveal.blocks:
            size = len(b.leaves)
            if size & (size - 1) or b.start % size or len(b.salts) != size:
                raise RevealRejected(
                    RevealReason.BAD_BLOCK,
                    f"block at {b.start} of {size} leaves is not an aligned power-of-two block",
                )
            if b.start < 0 or b.start + size > layout.size:
                raise RevealRejected(
                    RevealReason.NOT_IN_TREE, f"block at {b.start} is outside the tree"
                )
            positions = b.positions
            pending = self.pending_positions if reveal.part > 1 else set()
            if not new.keys().isdisjoint(positions) or not pending.isdisjoint(positions):
                i = next(i for i in positions if i in new or i in pending)
                raise RevealRejected(
                    RevealReason.DUPLICATE_POSITION, f"position {i} is opened twice"
                )
            _check_block_regions(layout, b)
            new.update(zip(positions, b.leaves, strict=True))
            try:
                if any(len(s) != SALT_SIZE for s in b.salts):
                    raise BadInput("a salt is not 32 bytes")
                block_hash = root_from_leaf_hashes(self._hasher.tree_leaves(b.salts, b.leaves))
            except BadInput as exc:
                raise RevealRejected(
                    RevealReason.NOT_IN_TREE, f"block at {b.start}: {exc}"
                ) from exc
            try:
                verify_subtree_consistency(
                    b.start, b.start + size, layout.size, b.path, block_hash, public.root
                )
            except VerificationError as exc:
                raise RevealRejected(
                    RevealReason.NOT_IN_TREE,
                    f"the opening of positions {b.start}..{b.start + size - 1} does not match "
                    f"the committed root ({exc.message})",
                    expected=_hex(exc.expected),
                    computed=_hex(exc.computed),
                ) from exc
        return new

    def _check_part(self, reveal: Reveal) -> None:
        p = self.pending
        if p is None and reveal.part != 1:
            raise RevealRejected(
                RevealReason.PART_MISMATCH,
                f"part {reveal.part} of a reveal whose part 1 is missing",
            )
        if p is not None and (
            (reveal.kind, reveal.target, reveal.parts, reveal.part)
            != (p.kind, p.target, p.parts, p.part + 1)
        ):
            raise RevealRejected(
                RevealReason.PART_MISMATCH,
                f"a {p.kind.value} reveal of {p.target!r} stopped at part {p.part} of {p.parts}",
            )
        if reveal.region_opening is not None and (
            reveal.kind is not RevealKind.REGION or reveal.part != reveal.parts
        ):
            raise RevealRejected(
                RevealReason.COUNT_MISMATCH, "only the last part of a region reveal opens a count"
            )

    def _leaf(self, i: int, new: Mapping[int, Leaf]) -> Leaf:
        return new[i] if i in new else self.opened[i]

    def _check_region_complete(
        self, reveal: Reveal, positions: set[int], new: Mapping[int, Leaf]
    ) -> None:
        region = str(reveal.target)
        wanted = set(self.public.layout.positions(region))
        if positions != wanted:
            raise RevealRejected(
                RevealReason.INCOMPLETE_REGION,
                f"a reveal of region {region!r} must open all {len(wanted)} positions, "
                f"dummies included; it opens {len(positions & wanted)}",
                expected=len(wanted),
                computed=len(positions & wanted),
            )
        opening = reveal.region_opening
        if opening is None:
            raise RevealRejected(
                RevealReason.COUNT_MISMATCH, f"the reveal of {region!r} lacks its count opening"
            )
        items = sum(1 for i in wanted if self._leaf(i, new).item is not None)
        if opening.value != items:
            raise RevealRejected(
                RevealReason.COUNT_MISMATCH,
                f"region {region!r} opens {items} items but its count opening says {opening.value}",
                expected=opening.value,
                computed=items,
            )
        try:
            pedersen.verify_opening(self.public.region_commitments[region], opening, label=region)
        except pedersen.PedersenError as exc:
            raise RevealRejected(
                RevealReason.COUNT_MISMATCH,
                f"region {region!r}: the count {items} does not open the committed count",
                expected=exc.expected,
                computed=exc.computed,
            ) from exc

    def _check_aggregates(
        self, opened_counts: Counter[str], regions: Mapping[str, int], categories: Mapping[str, int]
    ) -> None:
        counts = self.public.counts
        complete = set(regions) == set(self.public.layout.regions)
        for category in sorted(set(opened_counts) | set(counts)):
            declared, opened = counts.get(category, 0), opened_counts.get(category, 0)
            full = complete or category in categories
            if opened > declared or (full and opened != declared):
                raise RevealRejected(
                    RevealReason.AGGREGATE_MISMATCH,
                    f"category {category!r}: the public count is {declared}, but {opened} "
                    "items are opened" + (" and the category is complete" if full else ""),
                    expected=declared,
                    computed=opened,
                )


_REGION = operator.attrgetter("region")


def _check_block_regions(layout: Layout, block: BlockOpening) -> None:
    """Every leaf of the block names the region its position belongs to (one C pass per
    region the block spans); else `WRONG_REGION` for the first that does not."""
    size = layout.region_size
    start, stop = block.start, block.start + len(block.leaves)
    for k in range(start // size, (stop - 1) // size + 1):
        lo, hi = max(start, k * size), min(stop, (k + 1) * size)
        region = layout.regions[k]
        segment = block.leaves[lo - start : hi - start]
        if set(map(_REGION, segment)) != {region}:
            j = next(j for j, lf in enumerate(segment) if lf.region != region)
            raise RevealRejected(
                RevealReason.WRONG_REGION,
                f"position {lo + j} belongs to region {region!r}, "
                f"but its leaf says {segment[j].region!r}",
            )
