"""The four batches of a round (accounting, declarations, selection, inspection).

`RoundSteps` is mixed into `disarm.demo.regime.Regime`, which sets every attribute declared
here; the statements and their order are those of `disarm.demo.statements`.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pandas as pd

from disarm.crypto.commitments import Context, Item
from disarm.crypto.continuity import DeclarationView
from disarm.crypto.escrow import COMMIT_TYPE, REVEAL_TYPE, EscrowOpening, PublicPart, commit
from disarm.crypto.reveal import RevealKind, RevealState, make_reveals
from disarm.demo import balance as bal
from disarm.demo import statements as S
from disarm.demo.derive import CustodyChecker, CustodyIndex, DerivedFinding, site_findings
from disarm.demo.drbg import Drbg
from disarm.demo.ledger import Ledger, iso
from disarm.demo.model import RegimeResult
from disarm.demo.timeline import RoundState, midnight
from disarm.demo.world import (
    StateWorld,
)
from disarm.inspect.commit_reveal import commitment
from disarm.inspect.record import make_record
from disarm.inspect.selection import population_list
from disarm.rules import evaluate, load_declarations
from disarm.stats.sampling import combined_nondetection, nondetection_exact

if TYPE_CHECKING:
    from disarm.demo.regime import Keys


class RoundSteps:
    """The steps of one round; state lives on the `Regime` that mixes this in."""

    programme: Any
    parties: tuple[str, ...]
    rounds: list[dt.date]
    drbg: Drbg
    keys: Keys
    worlds: list[StateWorld]
    timeline: dict[str, list[RoundState]]
    design: S.BalanceDesign
    facilities: dict[str, bal.Facility]
    h_campaign: float
    detection_run: dict[str, float | None]
    result: RegimeResult
    custody: CustodyIndex
    checkers: dict[str, CustodyChecker]
    custody_refs: dict[str, list[int]]
    custody_seen: set[tuple[str, str, str]]
    issued: set[tuple[str, str, str, str]]
    commits: dict[str, tuple[S.LogRef, PublicPart, EscrowOpening, RevealState]]
    aggregate_refs: list[S.LogRef]
    aggregate_rows: list[dict[str, Any]]
    balance_refs: dict[str, list[int]]
    balance_alarmed: set[str]
    plan_ref: S.LogRef | None
    plan_figures: dict[str, S.StateInspectionPlan]
    nondetect: dict[str, list[Fraction]]
    audit_dates: frozenset[dt.date]

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
                f"Page's test on SITMUF over periods 1-{n} of {fac.area} exceeds "
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
        if day in self.audit_dates:
            self._complete_reveal(ledger, t)
        ledger.flush(tm)

    def _complete_reveal(self, ledger: Ledger, t: str) -> None:
        """The complete audit a phase calls for: every state opens every region not yet open.

        Logged after the round's results and findings, so the inspections above are judged on
        the site reveals alone (as a verifier re-derives them).
        """
        for w in self.worlds:
            cref, _, opening, state = self.commits[w.party]
            for site in w.plan.sites:
                if site in state.regions:
                    continue
                for p in make_reveals(opening, RevealKind.REGION, target=site):
                    payload = {
                        "declaration": {"index": cref.index, "hash": cref.hash},
                        **p.to_json(),
                    }
                    ref, _ = ledger.issue(self.keys.states[w.party], REVEAL_TYPE, payload, t)
                    state.apply(p, ref.index)
            assert state.complete

    # -- run ---------------------------------------------------------------------------------


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


def _values(counts: dict[str, int]) -> dict[str, float]:
    """A declaration's aggregate values, keyed in `S.DECLARATION_CATEGORIES` order."""
    from disarm.demo.world import PU_PER_WARHEAD_KG as PU

    def n(*cats: str) -> float:
        return float(sum(counts.get(c, 0) for c in cats))

    backed = {cat: n(*parts) for cat, parts in S.ITEM_BACKED.items()}
    live = backed["total_inventory"]
    scenario = {
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
    return {**backed, **{cat: scenario[cat] for cat in S.SCENARIO_VALUED}}


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if not math.isfinite(f) else f
