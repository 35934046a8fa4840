"""Signed statements, the party registry, and the cryptographic escrow for declarations.

- `statements`: the signed envelope of every log entry (RFC 8785 JSON, Ed25519);
- `registry`: parties, roles and keys rebuilt from statements; sequence and role checks;
- `commitments`, `merkle`, `escrow`: salted leaves, declaration trees, the public part and the
  declaring party's opening;
- `reveal`: step-by-step reveals and their checks;
- `pedersen` (on `hazmat.ed25519_group`): count commitments that add up to a public total;
- `continuity`: item fates across declarations, hidden items, findings with evidence;
- `detection`: the exact (hypergeometric) detection probability of inspections.

The core does no I/O and reads no clock: times and randomness are arguments.
"""
