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
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from nacl.signing import SigningKey

from disarm.crypto import registry as reg
from disarm.crypto.commitments import Context, Item
from disarm.crypto.continuity import DeclarationView
from disarm.crypto.escrow import COMMIT_TYPE, REVEAL_TYPE, EscrowOpening, PublicPart, commit
from disarm.crypto.reveal import RevealKind, RevealState, make_reveals
from disarm.demo import balance as bal
from disarm.demo import statements as S
from disarm.demo.derive import CustodyChecker, CustodyIndex, DerivedFinding, site_findings
from disarm.demo.drbg import Drbg
from disarm.demo.ledger import Ledger, Witness, iso, write_bytes
from disarm.demo.timeline import Cheat, RoundState, midnight, run_timeline
from disarm.demo.world import (
    BASELINE_SOURCE,
    BASELINE_YEAR,
    PU_PER_WARHEAD_KG,
    SCENARIO_RULES,
    StateWorld,
    Warhead,
    add_months,
    build_world,
    new_id,
)
from disarm.errors import BadInput
from disarm.inspect.commit_reveal import commitment
from disarm.inspect.record import make_record
from disarm.inspect.selection import population_list
from disarm.rules import evaluate, load_declarations, load_programme
from disarm.rules.loader import read_text
from disarm.service.registry import Signer
from disarm.stats.sampling import combined_nondetection, nondetection_exact
from disarm.tlog.note import Signer as NoteSigner

CHEATS: Final = ("none", "omit", "redeclare", "divert")
#: The finding kind that detects each cheat.
DETECTED_BY: Final = {
    "omit": "hidden-item",
    "redeclare": "dismantled-item-reappeared",
    "divert": "balance-alarm",
}
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class RegimeConfig:
    seed: int = 1
    years: int = 5
    cheat: str = "none"
    cheater: str | None = None
    scale: float = 1.0
    iterations: int = 4000

    def check(self) -> None:
        if self.cheat not in CHEATS:
            raise BadInput(f"--cheat {self.cheat!r}: use one of {', '.join(CHEATS)}")
        if not 1 <= self.years <= 15:
            raise BadInput(f"--years {self.years}: use 1 to 15 (the programme's length)")
        if not 0 < self.scale <= 1:
            raise BadInput(f"--scale {self.scale}: use a number in (0, 1]")
        if not 0 <= self.seed < 1 << 64:
            raise BadInput(f"--seed {self.seed}: use an integer in 0 .. 2^64 - 1")


@dataclass
class RegimeResult:
    config: RegimeConfig
    programme: Any
    rounds: list[dt.date]
    plans: dict[str, S.StatePlan]
    baselines: dict[str, float]
    declarations: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[dict[str, Any]] = field(default_factory=list)
    balances: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    detection: dict[str, dict[str, Any]] = field(default_factory=dict)  # party -> plan figures
    cheat: dict[str, Any] = field(default_factory=dict)
    log_size: int = 0
    checkpoints: int = 0
    final_checkpoint: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    entries: list[tuple[str, str, str, str]] = field(default_factory=list)
    schedule: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)


class _Keys:
    def __init__(self, drbg: Drbg, parties: tuple[str, ...]) -> None:
        ks = drbg.stream("keys")
        self.inspectorate = Signer(S.INSPECTORATE, SigningKey(ks.random(32)))
        self.states = {p: Signer(p, SigningKey(ks.random(32))) for p in parties}
        self.log = NoteSigner(S.LOG_ORIGIN, 0x01, ks.random(32))
        self.witnesses = [NoteSigner(w, 0x04, ks.random(32)) for w in S.WITNESSES]


def _state_count_rows(
    result: RegimeResult, r: int, day: dt.date, party: str, ref: S.LogRef, values: dict[str, float]
) -> None:
    for category, value in values.items():
        result.declarations.append(
            {
                "round": r,
                "date": day.isoformat(),
                "party": party,
                "category": category,
                "value": value,
                "log_index": ref.index,
            }
        )


class Regime:
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
        self.keys = _Keys(self.drbg, self.parties)
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
        self.issued: set[tuple[str, str, str, str]] = set()
        self.custody_refs: dict[str, list[int]] = {p: [] for p in self.parties}
        self.custody_seen: set[tuple[str, str, str]] = set()
        self.commits: dict[str, tuple[S.LogRef, PublicPart, EscrowOpening, RevealState]] = {}
        self.aggregate_refs: list[S.LogRef] = []
        self.aggregate_rows: list[dict[str, Any]] = []
        self.balance_refs: dict[str, list[int]] = {p: [] for p in self.parties}
        self.balance_alarmed: set[str] = set()
        self.plan_ref: S.LogRef | None = None
        self.plan_figures: dict[str, S.StateInspectionPlan] = {}
        self.nondetect: dict[str, list[Fraction]] = {p: [] for p in self.parties}

    # -- setup -------------------------------------------------------------------------------
    def _choose_cheat(self) -> Cheat:
        c = Cheat(self.cfg.cheat)
        if c.strategy == "none":
            return c
        pick = self.drbg.stream("cheat")
        if self.cfg.cheater is not None:
            if self.cfg.cheater not in self.parties:
                raise BadInput(f"--cheater {self.cfg.cheater!r}: use one of {self.parties}")
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
    def _plan(self, ledger: Ledger, r: int, contrib: bytes) -> None:
        day = self.rounds[r]
        states = []
        last = len(self.rounds) - 1
        total_periods = last * bal.PERIODS_PER_ROUND
        for w in self.worlds:
            n_sites, k = len(w.plan.sites), w.plan.sites_per_round
            miss = nondetection_exact(n_sites, 1, k)
            self.nondetect[w.party].append(miss)
            dets = []
            for d in (1, 2):
                beta = nondetection_exact(n_sites, d, k) if d <= n_sites else Fraction(0)
                cum = combined_nondetection([beta] * (r + 1))
                dets.append(
                    S.SiteDetection(
                        defective_sites=d, p_round=float(1 - beta), p_cumulative=float(1 - cum)
                    )
                )
            fac = self.facilities[w.party]
            p_bal = self.detection_run.get(w.party)
            goal = float(bal.goal_diversion(fac.nominal).sum())
            states.append(
                S.StateInspectionPlan(
                    party=w.party,
                    population=n_sites,
                    sites=k,
                    detection=tuple(dets),
                    balance_goal_kg=round(goal, 6),
                    balance_periods=total_periods,
                    balance_detection=p_bal,
                )
            )
            self.plan_figures[w.party] = states[-1]
        plan = S.InspectionPlan(
            round=r,
            date=day.isoformat(),
            selection_commitment=commitment(S.INSPECTORATE, contrib).hex(),
            states=tuple(states),
        )
        self.plan_ref, _ = ledger.issue(
            self.keys.inspectorate, "inspection.plan", plan, iso(midnight(day))
        )

    # -- findings ----------------------------------------------------------------------------
    def _finding(
        self, ledger: Ledger, r: int, party: str, f: DerivedFinding, time: str, prob: float | None
    ) -> None:
        payload = S.FindingIssued(
            kind=f.kind,  # type: ignore[arg-type]
            code=f.code,
            party=party,
            date=time[:10],
            item=f.item or None,
            message=f.message,
            evidence=f.evidence,
            plan=self.plan_ref,
            stated_probability=prob,
        )
        ref, _ = ledger.issue(self.keys.inspectorate, "finding.issued", payload, time)
        self.result.findings.append(
            {"index": ref.index, "round": r, **payload.model_dump(mode="json")}
        )

    # -- one round ---------------------------------------------------------------------------
    def _accounting(self, ledger: Ledger, r: int, contrib: bytes) -> None:
        day = self.rounds[r]
        t = iso(midnight(day))
        for w in self.worlds:
            rows = self.timeline[w.party][r].custody
            for start in range(0, len(rows), 350):
                payload = S.CustodyEvents(party=w.party, events=tuple(rows[start : start + 350]))
                ref, _ = ledger.issue(self.keys.inspectorate, "custody.event", payload, t)
                self.custody.add(ref.index, payload)
                self.custody_refs[w.party].append(ref.index)
            for code, item, message in self.checkers[w.party].add(rows):
                if (code, item, message) in self.custody_seen:
                    continue
                self.custody_seen.add((code, item, message))
                ev = tuple(
                    S.Evidence(index=i, role="custody record")
                    for i in self.custody_refs[w.party][-1:]
                )
                self._finding(
                    ledger, r, w.party, DerivedFinding("custody", code, item, message, ev), t, None
                )
        if r >= 1:
            for w in self.worlds:
                self._balance(ledger, r, w, t)
        self._plan(ledger, r, contrib)
        ledger.flush(midnight(day))

    def _balance(self, ledger: Ledger, r: int, w: StateWorld, t: str) -> None:
        fac = self.facilities[w.party]
        n = r * bal.PERIODS_PER_ROUND
        periods = []
        for j in range(n - bal.PERIODS_PER_ROUND + 1, n + 1):
            a, b = (j - 1) * bal.WEEKS_PER_PERIOD, j * bal.WEEKS_PER_PERIOD
            start = midnight(self.rounds[r - 1]) + dt.timedelta(
                days=7 * ((j - 1) % bal.PERIODS_PER_ROUND) * bal.WEEKS_PER_PERIOD
            )
            end = (
                midnight(self.rounds[r])
                if j == n
                else start + dt.timedelta(days=7 * bal.WEEKS_PER_PERIOD)
            )
            periods.append(
                S.BalancePeriod(
                    period=j,
                    start=iso(start),
                    end=iso(end),
                    flows={
                        p: tuple(float(x) for x in fac.measured[p][a:b])
                        for p in ("input", "output")
                    },
                    closing={"in_process": float(fac.measured["in_process"][j])},
                )
            )
        ev = bal.evaluation(fac.area, fac.measured, n, self.design, self.h_campaign)
        opening = {"in_process": float(fac.measured["in_process"][0])} if r == 1 else None
        payload = S.BalanceReport(
            party=w.party, area=fac.area, opening=opening, periods=tuple(periods), evaluation=ev
        )
        ref, _ = ledger.issue(self.keys.inspectorate, "inspection.balance", payload, t)
        self.balance_refs[w.party].append(ref.index)
        for p in periods:
            j = p.period - 1
            self.result.balances.append(
                {
                    "party": w.party,
                    "area": fac.area,
                    "period": p.period,
                    "start": p.start[:10],
                    "end": p.end[:10],
                    "input_kg": round(sum(p.flows["input"]), 3),
                    "output_kg": round(sum(p.flows["output"]), 3),
                    "closing_inventory_kg": p.closing["in_process"],
                    "muf_kg": round(ev.muf[j], 6),
                    "sigma_muf_kg": round(ev.sigma_muf[j], 6),
                    "sitmuf": round(ev.sitmuf[j], 6),
                    "page": round(ev.page[j], 6),
                    "page_threshold": round(ev.page_threshold, 6),
                    "evaluated_at_index": ref.index,
                    "true_diversion_kg": float(fac.diversion[j]),
                }
            )
        if ev.first_alarm is not None and w.party not in self.balance_alarmed:
            self.balance_alarmed.add(w.party)
            msg = (
                f"Page's test on SITMUF over periods 1-{n} of {fac.area} exceeds its "
                f"the campaign's threshold h = {ev.page_threshold:.3f} (false-alarm "
                f"probability {self.design.alpha} over the campaign) from period "
                f"{ev.first_alarm}; "
                f"cumulative MUF {sum(ev.muf):.2f} kg: material unaccounted for"
            )
            evidence = tuple(
                S.Evidence(index=i, role="balance report") for i in self.balance_refs[w.party]
            )
            f = DerivedFinding("balance-alarm", "page-sitmuf", "", msg, evidence)
            self._finding(ledger, r, w.party, f, t, self.detection_run.get(w.party))

    def _declarations(self, ledger: Ledger, r: int) -> tuple[str, dict[str, bytes]]:
        day = self.rounds[r]
        t = iso(midnight(day) + dt.timedelta(hours=1))
        contribs: dict[str, bytes] = {}
        for w in self.worlds:
            st: RoundState = self.timeline[w.party][r]
            items = [Item(x.id, x.category, x.site, x.category) for x in st.declared]
            counts: dict[str, int] = {}
            for it in items:
                counts[it.category] = counts.get(it.category, 0) + 1
            prev = self.commits.get(w.party)
            ctx = Context(self.programme.id, w.party, f"{w.party}-{day.isoformat()}")
            public, opening = commit(
                items,
                counts,
                ctx,
                list(w.plan.sites),
                w.plan.region_size,
                self.drbg.stream(f"escrow/{w.party}"),
                supersedes=None if prev is None else prev[0].index,
            )
            ref, _ = ledger.issue(self.keys.states[w.party], COMMIT_TYPE, public.to_json(), t)
            self.commits[w.party] = (ref, public, opening, RevealState(public))
            values = _values(counts)
            contrib = self.drbg.stream(f"contrib/{w.party}").random(32)
            contribs[w.party] = contrib
            agg = S.DeclarationAggregates(
                round=r,
                date=day.isoformat(),
                declaration=ctx.declaration,
                commit=ref,
                values=values,
                selection_commitment=commitment(w.party, contrib).hex(),
            )
            aref, _ = ledger.issue(self.keys.states[w.party], "declaration.aggregates", agg, t)
            self.aggregate_refs.append(aref)
            _state_count_rows(self.result, r, day, w.party, aref, values)
            self.aggregate_rows += [
                {
                    "date": day.isoformat(),
                    "party": w.party,
                    "category": c,
                    "value": v,
                    "source": f"log {aref.index}",
                }
                for c, v in values.items()
            ]
        note = ledger.flush(midnight(day) + dt.timedelta(hours=1))
        return note, contribs

    def _selection(
        self, ledger: Ledger, r: int, note: str, contribs: dict[str, bytes], mine: bytes
    ) -> dict[str, tuple[S.LogRef, list[str]]]:
        day = self.rounds[r]
        tm = midnight(day) + dt.timedelta(days=1)
        t = iso(tm)
        out = {}
        n_parties = len(self.parties)
        aggs = self.aggregate_refs[-n_parties:]
        for w, aref in zip(self.worlds, aggs, strict=True):
            cref, _ = ledger.issue(
                self.keys.states[w.party],
                "declaration.contribution",
                S.SelectionContribution(round=r, aggregates=aref, reveal=contribs[w.party].hex()),
                t,
            )
            record = make_record(
                population_list(list(w.plan.sites)),
                w.plan.sites_per_round,
                note,
                commitments={
                    S.INSPECTORATE: commitment(S.INSPECTORATE, mine),
                    w.party: commitment(w.party, contribs[w.party]),
                },
                reveals={S.INSPECTORATE: mine, w.party: contribs[w.party]},
                key=self.keys.log.verifier_key(),
                min_tree_size=aref.index + 1,
            )
            dref = self.commits[w.party][0]
            sel = S.InspectionSelection(
                round=r,
                party=w.party,
                declaration=dref,
                aggregates=aref,
                contribution=cref,
                record=record,
            )
            sref, _ = ledger.issue(self.keys.inspectorate, "inspection.selection", sel, t)
            out[w.party] = (sref, [str(s) for s in record["selected"]])
        self._evaluation(ledger, r, t)
        ledger.flush(tm)
        return out

    def _evaluation(self, ledger: Ledger, r: int, t: str) -> None:
        day = self.rounds[r]
        frame = load_declarations(pd.DataFrame(self.aggregate_rows), programme=self.programme)
        res = evaluate(self.programme, frame, as_of=day)
        f = res.findings
        f = f[pd.to_datetime(f["date"]).dt.date == day]
        rows = []
        for rec in f.to_dict("records"):
            row = (
                str(rec["party"]),
                str(rec["obligation"]),
                str(rec["phase"]),
                str(rec["category"]),
                str(rec["status"]),
                _num(rec["limit"]),
                _num(rec["value"]),
            )
            rows.append(row)
            self.result.verdicts.append(
                dict(
                    zip(
                        ("round", "date", *S.VERDICT_COLUMNS),
                        (r, day.isoformat(), *row),
                        strict=True,
                    )
                )
            )
        payload = S.ProgrammeEvaluation(
            round=r,
            date=day.isoformat(),
            aggregates=tuple(self.aggregate_refs),
            verdicts=tuple(rows),
        )
        ledger.issue(self.keys.inspectorate, "programme.evaluation", payload, t)

    def _inspection(
        self, ledger: Ledger, r: int, selections: dict[str, tuple[S.LogRef, list[str]]]
    ) -> None:
        day = self.rounds[r]
        tm = midnight(day) + dt.timedelta(days=14)
        t = iso(tm)
        for w in self.worlds:
            sref, sites = selections[w.party]
            cref, _, opening, state = self.commits[w.party]
            phys = self.timeline[w.party][r].physical
            inspected = []
            for site in sites:
                parts = make_reveals(opening, RevealKind.REGION, target=site)
                idx = []
                for p in parts:
                    payload = {
                        "declaration": {"index": cref.index, "hash": cref.hash},
                        **p.to_json(),
                    }
                    ref, _ = ledger.issue(self.keys.states[w.party], REVEAL_TYPE, payload, t)
                    state.apply(p, ref.index)
                    idx.append(ref.index)
                found = tuple(
                    S.FoundItem(id=x.id, category=x.category, tag=x.tag)
                    for x in sorted(phys.get(site, []), key=lambda x: x.id)
                )
                inspected.append(S.SiteInspection(site=site, reveals=tuple(idx), found=found))
            result = S.InspectionResult(
                round=r, party=w.party, date=day.isoformat(), selection=sref, sites=tuple(inspected)
            )
            rref, _ = ledger.issue(self.keys.inspectorate, "inspection.result", result, t)
            view = DeclarationView(cref.index, state.items(), dict(state.regions), state.complete)
            plan = self.plan_figures[w.party]
            for si in inspected:
                derived = site_findings(view, si.site, si.found, self.custody, rref.index)
                self.result.inspections.append(
                    {
                        "round": r,
                        "date": day.isoformat(),
                        "party": w.party,
                        "site": si.site,
                        "items_found": len(si.found),
                        "findings": len(derived),
                        "selection_index": sref.index,
                        "result_index": rref.index,
                        "p_detect_round_1_site": plan.detection[0].p_round,
                    }
                )
                for f in derived:
                    key = (w.party, f.kind, f.code, f.item)
                    if key in self.issued:
                        continue  # found again at a later inspection: logged once
                    self.issued.add(key)
                    self._finding(ledger, r, w.party, f, t, plan.detection[0].p_cumulative)
        ledger.flush(tm)

    # -- run ---------------------------------------------------------------------------------
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
                f"detects the goal diversion ({det['balance_goal_kg']:.1f} kg over "
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


def _values(counts: dict[str, int]) -> dict[str, float]:
    from disarm.demo.world import PU_PER_WARHEAD_KG as PU

    def n(*cats: str) -> float:
        return float(sum(counts.get(c, 0) for c in cats))

    values = {cat: n(*parts) for cat, parts in S.ITEM_BACKED.items()}
    live = values["total_inventory"]
    values.update(
        {
            "deployed_nonstrategic": 0.0,
            "alert_warheads": 0.0,
            "hosted_abroad": 0.0,
            "nfu_nsa_declared": 1.0,
            "stored_warheads_unmonitored": 0.0,
            "fissile_weapon_usable_unsafeguarded": round(live * PU / 1000.0, 6),
            "dismantled_material_unverified": 0.0,
            "weapons_facilities_operating": 1.0 if live > 0 else 0.0,
            "fissile_production_weapons": 0.0,
            "nuclear_explosive_tests": 0.0,
        }
    )
    return values


def _limit_on(steps: list[tuple[dt.date, float]], day: dt.date) -> float | None:
    current: float | None = None
    for start, limit in steps:
        if start <= day:
            current = limit
    return None if current is None or not math.isfinite(current) else current


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if not math.isfinite(f) else f


def run_regime(out: Path, config: RegimeConfig, progress: Progress | None = None) -> RegimeResult:
    """Run the whole regime into `out` (which should be empty); return its figures."""
    return Regime(out, config, progress or (lambda _s, _n: None)).run()
