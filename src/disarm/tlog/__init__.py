"""The transparency log: RFC 9162 Merkle math, C2SP checkpoints, cosignatures and witnesses.

Everything in this package is pure: no file, network or clock access.

* `hashing` — leaf and node hashes (RFC 9162 §2.1.1)
* `merkle` — roots, inclusion and consistency proofs; `InMemoryTree`, `CompactRange`
* `subtree` — Merkle Tree Certificates subtrees and their proofs
* `note` — C2SP signed notes, key strings and key IDs (Ed25519 via PyNaCl)
* `checkpoint` — C2SP tlog-checkpoint
* `cosignature` — C2SP tlog-cosignature (cosignature/v1) and the witness quorum policy
* `witness` — the witness state machine (C2SP tlog-witness add-checkpoint rules)
* `bundle` — offline proof bundles (C2SP tlog-proof)
* `tiles` — C2SP tlog-tiles paths and encodings

See docs/transparency-log.md.
"""
