"""`disarm keys` and `disarm party`: signing keys and the party registry."""

from disarm.cli.app import group

keys_app = group("keys", "Ed25519 signing keys: generate, show.")
party_app = group(
    "party", "The registry of parties (states, inspectorate, witnesses) and their keys."
)
