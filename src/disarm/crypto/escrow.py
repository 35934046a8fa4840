"""The cryptographic escrow for declarations (after Philippe, Glaser and Felten, 2019).

A declaring party commits to its complete itemised declaration at the outset:

- every item becomes a salted leaf commitment (`disarm.crypto.commitments`);
- leaves are grouped by region (regions in sorted order); each region occupies `region_size`
  consecutive positions, filled with its items at random positions and dummy leaves elsewhere,
  so the tree's shape reveals nothing about regional counts;
- the declaration root is the RFC 9162 Merkle tree hash over all positions (the tree of
  `disarm.tlog.merkle`: each position's salted commitment is a leaf, hashed with the 0x00
  prefix, nodes with the 0x01 prefix, exactly as log entries);
- each region's count gets a Pedersen commitment; the national total is public, with the sum
  of the blinding factors, so anyone can check that the regional counts add up.

`PublicPart` is what goes into the log (the `declaration.commit` payload). `EscrowOpening` is
what the declaring party keeps secret (salts, items, positions, Pedersen openings).
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from disarm.crypto import pedersen
from disarm.crypto.commitments import SALT_SIZE, Context, Item, Leaf, LeafHasher, check_name
from disarm.crypto.hazmat.ed25519_group import scalar_to_int
from disarm.crypto.statements import strict_int
from disarm.errors import BadInput
from disarm.tlog.merkle import InMemoryTree

COMMIT_TYPE = "declaration.commit"
REVEAL_TYPE = "declaration.reveal"
OPENING_VERSION = "disarm.escrow-opening/v1"
MAX_REGION_SIZE = 1 << 20

Randomness = Callable[[int], bytes]


@dataclass(frozen=True)
class Layout:
    """Which positions of the tree belong to which region."""

    regions: tuple[str, ...]
    region_size: int

    def __post_init__(self) -> None:
        if list(self.regions) != sorted(set(self.regions)) or not self.regions:
            raise BadInput("regions must be a non-empty, sorted list of distinct names")
        for region in self.regions:
            check_name(region, "region")
        if not 1 <= self.region_size <= MAX_REGION_SIZE:
            raise BadInput(f"the region size must be between 1 and {MAX_REGION_SIZE}")

    @property
    def size(self) -> int:
        return len(self.regions) * self.region_size

    def positions(self, region: str) -> range:
        if region not in self.regions:
            raise BadInput(f"unknown region {region!r}; the declaration has {list(self.regions)}")
        k = self.regions.index(region)
        return range(k * self.region_size, (k + 1) * self.region_size)

    def region_of(self, index: int) -> str:
        return self.regions[index // self.region_size]


@dataclass(frozen=True)
class PublicPart:
    """The public part of a declaration: the `declaration.commit` payload."""

    context: Context
    layout: Layout
    root: bytes
    counts: Mapping[str, int]
    region_commitments: Mapping[str, bytes]
    blinding_total: bytes
    supersedes: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "context": self.context.to_json(),
            "regions": list(self.layout.regions),
            "region_size": self.layout.region_size,
            "root": self.root.hex(),
            "counts": dict(sorted(self.counts.items())),
            "total": self.total,
            "region_commitments": {r: c.hex() for r, c in sorted(self.region_commitments.items())},
            "blinding_total": self.blinding_total.hex(),
            "supersedes": self.supersedes,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PublicPart:
        try:
            layout = Layout(tuple(data["regions"]), strict_int(data["region_size"], "region_size"))
            counts = {str(k): strict_int(v, f"count of {k!r}") for k, v in data["counts"].items()}
            if any(v < 0 for v in counts.values()) or data["total"] != sum(counts.values()):
                raise BadInput("the public counts are negative or do not add up to the total")
            commitments = {
                str(r): pedersen.decode_commitment(c) for r, c in data["region_commitments"].items()
            }
            if sorted(commitments) != list(layout.regions):
                raise BadInput("there must be exactly one count commitment per region")
            root = bytes.fromhex(data["root"])
            blinding = bytes.fromhex(data["blinding_total"])
            scalar_to_int(blinding)
            supersedes = data.get("supersedes")
            if supersedes is not None and not isinstance(supersedes, int):
                raise BadInput("'supersedes' must be a log index")
            if len(root) != 32:
                raise BadInput("the root must be 32 bytes")
            return cls(
                Context.from_json(data["context"]),
                layout,
                root,
                counts,
                commitments,
                blinding,
                supersedes,
            )
        except BadInput:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadInput(f"malformed declaration payload: {exc}") from exc

    def verify_sum(self) -> None:
        """Check that the regional Pedersen commitments add up to the public total."""
        pedersen.verify_sum(
            [self.region_commitments[r] for r in self.layout.regions],
            self.total,
            self.blinding_total,
        )


_REGION = operator.attrgetter("region")
_ID = operator.attrgetter("id")
_CATEGORY = operator.attrgetter("category")


@dataclass
class EscrowOpening:
    """The declaring party's secret: every leaf with its salt, and the Pedersen openings."""

    context: Context
    layout: Layout
    salts: list[bytes]
    leaves: list[Leaf]
    region_openings: dict[str, pedersen.Opening]
    root: bytes = field(default=b"")

    def __post_init__(self) -> None:
        if len(self.salts) != self.layout.size or len(self.leaves) != self.layout.size:
            raise BadInput("the opening does not have one salt and one leaf per position")
        size = self.layout.region_size
        for k, region in enumerate(self.layout.regions):
            block = self.leaves[k * size : (k + 1) * size]
            if set(map(_REGION, block)) != {region}:  # one C pass per region
                i = next(j for j, leaf in enumerate(block) if leaf.region != region)
                raise BadInput(
                    f"position {k * size + i} holds a leaf of region {block[i].region!r}"
                )

    def tree(self) -> InMemoryTree:
        """The declaration tree over the RFC 9162 leaf hashes of the positions' commitments
        (cached while context, salts and leaves stay the same)."""
        key = (self.context, id(self.salts), id(self.leaves), len(self.leaves))
        cached = self.__dict__.get("_tree")
        if cached is None or cached[0] != key:
            hashes = LeafHasher(self.context).tree_leaves(self.salts, self.leaves)
            cached = self.__dict__["_tree"] = (key, InMemoryTree(hashes))
        tree = cached[1]
        assert isinstance(tree, InMemoryTree)
        return tree

    def items(self) -> list[tuple[int, Item]]:
        return [(i, lf.item) for i, lf in enumerate(self.leaves) if lf.item is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "v": OPENING_VERSION,
            "context": self.context.to_json(),
            "regions": list(self.layout.regions),
            "region_size": self.layout.region_size,
            "root": self.root.hex(),
            "leaves": [
                {"salt": s.hex(), "leaf": lf.to_json()}
                for s, lf in zip(self.salts, self.leaves, strict=True)
            ],
            "region_openings": {r: o.to_json() for r, o in sorted(self.region_openings.items())},
        }

    @classmethod
    def from_json(cls, data: Any) -> EscrowOpening:
        try:
            if data.get("v") != OPENING_VERSION:
                raise BadInput(f"not an escrow opening file (expected {OPENING_VERSION!r})")
            layout = Layout(tuple(data["regions"]), strict_int(data["region_size"], "region_size"))
            salts = [bytes.fromhex(e["salt"]) for e in data["leaves"]]
            leaves = [Leaf.from_json(e["leaf"]) for e in data["leaves"]]
            openings = {
                str(r): pedersen.Opening.from_json(o) for r, o in data["region_openings"].items()
            }
            opening = cls(
                Context.from_json(data["context"]),
                layout,
                salts,
                leaves,
                openings,
                bytes.fromhex(data["root"]),
            )
        except BadInput:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadInput(f"malformed escrow opening file: {exc}") from exc
        if opening.tree().root() != opening.root:
            raise BadInput("the opening file is corrupt: its leaves do not hash to its root")
        return opening


def _shuffled(n: int, random: Randomness) -> list[int]:
    """A uniformly random permutation of range(n): sort by independent 128-bit random keys."""
    raw = random(16 * n)  # one call: the same bytes as n calls of 16 from a stream
    if len(raw) != 16 * n:
        raise BadInput("the randomness source returned the wrong number of bytes")
    keys = [raw[i : i + 16] for i in range(0, 16 * n, 16)]
    return sorted(range(n), key=keys.__getitem__)


def commit(
    items: Sequence[Item],
    counts: Mapping[str, int],
    context: Context,
    regions: Sequence[str],
    region_size: int,
    random: Randomness,
    *,
    supersedes: int | None = None,
) -> tuple[PublicPart, EscrowOpening]:
    """Commit to a complete declaration. `random(n)` must return n secure random bytes."""
    layout = Layout(tuple(sorted(set(regions))), region_size)
    _check_items(items, counts, layout)
    by_region: dict[str, list[Item]] = {r: [] for r in layout.regions}
    for item in items:
        by_region[item.region].append(item)
    leaves: list[Leaf] = []
    openings: dict[str, pedersen.Opening] = {}
    for region in layout.regions:
        slots: list[Leaf] = [Leaf(region, it) for it in by_region[region]]
        slots += [Leaf(region)] * (region_size - len(slots))
        leaves += [slots[i] for i in _shuffled(region_size, random)]
        openings[region] = pedersen.new_opening(len(by_region[region]), random)
    raw = random(SALT_SIZE * len(leaves))  # one call, cut into salts
    salts = [raw[i : i + SALT_SIZE] for i in range(0, len(raw), SALT_SIZE)]
    if len(salts) != len(leaves) or any(len(s) != SALT_SIZE for s in salts):
        raise BadInput("the randomness source returned the wrong number of bytes")
    opening = EscrowOpening(context, layout, salts, leaves, openings)
    opening.root = opening.tree().root()
    public = PublicPart(
        context,
        layout,
        opening.root,
        dict(counts),
        {r: pedersen.commit(o.value, o.blinding) for r, o in openings.items()},
        pedersen.blinding_sum(list(openings.values())),
        supersedes,
    )
    return public, opening


def _check_items(items: Sequence[Item], counts: Mapping[str, int], layout: Layout) -> None:
    problems = []
    dupes = [i for i, n in Counter(map(_ID, items)).items() if n > 1]
    if dupes:
        problems.append(f"duplicate item identifiers: {', '.join(sorted(dupes)[:10])}")
    by_region = Counter(map(_REGION, items))
    unknown = sorted(set(by_region) - set(layout.regions))
    if unknown:
        problems.append(f"items in unknown regions: {', '.join(unknown[:10])}")
    for region, n in by_region.items():
        if n > layout.region_size:
            problems.append(f"region {region!r} has {n} items, more than the region size")
    actual = Counter(map(_CATEGORY, items))
    for category in sorted(set(actual) | set(counts)):
        if actual.get(category, 0) != counts.get(category, 0):
            problems.append(
                f"category {category!r}: the public count is {counts.get(category, 0)} "
                f"but the items list {actual.get(category, 0)}"
            )
    if problems:
        raise BadInput("the declaration cannot be committed", problems=problems)
