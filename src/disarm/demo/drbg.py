"""The demo's seeded deterministic random bit generator (reproducibility only; NOT for real use).

Every random value of the demo -- escrow salts, Pedersen blinding factors, key seeds, selection
contributions, synthetic item identifiers, measurement errors -- comes from named streams of one
seed, so that the same seed gives a byte-identical log. A stream is SHAKE-256 over
``"disarm/demo/drbg/v1" || seed || stream name``, read as far as needed.

A real deployment must draw salts, blinding factors, keys and contributions from the operating
system's CSPRNG (``os.urandom`` / ``secrets``): anyone who knows this seed can recompute every
salt and open every escrowed declaration.
"""

from __future__ import annotations

import hashlib

import numpy as np

_DOMAIN = b"disarm/demo/drbg/v1"


class Stream:
    """One named random stream: `random(n)` returns the next n bytes."""

    def __init__(self, seed: int, name: str) -> None:
        self._xof = hashlib.shake_256(
            _DOMAIN + seed.to_bytes(16, "big", signed=False) + name.encode("utf-8")
        )
        self._buffer = b""
        self._pos = 0

    def random(self, n: int) -> bytes:
        end = self._pos + n
        if end > len(self._buffer):
            self._buffer = self._xof.digest(max(2 * len(self._buffer), end, 4096))
        out = self._buffer[self._pos : end]
        self._pos = end
        return out

    __call__ = random

    def below(self, r: int) -> int:
        """A uniform integer in [0, r) (rejection sampling)."""
        if r <= 1:
            return 0
        bits = (r - 1).bit_length()
        nbytes = (bits + 7) // 8
        mask = (1 << bits) - 1
        while True:
            value = int.from_bytes(self.random(nbytes), "big") & mask
            if value < r:
                return value

    def shuffled(self, values: list[str]) -> list[str]:
        out = list(values)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out


class Drbg:
    """Named streams of one seed (a stream's values do not depend on the other streams' use)."""

    def __init__(self, seed: int) -> None:
        if seed < 0 or seed >= 1 << 128:
            raise ValueError("the seed must be in 0 .. 2^128 - 1")
        self.seed = seed
        self._streams: dict[str, Stream] = {}

    def stream(self, name: str) -> Stream:
        if name not in self._streams:
            self._streams[name] = Stream(self.seed, name)
        return self._streams[name]

    def numpy(self, name: str) -> np.random.Generator:
        """A NumPy generator seeded from the named stream (for measurement errors)."""
        words = np.frombuffer(self.stream("numpy/" + name).random(32), dtype=np.uint32)
        return np.random.default_rng(np.random.SeedSequence(words.tolist()))
