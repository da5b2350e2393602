"""Choices only some of a champion's players reach — a skill path of 15 points, a fourth to sixth core item, a pair
of finished boots — and their statistics per champion, each choice's pick rate taken among the champion's players
who reached it (what u.gg's skill path, late items and boots show).

Every table is computed within a queue, patch and slice of ranked tiers over `counted` games, every rate with its
n, a 95 % Wilson interval and `low_sample`."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.defs.lol.transforms.counts import by_slice, with_tier
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.sources.riot import ddragon

SKILL_PATH_POINTS = 15
"""Skill points a skill path holds: the first 15, levels 1 to 15 (u.gg's skill path)."""
LATE_SLOTS = (4, 5, 6)
"""The core items (legendary and mythic, by completion) after the core build of three."""
SEQUENCE_DEPTHS = (4, 5, 6)
"""The lengths of the item sequences mined beyond the core build of three."""
MIN_SUPPORT = 0.01
MIN_SUPPORT_GAMES = 10
"""A sequence is frequent, and kept, at a support of 1 % of the players whose build reached its length and at least
10 games."""
PLAYER = ("match_id", "participant_id")


def reached_fold(key: str, key_type: pl.DataType, described: Mapping[str, pl.DataType],
                 reached: Callable[..., pl.DataFrame], within: Mapping[str, pl.DataType] | None = None,
                 kept: Callable[[pl.DataFrame], pl.DataFrame] = lambda stats: stats) -> JoinedFold:
    """Champion × choice `key` (with its `described` columns, and `within` a slot) among the champion's players who
    reached a choice, as exact counts kept game by game: per queue, patch, tier, champion, slot and choice, the games
    and their wins. `reached(**frames)` gives the choices of every player who reached one (`match_id`,
    `participant_id`, the slot, `key`, `described`) from the statistic's inputs but `players` and `tiers`; `kept`
    keeps the finished rows to publish (all by default)."""
    within = dict(within or {})
    reads = {"queue": pl.String, "patch": pl.String, "tier": pl.String, "champion_id": pl.Int64,
             "champion_name": pl.String, "win": pl.Boolean, **within, key: key_type, **described}

    def rows(players: pl.DataFrame, tiers: pl.DataFrame, **frames: pl.DataFrame) -> pl.DataFrame:
        picks = counted(players).select(*PLAYER, *GROUP, "champion_id", "champion_name", "win")
        return with_tier(picks.join(reached(**frames), on=PLAYER), tiers).select(
            pl.col(name).cast(dtype) for name, dtype in reads.items())

    fold = Fold(reads, (*GROUP, "tier", "champion_id", "champion_name", *within, key, *described),
                {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").fill_null(False).cast(pl.Int64)},
                lambda state: kept(finished_reached_stats(state, key, tuple(within), tuple(described))),
                counted="games")
    return JoinedFold(fold, rows)


def finished_reached_stats(state: pl.DataFrame, key: str, within: tuple[str, ...],
                           described: tuple[str, ...]) -> pl.DataFrame:
    """A reached choice's statistics from the fold's state: every slice of tiers summed, then the pick rate among
    the champion's players who reached the slot (`champion_games`) and the win rate (Wilson, `low_sample`)."""
    champion = [*GROUP, "tier", "champion_id", *within]
    sliced = by_slice(state, [*champion, key], ["champion_name", *described])
    reached = sliced.group_by(champion).agg(pl.col("games").sum().alias("champion_games"))
    stats = (sliced.filter(pl.col("games") > 0).join(reached, on=champion)
             .with_columns((pl.col("games") / pl.col("champion_games")).alias("pick_rate")))
    return with_rate(stats).select(
        *GROUP, "champion_id", *within, key, "champion_name", *described, "games", "wins", "champion_games",
        "pick_rate", "win_rate", "low_sample", "win_rate_ci_low", "win_rate_ci_high", "tier").sort(
        *GROUP, "tier", "champion_id", *within, "games", key,
        descending=[False, False, False, False, *(False for _ in within), True, False])


def skill_paths(skills: pl.DataFrame) -> pl.DataFrame:
    """Each player who put at least `SKILL_PATH_POINTS` skill points in (`std.skill_orders`), with `skill_path`: the
    skill of each of the first `SKILL_PATH_POINTS` points, in order (`QWEQQRQEQEREEWW`)."""
    return skills.filter(pl.col("skill_sequence").str.len_chars() >= SKILL_PATH_POINTS).select(
        *PLAYER, pl.col("skill_sequence").str.slice(0, SKILL_PATH_POINTS).alias("skill_path"))


def late_items(purchases: pl.DataFrame) -> pl.DataFrame:
    """The fourth, fifth and sixth core items of each player whose build reached them (`core_rank` of
    `std.item_purchases`): one row per player and `slot`, with the item's id and name."""
    return purchases.filter(pl.col("core_rank").is_in(list(LATE_SLOTS))).select(
        *PLAYER, pl.col("core_rank").alias("slot"), "item_id", "item_name")


def boots(purchases: pl.DataFrame) -> pl.DataFrame:
    """The first pair of finished boots of each player who completed one: the earliest purchase, by completion, of
    an item the Data Dragon that named it (`named_on`) classes as tier-2 boots (`ddragon.tier_two_boots`)."""
    finished = ddragon.tier_two_boots(ddragon.tables()[0]).rename({"patch": "named_on"})
    return (purchases.join(finished, on=["named_on", "item_id"]).sort(*PLAYER, "completed_at", "event_index")
            .group_by(*PLAYER, maintain_order=True).first().select(*PLAYER, "item_id", "item_name"))


def item_sequences(purchases: pl.DataFrame) -> pl.DataFrame:
    """Each player's core items in completion order as sequences of `SEQUENCE_DEPTHS` items (`core_rank` of
    `std.item_purchases`): one row per player and `depth` their build reached, with `sequence`, the first `depth`
    core items' names joined by ` > `."""
    cores = (purchases.filter(pl.col("core_rank").is_between(1, max(SEQUENCE_DEPTHS))).sort(*PLAYER, "core_rank")
             .group_by(*PLAYER, maintain_order=True).agg(pl.col("item_name")))
    return pl.concat([cores.filter(pl.col("item_name").list.len() >= depth).select(
        *PLAYER, pl.lit(depth, pl.Int32).alias("depth"), pl.col("item_name").list.head(depth).list.join(" > ")
        .alias("sequence")) for depth in SEQUENCE_DEPTHS])


def frequent(stats: pl.DataFrame) -> pl.DataFrame:
    """The sequences whose support (their share of the champion's players whose build reached as deep) is at least
    `MIN_SUPPORT`, of at least `MIN_SUPPORT_GAMES` games."""
    return stats.filter((pl.col("pick_rate") >= MIN_SUPPORT) & (pl.col("games") >= MIN_SUPPORT_GAMES))


SKILL_PATHS = reached_fold("skill_path", pl.String, {}, skill_paths)
LATE_ITEMS = reached_fold("item_id", pl.Int64, {"item_name": pl.String}, late_items,
                          within={"slot": pl.Int32})
BOOTS = reached_fold("item_id", pl.Int64, {"item_name": pl.String}, boots)
ITEM_SEQUENCES = reached_fold("sequence", pl.String, {}, item_sequences, within={"depth": pl.Int32}, kept=frequent)
"""The reached statistics as folds kept game by game."""


def skill_path_stats(players: pl.DataFrame, skills: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × skill path by ranked tier: one row per (queue, patch, tier, champion_id, skill_path) of counted
    games whose player put at least 15 skill points in, where `skill_path` is the skill of each of the first 15
    points in order (`QWEQQRQEQEREEWW`: level 1 Q, level 2 W ...); games, pick rate among the champion's players
    who put 15 points in (`champion_games`), and win rate with its 95 % Wilson interval and `low_sample`."""
    return SKILL_PATHS(players=players, skills=skills, tiers=tiers)


def late_item_stats(players: pl.DataFrame, purchases: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × fourth, fifth or sixth core item by ranked tier: one row per (queue, patch, tier, champion_id,
    slot, item_id) of counted games, where `slot` is the core item's place by completion (4 to 6) and `item_name`
    its name; games, pick rate among the champion's games whose build reached the slot (`champion_games`), and win
    rate with its 95 % Wilson interval and `low_sample`."""
    return LATE_ITEMS(players=players, purchases=purchases, tiers=tiers)


def item_sequence_stats(players: pl.DataFrame, purchases: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Frequent item sequences beyond the core build, by ranked tier: one row per (queue, patch, tier, champion_id,
    depth, sequence) of counted games, where `sequence` is the first `depth` (4 to 6) core items in completion order
    and the rows kept are the frequent ones (`frequent`: support, the `pick_rate` among the champion's players whose
    build reached `depth` items, of at least 1 % and 10 games); games, and win rate with its 95 % Wilson interval and
    `low_sample`. The sequences are the builds' prefixes in completion order, mined as a prefix tree is: a sequence
    is counted only where each shorter prefix of it was completed first."""
    return ITEM_SEQUENCES(players=players, purchases=purchases, tiers=tiers)


def boots_stats(players: pl.DataFrame, purchases: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × finished boots by ranked tier: one row per (queue, patch, tier, champion_id, item_id) of counted
    games, where `item_id` is the first tier-2 boots the player completed (Data Dragon items tagged `Boots` built
    from the basic Boots) and `item_name` its name; games, pick rate among the champion's games whose player
    completed a pair (`champion_games`), and win rate with its 95 % Wilson interval and `low_sample`."""
    return BOOTS(players=players, purchases=purchases, tiers=tiers)
