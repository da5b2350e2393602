"""Runes, summoner spells and starting items: what a player took into the game, and the keystone, rune page,
spell pair and starting items statistics of each champion (what u.gg and lolalytics show first on a champion page).

Runes come from `perks.styles[].selections[].perk` of the match file (`rune_*` of `etl/participants`), spells
from `summoner1Id` / `summoner2Id` (`spell1Id` / `spell2Id` on tournament servers); both are named by the Data Dragon of the game's patch (`named_on` is the
reference patch that named them: the game's own, or the nearest earlier one the reference has)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, champion_games, counted, games_and_wins, with_rate

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


def choice_stats(players: pl.DataFrame, loadout: pl.DataFrame, key: str, described: tuple[str, ...]) -> pl.DataFrame:
    """Champion × one loadout choice `key` over counted games: one row per (queue, patch, champion_id, key) with
    the `described` columns (names, the patch that named them), games, wins, pick rate within the champion's
    games and win rate (Wilson, `low_sample`)."""
    players = counted(players)
    rows = players.select("match_id", "participant_id", *GROUP, "champion_id", "champion_name", "win").join(
        loadout.select("match_id", "participant_id", key, *described), on=["match_id", "participant_id"])
    stats = (rows.filter(pl.col(key).is_not_null() & pl.col("win").is_not_null())
             .group_by(*GROUP, "champion_id", key)
             .agg(pl.col("champion_name").first(), *[pl.col(c).drop_nulls().first().alias(c) for c in described],
                  *games_and_wins())
             .join(champion_games(players), on=[*GROUP, "champion_id"])
             .with_columns((pl.col("games") / pl.col("champion_games")).alias("pick_rate")))
    return with_rate(stats).sort(*GROUP, "champion_id", "games", key, descending=[False, False, False, True, False])


def keystone_stats(players: pl.DataFrame, loadouts: pl.DataFrame) -> pl.DataFrame:
    """Champion × keystone: one row per (queue, patch, champion_id, keystone_id) of counted games, with the
    keystone's and its path's names (`runes_named_on`: the Data Dragon patch that named them), games, pick rate
    within the champion's games and win rate with its 95 % Wilson interval and `low_sample`."""
    return choice_stats(players, loadouts, "keystone_id", ("keystone_name", "primary_style_name", "runes_named_on"))


def rune_page_stats(players: pl.DataFrame, loadouts: pl.DataFrame) -> pl.DataFrame:
    """Champion × full rune page: one row per (queue, patch, champion_id, rune_page) of counted games, where
    `rune_page` is the six rune ids (keystone first, then the primary path's runes in page order, then the
    secondary path's by id, joined by `-`) and `rune_names` their names; games, pick rate within the champion's
    games and win rate with its 95 % Wilson interval and `low_sample`."""
    return choice_stats(players, loadouts, "rune_page", ("keystone_id", "keystone_name", "rune_names",
                                                         "primary_style_name", "sub_style_name", "runes_named_on"))


def spell_pair_stats(players: pl.DataFrame, loadouts: pl.DataFrame) -> pl.DataFrame:
    """Champion × summoner spell pair: one row per (queue, patch, champion_id, spell_pair) of counted games,
    where `spell_pair` is the two spell ids, lower first, joined by `+` (Flash + Ignite is Ignite + Flash) and
    `spell_names` their names; games, pick rate within the champion's games and win rate with its 95 % Wilson
    interval and `low_sample`."""
    return choice_stats(players, loadouts, "spell_pair", ("spell_1_id", "spell_2_id", "spell_names",
                                                          "spells_named_on"))


def starting_item_stats(players: pl.DataFrame, starting: pl.DataFrame) -> pl.DataFrame:
    """Champion × starting items: one row per (queue, patch, champion_id, starting_items) of counted games, where
    `starting_items` is the item ids bought before the first minions (`std.starting_items`) and
    `starting_item_names` their names; games, pick rate within the champion's games and win rate with its 95 %
    Wilson interval and `low_sample`."""
    return choice_stats(players, starting, "starting_items", ("starting_item_names", "items_named_on"))
