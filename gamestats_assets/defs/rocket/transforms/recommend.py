"""Training-pack recommendations: packs for a player's weakest skills, near their rank, not yet mastered."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.rocket.transforms.sessions import mastered_packs
from gamestats_assets.sources.ballchasing.training_packs import SKILL_PACK_CATEGORIES, pack_categories

SKILLS_PER_PLAYER = 2
PACKS_PER_SKILL = 3
RANK_WINDOW = 12
"""Divisions (one metal) between a pack's difficulty and the player's rank within which it is 'near'."""


def recommendations(scores: pl.DataFrame, packs: pl.DataFrame, mastered: pl.DataFrame) -> pl.DataFrame:
    """`recommendations` (key `player_id, pack_code`): for each scored player, the skills detected weak
    (else the `SKILLS_PER_PLAYER` lowest z, with `reason` saying which), and for each up to
    `PACKS_PER_SKILL` catalogue packs of the skill's categories whose difficulty is within `RANK_WINDOW`
    divisions of the player's rank, nearest first, leaving out packs the player mastered."""
    ranked = (
        scores.filter(pl.col("z").is_not_null() & pl.col("rank_index").is_not_null())
        .with_columns(order=pl.col("z").rank("ordinal").over("player_id"))
        .filter(pl.col("is_weak") | (pl.col("order") <= SKILLS_PER_PLAYER))
        .with_columns(reason=pl.when(pl.col("is_weak")).then(pl.lit("detected weakness"))
                      .otherwise(pl.lit("weakest skill")))
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
        ranked.select("player_id", "skill", "z", "rank_index", "reason")
        .join(candidates, on="skill")
        .with_columns(distance=(pl.col("difficulty_index") - pl.col("rank_index")).abs())
        .filter(pl.col("distance") <= RANK_WINDOW)
        .join(mastered.rename({"pack_code": "code"}), on=["player_id", "code"], how="anti")
        .sort("player_id", "z", "distance", "code")
        .unique(["player_id", "code"], keep="first", maintain_order=True)
        .with_columns(pick=pl.int_range(pl.len()).over("player_id", "skill"))
        .filter(pl.col("pick") < PACKS_PER_SKILL)
        .select("player_id", "skill", "reason", "z", pl.col("code").alias("pack_code"), pl.col("name").alias("pack_name"),
                "difficulty", "distance", pl.col("pick").alias("position"))
    )


def player_recommendations(player_weaknesses: pl.DataFrame, training_packs: pl.DataFrame,
                           history: pl.DataFrame) -> pl.DataFrame:
    """`recommendations`: per player up to three packs for each weakest skill (key `player_id,
    pack_code`), near the player's rank, never a pack the player mastered in their sessions (`history`)."""
    mastered = (mastered_packs(history) if history.height
                else pl.DataFrame(schema={"player_id": pl.String, "pack_code": pl.String}))
    return recommendations(player_weaknesses, training_packs, mastered)
