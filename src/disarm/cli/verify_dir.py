"""`disarm verify DIR`: re-check a whole demo directory offline (also `disarm verify dir DIR`).

`disarm verify` is a command group (`statement`, `declaration`, `reveal`, ...). This module gives
the group a class whose argument parsing falls back to the hidden `dir` command when the first
argument is not one of its subcommands, so `disarm verify ./demo-out` works and the existing
subcommands are untouched.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from typer._click import core as click_core
from typer.core import TyperGroup

from disarm.cli.output import print_json, print_table, progress, stderr
from disarm.cli.verify import verify_app

__all__ = ["VerifyGroup", "verify_dir"]

_HELP = ("-h", "--help")


class VerifyGroup(TyperGroup):
    """A group whose unknown first argument is a directory for the hidden `dir` command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.epilog = (
            "disarm verify DIR (the same as disarm verify dir DIR) re-checks a whole "
            "regime directory written by disarm demo, offline; see disarm verify dir --help."
        )

    def parse_args(self, ctx: click_core.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in _HELP:
            args = ["dir", *args]
        return super().parse_args(ctx, args)


# The group is built from this Typer's info when the CLI starts: use the class above for it.
verify_app.info.cls = VerifyGroup
verify_app.info.help = (
    "Verify a whole regime directory (disarm verify DIR), or one signed statement, "
    "declaration, reveal or found item."
)


@verify_app.command("dir")
def verify_dir(
    directory: Path = typer.Argument(
        ...,
        metavar="DIR",
        help="The directory `disarm demo --out DIR` wrote.",
        show_default=False,
    ),
    trust: str | None = typer.Option(
        None,
        "--trust",
        envvar="DISARM_TRUST",
        help="The inspectorate's genesis public key (hex), obtained out of band. Without it the "
        "key in DIR/keys is used, which proves only internal consistency.",
    ),
    log_key: str | None = typer.Option(
        None,
        "--log-key",
        envvar="DISARM_LOG_KEY",
        help="The log's checkpoint verifier key (name+id+base64), obtained out of band. Without "
        "it the key in DIR/keys is used (internal consistency only).",
    ),
    witness_key: list[str] = typer.Option(
        [],
        "--witness-key",
        help="A witness's cosignature verifier key (repeat for each witness), obtained out of "
        "band. Without any, the keys in DIR/keys are used (internal consistency only).",
    ),
    quorum: int | None = typer.Option(
        None,
        "--quorum",
        min=0,
        help="Cosignatures from trusted witnesses each checkpoint needs. Default: every "
        "trusted witness (your policy; the quorum the log states is only compared with it).",
    ),
    checkpoint: Path | None = typer.Option(
        None,
        "--checkpoint",
        exists=True,
        dir_okay=False,
        help="The last checkpoint you trust (a note signed by the log key, e.g. saved from an "
        "earlier run): the log must extend it. A smaller log is a rollback, another root a fork.",
    ),
    min_size: int | None = typer.Option(
        None,
        "--min-size",
        help="The smallest tree size you have seen: a log below it is a rollback.",
    ),
    max_age: int | None = typer.Option(
        None,
        "--max-age",
        help="Seconds: a quorum of witnesses must have cosigned the latest checkpoint within "
        "this long of your clock (freshness).",
    ),
    allow_simulation_keys: bool = typer.Option(
        False,
        "--allow-simulation-keys",
        help="Accept a registry of simulation keys (derived from a seed, as every disarm demo "
        "key is), with a warning; without it such a log fails. Use it to check a demo.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary table."),
) -> None:
    """Re-check a whole regime directory (DIR) from its log and public keys alone.

    Also written `disarm verify DIR` (a demo needs --allow-simulation-keys).
    Verifies every signature, the Merkle tree and every checkpoint's
    consistency, the witness quorum on every checkpoint, the registry, every
    escrow opening, every random selection, every custody sequence, every
    compliance verdict and material balance, and that the report, findings
    and CSV files are exactly what the log gives. Exit 0 if all agrees, 1 at
    the first disagreement (named with file, log entry and byte), 2 on bad
    input (DIR missing or not a regime directory, a malformed key, a quorum
    above the number of witnesses).

    Rollback and freshness need your own memory of the log: --checkpoint
    FILE (the last checkpoint you trust) or --min-size N, and --max-age;
    without them a warning says that a rollback cannot be detected.

    A log whose registry holds simulation keys (every disarm demo key is
    derived from its --seed, so anyone who knows the seed can sign as any
    party) fails unless --allow-simulation-keys is given; with it, a
    warning says so every time.
    """
    from disarm.audit.directory import verify_directory  # heavy: load on use
    from disarm.audit.freshness import Memory

    memory = Memory(
        checkpoint_file=None if checkpoint is None else str(checkpoint),
        min_size=min_size,
        max_age=max_age,
        now=int(time.time()),
    )

    with progress(enabled=not quiet and not as_json and stderr.is_terminal) as bar:
        task = bar.add_task("verify", total=None)

        def step(done: int, total: int, title: str) -> None:
            bar.update(task, total=total, completed=done, description=title)

        report = verify_directory(
            directory,
            genesis_key=trust,
            log_key=log_key,
            witness_keys=witness_key,
            quorum=quorum,
            memory=memory,
            progress=step,
            allow_simulation_keys=allow_simulation_keys,
        )
    for warning in report.warnings:
        stderr.print(f"warning: {warning}", highlight=False, markup=False)
    if as_json:
        print_json(report.to_json())
    elif not quiet:
        print_table([_row(r.to_json()) for r in report.results], title=f"disarm verify {directory}")
    disagreement = report.disagreement
    if disagreement is not None:
        stderr.print(f"FAILED: {disagreement.text()}", highlight=False, markup=False)
        raise typer.Exit(1)
    if not as_json:
        stderr.print(f"OK: everything in {directory} agrees with its log", highlight=False)


def _row(result: dict[str, Any]) -> dict[str, Any]:
    figures = result["figures"]
    return {
        "check": result["check"],
        "status": result["status"],
        "checked": f"{result['checked']} {result['unit']}" if result["status"] == "ok" else "",
        # breakdowns (e.g. statements by type) are in --json; the table keeps the totals
        "details": ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in figures.items() if not isinstance(v, dict)
        ),
    }
