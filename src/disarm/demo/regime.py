"""The full verification regime, round by round, written to a transparency log in DIR.

`run_regime` builds keys, the world and its timeline, then writes the setup batch and, for
every round, the accounting, declarations, selection and inspection batches described in
`disarm.demo.statements`. It returns what the report, the CSVs and the summary need. Time
comes from the simulated clock (round dates); every random value from the seeded DRBG.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np
from nacl.signing import SigningKey

from disarm.crypto import registry as reg
from disarm.demo import balance as bal
from disarm.demo import statements as S
from disarm.demo.derive import CustodyChecker, CustodyIndex
from disarm.demo.drbg import Drbg
from disarm.demo.ledger import Ledger, Witness, iso, write_bytes
from disarm.demo.model import CHEATS, DETECTED_BY, Progress, RegimeConfig, RegimeResult
from disarm.demo.rounds import RoundSteps
from disarm.demo.timeline import Cheat, midnight, run_timeline
from disarm.demo.world import (
    BASELINE_SOURCE,
    BASELINE_YEAR,
    PU_PER_WARHEAD_KG,
    SCENARIO_RULES,
    Warhead,
    add_months,
    build_world,
    new_id,
)
from disarm.errors import BadInput
from disarm.render.cells import kg_sq
from disarm.rules import load_programme
from disarm.rules.loader import read_text
from disarm.service.registry import Signer
from disarm.stats.sampling import combined_nondetection, nondetection_exact
from disarm.tlog.note import Signer as NoteSigner

__all__ = ["CHEATS", "DETECTED_BY", "Regime", "RegimeConfig", "RegimeResult", "run_regime"]


class Keys:
    def __init__(self, drbg: Drbg, parties: tuple[str, ...]) -> None:
        ks = drbg.stream("keys")
        self.inspectorate = Signer(S.INSPECTORATE, SigningKey(ks.random(32)))
        self.states = {p: Signer(p, SigningKey(ks.random(32))) for p in parties}
        self.log = NoteSigner(S.LOG_ORIGIN, 0x01, ks.random(32))
        self.witnesses = [NoteSigner(w, 0x04, ks.random(32)) for w in S.WITNESSES]


class Regime(RoundSteps):
    def __init__(self, out: Path, config: RegimeConfig, progress: Progress) -> None:
        config.check()
        self.out = out
        self.cfg = config
        self.progress = progress
        self.drbg = Drbg(config.seed)
        self.programme = load_programme("model")
        self.parties = tuple(self.programme.parties)
        eif = self.programme.entry_into_force
        self.rounds = [add_months(eif, 6 * r) for r in range(2 * config.years + 1)]
        phases = {ph.id: ph.deadline for ph in self.programme.phases}
        #: Rounds at which every state reveals its whole declaration (see statements.py).
        self.audit_dates = frozenset(phases[p] for p in S.COMPLETE_REVEAL_PHASES)
        self.keys = Keys(self.drbg, self.parties)
        self.worlds = build_world(self.programme, config.scale, self.drbg)
        self.by_party = {w.party: w for w in self.worlds}
        self.cheat = self._choose_cheat()
        self.timeline = run_timeline(
            self.worlds, self.rounds, phases["P3"], phases["P4"], self.drbg, self.cheat
        )
        if self.cheat.strategy == "redeclare" and self.cheat.fake_round is None:
            raise BadInput(
                f"--cheat redeclare: {self.cheat.party} dismantles nothing before the last "
                "round, so there is no dismantlement to fake; use more --years or a larger "
                "--scale"
            )
        self.design = bal.design(PU_PER_WARHEAD_KG, 20_260_101, config.iterations)
        self.facilities = self._facilities()
        self.h_campaign = bal.campaign_threshold(
            self.design, (len(self.rounds) - 1) * bal.PERIODS_PER_ROUND
        )
        self.result = RegimeResult(
            config,
            self.programme,
            self.rounds,
            {w.party: w.plan for w in self.worlds},
            {w.party: w.baseline["total_inventory"] for w in self.worlds},
        )
        # log state
        self.custody = CustodyIndex()
        self.checkers = {p: CustodyChecker() for p in self.parties}
        self.issued = set()
        self.custody_refs = {p: [] for p in self.parties}
        self.custody_seen = set()
        self.commits = {}
        self.aggregate_refs = []
        self.aggregate_rows = []
        self.balance_refs = {p: [] for p in self.parties}
        self.balance_alarmed = set()
        self.plan_ref = None
        self.plan_figures = {}
        self.nondetect = {p: [] for p in self.parties}

    # -- setup -------------------------------------------------------------------------------
    def _choose_cheat(self) -> Cheat:
        c = Cheat(self.cfg.cheat)
        if c.strategy == "none":
            return c
        pick = self.drbg.stream("cheat")
        if self.cfg.cheater is not None:
            if self.cfg.cheater not in self.parties:
                raise BadInput(
                    f"--cheater {self.cfg.cheater!r} is not a state of the model programme; "
                    f"use one of {', '.join(self.parties)}"
                )
            c.party = self.cfg.cheater
        else:
            c.party = self.parties[pick.below(len(self.parties))]
        world = self.by_party[c.party]
        c.site = world.plan.sites[pick.below(len(world.plan.sites))]
        total = sum(1 for w in world.items.values() if w.declared)
        c.count = max(2, round(0.01 * total))
        if c.strategy == "omit":
            ids = self.drbg.stream(f"hidden/{c.party}")
            seen = set(world.items)
            for _ in range(c.count):
                w = Warhead(new_id(c.party, ids, seen), "stored", c.site, declared=False)
                world.items[w.id] = w
                c.items.append(w.id)
        if c.strategy == "redeclare" and len(self.rounds) < 3:
            raise BadInput("--cheat redeclare needs at least two rounds after the baseline")
        return c

    def _facilities(self) -> dict[str, bal.Facility]:
        weeks = (len(self.rounds) - 1) * bal.WEEKS_PER_ROUND
        out = {}
        for w in self.worlds:
            series = np.zeros(weeks, dtype=np.int64)
            for k, n in w.dismantled_weeks.items():
                series[k] = n
            rng = self.drbg.numpy(f"balance/{w.party}")
            divert = self.cheat.strategy == "divert" and self.cheat.party == w.party
            out[w.party] = bal.build_facility(
                w.plan.facility, series, self.design, rng, divert=divert
            )
        return out

    def _write_keys(self) -> None:
        keys = self.out / "keys"
        keys.mkdir(parents=True, exist_ok=True)
        k = self.keys
        files = {
            S.TRUST_ANCHOR_FILE: k.inspectorate.public_key.hex() + "\n",
            S.LOG_KEY_FILE: k.log.verifier_key() + "\n",
        }
        for path, w in zip(S.WITNESS_KEY_FILES, k.witnesses, strict=True):
            files[path] = w.verifier_key() + "\n"
        for path, text in files.items():
            write_bytes(self.out / path, text.encode())
        self.result.keys = {p: t.strip() for p, t in files.items()}

    def _setup(self, ledger: Ledger) -> None:
        k = self.keys
        t = iso(midnight(self.rounds[0]) - dt.timedelta(days=1))
        ledger.issue(
            k.inspectorate,
            reg.GENESIS,
            {
                "party": S.INSPECTORATE,
                "role": "inspectorate",
                "public_key": k.inspectorate.public_key.hex(),
                "name": "International inspectorate (simulated)",
                reg.SIMULATION: True,
            },
            t,
        )
        for p in self.parties:
            ledger.issue(
                k.inspectorate,
                reg.REGISTER,
                {
                    "party": p,
                    "role": "state",
                    "public_key": k.states[p].public_key.hex(),
                    "name": self.by_party[p].name,
                    reg.SIMULATION: True,
                },
                t,
            )
        for w in k.witnesses:
            ledger.issue(
                k.inspectorate,
                reg.REGISTER,
                {
                    "party": w.name,
                    "role": "witness",
                    "public_key": w.verifier.public_key.hex(),
                    "name": f"independent witness {w.name}",
                    reg.SIMULATION: True,
                },
                t,
            )
        text, _ = read_text("model")
        ledger.issue(
            k.inspectorate,
            "programme.publish",
            S.ProgrammePublish(
                programme=self.programme.id,
                title=self.programme.title,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                text=text,
            ),
            t,
        )
        baselines = []
        from disarm import data

        est = data.baselines(BASELINE_YEAR, BASELINE_SOURCE)
        for p in self.parties:
            for cat, q in est.get(p, {}).items():
                baselines.append(
                    S.BaselineEstimate(
                        party=p,
                        category=cat,
                        value=float(q.central),
                        label=f"{BASELINE_SOURCE} {BASELINE_YEAR} estimate ({q.text})",
                    )
                )
        scenario = S.ScenarioPublish(
            programme=self.programme.id,
            entry_into_force=self.rounds[0].isoformat(),
            rounds=tuple(d.isoformat() for d in self.rounds),
            scale=self.cfg.scale,
            baseline_source=f"{BASELINE_SOURCE} Yearbook {BASELINE_YEAR} (bundled "
            "world_nuclear_forces.csv; estimates, central values; not declarations)",
            baselines=tuple(baselines),
            states=tuple(w.plan for w in self.worlds),
            balance=self.design,
            witnesses=S.WITNESSES,
            witness_quorum=S.WITNESS_QUORUM,
            scenario_rules=SCENARIO_RULES,
            randomness_note="Salts, blinding factors, keys, contributions, synthetic items and "
            "measurement errors come from a DRBG seeded by the demo's seed, only so that a "
            "run can be reproduced byte for byte; a real deployment draws them from the "
            "operating system's CSPRNG. The seed is not published.",
        )
        ledger.issue(k.inspectorate, "programme.scenario", scenario, t)
        ledger.checked = False  # the registry is complete: disarm verify re-checks the rest
        ledger.flush(midnight(self.rounds[0]) - dt.timedelta(days=1))

    # -- plan --------------------------------------------------------------------------------

    def run(self) -> RegimeResult:
        self.out.mkdir(parents=True, exist_ok=True)
        self._write_keys()
        total_periods = (len(self.rounds) - 1) * bal.PERIODS_PER_ROUND
        self.detection_run = {
            w.party: bal.planned_detection(
                self.facilities[w.party].area,
                self.facilities[w.party].nominal,
                total_periods,
                self.design,
            )
            for w in self.worlds
        }
        ledger = Ledger(
            self.out,
            self.keys.inspectorate,
            self.keys.log,
            [Witness(w) for w in self.keys.witnesses],
        )
        try:
            self._setup(ledger)
            self.progress("setup", 1)
            for r in range(len(self.rounds)):
                mine = self.drbg.stream("contrib/inspectorate").random(32)
                self._accounting(ledger, r, mine)
                note, contribs = self._declarations(ledger, r)
                selections = self._selection(ledger, r, note, contribs, mine)
                self._inspection(ledger, r, selections)
                self.progress(f"round {r} ({self.rounds[r].isoformat()})", 1)
        finally:
            ledger.close()
        res = self.result
        res.log_size = ledger.store.size
        res.checkpoints = len(ledger.checkpoints)
        res.final_checkpoint = ledger.checkpoints[-1][2]
        res.entries = list(ledger.entries)
        for w in self.worlds:
            base = {w.party: {"total_inventory": float(self._declared_baseline(w.party))}}
            steps = self.programme.ceiling_schedule(w.party, "total_inventory", base)
            res.schedule[w.party] = [
                (day.isoformat(), _limit_on(steps, day)) for day in self.rounds
            ]
        for party, plan in self.plan_figures.items():
            res.detection[party] = {
                "sites": plan.population,
                "sites_per_round": plan.sites,
                "p_round_1_site": plan.detection[0].p_round,
                "p_run_1_site": plan.detection[0].p_cumulative,
                "balance_goal_kg": plan.balance_goal_kg,
                "balance_periods": plan.balance_periods,
                "p_balance_page": plan.balance_detection,
            }
        res.cheat = self._cheat_outcome()
        return res

    def _declared_baseline(self, party: str) -> float:
        for row in self.result.declarations:
            if row["party"] == party and row["category"] == "total_inventory":
                return float(row["value"])
        return math.nan

    def _cheat_outcome(self) -> dict[str, Any]:
        c = self.cheat
        if c.strategy == "none":
            return {"strategy": "none"}
        kind = DETECTED_BY[c.strategy]
        hits = [f for f in self.result.findings if f["kind"] == kind and f["party"] == c.party]
        det = self.result.detection[c.party]
        if c.strategy == "divert":
            stated = det["p_balance_page"]
            how = (
                f"Monte Carlo ({self.design.iterations} campaigns): Page's test on SITMUF "
                f"detects the goal diversion ({kg_sq(det['balance_goal_kg'])} over "
                f"{det['balance_periods']} periods)"
            )
        else:
            first = c.first_round if c.strategy == "redeclare" else 0
            rounds = len(self.rounds) - first
            beta = nondetection_exact(det["sites"], 1, det["sites_per_round"])
            stated = float(1 - combined_nondetection([beta] * rounds))
            how = (
                f"hypergeometric: {det['sites_per_round']} of {det['sites']} sites a round, "
                f"items at 1 site, {rounds} rounds"
            )
        fac = self.facilities[c.party]
        return {
            "strategy": c.strategy,
            "party": c.party,
            "site": c.site if c.strategy != "divert" else fac.area,
            "count": c.count if c.strategy != "divert" else None,
            "items": list(c.items),
            "aliases": dict(c.aliases),
            "diverted_kg": float(fac.diversion.sum()) if c.strategy == "divert" else None,
            "stated_probability": stated,
            "stated_how": how,
            "detected": bool(hits),
            "first_detection": None
            if not hits
            else {
                "date": hits[0]["date"],
                "index": hits[0]["index"],
                "kind": kind,
                "message": hits[0]["message"],
                "evidence": hits[0]["evidence"],
            },
            "findings": len(hits),
        }


def _limit_on(steps: list[tuple[dt.date, float]], day: dt.date) -> float | None:
    current: float | None = None
    for start, limit in steps:
        if start <= day:
            current = limit
    return None if current is None or not math.isfinite(current) else current


def run_regime(out: Path, config: RegimeConfig, progress: Progress | None = None) -> RegimeResult:
    """Run the whole regime into `out` (which should be empty); return its figures."""
    return Regime(out, config, progress or (lambda _s, _n: None)).run()
