"""Counter-based randomness: values that depend only on their keys (seed, user, day, ...), never on call order.

This is what lets any day be generated alone: a user's state on day D is a function of (seed, user, D).
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


def stable_key(text: str) -> int:
    """A 63-bit integer for a name, the same in every process (unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") >> 1


def _splitmix(values: np.ndarray) -> np.ndarray:
    values = values + _GOLDEN
    values = (values ^ (values >> np.uint64(30))) * _MIX_1
    values = (values ^ (values >> np.uint64(27))) * _MIX_2
    return values ^ (values >> np.uint64(31))


def hash_keys(*keys: int | str | np.ndarray) -> np.ndarray:
    """64-bit hashes of the keys, broadcast like numpy (strings are turned into stable integers)."""
    with np.errstate(over="ignore"):
        state = np.zeros((), dtype=np.uint64)
        for key in keys:
            value = stable_key(key) if isinstance(key, str) else key
            state = _splitmix(state ^ np.asarray(value).astype(np.uint64))
        return state


def uniform(*keys: int | str | np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) determined by the keys."""
    return (hash_keys(*keys) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def day_rng(seed: int, day: date, purpose: str) -> np.random.Generator:
    """A numpy generator for one day and one purpose, seeded from (seed, date, purpose) only."""
    return np.random.default_rng([seed, day.toordinal(), stable_key(purpose)])
