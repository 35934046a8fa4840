"""Verify a directory written by `disarm demo`: its layout, the default checks, the entry point.

The layout (file names, key files, the log's place) is the demo's contract,
`disarm.demo.statements`; this module only reads it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from disarm.audit.context import AuditContext, CosignedNote
from disarm.audit.freshness import NO_TRUSTED_STATE, Memory, TrustedStateCheck
from disarm.audit.keys import KeyFiles, KeysCheck, Pins
from disarm.audit.log_checks import CheckpointCheck, CosignatureCheck, LogStorageCheck, MerkleCheck
from disarm.audit.model import Check, Mismatch
from disarm.audit.runner import AuditReport, Progress, run_checks
from disarm.audit.simulation import SimulationKeysCheck
from disarm.audit.statement_checks import EscrowCheck, StatementsCheck
from disarm.audit.trust import parse_genesis_key, parse_log_key, parse_witness_key
from disarm.demo import statements as demo
from disarm.errors import BadInput, NotFound, VerificationError

__all__ = ["default_checks", "demo_key_files", "load_cosigned", "verify_directory"]

_NOTE_NAME = re.compile(r"(\d{12})\.note", re.ASCII)


def demo_key_files() -> KeyFiles:
    return KeyFiles(
        demo.KEYS_DIR, demo.TRUST_ANCHOR_FILE, demo.LOG_KEY_FILE, tuple(demo.WITNESS_KEY_FILES)
    )


def load_cosigned(root: Path) -> list[CosignedNote]:
    """The cosigned checkpoint files, in tree-size order (names checked by their check)."""
    folder = root / demo.COSIGNED_DIR
    if not folder.is_dir():
        raise Mismatch("the cosigned checkpoints directory is missing", file=demo.COSIGNED_DIR)
    notes = []
    for path in sorted(folder.iterdir()):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or not _NOTE_NAME.fullmatch(path.name):
            raise Mismatch(
                "unexpected file among the cosigned checkpoints",
                file=rel,
                expected="<tree size, 12 digits>.note",
            )
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Mismatch("a cosigned checkpoint is not UTF-8", file=rel, byte=exc.start) from exc
        notes.append(CosignedNote(rel, text))
    return notes


def default_checks(
    pins: Pins, memory: Memory | None = None, *, allow_simulation_keys: bool = False
) -> list[Check]:
    """Every check, in the order they rely on each other (`memory`: the verifier's trusted
    state and freshness bound, checked right after the cosignatures; `allow_simulation_keys`:
    accept a registry of simulation keys, with a warning, right after the registry replay)."""
    from disarm.audit.findings import CustodyCheck, FindingsCheck, InspectionCheck
    from disarm.audit.outputs import InventoryCheck, OutputsCheck
    from disarm.audit.policy import CosignedFilesCheck, PolicyCheck
    from disarm.audit.rounds import AggregatesCheck, PlanCheck, SelectionCheck
    from disarm.audit.verdicts import BalanceCheck, VerdictCheck

    return [
        KeysCheck(demo_key_files(), pins),
        LogStorageCheck(),
        MerkleCheck(),
        CheckpointCheck(),
        StatementsCheck(),
        SimulationKeysCheck(allow_simulation_keys),
        PolicyCheck(),
        CosignatureCheck(load_cosigned),
        TrustedStateCheck(memory or Memory()),
        CosignedFilesCheck(),
        EscrowCheck(),
        AggregatesCheck(),
        PlanCheck(),
        SelectionCheck(),
        CustodyCheck(),
        InspectionCheck(),
        BalanceCheck(),
        VerdictCheck(),
        FindingsCheck(),
        OutputsCheck(),
        InventoryCheck(),
    ]


def parse_pins(genesis_key: str | None, log_key: str | None, witness_keys: Sequence[str]) -> Pins:
    """Parse the keys given on the command line (bad input if malformed)."""
    return Pins(
        None if genesis_key is None else parse_genesis_key(genesis_key, "--trust"),
        None if log_key is None else parse_log_key(log_key, "--log-key"),
        tuple(parse_witness_key(k, "--witness-key") for k in witness_keys),
    )


def _refuse_links(root: Path) -> None:
    """A verified directory holds only regular files and directories: a symbolic link could
    make a check read a file outside it (a private key as `keys/inspectorate.pub`)."""
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            if path.is_symlink():
                rel = path.relative_to(root).as_posix()
                raise VerificationError(
                    f"{rel} is a symbolic link; a verified directory holds only regular files "
                    "and directories (the link is not followed)"
                )


def verify_directory(
    root: Path,
    *,
    genesis_key: str | None = None,
    log_key: str | None = None,
    witness_keys: Sequence[str] = (),
    quorum: int | None = None,
    memory: Memory | None = None,
    progress: Progress | None = None,
    checks: Sequence[Check] | None = None,
    allow_simulation_keys: bool = False,
) -> AuditReport:
    """Run every check on `root`; the report names the first disagreement, if any.

    A registry holding simulation keys (a demo's) is a disagreement unless
    `allow_simulation_keys`, which adds a warning instead."""
    if not root.exists():
        raise NotFound(f"directory {root} does not exist")
    if not root.is_dir():
        raise BadInput(f"{root} is not a directory")
    if quorum is not None and quorum < 0:
        raise BadInput(f"--quorum {quorum} must be at least 0")
    _refuse_links(root)
    pins = parse_pins(genesis_key, log_key, witness_keys)
    if not any((root / name).exists() for name in (demo.LOG_DIR, demo.KEYS_DIR)):
        raise BadInput(
            f"{root} is not a regime directory: it has neither {demo.LOG_DIR}/ nor "
            f"{demo.KEYS_DIR}/ (disarm demo --out DIR writes one)"
        )
    with AuditContext(root, log_dir=demo.LOG_DIR, quorum=quorum) as ctx:
        report = run_checks(
            ctx,
            list(checks)
            if checks is not None
            else default_checks(pins, memory, allow_simulation_keys=allow_simulation_keys),
            progress,
        )
    if memory is None or not memory.given:
        report.warnings.append(NO_TRUSTED_STATE)
    return report
