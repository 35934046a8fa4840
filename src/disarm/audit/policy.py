"""The demo's published policy: every payload against its model, the programme text, the
scenario (witnesses, quorum), and the cosigned checkpoint files' names and final copy."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ValidationError

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult, Mismatch
from disarm.audit.statement_checks import fail_at
from disarm.crypto.escrow import COMMIT_TYPE, REVEAL_TYPE
from disarm.crypto.registry import GENESIS, REGISTER, Registry, Role
from disarm.demo import statements as demo
from disarm.errors import BadInput
from disarm.rules.programme import Programme, parse_programme
from disarm.tlog.note import split_note

__all__ = ["CosignedFilesCheck", "PolicyCheck", "payload"]

#: Statement types whose payloads are checked by their own modules (registry, escrow).
_OTHER_TYPES = {GENESIS, REGISTER, COMMIT_TYPE, REVEAL_TYPE}


def payload(ctx: AuditContext, index: int) -> Any:
    """The validated payload model of the statement at `index` (set by `PolicyCheck`)."""
    models: dict[int, BaseModel] = ctx.facts["payloads"]
    return models.get(index)


class PolicyCheck:
    name = "policy"
    title = "payloads, published programme and scenario (witnesses, quorum)"

    def run(self, ctx: AuditContext) -> CheckResult:
        registry = ctx.require_registry()
        models: dict[int, BaseModel] = {}
        by_type: dict[str, list[int]] = {}
        for index, signed in ctx.statements:
            st = signed.statement
            by_type.setdefault(st.type, []).append(index)
            if st.type in _OTHER_TYPES:
                continue
            if st.type not in demo.PAYLOADS:
                raise fail_at(ctx, index, f"unknown statement type {st.type!r}")
            try:
                models[index] = demo.parse_payload(st.type, dict(st.payload))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise fail_at(
                    ctx,
                    index,
                    f"the {st.type} payload does not fit its model at {where}: {first['msg']}",
                ) from None
        ctx.facts["payloads"] = models
        ctx.facts["by_type"] = by_type
        genesis = ctx.statements[0][1].statement
        if genesis.issuer != demo.INSPECTORATE:
            raise fail_at(
                ctx,
                0,
                "the genesis party is not the inspectorate",
                expected=demo.INSPECTORATE,
                computed=genesis.issuer,
            )
        programme = self._programme(ctx, by_type)
        scenario = self._scenario(ctx, by_type)
        witnesses = sorted(p.id for p in registry.parties.values() if p.role is Role.WITNESS)
        if witnesses != sorted(scenario.witnesses):
            raise fail_at(
                ctx,
                by_type["programme.scenario"][0],
                "the scenario's witnesses are not the registered witnesses",
                expected=sorted(scenario.witnesses),
                computed=witnesses,
            )
        self._witness_keys(ctx, registry)
        if ctx.quorum is None:
            # The quorum is the verifier's policy, never the verified log's word: without
            # --quorum, every trusted witness must cosign (issue 14, finding 5).
            ctx.quorum = len(ctx.trust.witnesses)
            ctx.facts["quorum_from"] = "your policy: every trusted witness (no --quorum given)"
        if scenario.witness_quorum < ctx.quorum:
            ctx.facts.setdefault("warnings", []).append(
                f"the log states a witness quorum of {scenario.witness_quorum}, below your "
                f"policy's {ctx.quorum}: a reader who took the log's word would accept "
                "checkpoints fewer witnesses have seen"
            )
        return CheckResult(
            self.name,
            self.title,
            checked=len(models),
            unit="payloads",
            figures={
                "programme": programme.id,
                "rounds": len(scenario.rounds),
                "states": len(scenario.states),
                "stated_witness_quorum": scenario.witness_quorum,
                "scale": scenario.scale,
            },
        )

    def _witness_keys(self, ctx: AuditContext, registry: Registry) -> None:
        """Each witness key file holds the key of the witness it is named for, as registered
        (by the inspectorate, in the log) for that witness party."""
        files = ctx.facts.get("witness_key_files", [])
        for (path, verifier), party in zip(files, demo.WITNESSES, strict=True):
            if verifier.name != party:
                raise Mismatch(
                    "the witness key file holds another witness's key",
                    file=path,
                    expected=party,
                    computed=verifier.name,
                )
            registered = [k.public_key for k in registry.party(party).keys.values()]
            if verifier.public_key not in registered:
                raise Mismatch(
                    f"the witness key is not the key the log registers for {party}",
                    file=path,
                    expected=[k.hex() for k in registered],
                    computed=verifier.public_key.hex(),
                )
        for w in ctx.trust.witnesses:
            if w.name not in demo.WITNESSES:
                continue
            registered = [k.public_key for k in registry.party(w.name).keys.values()]
            if w.public_key not in registered:
                raise Mismatch(
                    f"the trusted key of {w.name} is not the key the log registers for it",
                    expected=[k.hex() for k in registered],
                    computed=w.public_key.hex(),
                )

    def _one(self, ctx: AuditContext, by_type: dict[str, list[int]], type_: str) -> int:
        found = by_type.get(type_, [])
        if len(found) != 1:
            where = found[1] if len(found) > 1 else ctx.statements[-1][0]
            raise fail_at(
                ctx,
                where,
                f"the log must hold exactly one {type_}",
                expected=1,
                computed=len(found),
            )
        index = found[0]
        issuer = dict(ctx.statements)[index].statement.issuer
        if issuer != demo.INSPECTORATE:
            raise fail_at(ctx, index, f"{type_} is not issued by the inspectorate")
        return index

    def _programme(self, ctx: AuditContext, by_type: dict[str, list[int]]) -> Programme:
        index = self._one(ctx, by_type, "programme.publish")
        pub = payload(ctx, index)
        digest = hashlib.sha256(pub.text.encode("utf-8")).hexdigest()
        if digest != pub.sha256:
            raise fail_at(
                ctx,
                index,
                "the programme text does not have its stated SHA-256",
                expected=pub.sha256,
                computed=digest,
            )
        try:
            programme = parse_programme(pub.text, f"log entry {index}")
        except BadInput as exc:
            raise fail_at(ctx, index, f"the programme text is invalid: {exc.message}") from exc
        if programme.id != pub.programme:
            raise fail_at(
                ctx,
                index,
                "the programme text is another programme",
                expected=pub.programme,
                computed=programme.id,
            )
        ctx.facts["programme"] = programme
        ctx.facts["programme_index"] = index
        return programme

    def _scenario(self, ctx: AuditContext, by_type: dict[str, list[int]]) -> Any:
        index = self._one(ctx, by_type, "programme.scenario")
        scenario = payload(ctx, index)
        if scenario.programme != ctx.facts["programme"].id:
            raise fail_at(
                ctx,
                index,
                "the scenario is for another programme",
                expected=ctx.facts["programme"].id,
                computed=scenario.programme,
            )
        ctx.facts["scenario"] = scenario
        ctx.facts["scenario_index"] = index
        ctx.facts["states"] = {s.party: s for s in scenario.states}
        return scenario


class CosignedFilesCheck:
    name = "cosigned-files"
    title = "cosigned checkpoint files: names and the final checkpoint"

    def run(self, ctx: AuditContext) -> CheckResult:
        for note in ctx.cosigned:
            text, _ = split_note(note.text)
            size = int(text.split("\n")[1])
            expected = f"{demo.COSIGNED_DIR}/{size:012d}.note"
            if note.path != expected:
                raise Mismatch(
                    "a cosigned checkpoint's file name is not its tree size",
                    file=note.path,
                    expected=expected,
                    computed=note.path,
                )
        final = ctx.root / demo.FINAL_CHECKPOINT_FILE
        if not ctx.cosigned:
            raise Mismatch("there is no cosigned checkpoint", file=demo.COSIGNED_DIR)
        last = ctx.cosigned[-1]
        try:
            data = final.read_bytes()
        except FileNotFoundError:
            raise Mismatch(
                "the final cosigned checkpoint is missing", file=demo.FINAL_CHECKPOINT_FILE
            ) from None
        from disarm.audit.model import compare_bytes

        compare_bytes(
            demo.FINAL_CHECKPOINT_FILE,
            data,
            last.text.encode("utf-8"),
            f"the final checkpoint (a copy of {last.path})",
        )
        ctx.covered.add(demo.FINAL_CHECKPOINT_FILE)
        return CheckResult(
            self.name,
            self.title,
            checked=len(ctx.cosigned) + 1,
            unit="files",
            figures={"final_size": ctx.checkpoints[-1].size},
        )
