"""The world's timeline: what happens to every item between two rounds, decided up front.

Between round r-1 and round r (half a year, 26 weeks) a state removes warheads from deployment
(linearly, so that none is deployed at the P3 deadline), dismantles warheads at its stated
capacity (retired first, then stored, then disabled), and, from one year before the P4
deadline, disables the rest. Every step is a chain-of-custody record (rows in
statements.CUSTODY_COLUMNS order). Cheats change the timeline: `omit` adds undeclared items at
one site, `redeclare` records dismantlements that did not happen and brings the items back
under new identifiers at one site.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass, field

from disarm.demo.balance import WEEKS_PER_ROUND
from disarm.demo.drbg import Drbg
from disarm.demo.world import StateWorld, Warhead, new_id, new_tag

Row = tuple[str, str, str, str, str, str, str, str, str]
ACTOR = "inspectorate"


def stamp(t: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (whole seconds, as the custody rows write time)."""
    if t.microsecond or t.tzinfo is not None:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return t.isoformat() + "Z"  # the same text, several times faster than strftime


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


@dataclass
class Cheat:
    strategy: str = "none"
    party: str = ""
    site: str = ""
    count: int = 0
    items: list[str] = field(default_factory=list)  # hidden ids, or re-declared new ids
    aliases: dict[str, str] = field(default_factory=dict)  # new id -> dismantled id
    fake_round: int | None = None  # redeclare: round of the faked dismantlements
    first_round: int = 0  # first round at which the cheat is physically present at the site


@dataclass
class RoundState:
    """One state at one round: items to declare, physical items per site, custody rows."""

    declared: list[Warhead]
    physical: dict[str, list[Warhead]]
    custody: list[Row]
    deployed: int


def _row(item: str, t: dt.datetime, loc: str, event: str, **kw: str) -> Row:
    return (
        item,
        stamp(t),
        loc,
        event,
        ACTOR,
        kw.get("tag", ""),
        kw.get("seal", ""),
        "",
        kw.get("destination", ""),
    )


def _snapshot(world: StateWorld, custody: list[Row], deployed: int) -> RoundState:
    """The items as they are now: one frozen copy of each, shared by the declared list and
    the sites (both only read later)."""
    declared: list[Warhead] = []
    physical: dict[str, list[Warhead]] = {}
    for w in world.items.values():
        c = Warhead(**vars(w))
        if w.declared:
            declared.append(c)
        if w.category != "dismantled":
            physical.setdefault(w.site, []).append(c)
    return RoundState(declared, physical, custody, deployed)


def initial_rows(world: StateWorld, t0: dt.datetime) -> list[Row]:
    rows: list[Row] = []
    for w in sorted(world.items.values(), key=lambda w: w.id):
        if not w.declared:
            continue
        if w.category == "deployed":
            rows.append(_row(w.id, t0, w.site, "deployed"))
        else:
            rows.append(_row(w.id, t0, w.site, "in_storage"))
            rows.append(_row(w.id, t0, w.site, "tag_applied", tag=w.tag))
    return rows


def run_timeline(
    worlds: list[StateWorld],
    rounds: list[dt.date],
    p3: dt.date,
    p4: dt.date,
    drbg: Drbg,
    cheat: Cheat,
) -> dict[str, list[RoundState]]:
    """Every state's RoundState for every round; fills `world.dismantled_weeks` (real only)."""
    out: dict[str, list[RoundState]] = {}
    r3 = max(1, sum(1 for d in rounds[1:] if d <= p3))
    for world in worlds:
        tags = drbg.stream(f"tags/{world.party}")
        seals = drbg.stream(f"seals/{world.party}")
        picks = drbg.stream(f"picks/{world.party}")
        ids = drbg.stream(f"newids/{world.party}")
        seen = set(world.items)
        total0 = sum(1 for w in world.items.values() if w.declared)
        cap = world.plan.capacity_per_year
        states = [_snapshot(world, initial_rows(world, midnight(rounds[0])), world.deployed0)]
        fakes: list[Warhead] = []
        done = 0
        for r in range(1, len(rounds)):
            start = midnight(rounds[r - 1])
            rows: list[Row] = []
            for w in [w for w in world.items.values() if w.category == "dismantled"]:
                del world.items[w.id]
            if fakes and cheat.party == world.party:
                for old in fakes:  # redeclare: back under a new identifier
                    new = Warhead(new_id(world.party, ids, seen), "stored", cheat.site, old.tag)
                    new.alias_of = old.id
                    world.items[new.id] = new
                    cheat.items.append(new.id)
                    cheat.aliases[new.id] = old.id
                cheat.first_round = r
                fakes = []
            # dismantlement candidates: declared, not deployed, live at the start
            order = {"retired": 0, "stored": 1, "disabled": 2}
            pool = [
                w
                for w in world.items.values()
                if w.declared and w.category in order and not w.alias_of
            ]
            pool.sort(key=lambda w: (order[w.category], w.id))
            target = min(total0, math.ceil(cap * r / 2))
            q = max(0, min(target - done, len(pool)))
            chosen = pool[:q]
            done += q
            n_fake = 0
            if (
                cheat.strategy == "redeclare"
                and cheat.party == world.party
                and cheat.fake_round is None
                and q > 0
                and r < len(rounds) - 1
            ):  # the first half-year with a dismantlement (and a round after it)
                n_fake = min(cheat.count, q)
                cheat.fake_round = r
                cheat.count = n_fake
            weeks = [0] * WEEKS_PER_ROUND
            for i, w in enumerate(chosen):
                week = (i * WEEKS_PER_ROUND) // max(q, 1)
                t = start + dt.timedelta(days=7 * week, hours=8)
                seal = f"SEAL-{seals.random(5).hex().upper()}"
                fac = world.plan.facility
                rows += [
                    _row(w.id, t, w.site, "seal_applied", tag=w.tag, seal=seal),
                    _row(w.id, t + dt.timedelta(hours=1), w.site, "in_transit", destination=fac),
                    _row(w.id, t + dt.timedelta(days=1), fac, "at_dismantlement_facility"),
                    _row(w.id, t + dt.timedelta(days=1, hours=1), fac, "seal_verified", seal=seal),
                    _row(w.id, t + dt.timedelta(days=2), fac, "seal_removed", seal=seal),
                    _row(w.id, t + dt.timedelta(days=2, hours=1), fac, "dismantled"),
                    _row(w.id, t + dt.timedelta(days=2, hours=5), fac, "components_separated"),
                    _row(w.id, t + dt.timedelta(days=3), fac, "material_in_safeguarded_storage"),
                ]
                if i < n_fake:
                    fakes.append(copy.copy(w))
                else:
                    weeks[week] += 1
                w.category = "dismantled"
            base = (r - 1) * WEEKS_PER_ROUND
            for k, n in enumerate(weeks):
                if n:
                    world.dismantled_weeks[base + k] = world.dismantled_weeks.get(base + k, 0) + n
            # removal from deployment, linear to zero at the P3 deadline
            deployed = [w for w in world.items.values() if w.category == "deployed"]
            keep = math.ceil(world.deployed0 * max(0.0, 1.0 - r / r3))
            off = picks.shuffled(sorted(w.id for w in deployed))[: max(0, len(deployed) - keep)]
            for j, item_id in enumerate(sorted(off)):
                w = world.items[item_id]
                t = start + dt.timedelta(days=7 * (j % 13), hours=14)
                w.category, w.tag = "stored", new_tag(tags)
                rows += [
                    _row(w.id, t, w.site, "removed_from_delivery_vehicle"),
                    _row(w.id, t + dt.timedelta(hours=2), w.site, "in_storage"),
                    _row(w.id, t + dt.timedelta(hours=3), w.site, "tag_applied", tag=w.tag),
                ]
            if rounds[r] >= dt.date(p4.year - 1, p4.month, p4.day):
                for w in world.items.values():
                    if w.declared and w.category in ("stored", "retired"):
                        w.category = "disabled"
            rows.sort(key=lambda row: (row[1], row[0]))
            n_deployed = sum(1 for w in world.items.values() if w.category == "deployed")
            states.append(_snapshot(world, rows, n_deployed))
        out[world.party] = states
    return out
