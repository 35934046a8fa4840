"""Salted, domain-separated leaf commitments for escrowed declarations.

    commitment = SHA-256( LEAF_DOMAIN || len(context) as 4-byte big-endian || context
                          || salt (32 bytes) || canonical leaf )

`context` is the RFC 8785 canonical JSON of {programme, party, declaration}, so a leaf cannot be
replayed into another declaration; the 256-bit random salt hides low-entropy items from a
dictionary attack; the canonical leaf is the RFC 8785 JSON of an item or of a dummy. Once
hashed, real leaves and dummy leaves are indistinguishable.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from disarm.crypto.canonical import canonical
from disarm.errors import BadInput
from disarm.model.identifiers import check_identifier
from disarm.tlog.hashing import leaf_hash_list

LEAF_DOMAIN = b"disarm/escrow/leaf/v1\x00"
SALT_SIZE = 32


def check_name(value: Any, name: str) -> str:
    """A field value: an identifier in the documented ASCII alphabet (docs/glossary.md)."""
    return check_identifier(value, f"item field {name!r}:")


def _field(data: Mapping[str, Any], name: str) -> str:
    return check_name(data.get(name), name)


@dataclass(frozen=True)
class Context:
    """What a declaration's leaves are bound to."""

    programme: str
    party: str
    declaration: str

    def encode(self) -> bytes:
        return canonical(self.to_json())

    def to_json(self) -> dict[str, str]:
        return {"programme": self.programme, "party": self.party, "declaration": self.declaration}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Context:
        return cls(_field(data, "programme"), _field(data, "party"), _field(data, "declaration"))


@dataclass(frozen=True)
class Item:
    """One declared item: unique identifier, category, region (or site), status."""

    id: str
    category: str
    region: str
    status: str

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "category": self.category,
            "region": self.region,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            _field(data, "id"),
            _field(data, "category"),
            _field(data, "region"),
            _field(data, "status"),
        )


@dataclass(frozen=True)
class Leaf:
    """A committed leaf: a real item, or a dummy padding its region (item is None)."""

    region: str
    item: Item | None = None

    @property
    def is_dummy(self) -> bool:
        return self.item is None

    def to_json(self) -> dict[str, Any]:
        if self.item is None:
            return {"dummy": True, "region": self.region}
        return {"item": self.item.to_json()}

    @classmethod
    def from_json(cls, data: Any) -> Leaf:
        if not isinstance(data, Mapping):
            raise BadInput("a leaf must be a JSON object")
        if set(data) == {"dummy", "region"} and data["dummy"] is True:
            return cls(_field(data, "region"))
        if set(data) == {"item"} and isinstance(data["item"], Mapping):
            item = Item.from_json(data["item"])
            return cls(item.region, item)
        raise BadInput(f"a leaf is either {{'item': ...}} or a dummy, got {sorted(data)}")


class LeafHasher:
    """Leaf commitments for one context (the domain and context prefix is hashed once)."""

    def __init__(self, context: Context) -> None:
        ctx = context.encode()
        self._prefix = hashlib.sha256(LEAF_DOMAIN + len(ctx).to_bytes(4, "big") + ctx)

    def __deepcopy__(self, memo: dict[int, Any]) -> LeafHasher:
        return self  # immutable: every call works on a copy of the prefix state

    def __call__(self, salt: bytes, leaf: Leaf) -> bytes:
        if len(salt) != SALT_SIZE:
            raise BadInput(f"a salt must be {SALT_SIZE} bytes, got {len(salt)}")
        h = self._prefix.copy()
        h.update(salt)
        h.update(canonical_leaf(leaf))
        return h.digest()

    def tree_leaves(self, salts: Sequence[bytes], leaves: Sequence[Leaf]) -> list[bytes]:
        """The RFC 9162 leaf hashes of the commitments of many positions, in one loop."""
        if len(salts) != len(leaves):
            raise BadInput(f"{len(salts)} salts for {len(leaves)} leaves")
        if any(len(s) != SALT_SIZE for s in salts):
            raise BadInput(f"a salt must be {SALT_SIZE} bytes")
        copy = self._prefix.copy
        dummies: dict[str, bytes] = {}  # dummy leaves repeat: encode each region's once
        commitments: list[bytes] = []
        append = commitments.append
        for salt, leaf in zip(salts, leaves, strict=True):
            if leaf.item is None:
                encoded = dummies.get(leaf.region)
                if encoded is None:
                    encoded = dummies[leaf.region] = canonical_leaf(leaf)
            else:
                encoded = canonical_leaf(leaf)
            h = copy()
            h.update(salt + encoded)
            append(h.digest())
        return leaf_hash_list(commitments)


@functools.lru_cache(maxsize=4096)
def _canonical_dummy(region: str) -> bytes:
    return canonical(Leaf(region).to_json())


def canonical_leaf(leaf: Leaf) -> bytes:
    """RFC 8785 canonical JSON of a leaf (dummy encodings are cached: they repeat).

    An item whose four fields are exact ``str`` is written by orjson with its keys already in
    JCS order (ASCII keys, strings only: the case `disarm.crypto.canonical` proves identical);
    anything else goes through `canonical`.
    """
    item = leaf.item
    if item is None:
        return _canonical_dummy(leaf.region)
    category, ident, region, status = item.category, item.id, item.region, item.status
    if type(category) is str and type(ident) is str and type(region) is str and type(status) is str:
        try:
            return orjson.dumps(
                {"item": {"category": category, "id": ident, "region": region, "status": status}}
            )
        except orjson.JSONEncodeError:
            pass  # a lone surrogate: the reference path refuses it with a reason
    return canonical(leaf.to_json())


def leaf_commitment(context: Context, salt: bytes, leaf: Leaf) -> bytes:
    """The 32-byte commitment stored as a leaf value in the declaration tree."""
    return LeafHasher(context)(salt, leaf)
