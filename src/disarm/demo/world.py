"""The simulated world: nine states, their synthetic warhead items, sites, plans and aggregates.

Baselines are the SIPRI Yearbook 2024 estimates bundled with disarm (central values, labelled
as estimates); every item below is synthetic. With `scale` < 1 every count is multiplied by
`scale` and rounded (at least two items per state), for quick runs and tests.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Final

from disarm import data
from disarm.demo.drbg import Drbg
from disarm.demo.statements import StatePlan

BASELINE_YEAR: Final = 2024
BASELINE_SOURCE: Final = "SIPRI"
#: Design assumption (not data): plutonium recovered per dismantled warhead, kg.
PU_PER_WARHEAD_KG: Final = 4.0
#: Declared items per site (storage site or base) used to size the site lists.
ITEMS_PER_SITE: Final = 250
MIN_SITES: Final = 3
MAX_SITES: Final = 16

#: How the aggregates that are not item counts are set in the scenario (logged verbatim).
SCENARIO_RULES: Final = {
    "deployed_nonstrategic": "0: the bundled estimates do not split deployed warheads, all "
    "deployed items are treated as strategic (scenario simplification)",
    "alert_warheads": "0 from entry into force (scenario: de-alerted at once)",
    "hosted_abroad": "0 (scenario)",
    "nfu_nsa_declared": "1 from entry into force (scenario)",
    "stored_warheads_unmonitored": "0: every stored item is tagged by the inspectorate "
    "(custody.event tag_applied) before it is declared stored",
    "launchers": "equal to the deployed items (scenario: one launcher per deployed warhead, "
    "retired with it)",
    "fissile_weapon_usable_unsafeguarded": "live items x plutonium_per_warhead_kg / 1000 "
    "(tonnes; scenario: material outside warheads not modelled)",
    "dismantled_material_unverified": "0: recovered material enters the facility's balance",
    "weapons_facilities_operating": "1 (the dismantlement facility) while live items remain",
    "fissile_production_weapons": "0",
    "nuclear_explosive_tests": "0",
}


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, min(day.day, 28))


@dataclass
class Warhead:
    """One synthetic item. `declared` False: hidden from the declarations (cheat `omit`)."""

    id: str
    category: str
    site: str
    tag: str = ""
    declared: bool = True
    #: Cheat `redeclare`: the id this physical item was recorded dismantled under.
    alias_of: str = ""


@dataclass
class StateWorld:
    party: str
    name: str
    plan: StatePlan
    baseline: dict[str, float]  # the estimates (scaled), by category
    items: dict[str, Warhead] = field(default_factory=dict)
    deployed0: int = 0
    #: dismantlement week (0-based since entry into force) -> number of warheads
    dismantled_weeks: dict[int, int] = field(default_factory=dict)

    def live(self) -> list[Warhead]:
        return [w for w in self.items.values() if w.category != "dismantled"]

    def declared(self) -> list[Warhead]:
        return [w for w in self.items.values() if w.declared]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("deployed", "stored", "retired", "disabled", "dismantled"), 0)
        for w in self.declared():
            out[w.category] += 1
        return out


def names() -> dict[str, str]:
    df = data.treaty_status()
    return {str(i): str(n) for i, n in zip(df["iso3"], df["name"], strict=True)}


def scaled(value: float, scale: float) -> int:
    return round(value * scale)


def capacity_per_year(programme: Any, party: str, total: int) -> int:
    """The constant yearly rate that meets every total_inventory limit of the schedule."""
    steps = programme.ceiling_schedule(
        party, "total_inventory", {party: {"total_inventory": total}}
    )
    eif = programme.entry_into_force
    need = 0.0
    for start, limit in steps:
        years = (start - eif).days / 365.25
        if years > 0 and math.isfinite(limit) and limit < total:
            need = max(need, (total - limit) / years)
    return math.ceil(need)


def build_world(programme: Any, scale: float, drbg: Drbg) -> list[StateWorld]:
    """The nine states with their items (all declared: cheats are applied afterwards)."""
    estimates = data.baselines(BASELINE_YEAR, BASELINE_SOURCE)
    labels = names()
    ids = drbg.stream("items")
    tags = drbg.stream("tags")
    worlds: list[StateWorld] = []
    for party in programme.parties:
        est = {c: float(q.central) for c, q in estimates.get(party, {}).items()}
        total = max(2, scaled(est.get("total_inventory", 0.0), scale))
        deployed = min(total, scaled(est.get("deployed_total", 0.0), scale))
        retired = min(total - deployed, scaled(est.get("retired_awaiting_dismantlement", 0), scale))
        n_sites = min(MAX_SITES, max(MIN_SITES, math.ceil(total / ITEMS_PER_SITE)))
        sites = tuple(f"{party}-S{i + 1:02d}" for i in range(n_sites))
        per_site = math.ceil(total / n_sites)
        region_size = 64 * math.ceil((per_site * 1.25 + 8) / 64)
        plan = StatePlan(
            party=party,
            name=labels.get(party, party),
            sites=sites,
            facility=f"{party}-DF",
            region_size=region_size,
            capacity_per_year=capacity_per_year(programme, party, total),
            sites_per_round=2 if n_sites >= 8 else 1,
        )
        world = StateWorld(party, plan.name, plan, {"total_inventory": float(total)})
        world.baseline.update({"deployed_total": float(deployed), "retired": float(retired)})
        world.deployed0 = deployed
        cats = ["deployed"] * deployed + ["retired"] * retired
        cats += ["stored"] * (total - len(cats))
        order = ids.shuffled([str(i) for i in range(total)])
        seen: set[str] = set()
        for n, cat in enumerate(cats):
            item_id = new_id(party, ids, seen)
            site = sites[int(order[n]) % n_sites]
            tag = "" if cat == "deployed" else new_tag(tags)
            world.items[item_id] = Warhead(item_id, cat, site, tag)
        worlds.append(world)
    return worlds


def new_id(party: str, stream: Any, seen: set[str]) -> str:
    while True:
        item_id = f"{party}-W{stream.random(5).hex().upper()}"
        if item_id not in seen:
            seen.add(item_id)
            return item_id


def new_tag(stream: Any) -> str:
    return f"TAG-{stream.random(6).hex().upper()}"
