"""A small, complete log built with the service APIs: registry, escrow, checkpoints, witnesses.

Used to test the log-level checks independently of the demo.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey

from disarm.audit.context import AuditContext, CosignedNote
from disarm.audit.trust import KeySource, Trust
from disarm.crypto.commitments import Item
from disarm.crypto.escrow import EscrowOpening
from disarm.crypto.registry import Role
from disarm.crypto.reveal import RevealKind
from disarm.service import escrow as esc
from disarm.service import registry as svc
from disarm.service.logbook import Logbook
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint
from disarm.tlog.cosignature import add_cosignatures, cosign
from disarm.tlog.note import ALG_COSIGNATURE_V1, ALG_ED25519, Signer, Verifier

T = "2026-03-01T09:00:00Z"
ORIGIN = "disarm.test/audit"
INSP = svc.Signer("INSP", SigningKey(bytes([1]) * 32))
STATE = svc.Signer("STATE-A", SigningKey(bytes([2]) * 32))
LOG_KEY = Signer(ORIGIN, ALG_ED25519, bytes([9]) * 32)
WITNESSES = (
    Signer("witness-a", ALG_COSIGNATURE_V1, bytes([10]) * 32),
    Signer("witness-b", ALG_COSIGNATURE_V1, bytes([11]) * 32),
)
REGIONS = ["north", "south", "west"]


@dataclass
class SmallLog:
    root: Path
    cosigned: list[CosignedNote]

    def trust(self, *, witnesses: tuple[Signer, ...] = WITNESSES) -> Trust:
        return Trust(
            INSP.public_key,
            LOG_KEY.verifier,
            tuple(w.verifier for w in witnesses),
            KeySource.PINNED,
            KeySource.PINNED,
            KeySource.PINNED,
        )

    def context(self, *, quorum: int | None = 2, trust: Trust | None = None) -> AuditContext:
        cosigned = [
            CosignedNote(n.path, (self.root / n.path).read_text("utf-8")) for n in self.cosigned
        ]
        return AuditContext(self.root, trust or self.trust(), quorum=quorum, cosigned=cosigned)


def _items(n: int) -> list[Item]:
    return [Item(f"W{i:03d}", "warhead", REGIONS[i % 3], "stored") for i in range(n)]


def build(root: Path, *, declarations: int = 2) -> SmallLog:
    """Genesis, a state, two witnesses; declarations with a region reveal each; one checkpoint
    per step, every checkpoint cosigned by both witnesses into root/cosigned/NNNN.txt."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cosigned").mkdir()
    with Logbook.create(root / "log", ORIGIN, LOG_KEY) as book:
        store = book.store
        svc.bootstrap(store, INSP, T)
        svc.register_party(store, INSP, "STATE-A", Role.STATE, STATE.public_key, T)
        for w in WITNESSES:
            svc.register_party(
                store, INSP, w.name, Role.WITNESS, w.verifier.public_key, T, name=w.name
            )
        book.checkpoint()
        previous: int | None = None
        for d in range(declarations):
            its = _items(9 + d)
            kept: list[EscrowOpening] = []
            index, _ = esc.declare(
                store,
                STATE,
                its,
                dict(Counter(it.category for it in its)),
                programme="P",
                declaration_id=f"D{d}",
                regions=REGIONS,
                region_size=8,
                time=T,
                random=random.Random(d).randbytes,
                supersedes=previous,
                keep_opening=kept.append,
            )
            book.checkpoint()
            esc.reveal(store, STATE, kept[0], RevealKind.REGION, target="north", time=T)
            book.checkpoint()
            previous = index
        notes = store.checkpoints()
    cosigned = []
    for i, note in enumerate(notes):
        checkpoint, _ = open_checkpoint(note, LOG_KEY.verifier)
        lines = [cosign(checkpoint, w, 1_770_000_000 + i) for w in WITNESSES]
        rel = f"cosigned/{i:04d}.txt"
        (root / rel).write_text(add_cosignatures(note, lines), "utf-8")
        cosigned.append(CosignedNote(rel, ""))
    return SmallLog(root, cosigned)


def checkpoint_of(note: str) -> Checkpoint:
    return open_checkpoint(note, LOG_KEY.verifier)[0]


def verifier(signer: Signer) -> Verifier:
    return signer.verifier
