"""Scoring discovered patterns against what the synthetic emitter planted (``planted_effects.json``).

A planted effect is *found* when a reported pattern has its type, subject and condition with the planted
sign (a win log-odds or death-rate term above/below zero, a DPM multiplier above/below one). A reported
pattern is *explained* when a planted effect has its type and subject: a champion's planted first item also
shows, mirrored, as its other first items doing worse, and that is the same planted cause.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

MULTIPLIER_UNITS = ("DPM multiplier",)


def planted_sign(effect: dict) -> int:
    neutral = 1.0 if effect["unit"] in MULTIPLIER_UNITS else 0.0
    return 1 if effect["size"] > neutral else -1


def score(patterns: pl.DataFrame, planted: Sequence[dict]) -> dict[str, float | int]:
    """Recall of the planted effects and the share of reported patterns that no planted effect explains."""
    reported = patterns.select("pattern_type", "subject", "condition", "effect").rows()
    found = sum(
        any(t == e["pattern_type"] and s == e["subject"] and c == e["condition"] and (v > 0) == (planted_sign(e) > 0)
            for t, s, c, v in reported)
        for e in planted)
    subjects = {(e["pattern_type"], e["subject"]) for e in planted}
    unexplained = sum((t, s) not in subjects for t, s, _, _ in reported)
    return {"planted": len(planted), "found": found, "recall": found / len(planted) if planted else 1.0,
            "reported": len(reported), "unexplained": unexplained,
            "unexplained_share": unexplained / len(reported) if reported else 0.0}
