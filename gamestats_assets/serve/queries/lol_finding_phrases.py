"""What the League findings' readers (`lol_finding_sources.py`, `lol_finding_games.py`) share: a finding's shape,
with its significance as its table publishes it, and the words of its sentence (roles, tiers, objectives, shares,
intervals, games)."""

from __future__ import annotations

from gamestats_assets.sources.riot.league import ALL, BANDS, TIERS


ROLE_NAMES = {"TOP": "Top", "JUNGLE": "Jungle", "MIDDLE": "Mid", "BOTTOM": "Bot", "UTILITY": "Support"}


def pct(share: float) -> str:
    return f"{share * 100:.1f} %"


def signed(value: float, digits: int = 1) -> str:
    """A difference with its sign, a minus as a minus."""
    return f"{value:+,.{digits}f}".replace("-", "−")


def interval(low: float, high: float, digits: int = 1, scale: float = 1.0) -> str:
    return f"[95 % CI {signed(low * scale, digits)} to {signed(high * scale, digits)}]"


def games(n: int) -> str:
    return f"{n:,}"


def where(row: dict) -> str:
    """The queue and patch as a sentence names them: `ranked solo 16.1`."""
    return f"{row['queue'].replace('_', ' ')} {row['patch']}"


def role_of(role: str | None) -> str:
    return ROLE_NAMES.get(role or "", role or "every role")


def role_in(role: str | None) -> str:
    """A role as a sentence names it after a champion: `top`, `support`, `every role`."""
    return role_of(role).lower()


def finding(row: dict, table: str, kind: str, flag: str = "significant", **values) -> dict:
    """A finding of `row` (its queue and patch; every rank unless it has a tier), `values` its other fields, its
    significance the table's published `flag` (false where the table left it null: untested)."""
    base = {"table": table, "kind": kind, "queue": row["queue"], "patch": row["patch"], "champion": None, "role": None,
            "tier": row.get("tier") or ALL, "value_with": None, "baseline": None, "n_baseline": None}
    return {**base, **values, "significant": bool(row[flag])}


OBJECTIVE_NAMES = {"herald": "Rift Herald", "baron": "Baron Nashor", "grubs": "Void Grubs"}
"""Objectives as a player names them, where the tables name them shorter."""


def objective_name(objective: str) -> str:
    return OBJECTIVE_NAMES.get(objective, objective)


TIER_NAMES = {ALL: "all ranks", **{tier.lower(): tier.title() for tier in TIERS},
              **{f"{band.lower()}_plus": f"{band.title()}+" for band in BANDS}}
"""The slices of ranked tiers as a sentence names them: `all ranks`, `Emerald`, `Emerald+`."""


def tier_of(row: dict) -> str:
    """The ranks a row's games are of, as a sentence says them."""
    tier = row.get("tier") or ALL
    return TIER_NAMES.get(tier, tier)

