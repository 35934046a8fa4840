"""Benchmark: commit to and open a 100,000-item declaration, against raw hashlib SHA-256.

Peer measured in the same run: hashing the same leaf preimages with hashlib.sha256 in a plain
loop (the unavoidable floor: one SHA-256 per leaf), and one SHA-256 per tree node on top.
Commit, peer and verify run `--rounds` times in turn and each keeps its best time, so that a
burst of load on a shared machine hits them alike; the load average is printed, and the ratios
are also given in CPU seconds of the process, which move less with the load.

    python benchmarks/bench_escrow.py [--items 100000] [--regions 100] [--region-size 2048]
                                      [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from collections import Counter

from disarm.crypto.canonical import canonical
from disarm.crypto.commitments import Context, Item
from disarm.crypto.escrow import EscrowOpening, PublicPart, commit
from disarm.crypto.reveal import RevealKind, RevealState, make_reveals


def peer(public: PublicPart, opening: EscrowOpening, ctx: Context) -> float:
    """Seconds to hash the same preimages (domain, context, salt, canonical leaf) and the tree
    nodes with hashlib alone; the preimages are built before timing."""
    ctxb = ctx.encode()
    pre = [
        b"disarm/escrow/leaf/v1\x00"
        + len(ctxb).to_bytes(4, "big")
        + ctxb
        + s
        + canonical(lf.to_json())
        for s, lf in zip(opening.salts, opening.leaves, strict=True)
    ]
    t0, c0 = time.perf_counter(), time.process_time()
    digests = [hashlib.sha256(p).digest() for p in pre]
    level = [hashlib.sha256(b"\x00" + d).digest() for d in digests]
    while len(level) > 1:
        nxt = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert level[0] == public.root, "the peer computation must reproduce the committed root"
    CPU["peer"] = min(CPU.get("peer", cpu), cpu)
    return seconds


CPU: dict[str, float] = {}  # best CPU seconds of each step


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--regions", type=int, default=100)
    ap.add_argument("--region-size", type=int, default=2048)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print("load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    regions = [f"R{k:03d}" for k in range(args.regions)]
    cats = ("warhead", "launcher", "bomber")
    items = [
        Item(f"ITEM-{i:07d}", cats[i % 3], regions[i % args.regions], "stored")
        for i in range(args.items)
    ]
    counts = Counter(it.category for it in items)
    ctx = Context("bench", "STATE-A", "D1")
    leaves_total = args.regions * args.region_size

    t_commit = t_peer = t_verify = float("inf")
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        public, opening = commit(items, counts, ctx, regions, args.region_size, os.urandom)
        t_commit = min(t_commit, time.perf_counter() - t0)
        CPU["commit"] = min(CPU.get("commit", 1e9), time.process_time() - c0)
        t_peer = min(t_peer, peer(public, opening, ctx))
        parts = [p for r in regions for p in make_reveals(opening, RevealKind.REGION, target=r)]
        t0, c0 = time.perf_counter(), time.process_time()
        state = RevealState(public)
        for k, p in enumerate(parts):
            state.apply(p, k)
        t_verify = min(t_verify, time.perf_counter() - t0)
        CPU["verify"] = min(CPU.get("verify", 1e9), time.process_time() - c0)
        assert state.complete and len(state.items()) == args.items
    t0 = time.perf_counter()
    parts = [p for r in regions for p in make_reveals(opening, RevealKind.REGION, target=r)]
    t_open = time.perf_counter() - t0

    def rate(label: str, seconds: float) -> None:
        print(f"{label}: {seconds:.3f} s = {leaves_total / seconds:,.0f} leaves/s")

    print(
        f"declaration: {args.items} items, {args.regions} regions "
        f"x {args.region_size} = {leaves_total} leaves; best of {args.rounds}"
    )
    rate("commit (salts, leaves, tree, Pedersen)", t_commit)
    rate("hashlib peer (same leaf + node hashes)", t_peer)
    print(f"commit / peer time ratio: {t_commit / t_peer:.2f}")
    rate(f"open all regions ({len(parts)} reveal parts)", t_open)
    rate("verify all reveal parts", t_verify)
    print(f"verify / peer time ratio: {t_verify / t_peer:.2f}")
    print(
        f"in CPU seconds (less sensitive to load): commit / peer "
        f"{CPU['commit'] / CPU['peer']:.2f}, verify / peer {CPU['verify'] / CPU['peer']:.2f}"
    )
    print("load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
