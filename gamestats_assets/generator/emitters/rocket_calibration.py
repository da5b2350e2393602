"""How much of a player's game the rank explains, measured on ballchasing replay documents, real or synthetic:
the figures behind `rocket.RANK_SHARE` and `rocket.WEAKNESS_GAP`."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import polars as pl

from gamestats_assets.generator.emitters.rocket import LEVEL_SD, SKILLS
from gamestats_assets.lib.core.stats import Z_95
from gamestats_assets.sources.ballchasing.ranks import division_index


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def _indicators(stats: dict) -> dict[str, float | None]:
    core, boost = stats.get("core", {}), stats.get("boost", {})
    movement, positioning = stats.get("movement", {}), stats.get("positioning", {})
    zero = boost.get("percent_zero_boost")
    heights = [movement.get(f"time_{band}") for band in ("ground", "low_air", "high_air")]
    sides = [positioning.get(f"time_{side}_ball") for side in ("behind", "infront")]
    return {
        "shooting": _ratio(core.get("goals"), core.get("shots")),
        "saves": _ratio(core.get("saves"), core.get("shots_against")),
        "aerials": _ratio(heights[2], sum(heights)) if None not in heights else None,
        "boost_management": -zero if zero is not None else None,
        "positioning": _ratio(sides[0], sum(sides)) if None not in sides else None,
        "rotation": positioning.get("avg_distance_to_mates"),
    }


def player_games(documents: Iterable[dict]) -> pl.DataFrame:
    """One row per ranked human player of each game: `match_id, player_id, level` (division index) and one
    column per skill (`rocket.SKILLS`), the stat the emitter draws from it, oriented so that more is better."""
    rows = []
    for document in documents:
        for color in ("blue", "orange"):
            for player in (document.get(color) or {}).get("players", []):
                rank = player.get("rank") or {}
                if not rank.get("tier") or not player.get("stats"):
                    continue
                rows.append({"match_id": document.get("id"), "player_id": str((player.get("id") or {}).get("id")),
                             "level": float(division_index(rank["tier"], rank.get("division") or 1)),
                             **_indicators(player["stats"])})
    schema = {"match_id": pl.String, "player_id": pl.String, "level": pl.Float64, **dict.fromkeys(SKILLS, pl.Float64)}
    return pl.DataFrame(rows, schema=schema)


def _line(games: pl.DataFrame, skill: str) -> tuple[pl.DataFrame, float | None, float | None]:
    """The rows with the skill, with their residual from the stat's line on rank; R² and residual SD."""
    known = games.filter(pl.col(skill).is_not_null())
    if known.height < 3 or known["level"].n_unique() < 2:
        return known.with_columns(residual=pl.lit(None, pl.Float64)), None, None
    level, value = known["level"].to_numpy(), known[skill].to_numpy()
    slope, intercept = np.polyfit(level, value, 1)
    residual = value - (slope * level + intercept)
    r2 = 1 - residual.var() / value.var() if value.var() > 0 else None
    spread = float(np.sqrt((residual ** 2).sum() / (known.height - 2)))
    return known.with_columns(residual=pl.Series(residual)), r2, spread


def _r2_interval(r2: float, n: int) -> tuple[float, float]:
    """The 95 % interval of R² from Fisher's z of the correlation `sqrt(R²)`."""
    centre, half = np.arctanh(min(np.sqrt(r2), 1 - 1e-12)), Z_95 / np.sqrt(n - 3)
    low, high = np.tanh(centre - half), np.tanh(centre + half)
    return (0.0 if low < 0 else float(low ** 2)), float(high ** 2)


def rank_explained(games: pl.DataFrame) -> pl.DataFrame:
    """Per skill: `n`, `r2` (the share of the stat's variance its least-squares line on rank explains)
    with `r2_ci_low` and `r2_ci_high` (95 %, Fisher's z of the correlation), and `skill_spread`, the
    within-rank spread of a synthetic skill that makes rank explain as much, in the emitter's units:
    `sqrt((1 − R²) / R² × var(rank) / LEVEL_SD²)`, null where rank explains nothing. Each real player
    appears in one game, so this spread mixes the player's own level with the game's luck."""
    rows = []
    for skill in SKILLS:
        known, r2, _ = _line(games, skill)
        spread, interval = None, (None, None)
        if r2 is not None and known.height > 3:
            interval = _r2_interval(r2, known.height)
        if r2 is not None and r2 > 0:
            spread = float(np.sqrt((1 - r2) / r2 * known["level"].var() / LEVEL_SD ** 2))
        rows.append({"skill": skill, "n": known.height, "r2": r2, "r2_ci_low": interval[0],
                     "r2_ci_high": interval[1], "skill_spread": spread})
    return pl.DataFrame(rows, schema={"skill": pl.String, "n": pl.Int64, "r2": pl.Float64, "r2_ci_low": pl.Float64,
                                      "r2_ci_high": pl.Float64, "skill_spread": pl.Float64})


def weakest_gaps(games: pl.DataFrame) -> pl.DataFrame:
    """Per player-game with every skill known: `weakest` (the lowest residual, in residual SDs, of any
    skill) and `below_second` (how far it falls below the second-lowest)."""
    standardised = []
    for skill in SKILLS:
        known, _, spread = _line(games, skill)
        if spread:
            standardised.append(known.select("match_id", "player_id", skill=pl.lit(skill),
                                             z=pl.col("residual") / spread))
    if not standardised:
        return pl.DataFrame(schema={"match_id": pl.String, "player_id": pl.String, "weakest": pl.Float64,
                                    "below_second": pl.Float64})
    return (
        pl.concat(standardised).sort("z")
        .group_by("match_id", "player_id", maintain_order=True)
        .agg(skills=pl.len(), weakest=pl.col("z").first(), second=pl.col("z").slice(1, 1).first())
        .filter(pl.col("skills") == len(standardised))
        .select("match_id", "player_id", "weakest", below_second=pl.col("second") - pl.col("weakest"))
    )
