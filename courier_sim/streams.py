"""Random streams, one per purpose, all derived from the scenario seed.

Like giving every clerk in the depot their own numbered dice: the clerk who
decides parcel weights never borrows the dice of the clerk who decides
churn, so adding a step in one place does not reshuffle another's numbers.

Two kinds of stream:
- ``generator(seed, purpose)``: a numpy Generator seeded through
  ``numpy.random.SeedSequence`` with a spawn key derived from the purpose name.
- ``keyed_uniforms(seed, purpose, ids, day)``: counter-based uniforms, one per
  (customer, day), so a customer's shipping days depend on its own id only and
  adding a customer leaves everyone else's draws unchanged.
"""
from __future__ import annotations

import zlib

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _purpose_key(purpose: str) -> int:
    return zlib.crc32(purpose.encode("utf-8"))


def seed_sequence(seed: int, purpose: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=seed, spawn_key=(_purpose_key(purpose),))


def generator(seed: int, purpose: str) -> np.random.Generator:
    """An independent numpy Generator for one purpose of one run."""
    return np.random.Generator(np.random.PCG64(seed_sequence(seed, purpose)))


def stream_key(seed: int, purpose: str) -> np.uint64:
    """A 64-bit key for ``keyed_uniforms``, itself drawn through SeedSequence."""
    return np.uint64(seed_sequence(seed, purpose).generate_state(1, np.uint64)[0])


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """One splitmix64 round, in place on ``x`` (a fresh uint64 array)."""
    x += _GOLDEN
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def keyed_uniforms(key: np.uint64, ids: np.ndarray, day: int, slot=0) -> np.ndarray:
    """Uniforms in (0, 1), a pure function of (key, id, day, slot).

    ``slot`` may be a sequence of slots: one row of uniforms per slot, drawn
    in one pass (the same numbers as one call per slot, for less overhead).
    """
    with np.errstate(over="ignore"):
        salt = key ^ (np.uint64(day) * _GOLDEN) ^ (np.asarray(slot, dtype=np.uint64) * _M1)
        x = (np.asarray(ids, dtype=np.uint64) * _M2) ^ (salt[..., None] if np.ndim(slot) else salt)
        x = _splitmix64(_splitmix64(x))
    x >>= np.uint64(11)
    u = x.astype(np.float64)
    u += 0.5
    u /= float(1 << 53)
    return u
