"""`disarm witness`: an independent witness that cosigns consistent checkpoints."""

from disarm.cli.app import group

witness_app = group(
    "witness", "A witness: cosigns a checkpoint only if it is consistent with the last one."
)
