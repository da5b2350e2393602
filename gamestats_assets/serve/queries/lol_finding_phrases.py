"""What the League findings' readers (`lol_finding_sources.py`, `lol_finding_games.py`) share: a finding's shape,
the words of its sentence (roles, tiers, objectives, shares, intervals, games), and the tests a table publishing no
p needs (binomial, two proportions, normal) with Benjamini–Hochberg's q over a table's findings."""

from __future__ import annotations

import math

import numpy as np

from gamestats_assets.lib.core.stats import Z_95, benjamini_hochberg
from gamestats_assets.serve.queries.lol_findings import SIGNIFICANT, phrase_q
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


def finding(row: dict, table: str, kind: str, **values) -> dict:
    """A finding of `row` (its queue and patch; every rank unless it has a tier), `values` its other fields."""
    base = {"table": table, "kind": kind, "queue": row["queue"], "patch": row["patch"], "champion": None, "role": None,
            "tier": row.get("tier") or ALL, "value_with": None, "baseline": None, "n_baseline": None}
    found = {**base, **values}
    return {**found, "significant": found["q_value"] < SIGNIFICANT}


Q = "{q}"
"""Where a sentence made before its table's q says it (`with_q`)."""


def with_q(found: list[dict]) -> list[dict]:
    """`found` with `q_value` (Benjamini–Hochberg over all of them), `significant`, and the q in each sentence."""
    q = benjamini_hochberg(np.array([f["p_value"] for f in found], dtype=float)) if found else []
    return [{**f, "q_value": float(value), "significant": float(value) < SIGNIFICANT,
             "sentence": f["sentence"].replace(Q, phrase_q(float(value)))} for f, value in zip(found, q, strict=True)]


def binomial_p(wins: int, n: int) -> float:
    from scipy import stats
    return float(stats.binomtest(wins, n, 0.5).pvalue)


def proportion_p(wins1: int, n1: int, wins2: int, n2: int) -> float:
    """The two-proportion z-test's two-sided p (pooled variance), 1 where the rates cannot differ."""
    from scipy import stats
    pooled = (wins1 + wins2) / (n1 + n2)
    error = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 1.0 if error == 0 else float(2 * stats.norm.sf(abs(wins1 / n1 - wins2 / n2) / error))


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


def normal_p(effect: float, low: float, high: float) -> float:
    """The two-sided p of `effect` from its 95 % normal interval `low` to `high` (its standard error the interval's
    half over `Z_95`), 1 where the interval has no width."""
    from scipy import stats
    error = (high - low) / 2 / Z_95
    return 1.0 if error <= 0 else float(2 * stats.norm.sf(abs(effect) / error))
