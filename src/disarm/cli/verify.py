"""`disarm verify`: check statements, declarations and reveals."""

from disarm.cli.app import group

verify_app = group("verify", "Verify signed statements, committed declarations and reveals.")
