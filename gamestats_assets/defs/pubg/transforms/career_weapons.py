"""Each player's career with each weapon (`player_weapon_stats`): what every match adds (`match_weapons`, the
per-match table `player_match_weapons`) folded over every match in the lake (`WEAPON_FOLD`), per match type as the
career is (`career.match_type_slices`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.pubg.transforms.career import disagreeing, match_type_slices, scaled, unscaled
from gamestats_assets.defs.pubg.transforms.extractors import CM_PER_M, _enemy, _enemy_kill
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.sources.pubg.weapons import weapon_causer, with_weapon_category

UNKNOWN = "Unknown"
"""The weapon of a kill, knock or hit whose telemetry names no damage causer."""
COUNTS = ("kills", "headshot_kills", "kills_with_distance", "knocks", "shots", "hits", "headshots")
MATCH_WEAPONS_SCHEMA = {"match_id": pl.String, "account_id": pl.String, "match_type": pl.String, "weapon": pl.String,
                        "kills": pl.Int64, "headshot_kills": pl.Int64, "kills_with_distance": pl.Int64,
                        "kill_distance_m": pl.Float64, "knocks": pl.Int64, "damage_dealt": pl.Float64,
                        "shots": pl.Int64, "hits": pl.Int64, "headshots": pl.Int64}
WEAPON_STATS_SCHEMA = {"account_id": pl.String, "match_type": pl.String, "weapon": pl.String,
                       "weapon_name": pl.String, "weapon_category": pl.String, "matches": pl.Int64, "kills": pl.Int64,
                       "headshot_kills": pl.Int64, "headshot_kill_rate": pl.Float64, "avg_kill_distance_m": pl.Float64,
                       "knocks": pl.Int64, "damage_dealt": pl.Float64, "shots": pl.Int64, "hits": pl.Int64,
                       "headshots": pl.Int64, "accuracy": pl.Float64, "headshot_rate": pl.Float64}


def match_weapons(kills: pl.DataFrame, knocks: pl.DataFrame, damage: pl.DataFrame, accuracy: pl.DataFrame,
                  summaries: pl.DataFrame) -> pl.DataFrame:
    """What each player did with each weapon in a match: one row per (match_id, account_id, weapon), for the players
    of `match_summaries` (AI bots left out) in a match whose whole telemetry was read (`has_telemetry`), with the
    match's `match_type` (the API's `matchType`). `weapon` is the damage causer id (`WeapHK416_C`, `ProjGrenade_C`,
    ...; `Unknown` where the telemetry names none).

    - `kills`: kills of players of other teams credited to the player (`killer`) with the weapon, as
      `player_match_weapon_distribution` counts them; `headshot_kills` those with `damageReason` `HeadShot`;
      `kill_distance_m` the sum of their distances over the `kills_with_distance` that state one;
    - `knocks`: players the player knocked with it; `damage_dealt`: its damage to players of other teams (per weapon
      category they sum to `player_match_weapon_distribution`);
    - `shots`, `hits`, `headshots`: of a firearm, its shots, those that hit a player of another team and those with a
      headshot among their hits (`player_weapon_accuracy`)."""
    causer = pl.col("damage_causer_name").fill_null(UNKNOWN).alias("weapon")
    killed = kills.filter(_enemy_kill()).group_by(
        "match_id", pl.col("killer_account_id").alias("account_id"), causer).agg(
        pl.len().cast(pl.Int64).alias("kills"),
        (pl.col("damage_reason") == "HeadShot").sum().cast(pl.Int64).alias("headshot_kills"),
        pl.col("distance").is_not_null().sum().cast(pl.Int64).alias("kills_with_distance"),
        (pl.col("distance") / CM_PER_M).sum().alias("kill_distance_m"))
    knocked = knocks.filter(pl.col("attacker_account_id").is_not_null()).group_by(
        "match_id", pl.col("attacker_account_id").alias("account_id"), causer).agg(
        pl.len().cast(pl.Int64).alias("knocks"))
    dealt = damage.filter(_enemy()).group_by("match_id", pl.col("attacker_account_id").alias("account_id"), causer).agg(
        pl.col("damage").sum().alias("damage_dealt"))
    items = accuracy["weapon_id"].unique().to_list()
    causers = pl.DataFrame({"weapon_id": items, "weapon": [weapon_causer(item) or UNKNOWN for item in items]},
                           schema={"weapon_id": pl.String, "weapon": pl.String})
    fired = accuracy.join(causers, on="weapon_id").group_by("match_id", "account_id", "weapon").agg(
        pl.col("shots", "hits", "headshots").sum().cast(pl.Int64))
    keys = ["match_id", "account_id", "weapon"]
    players = summaries.filter(pl.col("has_telemetry")).select("match_id", "account_id", "match_type")
    joined = killed
    for part in (knocked, dealt, fired):
        joined = joined.join(part, on=keys, how="full", coalesce=True)
    return (joined.join(players, on=["match_id", "account_id"])
            .with_columns(pl.col(*COUNTS).fill_null(0), pl.col("kill_distance_m", "damage_dealt").fill_null(0.0))
            .select(list(MATCH_WEAPONS_SCHEMA)).cast(MATCH_WEAPONS_SCHEMA).sort(keys))


TERMS = {"matches": pl.lit(1, pl.Int64), **{name: pl.col(name) for name in COUNTS},
         "kill_distance_m": scaled("kill_distance_m"), "damage_dealt": scaled("damage_dealt")}
"""What each per-match row adds to its player's sums with its weapon: the match (a row is one match's use of one
weapon), its counts, its kill distances and damage in millionths."""


def finished_weapons(state: pl.DataFrame) -> pl.DataFrame:
    """The career weapon table from the fold's state (sums per player, match type and weapon): the sums of each slice
    of match types (`match_type_slices`), the weapon's display name and category (`sources.pubg.weapons`), the rates
    and the average kill distance from the sums."""
    sums = match_type_slices(state.filter(pl.col("matches") > 0)).group_by("account_id", "match_type", "weapon").agg(
        pl.col("matches", *COUNTS).sum().cast(pl.Int64), unscaled("damage_dealt"),
        unscaled("kill_distance_m").alias("avg_kill_distance_m"))

    def per(numerator: str, denominator: str) -> pl.Expr:
        return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator))

    return (with_weapon_category(sums, "weapon").with_columns(
        per("headshot_kills", "kills").alias("headshot_kill_rate"),
        per("avg_kill_distance_m", "kills_with_distance").alias("avg_kill_distance_m"),
        per("hits", "shots").alias("accuracy"), per("headshots", "hits").alias("headshot_rate"))
        .select(list(WEAPON_STATS_SCHEMA)).cast(WEAPON_STATS_SCHEMA).sort("account_id", "match_type", "weapon"))


WEAPON_FOLD = Fold({name: dtype for name, dtype in MATCH_WEAPONS_SCHEMA.items() if name != "match_id"},
                   ("account_id", "match_type", "weapon"), TERMS, finished_weapons, counted="matches")
"""The career with each weapon as a fold of `player_match_weapons`: per player, match type and weapon, exact integer
sums."""


def weapon_stats(match_weapon_rows: pl.DataFrame) -> pl.DataFrame:
    """Each player's career with each weapon over every match in the lake whose whole telemetry was read: one row per
    (`account_id`, `match_type`, `weapon`), `match_type` `ranked`, `normal` or `all` as in the career table, `weapon`
    the damage causer id with its display name and category.

    What a stats site's weapon tab shows: `matches` the matches the player killed, knocked, hit or fired with it;
    `kills`, `headshot_kills` (and `headshot_kill_rate` of the kills), `knocks` and `damage_dealt` to players of other
    teams with it (per category they sum to the per-match `player_match_weapon_distribution`); `avg_kill_distance_m`
    over the kills that state a distance; for firearms `shots`, `hits` (shots that hit a player of another team),
    `headshots` (hits with a headshot), `accuracy` = hits / shots and `headshot_rate` = headshots / hits, from
    `player_weapon_accuracy`, with the sums kept (a career's accuracy is its hits over its shots, not a mean of
    matches'). A longest kill is not given: a maximum cannot be taken back when a match is removed or changed, and
    the table is kept as sums. Distances and damage are summed to the millionth; the same as the fold of the per-match
    rows (`WEAPON_FOLD`) in any order."""
    return WEAPON_FOLD(rows=match_weapon_rows)


def disagreeing_weapons(table: pl.DataFrame, state: pl.DataFrame) -> pl.DataFrame:
    """The rows where the career weapon table and the fold's state disagree (`career.disagreeing`): their matches,
    kills, shots and damage dealt."""
    return disagreeing(table, state, ("account_id", "match_type", "weapon"), {
        "matches": pl.col("matches").sum().cast(pl.Int64), "kills": pl.col("kills").sum().cast(pl.Int64),
        "shots": pl.col("shots").sum().cast(pl.Int64), "damage_dealt": unscaled("damage_dealt")})
