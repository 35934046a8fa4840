"""Declarations' public aggregates and the random selections of every round.

* `AggregatesCheck`: every `declaration.aggregates` names the same state's `declaration.commit`
  (index and hash), for the same declaration id, and each item-backed category equals the sum
  of the commit's public counts (which the escrow check tied to the Pedersen commitments); a
  declaration made on the deadline of a phase in COMPLETE_REVEAL_PHASES is revealed completely.
* `SelectionCheck`: every `inspection.selection` record re-derives (`verify_selection` with the
  trusted log key and the tree size right after the declaration); its checkpoint is one the log
  stored and the witnesses cosigned; its population is the declaration's sites; its
  contributions are the inspectorate's (committed in the round's `inspection.plan`) and the
  state's (committed in its aggregates, revealed in its `declaration.contribution`).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult
from disarm.audit.policy import payload
from disarm.audit.statement_checks import fail_at
from disarm.crypto.escrow import COMMIT_TYPE
from disarm.demo import statements as demo
from disarm.errors import BadInput, VerificationError
from disarm.inspect.record import verify_selection
from disarm.stats.sampling import combined_nondetection, nondetection_exact
from disarm.tlog.note import split_note

__all__ = ["AggregatesCheck", "PlanCheck", "SelectionCheck", "resolve"]


def resolve(ctx: AuditContext, at: int, ref: Any, type_: str, issuer: str | None, what: str) -> int:
    """Check that `ref` (a LogRef in the statement at `at`) names an earlier statement of
    `type_` by `issuer` with that hash; return its index."""
    statements = ctx.facts.setdefault("statement_at", dict(ctx.statements))
    target = statements.get(ref.index)
    if ref.index >= at or target is None:
        raise fail_at(ctx, at, f"{what} names log entry {ref.index}, not an earlier statement")
    if target.hash != ref.hash:
        raise fail_at(
            ctx,
            at,
            f"{what} names log entry {ref.index} with another hash",
            expected=ref.hash,
            computed=target.hash,
        )
    st = target.statement
    if st.type != type_ or (issuer is not None and st.issuer != issuer):
        raise fail_at(
            ctx,
            at,
            f"{what} names log entry {ref.index}, which is not a {type_} of {issuer}",
            expected=f"{type_} by {issuer}",
            computed=f"{st.type} by {st.issuer}",
        )
    return int(ref.index)


def _indexes(ctx: AuditContext, type_: str) -> list[int]:
    by_type: dict[str, list[int]] = ctx.facts["by_type"]
    return by_type.get(type_, [])


class AggregatesCheck:
    name = "aggregates"
    title = "declared aggregates against the committed public counts"

    def run(self, ctx: AuditContext) -> CheckResult:
        escrow = ctx.escrow
        assert escrow is not None
        scenario = ctx.facts["scenario"]
        statements = dict(ctx.statements)
        aggregates: dict[int, Any] = {}
        values = 0
        complete = 0
        phases = {ph.id: ph.deadline.isoformat() for ph in ctx.facts["programme"].phases}
        wanted = demo.COMPLETE_REVEAL_PHASES
        complete_on = {phases[p]: p for p in wanted if p in phases}
        for index in _indexes(ctx, "declaration.aggregates"):
            agg = payload(ctx, index)
            party = statements[index].statement.issuer
            commit = resolve(ctx, index, agg.commit, COMMIT_TYPE, party, "the aggregates")
            record = escrow.declarations[commit]
            if record.public.context.declaration != agg.declaration:
                raise fail_at(
                    ctx,
                    index,
                    "the aggregates name another declaration id than the commit",
                    expected=record.public.context.declaration,
                    computed=agg.declaration,
                )
            if not 0 <= agg.round < len(scenario.rounds):
                raise fail_at(ctx, index, f"round {agg.round} is not a round of the scenario")
            counts = record.public.counts
            for category, parts in demo.ITEM_BACKED.items():
                if category not in agg.values:
                    continue
                derived = float(sum(counts.get(c, 0) for c in parts))
                if agg.values[category] != derived:
                    raise fail_at(
                        ctx,
                        index,
                        f"declared {category} is not the sum of the committed counts of "
                        f"{', '.join(parts)} (log entry {commit})",
                        expected=agg.values[category],
                        computed=derived,
                    )
                values += 1
            aggregates[index] = agg
            if agg.date in complete_on and not record.state.complete:
                raise fail_at(
                    ctx,
                    commit,
                    f"the declaration of the {complete_on[agg.date]} deadline "
                    "was not revealed completely",
                    expected=sorted(record.public.layout.regions),
                    computed=sorted(record.state.regions),
                )
            complete += agg.date in complete_on
        ctx.facts["aggregates"] = aggregates
        return CheckResult(
            self.name,
            self.title,
            checked=len(aggregates),
            unit="declarations",
            figures={"item_backed_values": values, "completely_revealed": complete},
        )


class SelectionCheck:
    name = "selections"
    title = "every random selection re-derived from its committed contributions"

    def run(self, ctx: AuditContext) -> CheckResult:
        escrow = ctx.escrow
        assert escrow is not None
        statements = dict(ctx.statements)
        states = ctx.facts["states"]
        plans = {
            payload(ctx, i).round: (i, payload(ctx, i)) for i in _indexes(ctx, "inspection.plan")
        }
        history = {n: i for i, n in enumerate(ctx.store.checkpoints())}
        cosigned = set()
        for note in ctx.cosigned:
            text, _ = split_note(note.text)
            cosigned.add(text)
        log_key = ctx.trust.log_key.key_string()
        selected: dict[int, tuple[str, list[str], int]] = {}
        for index in _indexes(ctx, "inspection.selection"):
            sel = payload(ctx, index)
            decl = resolve(ctx, index, sel.declaration, COMMIT_TYPE, sel.party, "the selection")
            agg_at = resolve(
                ctx, index, sel.aggregates, "declaration.aggregates", sel.party, "the selection"
            )
            contrib_at = resolve(
                ctx, index, sel.contribution, "declaration.contribution", sel.party, "the selection"
            )
            agg, contrib = payload(ctx, agg_at), payload(ctx, contrib_at)
            if agg.commit.index != decl or contrib.aggregates.index != agg_at:
                raise fail_at(
                    ctx,
                    index,
                    "the selection's declaration, aggregates and contribution are not one chain",
                )
            try:
                recomputed = verify_selection(
                    sel.record, trusted_key=log_key, min_tree_size=agg_at + 1
                )
            except (VerificationError, BadInput) as exc:
                raise fail_at(
                    ctx,
                    index,
                    exc.message,
                    expected=getattr(exc, "expected", None),
                    computed=getattr(exc, "computed", None),
                ) from exc
            note = sel.record["checkpoint"]["note"]
            if note not in history:
                raise fail_at(ctx, index, "the selection's checkpoint is not one the log stored")
            if split_note(note)[0] not in cosigned:
                raise fail_at(ctx, index, "the selection's checkpoint was not cosigned")
            seeded = int(sel.record["checkpoint"]["tree_size"])
            if not agg_at < seeded <= contrib_at:
                raise fail_at(
                    ctx,
                    index,
                    "the state's contribution was not revealed after the checkpoint "
                    "that covers its declaration",
                    expected=f"aggregates {agg_at} < tree size <= contribution {contrib_at}",
                    computed=seeded,
                )
            regions = list(escrow.declarations[decl].public.layout.regions)
            population = sel.record["population"].get("items")
            if population != regions:
                raise fail_at(
                    ctx,
                    index,
                    "the population is not the declaration's sites",
                    expected=regions,
                    computed=population,
                )
            plan = states.get(sel.party)
            if plan is None:
                raise fail_at(ctx, index, f"{sel.party} is not a state of the scenario")
            k = min(plan.sites_per_round, len(regions))
            if sel.record["k"] != k:
                raise fail_at(
                    ctx,
                    index,
                    "the selection draws another number of sites than the state's plan",
                    expected=k,
                    computed=sel.record["k"],
                )
            contributions = {c["party"]: c for c in sel.record["contributions"]}
            if sorted(contributions) != sorted({demo.INSPECTORATE, sel.party}):
                raise fail_at(
                    ctx,
                    index,
                    "the contributions are not the inspectorate's and the state's",
                    computed=sorted(contributions),
                )
            if sel.round not in plans:
                raise fail_at(ctx, index, f"round {sel.round} has no inspection.plan")
            plan_at, round_plan = plans[sel.round]
            if plan_at > index:
                raise fail_at(ctx, index, "the round's inspection.plan comes after the selection")
            pairs = (
                (demo.INSPECTORATE, "commitment", round_plan.selection_commitment, "plan"),
                (sel.party, "commitment", agg.selection_commitment, "aggregates"),
                (sel.party, "reveal", contrib.reveal, "contribution"),
            )
            for party, field, logged, where in pairs:
                if contributions[party][field] != logged:
                    raise fail_at(
                        ctx,
                        index,
                        f"the {party} {field} differs from the one in its {where}",
                        expected=logged,
                        computed=contributions[party][field],
                    )
            if statements[contrib_at].statement.issuer != sel.party:
                raise fail_at(ctx, index, "the contribution is not the state's")
            selected[index] = (sel.party, list(recomputed["selected"]), decl)
        ctx.facts["selected"] = selected
        return CheckResult(
            self.name,
            self.title,
            checked=len(selected),
            unit="selections",
            figures={"sites_selected": sum(len(s[1]) for s in selected.values())},
        )


class PlanCheck:
    name = "plans"
    title = "detection probabilities stated before each round's selection"

    def run(self, ctx: AuditContext) -> CheckResult:
        states = ctx.facts["states"]
        scenario = ctx.facts["scenario"]
        statements = dict(ctx.statements)
        figures = 0
        indexes = _indexes(ctx, "inspection.plan")
        campaign = (len(scenario.rounds) - 1) * (6 // scenario.balance.period_months)
        for index in indexes:
            plan = payload(ctx, index)
            if statements[index].statement.issuer != demo.INSPECTORATE:
                raise fail_at(ctx, index, "an inspection plan not issued by the inspectorate")
            if (
                not 0 <= plan.round < len(scenario.rounds)
                or plan.date != scenario.rounds[plan.round]
            ):
                raise fail_at(
                    ctx, index, f"round {plan.round} ({plan.date}) is not a round of the scenario"
                )
            if sorted(s.party for s in plan.states) != sorted(states):
                raise fail_at(ctx, index, "the plan does not cover every state")
            for s in plan.states:
                sites = len(states[s.party].sites)
                k = states[s.party].sites_per_round
                if s.balance_periods != campaign:
                    raise fail_at(
                        ctx,
                        index,
                        f"{s.party}: the plan's balance periods are not the campaign's",
                        expected=campaign,
                        computed=s.balance_periods,
                    )
                if (s.population, s.sites) != (sites, k):
                    raise fail_at(
                        ctx,
                        index,
                        f"{s.party}: the plan's sites are not the scenario's",
                        expected=[sites, k],
                        computed=[s.population, s.sites],
                    )
                for det in s.detection:
                    d = det.defective_sites
                    beta = nondetection_exact(sites, d, k) if d <= sites else Fraction(0)
                    cum = combined_nondetection([beta] * (plan.round + 1))
                    for what, stated, exact in (
                        ("per round", det.p_round, float(1 - beta)),
                        ("cumulative", det.p_cumulative, float(1 - cum)),
                    ):
                        if stated != exact:
                            raise fail_at(
                                ctx,
                                index,
                                f"{s.party}: the {what} detection probability for {d} "
                                "site(s) is not the hypergeometric one",
                                expected=stated,
                                computed=exact,
                            )
                        figures += 1
        self._every_round(ctx, indexes, scenario.rounds)
        return CheckResult(
            self.name,
            self.title,
            checked=len(indexes),
            unit="plans",
            figures={"probabilities": figures, "rounds": len(scenario.rounds)},
        )

    def _every_round(self, ctx: AuditContext, indexes: list[int], rounds: tuple[str, ...]) -> None:
        """Each round of the scenario has exactly one plan, so a log that ends before the
        scenario does (a rollback to an earlier checkpoint, which erases the later rounds and
        their findings) fails here even when the verifier kept no checkpoint of its own."""
        seen: dict[int, int] = {}
        for index in indexes:
            r = payload(ctx, index).round
            if r in seen:
                raise fail_at(ctx, index, f"round {r} has a second inspection plan")
            seen[r] = index
        missing = [r for r in range(len(rounds)) if r not in seen]
        if missing:
            first = missing[0]
            raise fail_at(
                ctx,
                ctx.statements[-1][0],
                f"the scenario has {len(rounds)} rounds, but round {first} ({rounds[first]}) and "
                f"{len(missing) - 1} more have no inspection plan: the log ends before the "
                "scenario does (a rollback erases the later rounds and their findings)",
                expected=len(rounds),
                computed=len(seen),
            )
