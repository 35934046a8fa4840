"""Re-check a demo directory offline: every signature, the Merkle tree and checkpoints, witness
quorums, the escrow, selections, custody, verdicts and the published files, from the log and
the trusted public keys alone.

One small check per concern behind one protocol (`Check`); `run_checks` runs them in order and
stops at the first disagreement, which names the file, log entry and byte where it can.
"""

from disarm.audit.context import AuditContext, CosignedNote
from disarm.audit.model import Check, CheckResult, Disagreement, Mismatch, Status
from disarm.audit.runner import AuditReport, run_checks
from disarm.audit.trust import KeySource, Trust

__all__ = [
    "AuditContext",
    "AuditReport",
    "Check",
    "CheckResult",
    "CosignedNote",
    "Disagreement",
    "KeySource",
    "Mismatch",
    "Status",
    "Trust",
    "run_checks",
]
