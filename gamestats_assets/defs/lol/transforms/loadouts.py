"""Runes, summoner spells and starting items: what a player took into the game, and the keystone, rune page,
spell pair and starting items statistics of each champion (what u.gg and lolalytics show first on a champion page).

Runes come from `perks.styles[].selections[].perk` of the match file (`rune_*` of `etl/participants`), spells
from `summoner1Id` / `summoner2Id` (`spell1Id` / `spell2Id` on tournament servers); both are named by the Data Dragon of the game's patch (`named_on` is the
reference patch that named them: the game's own, or the nearest earlier one the reference has)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.defs.lol.transforms.counts import by_slice, with_tier
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold

PAGE_SEPARATOR = "-"
"""Joins the rune ids of a page (keystone first, primary path in page order, then the secondary path's runes
by id) into the `rune_page` key."""
PAIR_SEPARATOR = "+"
"""Joins the two spell ids of a pair (lower id first) into the `spell_pair` key."""


def named(ids: pl.DataFrame, reference: pl.DataFrame, id_column: str, name_column: str) -> pl.DataFrame:
    """`ids` (with `patch`, `match_id`, `participant_id`, `slot_index` and `id_column`) plus each id's name and the
    reference patch that named it, from `reference` (`ddragon.*_by_patch` of the games' patches)."""
    return ids.join(reference.select("patch", id_column, name_column, "reference_patch"),
                    on=["patch", id_column], how="left", nulls_equal=True)


def loadouts(participants: pl.DataFrame, matches: pl.DataFrame, runes: pl.DataFrame,
             spells: pl.DataFrame) -> pl.DataFrame:
    """One row per player of a game with its match file (key match_id, participant_id): the rune page and the
    summoner spell pair.

    `keystone_id` is the first rune of the primary path; `rune_page` the page's rune ids joined by
    `PAGE_SEPARATOR` (null without a full page of six), `rune_names` their names in the same order joined by
    ` / `, with the two paths' names; `spell_pair` the two spell ids (lower first) joined by `PAIR_SEPARATOR`,
    `spell_names` their names in that order. A rune or spell id the Data Dragon of the game's patch lacks keeps
    a null name; `runes_named_on` / `spells_named_on` are the newest reference patch that named the player's
    runes / spells."""
    spell_ids = [pl.coalesce(f"summoner{n}_id", f"spell{n}_id") for n in (1, 2)]
    players = participants.join(matches.select("match_id", "patch"), on="match_id").select(
        "match_id", "participant_id", "patch", "rune_primary_style", "rune_sub_style", "rune_ids",
        pl.min_horizontal(*spell_ids).alias("spell_1_id"), pl.max_horizontal(*spell_ids).alias("spell_2_id"))
    keys = ["match_id", "participant_id"]
    page = (players.select(*keys, "patch", pl.col("rune_ids").alias("perk_id")).explode("perk_id")
            .with_columns(pl.int_range(pl.len()).over(keys).alias("slot_index")).drop_nulls("perk_id"))
    page = named(page, runes, "perk_id", "perk_name").with_columns(
        pl.when(pl.col("slot_index") < 4).then(pl.col("slot_index")).otherwise(4 + pl.col("perk_id")).alias("order"))
    page = page.sort(*keys, "order").group_by(keys, maintain_order=True).agg(
        pl.col("perk_id").first().alias("keystone_id"), pl.col("perk_name").first().alias("keystone_name"),
        pl.col("perk_id").cast(pl.String).str.join(PAGE_SEPARATOR).alias("rune_page"),
        pl.col("perk_name").fill_null("?").str.join(" / ").alias("rune_names"),
        pl.len().alias("runes"), pl.col("reference_patch").max().alias("runes_named_on"))
    styles = (runes.select("patch", "style_id", "style_name").unique(["patch", "style_id"]))
    pair = players.select(*keys, "patch", "spell_1_id", "spell_2_id")
    for index in (1, 2):
        pair = pair.join(spells.select("patch", pl.col("spell_id").alias(f"spell_{index}_id"),
                                       pl.col("spell_name").alias(f"spell_{index}_name"),
                                       pl.col("reference_patch").alias(f"spell_{index}_named_on")),
                         on=["patch", f"spell_{index}_id"], how="left", nulls_equal=True)
    full_page = pl.col("runes") == 6
    return (
        players.select(*keys, "patch", "rune_primary_style", "rune_sub_style")
        .join(page, on=keys, how="left")
        .join(styles.rename({"style_id": "rune_primary_style", "style_name": "primary_style_name"}),
              on=["patch", "rune_primary_style"], how="left", nulls_equal=True)
        .join(styles.rename({"style_id": "rune_sub_style", "style_name": "sub_style_name"}),
              on=["patch", "rune_sub_style"], how="left", nulls_equal=True)
        .join(pair.drop("patch"), on=keys, how="left")
        .select(*keys, "keystone_id", "keystone_name",
                pl.when(full_page).then(pl.col("rune_page")).alias("rune_page"),
                pl.when(full_page).then(pl.col("rune_names")).alias("rune_names"),
                pl.col("rune_primary_style").alias("primary_style_id"), "primary_style_name",
                pl.col("rune_sub_style").alias("sub_style_id"), "sub_style_name", "runes_named_on",
                pl.when(pl.col("spell_1_id").is_not_null() & pl.col("spell_2_id").is_not_null())
                .then(pl.concat_str(pl.col("spell_1_id").cast(pl.String), pl.lit(PAIR_SEPARATOR),
                                    pl.col("spell_2_id").cast(pl.String))).alias("spell_pair"),
                pl.concat_str("spell_1_name", pl.lit(" + "), "spell_2_name").alias("spell_names"),
                "spell_1_id", "spell_2_id",
                pl.max_horizontal("spell_1_named_on", "spell_2_named_on").alias("spells_named_on"))
        .sort(keys)
    )


def choice_fold(key: str, key_type: pl.DataType, described: Mapping[str, pl.DataType], loadout: str) -> JoinedFold:
    """Champion × one loadout choice `key` (of the input `loadout`) as exact counts kept game by game: per queue,
    patch, tier, champion and choice (with its `described` columns: names, the patch that named them), the games
    with a known result and their wins, and the champion's counted games (`champion_games`, any choice or none)."""
    reads = {"queue": pl.String, "patch": pl.String, "tier": pl.String, "champion_id": pl.Int64,
             "champion_name": pl.String, "win": pl.Boolean, key: key_type, **described}

    def rows(players: pl.DataFrame, tiers: pl.DataFrame, **frames: pl.DataFrame) -> pl.DataFrame:
        choices = frames[loadout].select("match_id", "participant_id", key, *described)
        picks = counted(players).select("match_id", "participant_id", *GROUP, "champion_id", "champion_name", "win")
        return with_tier(picks.join(choices, on=["match_id", "participant_id"], how="left"), tiers).select(
            pl.col(name).cast(dtype) for name, dtype in reads.items())

    chosen = pl.col(key).is_not_null() & pl.col("win").is_not_null()
    fold = Fold(reads, ("queue", "patch", "tier", "champion_id", "champion_name", key, *described),
                {"games": chosen.cast(pl.Int64), "wins": (chosen & pl.col("win")).cast(pl.Int64),
                 "champion_games": pl.lit(1, pl.Int64)},
                lambda state: finished_choice_stats(state, key, tuple(described)), counted="champion_games")
    return JoinedFold(fold, rows)


def finished_choice_stats(state: pl.DataFrame, key: str, described: tuple[str, ...]) -> pl.DataFrame:
    """A choice's statistics from the fold's state: every slice of tiers summed, then the pick rate within the
    champion's games and the win rate (Wilson, `low_sample`)."""
    keys = [*GROUP, "tier", "champion_id"]
    sliced = by_slice(state, [*keys, key], ["champion_name", *described])
    champion = sliced.group_by(keys).agg(pl.col("champion_games").sum())
    stats = (sliced.filter(pl.col(key).is_not_null() & (pl.col("games") > 0)).drop("champion_games")
             .join(champion, on=keys).with_columns((pl.col("games") / pl.col("champion_games")).alias("pick_rate")))
    return with_rate(stats).select(
        *GROUP, "champion_id", key, "champion_name", *described, "games", "wins",
        "champion_games", "pick_rate", "win_rate", "low_sample", "win_rate_ci_low", "win_rate_ci_high", "tier").sort(
        *GROUP, "tier", "champion_id", "games", key, descending=[False, False, False, False, True, False])


KEYSTONE_STATS = choice_fold("keystone_id", pl.Int64, {"keystone_name": pl.String, "primary_style_name": pl.String,
                                                       "runes_named_on": pl.String}, "loadouts")
RUNE_PAGE_STATS = choice_fold("rune_page", pl.String, {
    "keystone_id": pl.Int64, "keystone_name": pl.String, "rune_names": pl.String, "primary_style_name": pl.String,
    "sub_style_name": pl.String, "runes_named_on": pl.String}, "loadouts")
SPELL_PAIR_STATS = choice_fold("spell_pair", pl.String, {"spell_1_id": pl.Int64, "spell_2_id": pl.Int64,
                                                        "spell_names": pl.String, "spells_named_on": pl.String},
                               "loadouts")
STARTING_ITEM_STATS = choice_fold("starting_items", pl.String, {"starting_item_names": pl.String,
                                                               "items_named_on": pl.String}, "starting")
"""The loadout statistics as folds kept game by game."""


def keystone_stats(players: pl.DataFrame, loadouts: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × keystone by ranked tier: one row per (queue, patch, tier, champion_id, keystone_id) of counted
    games, with the keystone's and its path's names (`runes_named_on`: the Data Dragon patch that named them), games,
    pick rate within the champion's games and win rate with its 95 % Wilson interval and `low_sample`."""
    return KEYSTONE_STATS(players=players, loadouts=loadouts, tiers=tiers)


def rune_page_stats(players: pl.DataFrame, loadouts: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × full rune page by ranked tier: one row per (queue, patch, tier, champion_id, rune_page) of counted
    games, where `rune_page` is the six rune ids (keystone first, then the primary path's runes in page order, then
    the secondary path's by id, joined by `-`) and `rune_names` their names; games, pick rate within the champion's
    games and win rate with its 95 % Wilson interval and `low_sample`."""
    return RUNE_PAGE_STATS(players=players, loadouts=loadouts, tiers=tiers)


def spell_pair_stats(players: pl.DataFrame, loadouts: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × summoner spell pair by ranked tier: one row per (queue, patch, tier, champion_id, spell_pair) of
    counted games, where `spell_pair` is the two spell ids, lower first, joined by `+` (Flash + Ignite is Ignite +
    Flash) and `spell_names` their names; games, pick rate within the champion's games and win rate with its 95 %
    Wilson interval and `low_sample`."""
    return SPELL_PAIR_STATS(players=players, loadouts=loadouts, tiers=tiers)


def starting_item_stats(players: pl.DataFrame, starting: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × starting items by ranked tier: one row per (queue, patch, tier, champion_id, starting_items) of
    counted games, where `starting_items` is the item ids bought before the first minions (`std.starting_items`)
    and `starting_item_names` their names; games, pick rate within the champion's games and win rate with its 95 %
    Wilson interval and `low_sample`."""
    return STARTING_ITEM_STATS(players=players, starting=starting, tiers=tiers)
