"""Deterministic helpers for the crypto tests: seeded randomness, keys, statements."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from nacl.signing import SigningKey

from disarm.crypto.commitments import Context, Item
from disarm.crypto.escrow import EscrowOpening, PublicPart, commit
from disarm.crypto.registry import Registry
from disarm.crypto.statements import SignedStatement, Statement, key_id, sign

T0 = "2026-01-01T00:00:00Z"


def seeded(seed: int) -> Callable[[int], bytes]:
    rng = random.Random(seed)
    return rng.randbytes


def key(seed: int) -> SigningKey:
    return SigningKey(bytes([seed]) * 32)


def pub(k: SigningKey) -> bytes:
    return bytes(k.verify_key)


class Chain:
    """Issues correctly chained statements for one party and key."""

    def __init__(self, party: str, signing_key: SigningKey) -> None:
        self.party, self.key = party, signing_key
        self.seq, self.prev = 0, None  # type: tuple[int, str | None]

    def make_kid(self) -> str:
        return key_id(pub(self.key))

    def make(
        self,
        type_: str,
        payload: dict[str, Any],
        *,
        key: SigningKey | None = None,
        time: str = T0,
    ) -> SignedStatement:
        k = key or self.key
        st = Statement(type_, self.party, key_id(pub(k)), self.seq, self.prev, time, payload)
        signed = sign(st, k)
        self.seq, self.prev = self.seq + 1, signed.hash
        return signed


def bootstrap() -> tuple[Registry, Chain, Chain]:
    """A registry with the inspectorate (genesis) and one state, STATE-A."""
    insp, state = key(1), key(2)
    reg = Registry(pub(insp))
    ic = Chain("IAEA-X", insp)
    reg.apply(
        ic.make(
            "registry.genesis",
            {"party": "IAEA-X", "role": "inspectorate", "public_key": pub(insp).hex()},
        )
    )
    reg.apply(
        ic.make(
            "registry.register",
            {"party": "STATE-A", "role": "state", "public_key": pub(state).hex()},
        )
    )
    return reg, ic, Chain("STATE-A", state)


CTX = Context("phased-2030", "STATE-A", "D1")


def items(n: int, regions: int = 4) -> list[Item]:
    cats = ("warhead", "launcher", "bomber")
    return [Item(f"ID{i:05d}", cats[i % 3], f"R{i % regions:02d}", "stored") for i in range(n)]


def declare(
    its: Sequence[Item], regions: Sequence[str], size: int, seed: int = 7
) -> tuple[PublicPart, EscrowOpening]:
    counts = Counter(it.category for it in its)
    return commit(its, counts, CTX, regions, size, seeded(seed))
