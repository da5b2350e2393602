"""Scoring discovered patterns against what the synthetic emitter planted (``planted_effects.json``).

A planted effect is *found* when a reported pattern has its type, subject and condition with the planted
sign (a win log-odds or death-rate term above/below zero, a DPM multiplier above/below one). Every other
reported pattern is *not planted*: another condition of a planted champion (the mirror of its planted item,
reported in its place) and another objective than the planted one are claims the truth does not make.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

MULTIPLIER_UNITS = ("DPM multiplier",)


def planted_sign(effect: dict) -> int:
    neutral = 1.0 if effect["unit"] in MULTIPLIER_UNITS else 0.0
    return 1 if effect["size"] > neutral else -1


def score(patterns: pl.DataFrame, planted: Sequence[dict]) -> dict[str, float | int]:
    """Recall of the planted effects and the share of reported patterns that are not planted."""
    reported = patterns.select("pattern_type", "subject", "condition", "effect").rows()
    truth = {(e["pattern_type"], e["subject"], e["condition"], planted_sign(e) > 0) for e in planted}
    matches = [(t, s, c, v > 0) in truth for t, s, c, v in reported]
    found = sum(matches)
    not_planted = len(reported) - found
    return {"planted": len(planted), "found": found, "recall": found / len(planted) if planted else 1.0,
            "reported": len(reported), "not_planted": not_planted,
            "not_planted_share": not_planted / len(reported) if reported else 0.0}
