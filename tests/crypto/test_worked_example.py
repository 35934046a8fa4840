"""The worked example of docs/escrow.md, run for real so that the document stays true.

A state commits 1,000 items in 10 regions; it reveals two regions in phase 1 and the other
eight later; an item found at an inspection is shown to contradict the original commitment.
The transcript this test produces must appear verbatim in docs/escrow.md, and so must the
detection-probability table.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

from nacl.signing import SigningKey

from disarm.crypto.commitments import Item
from disarm.crypto.continuity import FindingKind
from disarm.crypto.detection import detection_probability, inspections_needed
from disarm.crypto.escrow import EscrowOpening
from disarm.crypto.registry import Role
from disarm.crypto.reveal import RevealKind
from disarm.service import escrow as esc
from disarm.service import registry as svc
from disarm.store import create_log

DOC = Path(__file__).resolve().parents[2] / "docs" / "escrow.md"
REGION_COUNTS = [40, 60, 80, 90, 100, 110, 120, 120, 130, 150]
REGIONS = [f"R{k:02d}" for k in range(1, 11)]
INSP = svc.Signer("INSPECTORATE", SigningKey(bytes([11]) * 32))
STATE = svc.Signer("STATE-A", SigningKey(bytes([12]) * 32))


def _items() -> list[Item]:
    out, n = [], 0
    for region, count in zip(REGIONS, REGION_COUNTS, strict=True):
        for _ in range(count):
            category = "warhead" if n % 10 < 6 else "launcher" if n % 10 < 9 else "bomber"
            out.append(Item(f"A-{n:04d}", category, region, "stored"))
            n += 1
    return out


def _time(day: int) -> str:
    return f"2027-01-{day:02d}T09:00:00Z"


def run_worked_example(tmp: Path) -> list[str]:
    lines: list[str] = []
    items = _items()
    counts = dict(sorted(Counter(it.category for it in items).items()))
    kept: list[EscrowOpening] = []
    with create_log(tmp / "log", "disarm.example/worked") as log:
        svc.bootstrap(log, INSP, _time(1))
        svc.register_party(log, INSP, "STATE-A", Role.STATE, STATE.public_key, _time(1))
        d, public = esc.declare(
            log,
            STATE,
            items,
            counts,
            programme="worked-example",
            declaration_id="STATE-A/2027/initial",
            regions=REGIONS,
            region_size=256,
            time=_time(2),
            random=random.Random(2027).randbytes,
            keep_opening=kept.append,
        )
        opening = kept[0]
        lines.append(
            f"[{d}] declaration.commit: {len(items)} items, {len(REGIONS)} regions x 256 leaves "
            f"= {public.layout.size} leaves; root {public.root.hex()[:16]}..."
        )
        lines.append(
            "     public counts: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + f"; total {public.total}"
        )
        record = esc.verify_declaration(log, d, INSP.public_key)
        lines.append("     Pedersen check: the 10 regional commitments add up to the total 1000")
        for region in REGIONS[:2]:
            indexes, parts = esc.reveal(
                log, STATE, opening, RevealKind.REGION, target=region, time=_time(10)
            )
            leaves = [lf for p in parts for lf in p.leaves().values()]
            opened = sum(1 for lf in leaves if lf.item)
            lines.append(
                f"[{indexes.start}] phase 1 reveal {region}: {len(leaves)} leaves opened "
                f"({opened} items, {len(leaves) - opened} dummies); count opens its commitment"
            )
        hidden = Item("A-9001", "warhead", "R02", "stored")
        finding = esc.confront(log, INSP.public_key, d, hidden)
        assert finding is not None and finding.kind is FindingKind.HIDDEN_ITEM
        lines.append(
            f"     inspection finds {hidden.id} ({hidden.category}) in R02: finding "
            f"{finding.kind.value}, evidence log indexes "
            f"{[e.index for e in finding.evidence]}"
        )
        elsewhere = Item("A-9002", "warhead", "R07", "stored")
        assert esc.confront(log, INSP.public_key, d, elsewhere) is None
        lines.append(
            f"     inspection finds {elsewhere.id} in R07: undecided until R07 is revealed"
        )
        phase2 = [
            esc.reveal(log, STATE, opening, RevealKind.REGION, target=region, time=_time(20))[0]
            for region in REGIONS[2:]
        ]
        first, last = phase2[0].start, phase2[-1].stop - 1
        record = esc.verify_declaration(log, d, INSP.public_key)
        lines.append(
            f"[{first}-{last}] phase 2 reveals R03..R10: {len(record.state.items())} items opened, "
            f"complete {record.state.complete}; opened counts equal the public counts"
        )
        finding = esc.confront(log, INSP.public_key, d, elsewhere)
        assert finding is not None and finding.kind is FindingKind.HIDDEN_ITEM
        lines.append(
            f"     {elsewhere.id} in R07: finding {finding.kind.value}, evidence log indexes "
            f"{[e.index for e in finding.evidence]}"
        )
        lines.append(f"     log size {log.size}")
    return lines


def detection_table() -> list[str]:
    rows = [
        "| omitted f \\ inspected n | 10 | 50 | 100 | 200 | n for 95 % |",
        "|---|---|---|---|---|---|",
    ]
    for f in (1, 5, 10, 50):
        cells = [f"{detection_probability(1000, f, n):.4f}" for n in (10, 50, 100, 200)]
        rows.append(f"| {f} | " + " | ".join(cells) + f" | {inspections_needed(1000, f, 0.95)} |")
    miss = 1 - detection_probability(1000, 50, 200)
    rows += [
        "",
        f"1.0000 is rounded: for f = 50, n = 200 the exact miss probability is {miss:.3e}.",
    ]
    return rows


def _block(name: str) -> list[str]:
    text = DOC.read_text("utf-8")
    m = re.search(
        rf"<!-- {name}:begin -->\n(?:```text\n)?(.*?)(?:```\n)?<!-- {name}:end -->", text, re.S
    )
    assert m, f"docs/escrow.md lacks the {name} block"
    return m.group(1).rstrip("\n").split("\n")


def test_worked_example_matches_the_docs(tmp_path: Path) -> None:
    assert run_worked_example(tmp_path) == _block("worked-example")


def test_detection_table_matches_the_docs() -> None:
    assert detection_table() == _block("detection-table")


if __name__ == "__main__":  # print the blocks to paste into docs/escrow.md
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        print("\n".join(run_worked_example(Path(d))))
    print("\n".join(detection_table()))
