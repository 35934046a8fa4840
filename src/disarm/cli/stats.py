"""`disarm stats`: sampling and material accountancy statistics."""

from disarm.cli.app import group

stats_app = group("stats", "Statistics: sample sizes, detection probabilities, material balances.")
