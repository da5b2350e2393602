"""Ranked tiers as a dimension of the lol statistics: a statistic by tier is computed once for every slice of the
games the sites let a player pick — `all` of them, each single tier (`iron` ... `challenger`, by the game's tier,
`std/game_tiers`) and the "X and above" bands (`platinum_plus` ... `master_plus`) — each row naming its slice in
`tier`. A game no ranked player played is in `all` only."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from gamestats_assets.sources.riot.league import ALL, BANDS, SLICES, at_least


def slices(tiers: pl.DataFrame) -> pl.DataFrame:
    """The slices each game of `tiers` (`std/game_tiers`: match_id, tier, tier_score) is in: one row per
    (match_id, tier)."""
    ranked = tiers.filter(pl.col("tier").is_not_null())
    rows = [tiers.select("match_id", pl.lit(ALL).alias("tier")),
            ranked.select("match_id", pl.col("tier").str.to_lowercase()),
            *(ranked.filter(pl.col("tier_score") >= at_least(band))
              .select("match_id", pl.lit(f"{band.lower()}_plus").alias("tier")) for band in BANDS)]
    return pl.concat(rows)


def by_tier(compute: Callable[..., pl.DataFrame]) -> Callable[..., pl.DataFrame]:
    """`compute` over every slice of the games (`slices`) its `tiers` input holds: each frame of its other inputs
    cut to the slice's games (by `match_id`), the slice named in `tier`, the last column."""

    def tiered(tiers: pl.DataFrame, **frames: pl.DataFrame) -> pl.DataFrame:
        games = slices(tiers)
        parts = []
        for name in SLICES:
            chosen = games.filter(pl.col("tier") == name).select("match_id")
            if name != ALL and chosen.is_empty():
                continue
            inputs = frames if name == ALL else {
                param: frame.join(chosen, on="match_id", how="semi") for param, frame in frames.items()}
            parts.append(compute(**inputs).with_columns(pl.lit(name).alias("tier")))
        return pl.concat(parts, how="vertical_relaxed")

    tiered.__doc__ = f"{compute.__doc__} By ranked tier: `tier` names the slice of games (all, one tier, a band)."
    return tiered


def per_tier(across: Callable[[pl.DataFrame], pl.DataFrame]) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A step over a table's rows (`across`) taken within each slice of ranked tiers of a `by_tier` table, `tier`
    kept the last column."""

    def tiered(frame: pl.DataFrame) -> pl.DataFrame:
        parts = [across(part).select(pl.exclude("tier"), "tier") for part in frame.partition_by("tier",
                                                                                                  maintain_order=True)]
        return pl.concat(parts, how="vertical_relaxed") if parts else across(frame.drop("tier")).with_columns(
            pl.lit(None, dtype=pl.String).alias("tier"))

    return tiered
