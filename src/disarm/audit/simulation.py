"""The simulation-keys policy: a log whose registry holds keys derived from a seed is refused.

`disarm demo` derives every private key from its `--seed` and marks each key it registers with
``"simulation": true`` (`disarm.crypto.registry.SIMULATION`). Anyone who knows the seed can sign
as any party, the witnesses included, so two runs with one seed are a fork cosigned by both
"independent" witnesses (issue 14.6). The check refuses such a log unless the verifier passes
`--allow-simulation-keys` (to check a demo), and then warns every time.
"""

from __future__ import annotations

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult
from disarm.audit.statement_checks import fail_at
from disarm.crypto import registry as reg

__all__ = ["ALLOW_FLAG", "SimulationKeysCheck"]

ALLOW_FLAG = "--allow-simulation-keys"
_ADDS_KEY = (reg.GENESIS, reg.REGISTER, reg.ROTATE)


class SimulationKeysCheck:
    name = "simulation-keys"
    title = "no key in the registry is a simulation key (derived from a seed)"

    def __init__(self, allow: bool = False) -> None:
        self.allow = allow

    def run(self, ctx: AuditContext) -> CheckResult:
        registry = ctx.require_registry()
        marked = registry.simulation_keys()
        parties = list(dict.fromkeys(party for party, _ in marked))
        if marked and not self.allow:
            index = next(
                i
                for i, signed in ctx.statements
                if signed.statement.type in _ADDS_KEY
                and reg.simulation_marker(signed.statement.payload)
            )
            first = parties[0]
            raise fail_at(
                ctx,
                index,
                f"the registry holds simulation keys, first {first}'s "
                f"({len(marked)} keys of {len(parties)} parties: {', '.join(parties)}): they "
                "were derived from a seed, so anyone who knows it can sign as these parties; "
                f"pass {ALLOW_FLAG} to check a demo directory",
                expected="no simulation key",
                computed=f"{len(marked)} simulation keys",
            )
        if marked:
            ctx.facts.setdefault("warnings", []).append(
                f"the registry holds {len(marked)} simulation keys ({', '.join(parties)}), "
                f"accepted because of {ALLOW_FLAG}: they were derived from the demo's seed, so "
                "anyone who knows it can sign as these parties and show a fork both witnesses "
                "cosigned; this directory shows how the regime works, not that anyone signed it"
            )
        return CheckResult(
            self.name,
            self.title,
            checked=sum(len(p.keys) for p in registry.parties.values()),
            unit="keys",
            figures={"simulation_keys": len(marked), "allowed": self.allow},
        )
