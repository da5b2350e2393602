"""Property values drawn from value rules: uniforms in, typed values out (numpy arrays)."""

from __future__ import annotations

import numpy as np

from gamestats_assets.generator.knowledge import WORDS
from gamestats_assets.sources.taxonomy.rules import ValueRule


def draw_choice(choices: tuple, weights: tuple[float, ...], uniforms: np.ndarray) -> np.ndarray:
    """One of `choices` per uniform, with probabilities proportional to `weights`."""
    cumulative = np.cumsum(np.asarray(weights or (1.0,) * len(choices), dtype=np.float64))
    positions = np.searchsorted(cumulative / cumulative[-1], uniforms, side="right")
    return np.asarray(choices, dtype=object if isinstance(choices[0], str) else None)[
        np.minimum(positions, len(choices) - 1)
    ]


def draw_range(rule: ValueRule, uniforms: np.ndarray, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Values uniform in [low, high] (the rule's bounds unless given), whole numbers for integer rules."""
    low = rule.low if low is None else low
    high = rule.high if high is None else high
    if rule.integer:
        return np.floor(low + uniforms * (np.floor(high) - np.ceil(low) + 1)).clip(low, high).astype(np.int64)
    return np.round(low + uniforms * (high - low), 2)


def draw_values(rule: ValueRule, uniforms: np.ndarray) -> np.ndarray:
    """Values of a property for each uniform, following its rule (Faker rules are drawn in `fakes.py`)."""
    if rule.generator == "choice":
        return draw_choice(rule.choices, rule.weights, uniforms)
    if rule.generator == "range":
        return draw_range(rule, uniforms)
    if rule.generator == "boolean":
        return uniforms < 0.5
    numbers = (uniforms * 1_000_000).astype(np.int64)
    if rule.generator == "identifier":
        return np.char.add(rule.prefix, numbers.astype(str)).astype(object)
    words = np.asarray(WORDS, dtype=object)[(uniforms * len(WORDS) * 997).astype(np.int64) % len(WORDS)]
    return np.char.add(words.astype(str), (numbers % 1000).astype(str)).astype(object)


def clamp(rule: ValueRule, values: np.ndarray) -> np.ndarray:
    """Values held inside the rule's range (whole numbers for integer rules)."""
    low = -np.inf if rule.low is None else rule.low
    high = np.inf if rule.high is None else rule.high
    clipped = np.clip(values, low, high)
    return np.floor(clipped).astype(np.int64) if rule.integer else np.round(clipped, 2)
