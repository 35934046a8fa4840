"""`disarm log`: the transparency log."""

from disarm.cli.app import group

log_app = group("log", "The append-only Merkle transparency log: append, checkpoint, prove, audit.")
