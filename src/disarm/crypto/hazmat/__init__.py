"""HAZARDOUS MATERIALS: low-level edwards25519 group arithmetic.

Nothing here is safe to use on its own. Use `disarm.crypto.pedersen`, which builds a
commitment scheme on top and checks its inputs. See `ed25519_group` for the assumptions.
"""
