"""Training-pack recommendations: packs for a player's weakest skills (lowest percentile among their peers first),
near their rank, not yet mastered."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.rocket.transforms.sessions import mastered_packs
from gamestats_assets.sources.ballchasing.training_packs import SKILL_PACK_CATEGORIES, pack_categories

PACKS_PER_SKILL = 3
RANK_WINDOW = 12
"""Divisions (one metal) between a pack's difficulty and the player's rank within which it is 'near'."""
ORDINALS = ("weakest skill", "second-weakest skill")
"""The `reason` of a skill recommended for its place among the player's skills, lowest percentile first."""
SKILLS_PER_PLAYER = len(ORDINALS)
JUDGED = ("rank_band", "rank_from", "matches", "rank_percentile", "percentile_ci_low", "percentile_ci_high")
"""What a recommendation carries of its skill's score (`skills.skill_scores`): the band it was compared in, where the
rank comes from, the games and the percentile with its interval."""


def recommendations(scores: pl.DataFrame, packs: pl.DataFrame, mastered: pl.DataFrame) -> pl.DataFrame:
    """`recommendations` (key `player_id, pack_code`): for each scored player, the skills detected weak and the
    `SKILLS_PER_PLAYER` with the lowest rank percentile among the player's peers, each with `reason` saying which
    (`detected weakness`, else `weakest skill` for the lowest and `second-weakest skill` for the next: a skill is
    never called the weakest while another of the player's is lower), and for each up to `PACKS_PER_SKILL`
    catalogue packs of the skill's categories whose difficulty is within `RANK_WINDOW` divisions of the player's
    rank, nearest first, leaving out packs the player mastered. Each carries what the skill was judged against and
    how surely: the band and where its rank comes from (`rank_from`: a game, or the rank the player stated), the
    player's games on the skill and its percentile among the band with its 95 % interval. A player with no rank
    known (`unranked`) gets none: no band was compared."""
    ranked = (
        scores.filter(pl.col("z").is_not_null() & pl.col("rank_index").is_not_null()
                      & pl.col("rank_band").is_not_null() & (pl.col("rank_band") != "unranked"))
        .sort("player_id", "rank_percentile", "z")
        .with_columns(order=pl.int_range(1, pl.len() + 1).over("player_id"))
        .filter(pl.col("is_weak") | (pl.col("order") <= SKILLS_PER_PLAYER))
        .with_columns(reason=pl.when(pl.col("is_weak")).then(pl.lit("detected weakness"))
                      .otherwise(pl.col("order").replace_strict(
                          {place + 1: text for place, text in enumerate(ORDINALS)}, default=None,
                          return_dtype=pl.String)))
    )
    skill_categories = pl.DataFrame(
        [(skill, category) for skill, categories in SKILL_PACK_CATEGORIES.items() for category in categories],
        schema={"skill": pl.String, "category": pl.String}, orient="row")
    candidates = (
        pack_categories(packs.filter(pl.col("difficulty_index").is_not_null()))
        .join(skill_categories, on="category")
        .select("skill", "code", "name", "difficulty", "difficulty_index")
        .unique(["skill", "code"])
    )
    return (
        ranked.select("player_id", "skill", "z", "order", "rank_index", "reason", *JUDGED)
        .join(candidates, on="skill")
        .with_columns(distance=(pl.col("difficulty_index") - pl.col("rank_index")).abs())
        .filter(pl.col("distance") <= RANK_WINDOW)
        .join(mastered.rename({"pack_code": "code"}), on=["player_id", "code"], how="anti")
        .sort("player_id", "order", "distance", "code")
        .unique(["player_id", "code"], keep="first", maintain_order=True)
        .with_columns(pick=pl.int_range(pl.len()).over("player_id", "skill"))
        .filter(pl.col("pick") < PACKS_PER_SKILL)
        .select("player_id", "skill", "reason", "z", pl.col("code").alias("pack_code"), pl.col("name").alias("pack_name"),
                "difficulty", "distance", pl.col("pick").alias("position"), *JUDGED)
    )


def player_recommendations(player_weaknesses: pl.DataFrame, training_packs: pl.DataFrame,
                           history: pl.DataFrame) -> pl.DataFrame:
    """`recommendations`: per player up to three packs for each weakest skill (key `player_id,
    pack_code`), near the player's rank, never a pack the player mastered in their sessions (`history`)."""
    mastered = (mastered_packs(history) if history.height
                else pl.DataFrame(schema={"player_id": pl.String, "pack_code": pl.String}))
    return recommendations(player_weaknesses, training_packs, mastered)
