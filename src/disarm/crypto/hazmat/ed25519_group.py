"""HAZARDOUS MATERIALS: prime-order edwards25519 group arithmetic through libsodium (PyNaCl).

This is the one module in `disarm` that touches elliptic-curve points and scalars directly.
Every operation is a call into libsodium via `nacl.bindings`; nothing here implements field or
curve arithmetic itself. `disarm.crypto.pedersen` is the only intended caller.

Security assumptions (read before changing anything):

1. **Group.** Points are compressed edwards25519 encodings (32 bytes). The group we work in is
   the prime-order subgroup of order L = 2^252 + 27742317777372353535851937790883648493.
   The discrete-logarithm problem in that subgroup is assumed hard (about 2^126 work).
2. **Generators.** G is the standard Ed25519 base point. H is `hash_to_point(domain)`:
   libsodium's `crypto_core_ed25519_from_uniform` (Elligator 2 map, output cleared to the
   prime-order subgroup) applied to the first 32 bytes of SHA-512(domain). Modelling SHA-512
   as a random oracle, nobody, including whoever picked the public domain string, knows
   log_G(H). If log_G(H) were known, Pedersen commitments would stop being binding.
3. **Scalars.** Scalars are 32-byte little-endian integers reduced modulo L. Counts are encoded
   with `scalar_from_int`, which rejects negatives and values >= L. Random scalars are 64
   uniform bytes from the caller's randomness source reduced modulo L
   (`crypto_core_ed25519_scalar_reduce`), so their bias is below 2^-250.
4. **Identity.** libsodium refuses to multiply by the zero scalar (the result would be the
   identity). We return the identity encoding `IDENTITY` ourselves in that case; point
   addition and subtraction accept and produce the identity.
5. **Untrusted points.** A point received from outside must pass `check_point`
   (`crypto_core_ed25519_is_valid_point`: canonical encoding, on the curve, in the main
   subgroup, not of small order) before it is used. The identity fails that check on
   purpose: an honest commitment is never the identity except with negligible probability.
6. **Side channels.** libsodium's scalar multiplication is constant-time. Python integer
   conversions in `scalar_from_int` / `scalar_to_int` are not; they are only applied to counts
   (which are eventually revealed), never to blinding factors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from nacl import bindings as sodium

#: Order of the prime-order subgroup of edwards25519.
L = 2**252 + 27742317777372353535851937790883648493
POINT_SIZE = 32
SCALAR_SIZE = 32
#: Encoding of the neutral element (x = 0, y = 1).
IDENTITY = b"\x01" + bytes(31)
ZERO = bytes(SCALAR_SIZE)

Randomness = Callable[[int], bytes]


class GroupError(ValueError):
    """An encoding is not a valid scalar or point for this module."""


def scalar_from_int(value: int) -> bytes:
    """Encode 0 <= value < L as a 32-byte little-endian scalar."""
    if not 0 <= value < L:
        raise GroupError(f"scalar out of range: {value}")
    return value.to_bytes(SCALAR_SIZE, "little")


def scalar_to_int(scalar: bytes) -> int:
    return int.from_bytes(check_scalar(scalar), "little")


def check_scalar(scalar: bytes) -> bytes:
    """Return `scalar` if it is a canonical (reduced) 32-byte scalar."""
    if len(scalar) != SCALAR_SIZE or int.from_bytes(scalar, "little") >= L:
        raise GroupError("not a canonical 32-byte scalar")
    return scalar


def scalar_random(random: Randomness) -> bytes:
    """A uniform scalar: 64 bytes from `random` reduced modulo L."""
    wide = random(64)
    if len(wide) != 64:
        raise GroupError("randomness source returned the wrong number of bytes")
    return bytes(sodium.crypto_core_ed25519_scalar_reduce(wide))


def scalar_add(a: bytes, b: bytes) -> bytes:
    return bytes(sodium.crypto_core_ed25519_scalar_add(check_scalar(a), check_scalar(b)))


def scalar_sum(scalars: Iterable[bytes]) -> bytes:
    total = ZERO
    for s in scalars:
        total = scalar_add(total, s)
    return total


def check_point(point: bytes) -> bytes:
    """Return `point` if it is a valid, prime-order, non-small-order point encoding."""
    if len(point) != POINT_SIZE or not sodium.crypto_core_ed25519_is_valid_point(point):
        raise GroupError("not a valid edwards25519 point in the prime-order subgroup")
    return point


def point_add(p: bytes, q: bytes) -> bytes:
    return bytes(sodium.crypto_core_ed25519_add(p, q))


def point_sum(points: Iterable[bytes]) -> bytes:
    total = IDENTITY
    for p in points:
        total = point_add(total, p)
    return total


def base_mul(scalar: bytes) -> bytes:
    """scalar · G (the identity for the zero scalar)."""
    if check_scalar(scalar) == ZERO:
        return IDENTITY
    return bytes(sodium.crypto_scalarmult_ed25519_base_noclamp(scalar))


def point_mul(scalar: bytes, point: bytes) -> bytes:
    """scalar · point, without clamping (the identity for the zero scalar)."""
    if check_scalar(scalar) == ZERO:
        return IDENTITY
    return bytes(sodium.crypto_scalarmult_ed25519_noclamp(scalar, point))


def hash_to_point(domain: bytes) -> bytes:
    """Map a public domain string to a point of unknown discrete logarithm (assumption 2)."""
    uniform = hashlib.sha512(domain).digest()[:32]
    return bytes(sodium.crypto_core_ed25519_from_uniform(uniform))
