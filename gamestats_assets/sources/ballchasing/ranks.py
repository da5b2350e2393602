"""Rocket League competitive ranks as ballchasing.com writes them (`{"tier", "division", "name", "id"}`).

Tiers 1-22 run from Bronze I to Supersonic Legend, four divisions each (one for Supersonic Legend); tier 0
is unranked. A rank is also a single number, its `division_index`: divisions above Bronze I division I,
so distances between ranks are in divisions.
"""

from __future__ import annotations

METALS = ("bronze", "silver", "gold", "platinum", "diamond", "champion", "grand-champion")
TOP_TIER = 22
DIVISIONS_PER_TIER = 4
MAX_DIVISION_INDEX = (TOP_TIER - 1) * DIVISIONS_PER_TIER
PREDICTION_COVERAGE = 0.95
"""The share of players a predicted rank's interval is made to hold."""
THIN_GAMES = 5
"""Games under which a rank predicted from a player's stats rests on thin evidence: their means are mostly
the games' luck."""
ROMAN = ("I", "II", "III")


def division_index(tier: int, division: int) -> int:
    """Divisions above Bronze I division I (0 for Bronze I Div 1, 84 for Supersonic Legend)."""
    return (tier - 1) * DIVISIONS_PER_TIER + (division - 1)


def tier_and_division(index: int) -> tuple[int, int]:
    """The (tier, division) of a division index, clipped to the ladder."""
    index = max(0, min(MAX_DIVISION_INDEX, int(index)))
    return index // DIVISIONS_PER_TIER + 1, index % DIVISIONS_PER_TIER + 1


def rank_document(index: int) -> dict:
    """A ballchasing rank object for a division index."""
    tier, division = tier_and_division(index)
    if tier >= TOP_TIER:
        return {"tier": TOP_TIER, "division": 1, "name": "Supersonic Legend", "id": "supersonic-legend"}
    metal = METALS[(tier - 1) // 3]
    step = (tier - 1) % 3
    title = metal.replace("-", " ").title()
    return {"tier": tier, "division": division, "name": f"{title} {ROMAN[step]} Division {division}",
            "id": f"{metal}-{step + 1}"}
