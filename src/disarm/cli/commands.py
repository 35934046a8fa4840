"""The table of top-level commands: which module defines each, and its one-line help.

`disarm --version` and `disarm --help` must start fast (issue 16.5), so the root group
(`disarm.cli.app._RootGroup`) lists the commands from this table without importing them, and
imports a command's modules only when it is invoked or its own help is asked for.
tests/cli/test_commands.py keeps the table true: same names, same order, and the same first
paragraph of help as the real commands.
"""

from __future__ import annotations

import importlib

__all__ = ["COMMANDS", "load", "load_all"]

# name -> (modules under disarm.cli that register it, in import order; first paragraph of help)
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "declare": (
        ("declare",),
        "Commit a declaration: write the opening file, log the commitment, print the log index.",
    ),
    "reveal": (
        ("declare",),
        "Open part of a committed declaration and log the reveal; print its index.",
    ),
    "demo": (
        ("demo",),
        "Run the whole verification regime of the model programme (2024 world).",
    ),
    "comply": (("programme",), "Evaluate declarations against a programme."),
    "report": (
        ("report",),
        "Evaluate declarations against a programme and write a self-contained HTML report.",
    ),
    "data": (
        ("data",),
        "Bundled public data: world nuclear forces, New START exchanges, treaty status.",
    ),
    "keys": (("keys",), "Ed25519 signing keys: generate, show."),
    "party": (
        ("keys",),
        "The registry of parties (states, inspectorate, witnesses) and their keys.",
    ),
    "effects": (
        ("effects",),
        "Humanitarian consequences of a nuclear detonation: blast, heat, radiation, fallout "
        "and casualties, each with its published source, validity and accuracy "
        "(docs/effects.md).",
    ),
    "inspect": (
        ("inspect",),
        "Inspections: verifiable random selection, plans with detection probabilities.",
    ),
    "log": (
        ("log",),
        "The append-only Merkle transparency log: append, checkpoint, prove, audit.",
    ),
    "programme": (
        ("programme",),
        "Programme files: validate, show and lint phased obligations.",
    ),
    "docs": (("reference",), "Generate documentation from the commands themselves."),
    "stats": (
        ("stats", "stats_mua", "stats_sampling"),
        "Statistics: sample sizes, detection probabilities, material balances.",
    ),
    "verify": (
        ("verify", "verify_dir"),
        "Verify a whole regime directory (disarm verify DIR), or one signed statement, "
        "declaration, reveal or found item.",
    ),
    "witness": (
        ("witness",),
        "A witness: cosigns a checkpoint only if it is consistent with the last one.",
    ),
}


def load(name: str) -> None:
    """Import the modules that register the top-level command `name` (once; cheap after)."""
    for module in COMMANDS[name][0]:
        importlib.import_module(f"disarm.cli.{module}")


def load_all() -> None:
    """Import every command module (for `disarm docs cli` and tests that walk all commands)."""
    for name in COMMANDS:
        load(name)
