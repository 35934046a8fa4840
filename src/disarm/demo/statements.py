"""The demo's log format: payload models of every statement type `disarm demo` logs, and DIR.

This module is the contract between `disarm demo` (the writer) and `disarm verify DIR` (the
offline verifier). Every payload below is the `payload` of a signed statement
(`disarm.crypto.statements`, envelope `disarm.statement/v1`) appended to the transparency log in
DIR/log. The log and the public key files in DIR/keys are all a verifier needs: private keys
are never written, escrow openings never leave the simulated states, and the demo's seed is not
in the log (knowing it would reveal every salt).

Statement types, their issuers and the order within a round (one round = one reporting date,
every six months from entry into force, after the model programme's rule R1.1):

=========================  ============  ===================================================
type                       issuer        payload model
=========================  ============  ===================================================
registry.genesis           inspectorate  (disarm.crypto.registry) trust anchor
registry.register          inspectorate  (disarm.crypto.registry) states and witnesses
programme.publish          inspectorate  `ProgrammePublish`
programme.scenario         inspectorate  `ScenarioPublish`
custody.event              inspectorate  `CustodyEvents`
inspection.balance         inspectorate  `BalanceReport`
inspection.plan            inspectorate  `InspectionPlan`
declaration.commit         state         (disarm.crypto.escrow.PublicPart.to_json)
declaration.aggregates     state         `DeclarationAggregates`
declaration.contribution   state         `SelectionContribution`
inspection.selection       inspectorate  `InspectionSelection`
programme.evaluation       inspectorate  `ProgrammeEvaluation`
declaration.reveal         state         (disarm.service.escrow.reveal: declaration ref + Reveal)
inspection.result          inspectorate  `InspectionResult`
finding.issued             inspectorate  `FindingIssued`
=========================  ============  ===================================================

Batches of a round (each batch is appended atomically and gets one log-signed checkpoint, which
both witnesses cosign after checking a consistency proof from the previous one):

1. *accounting* (round date 00:00 UTC): `custody.event` (the chain of custody since the last
   round), `inspection.balance` (the balance periods that ended), `finding.issued` for balance
   alarms, and `inspection.plan` (the inspectorate's selection commitment and the detection
   probabilities of the plan, stated before any selection);
2. *declarations* (01:00): every state's `declaration.commit` and `declaration.aggregates`
   (with its own selection commitment). The checkpoint signed after this batch seeds the
   round's selections;
3. *selection* (round date + 1 day): each state's `declaration.contribution`, one
   `inspection.selection` per state, the round's `programme.evaluation`;
4. *inspection* (round date + 14 days): the states' `declaration.reveal` of the selected
   sites, `inspection.result` per state (items found and the tags read on them), and a
   `finding.issued` per violation found. On the deadline of each phase in
   COMPLETE_REVEAL_PHASES (P3, the "complete audit" its rule R3.3 cites, and P5, the final
   declaration) the batch ends with every state's `declaration.reveal` of every region not
   yet opened, so the round's declarations become fully revealed (after the results, which
   are judged on the site reveals alone).

Round 0 is preceded by a *setup* batch: genesis, registrations, `programme.publish`,
`programme.scenario`.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Version of this format; in `ScenarioPublish.format`. Bumped on any incompatible change.
DEMO_FORMAT: Final = "disarm-demo/1"

# ------------------------------------------------------------------------------ DIR layout
#: The transparency log (disarm.store directory backend, tlog-tiles); its `checkpoint` and
#: `checkpoints` files hold the log-signed checkpoints.
LOG_DIR: Final = "log"
#: Public keys (nothing secret): the trust anchor and the note verifier keys.
KEYS_DIR: Final = "keys"
#: Hex of the inspectorate's Ed25519 genesis public key: the registry's trust anchor.
TRUST_ANCHOR_FILE: Final = "keys/inspectorate.pub"
#: The log's note verifier key (C2SP signed-note vkey, Ed25519), one line.
LOG_KEY_FILE: Final = "keys/log.vkey"
#: Witness cosignature verifier keys (C2SP, type 0x04), one file per witness.
WITNESS_KEY_FILES: Final = ("keys/witness-1.vkey", "keys/witness-2.vkey")
#: Witness cosignatures required on every checkpoint.
WITNESS_QUORUM: Final = 2
#: Every checkpoint with both witness cosignatures: checkpoints/<tree size, 12 digits>.note.
COSIGNED_DIR: Final = "checkpoints"
#: The final cosigned checkpoint (a copy of the last file of COSIGNED_DIR).
FINAL_CHECKPOINT_FILE: Final = "checkpoint.cosigned"
#: Human report and machine-readable findings (derived from the log; not trusted input).
REPORT_FILE: Final = "report.html"
FINDINGS_FILE: Final = "findings.json"
#: Open-data CSVs of every public figure (derived from the log).
DATA_DIR: Final = "data"
CSV_FILES: Final = (
    "data/declarations.csv",  # date, party, category, value, aggregates log index
    "data/verdicts.csv",  # date, party, obligation, phase, category, status, limit, value
    "data/inspections.csv",  # round, date, party, site, items found, selection/result index
    "data/balances.csv",  # party, period, start, end, muf, sigma_muf, sitmuf, page, alarm
    "data/findings.csv",  # kind, party, date, item, log index, message
)
#: Files of the New START part of the demo (issue 2), unchanged.
NEW_START_FILES: Final = (
    "new-start-report.html",
    "new-start-verdicts.json",
    "model-report.html",
    "model-schedule.json",
    "model-schedule.csv",
)
#: Phases on whose deadline every declaration is revealed completely (see batch 4 above).
COMPLETE_REVEAL_PHASES: Final = ("P3", "P5")
#: Party ids.
INSPECTORATE: Final = "inspectorate"
WITNESSES: Final = ("witness-1", "witness-2")
#: The log's origin line (C2SP checkpoint origin).
LOG_ORIGIN: Final = "disarm.example/demo-log"

# ------------------------------------------------------------------------------ items
#: Item categories of the escrowed declarations (`Item.category`; `Item.status` is equal to
#: the category). Only "dismantled" is terminal (disarm.crypto.continuity.TERMINAL).
ITEM_CATEGORIES: Final = ("deployed", "stored", "retired", "disabled", "dismantled")
LIVE_CATEGORIES: Final = ("deployed", "stored", "retired", "disabled")

#: Programme categories whose declared value a verifier re-derives from the public counts of
#: the declaration.commit the aggregates name (sum of the listed item categories). The other
#: categories are scenario values (see `ScenarioPublish.scenario_rules`).
ITEM_BACKED: Final[dict[str, tuple[str, ...]]] = {
    "total_inventory": LIVE_CATEGORIES,
    "deployed_total": ("deployed",),
    "warheads_mated": ("deployed",),
    "launchers": ("deployed",),  # scenario: one launcher per deployed warhead
    "warheads_not_disabled": ("deployed", "stored", "retired"),
    "intact_pits": LIVE_CATEGORIES,
}
#: Programme categories whose declared value is a scenario value, not derived from items.
SCENARIO_VALUED: Final = (
    "deployed_nonstrategic",
    "alert_warheads",
    "hosted_abroad",
    "nfu_nsa_declared",
    "stored_warheads_unmonitored",
    "fissile_weapon_usable_unsafeguarded",
    "dismantled_material_unverified",
    "weapons_facilities_operating",
    "fissile_production_weapons",
    "nuclear_explosive_tests",
)
#: Every category a `declaration.aggregates` statement declares, in the order in which
#: data/declarations.csv lists them for one declaration (the logged aggregates are canonical
#: JSON with sorted keys, so a verifier rebuilding the CSV from the log takes the order from
#: here): the item-backed categories, then the scenario-valued ones.
DECLARATION_CATEGORIES: Final = (*ITEM_BACKED, *SCENARIO_VALUED)

# ------------------------------------------------------------------------------ common


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LogRef(_Model):
    """A reference to a log entry: its index and the SHA-256 (hex) of its bytes."""

    index: int = Field(ge=0)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class Evidence(_Model):
    """One log entry a finding rests on, and its role in the argument."""

    index: int = Field(ge=0)
    role: str


# ------------------------------------------------------------------------------ programme


class ProgrammePublish(_Model):
    """programme.publish -- issued by the inspectorate once, in the setup batch.

    The full text of the programme (the bundled `model` YAML), so that the log alone defines
    the rules. A verifier checks `sha256` against `text`, loads the text with
    `disarm.rules.loader` and uses it to re-evaluate every `programme.evaluation`.
    """

    programme: str
    title: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    text: str


class BaselineEstimate(_Model):
    """A published estimate used as a baseline (labelled, with source); never a declaration."""

    party: str
    category: str
    value: float
    label: str  # e.g. "SIPRI 2024 estimate (central value)"


class BalancePoint(_Model):
    """A key measurement point of a dismantlement facility's material balance area.

    `random` and `systematic` are relative standard deviations (the multiplicative error model
    of disarm.stats.mua). kind is input, output or inventory.
    """

    name: str
    kind: Literal["input", "output", "inventory"]
    random: float = Field(ge=0)
    systematic: float = Field(ge=0)


class BalanceDesign(_Model):
    """How every facility's balance is evaluated (the parameters of disarm.stats.mua.evaluate).

    Balance periods of `period_months` months, each `period_length` samples (measurement
    batches); systematic errors recalibrated every `calibration_length` samples. Page's
    threshold h is chosen once for the whole campaign (every balance period of the run:
    2 per round after round 0) by simulation for false-alarm probability `alpha`:
    page_threshold(k, periods, alpha, iterations, rng=default_rng(SeedSequence(mc_seed)
    .spawn(2)[0])), which is what disarm.stats.mua.evaluate computes for that many periods.
    Every round's evaluation of the periods so far uses that h (evaluate(..., h=h)).
    """

    unit: Literal["kg"] = "kg"
    period_months: int = Field(ge=1)
    period_length: int = Field(ge=1)
    calibration_length: int = Field(ge=1)
    points: tuple[BalancePoint, ...]
    alpha: float = Field(gt=0, lt=1)
    k: float = Field(gt=0)
    iterations: int = Field(ge=100)
    mc_seed: int = Field(ge=0)
    plutonium_per_warhead_kg: float = Field(gt=0)


class StatePlan(_Model):
    """One state party's public plan: sites (escrow regions), facility, capacity."""

    party: str
    name: str
    sites: tuple[str, ...]  # storage sites and bases: the regions of its declarations
    facility: str  # the dismantlement facility (a material balance area; not a region)
    region_size: int = Field(ge=1)  # leaves per region in every declaration (padding)
    capacity_per_year: int = Field(ge=0)  # stated dismantlement capacity, warheads per year
    sites_per_round: int = Field(ge=1)  # sites inspected per round (selected at random)


class ScenarioPublish(_Model):
    """programme.scenario -- issued by the inspectorate once, in the setup batch.

    The public parameters of the regime: entry into force, the round dates, the baselines
    (published estimates, labelled), each state's sites and stated capacity, the balance
    design, and `scale` (1.0 = real inventory sizes; smaller values scale every inventory down
    for quick runs, documented in docs/demo.md). A verifier uses the round dates to check the
    order of statements, the sites to check selections' populations, and the balance design
    to re-derive every balance evaluation. `scenario_rules` documents in words how the
    non-item-backed aggregates are set (they are scenario values, not estimates).
    """

    format: Literal["disarm-demo/1"] = "disarm-demo/1"
    programme: str
    entry_into_force: str  # ISO date
    rounds: tuple[str, ...]  # ISO dates of the reporting rounds
    scale: float = Field(gt=0, le=1)
    baseline_source: str
    baselines: tuple[BaselineEstimate, ...]
    states: tuple[StatePlan, ...]
    balance: BalanceDesign
    witnesses: tuple[str, ...]
    witness_quorum: int = Field(ge=1)
    scenario_rules: dict[str, str]
    randomness_note: str  # "seeded DRBG for reproducibility; real deployments use OS randomness"


# ------------------------------------------------------------------------------ declarations


class DeclarationAggregates(_Model):
    """declaration.aggregates -- issued by each state every round, right after its commit.

    The public aggregate numbers of the round's declaration (every programme category) and the
    state's commitment to its selection contribution (disarm.inspect.commit_reveal). A
    verifier checks that `commit` names the same state's declaration.commit logged just before,
    that every ITEM_BACKED category equals the sum of the commit's public counts, and uses
    `values` (dated `date`) as the declarations fed to the rules engine.
    """

    round: int = Field(ge=0)
    date: str  # ISO date of the declaration
    declaration: str  # the escrow declaration id (Context.declaration)
    commit: LogRef
    values: dict[str, float]
    selection_commitment: str = Field(pattern=r"^[0-9a-f]{64}$")


class SelectionContribution(_Model):
    """declaration.contribution -- issued by each state in the selection batch of a round.

    The reveal of the contribution committed in its declaration.aggregates. A verifier checks
    it against the commitment and that it is logged after the seeding checkpoint's tree.
    """

    round: int = Field(ge=0)
    aggregates: LogRef
    reveal: str = Field(pattern=r"^([0-9a-f]{2}){16,}$")


# ------------------------------------------------------------------------------ custody


#: Column order of `CustodyEvents.events` rows (disarm.inspect.custody_events.COLUMNS order).
CUSTODY_COLUMNS: Final = (
    "item",
    "time",
    "location",
    "event",
    "actor",
    "tag",
    "seal",
    "previous_seal",
    "destination",
)


class CustodyEvents(_Model):
    """custody.event -- issued by the inspectorate (it applies and reads tags and seals).

    A batch of chain-of-custody events of one state's items (IPNDV stages and tag/seal events,
    disarm.inspect.custody_events), rows in CUSTODY_COLUMNS order, times ISO 8601 UTC. A
    verifier concatenates every state's rows in log order and runs
    disarm.inspect.custody.validate_custody on them; any finding must appear as a
    `finding.issued` (and none may be invented).
    """

    party: str
    events: tuple[tuple[str, str, str, str, str, str, str, str, str], ...]


# ------------------------------------------------------------------------------ balances


class BalancePeriod(_Model):
    """The measured values of one balance period (1-based `period`).

    `flows` maps each input/output point to its `period_length` measured batch amounts;
    `closing` maps each inventory point to the measured inventory at the end of the period.
    """

    period: int = Field(ge=1)
    start: str
    end: str
    flows: dict[str, tuple[float, ...]]
    closing: dict[str, float]


class BalanceEvaluation(_Model):
    """The evaluation over every period so far (disarm.stats.mua.evaluate, h by simulation)."""

    periods: int = Field(ge=1)
    muf: tuple[float, ...]
    sigma_muf: tuple[float, ...]
    sitmuf: tuple[float, ...]
    page: tuple[float, ...]
    page_threshold: float  # the campaign's h (see BalanceDesign)
    first_alarm: int | None  # 1-based period of the first Page alarm, None if none


class BalanceReport(_Model):
    """inspection.balance -- issued by the inspectorate for each state's facility every round.

    The measured opening inventory (first report only), the periods that ended since the last
    report, and the evaluation over all periods so far. A verifier rebuilds the balance area
    from every report of the facility (the design in programme.scenario), re-runs
    disarm.stats.mua.evaluate with the campaign's h and compares MUF, sigma-MUF, SITMUF, Page
    and the alarm (to a relative tolerance of 1e-9). The first report whose evaluation has an
    alarm is followed (same batch) by one finding.issued of kind balance-alarm for the state;
    later alarms of the same facility are not logged again.
    """

    party: str
    area: str
    opening: dict[str, float] | None
    periods: tuple[BalancePeriod, ...]
    evaluation: BalanceEvaluation


# ------------------------------------------------------------------------------ inspections


class SiteDetection(_Model):
    """Detection probability of the round's site sampling, stated before the selection.

    Hypergeometric (disarm.stats.sampling): `sites` of `population` declared sites are
    inspected; if undeclared (or re-declared) items sit at `defective_sites` of them, at least
    one is visited with probability `p_round`; `p_cumulative` combines this round with the
    earlier rounds of the programme (independent selections).
    """

    defective_sites: int = Field(ge=1)
    p_round: float
    p_cumulative: float


class StateInspectionPlan(_Model):
    party: str
    population: int = Field(ge=1)  # declared sites (regions) this round
    sites: int = Field(ge=1)  # sites to inspect
    detection: tuple[SiteDetection, ...]
    # Monte Carlo (disarm.stats.mua.simulate) detection probability of Page's test on SITMUF
    # against the goal diversion, over the periods evaluated so far.
    balance_goal_kg: float
    balance_periods: int = Field(ge=0)
    balance_detection: float | None


class InspectionPlan(_Model):
    """inspection.plan -- issued by the inspectorate at the start of every round.

    The inspectorate's commitment to its selection contribution (revealed in the
    inspection.selection records) and, per state, the plan's detection probabilities, stated
    before the declarations and the selection. A verifier re-derives the probabilities
    (sampling formulas exactly; the Monte Carlo with the published seed).
    """

    round: int = Field(ge=0)
    date: str
    selection_commitment: str = Field(pattern=r"^[0-9a-f]{64}$")
    states: tuple[StateInspectionPlan, ...]


class InspectionSelection(_Model):
    """inspection.selection -- issued by the inspectorate per state in the selection batch.

    `record` is a disarm.inspect.record selection record (algorithm disarm-select-v1): the
    population is the list of site names of the state's declaration, k its sites_per_round,
    the checkpoint the log-signed checkpoint of the declarations batch (key = the log key,
    min_tree_size = aggregates index + 1), and the contributions of the inspectorate and the
    state. A verifier runs verify_selection(record, trusted_key=log key,
    min_tree_size=aggregates.index + 1), checks that the checkpoint note is one the log stored
    (and the witnesses cosigned), and that the contributions' commitments are those logged in
    the round's inspection.plan and declaration.aggregates.
    """

    round: int = Field(ge=0)
    party: str
    declaration: LogRef  # the declaration.commit
    aggregates: LogRef
    contribution: LogRef  # the state's declaration.contribution
    record: dict[str, Any]


class FoundItem(_Model):
    """An item inspectors found physically present at a site (tag: the inspectorate's tag on
    it, "" if none)."""

    id: str
    category: str
    tag: str


class SiteInspection(_Model):
    site: str
    reveals: tuple[int, ...]  # log indexes of the declaration.reveal parts opening the site
    found: tuple[FoundItem, ...]


class InspectionResult(_Model):
    """inspection.result -- issued by the inspectorate per state in the inspection batch.

    What inspectors found at each selected site. A verifier checks that the sites are the
    selection's, that the reveals open those regions of the declaration, confronts every found
    item with the openings (disarm.crypto.continuity.check_found_item) and every tag with the
    custody record, and checks that the findings so derived are exactly the `finding.issued`
    statements that cite this result.
    """

    round: int = Field(ge=0)
    party: str
    date: str
    selection: LogRef
    sites: tuple[SiteInspection, ...]


#: Kinds of `FindingIssued`.
FindingKind = Literal[
    "hidden-item",  # an item found at a fully revealed site is not in the commitment
    "misdeclared",  # an item found with other particulars than committed
    "dismantled-item-reappeared",  # a tag of an item recorded dismantled is on a live item
    "custody",  # any other validate_custody finding (code in `code`)
    "balance-alarm",  # Page's test on SITMUF exceeded its threshold
]


class FindingIssued(_Model):
    """finding.issued -- issued by the inspectorate for every violation it derives.

    `evidence` lists the log entries the finding rests on (the result, reveal, declaration,
    custody or balance entries); `plan` is the latest inspection.plan logged before the
    finding, and `stated_probability` the detection probability that plan stated for this kind
    of violation: for inspection findings its `detection[0].p_cumulative` for the state (one
    site holding the items, all rounds up to the plan's), for balance-alarm its
    `balance_detection` (Monte Carlo), for custody findings None. Inspection findings are
    logged once per (state, kind, code, item): a later inspection that finds the same thing
    again adds no statement. A verifier re-derives every finding from the evidence and
    requires the set of derived findings to equal the set logged.
    """

    kind: FindingKind
    code: str  # kind-specific code (e.g. validate_custody's code, "page-sitmuf")
    party: str
    date: str
    item: str | None
    message: str
    evidence: tuple[Evidence, ...]
    plan: LogRef | None
    stated_probability: float | None


# ------------------------------------------------------------------------------ verdicts

#: Column order of `ProgrammeEvaluation.verdicts` rows.
VERDICT_COLUMNS: Final = ("party", "obligation", "phase", "category", "status", "limit", "value")


class ProgrammeEvaluation(_Model):
    """programme.evaluation -- issued by the inspectorate in every round's selection batch.

    The rules engine's verdicts (disarm.rules.evaluate on every declaration.aggregates logged
    so far, as_of = the round date, baselines from the declarations) for the round's date,
    rows in VERDICT_COLUMNS order (limit and value None when undefined). A verifier re-runs the
    engine on the logged programme text and aggregates and compares row for row.
    """

    round: int = Field(ge=0)
    date: str
    aggregates: tuple[LogRef, ...]
    verdicts: tuple[tuple[str, str, str, str, str, float | None, float | None], ...]


#: Statement type -> payload model, for every type with a model here.
PAYLOADS: Final[dict[str, type[BaseModel]]] = {
    "programme.publish": ProgrammePublish,
    "programme.scenario": ScenarioPublish,
    "declaration.aggregates": DeclarationAggregates,
    "declaration.contribution": SelectionContribution,
    "custody.event": CustodyEvents,
    "inspection.balance": BalanceReport,
    "inspection.plan": InspectionPlan,
    "inspection.selection": InspectionSelection,
    "inspection.result": InspectionResult,
    "finding.issued": FindingIssued,
    "programme.evaluation": ProgrammeEvaluation,
}


def parse_payload(type_: str, payload: Any) -> BaseModel:
    """Validate a statement payload against its model (pydantic ValidationError if it fails)."""
    return PAYLOADS[type_].model_validate(payload)
