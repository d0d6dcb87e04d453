"""Random streams: one generator per (seed, split, index, stream), plus cheap noise."""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np


def stream_state(seed: int, split: int, index: int, stream: int) -> dict:
    """A PCG64 state that is a pure function of its arguments (hashed, so nearby keys are unrelated)."""
    digest = hashlib.blake2b(b"shapeworld:%d:%d:%d:%d" % (seed, split, index, stream), digest_size=32).digest()
    return {"bit_generator": "PCG64", "has_uint32": 0, "uinteger": 0,
            "state": {"state": int.from_bytes(digest[:16], "little"), "inc": int.from_bytes(digest[16:], "little") | 1}}


def make_rng(seed: int, split: int, index: int, stream: int) -> np.random.Generator:
    """A fresh generator for one stream (see :class:`StreamPool` for the fast, reused one)."""
    bit_generator = np.random.PCG64(0)
    bit_generator.state = stream_state(seed, split, index, stream)
    return np.random.Generator(bit_generator)


class StreamPool:
    """One reusable generator per stream; resetting its state costs microseconds instead of a SeedSequence.

    A generator returned by :meth:`get` is reset by the next ``get`` of the same stream, and the pool is
    not thread-safe (each DataLoader worker process has its own copy).
    """

    def __init__(self, streams: int):
        self.generators = [np.random.Generator(np.random.PCG64(0)) for _ in range(streams)]

    def get(self, seed: int, split: int, index: int, stream: int) -> np.random.Generator:
        """The generator of ``stream``, reset to the start of (seed, split, index, stream)."""
        generator = self.generators[stream]
        generator.bit_generator.state = stream_state(seed, split, index, stream)
        return generator


@lru_cache(maxsize=1)
def gaussian_table() -> np.ndarray:
    """The 65536 quantiles of the standard normal at (k + 0.5) / 65536, float32."""
    dist = NormalDist()
    return np.array([dist.inv_cdf((k + 0.5) / 65536) for k in range(65536)], np.float32)


def noise(rng: np.random.Generator, shape, std: float) -> np.ndarray:
    """Gaussian float32 noise of standard deviation ``std`` (16-bit quantiles: random bytes looked up in a table,
    several times cheaper than ``standard_normal``)."""
    n = math.prod(shape) if isinstance(shape, tuple) else int(shape)
    out = gaussian_table().take(np.frombuffer(rng.bytes(2 * n), np.uint16))
    out *= std
    return out.reshape(shape)
