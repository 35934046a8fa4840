"""The transparency log: RFC 9162 Merkle math, C2SP checkpoints, cosignatures and witnesses.

Everything in this package is pure: no file, network or clock access.
"""
