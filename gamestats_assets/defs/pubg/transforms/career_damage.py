"""Each player's career damage by kind (`player_damage_stats`): what every match adds (`match_damage`, the per-match
table `player_match_damage`) folded over every match in the lake (`DAMAGE_FOLD`), per match type as the career is
(`career.match_type_slices`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.pubg.transforms.career import disagreeing, match_type_slices, scaled, unscaled
from gamestats_assets.defs.pubg.transforms.extractors import _enemy
from gamestats_assets.lib.refresh.fold import Fold

UNKNOWN = "Unknown"
"""The damage type or body part of an event whose telemetry names none."""
KINDS = ("direction", "damage_type_category", "damage_reason")
"""What a player's damage is told apart by."""
MATCH_DAMAGE_SCHEMA = {"match_id": pl.String, "account_id": pl.String, "match_type": pl.String,
                       "direction": pl.String, "damage_type_category": pl.String, "damage_reason": pl.String,
                       "damage": pl.Float64, "damage_events": pl.Int64}
DAMAGE_STATS_SCHEMA = {"account_id": pl.String, "match_type": pl.String, "direction": pl.String,
                       "damage_type_category": pl.String, "damage_reason": pl.String, "matches": pl.Int64,
                       "damage": pl.Float64, "damage_events": pl.Int64, "damage_per_event": pl.Float64}


def match_damage(damage: pl.DataFrame, summaries: pl.DataFrame) -> pl.DataFrame:
    """The damage each player dealt and took in a match, by kind: one row per (match_id, account_id, direction,
    damage_type_category, damage_reason), for the players of `match_summaries` (AI bots left out) in a match whose
    whole telemetry was read (`has_telemetry`), with the match's `match_type` (the API's `matchType`).

    - `direction` `dealt`: the `LogPlayerTakeDamage` the player caused to players of other teams (summed, the
      player's telemetry `damage_dealt`); `taken`: every one the player suffered, from players, the zone or the
      environment (summed, their `damage_received`);
    - `damage_type_category` the event's `damageTypeCategory` (`Damage_Gun`, `Damage_Explosion_Grenade`,
      `Damage_BlueZone`, ...), `damage_reason` its `damageReason`, the body part hit (`HeadShot`, `TorsoShot`,
      `ArmShot`, `PelvisShot`, `LegShot`, `NonSpecific`); `Unknown` where the event names none;
    - `damage` the events' damage, `damage_events` those of them that did damage (a shotgun's pellets each count)."""
    players = summaries.filter(pl.col("has_telemetry")).select("match_id", "account_id", "match_type")
    kinds = [pl.col(name).fill_null(UNKNOWN) for name in KINDS[1:]]
    dealt = damage.filter(_enemy()).select("match_id", pl.col("attacker_account_id").alias("account_id"),
                                           pl.lit("dealt").alias("direction"), *kinds, "damage")
    taken = damage.filter(pl.col("victim_account_id").is_not_null()).select(
        "match_id", pl.col("victim_account_id").alias("account_id"), pl.lit("taken").alias("direction"), *kinds,
        "damage")
    return (pl.concat([dealt, taken]).join(players, on=["match_id", "account_id"])
            .group_by("match_id", "account_id", "match_type", *KINDS)
            .agg(pl.col("damage").sum(), (pl.col("damage") > 0).sum().cast(pl.Int64).alias("damage_events"))
            .select(list(MATCH_DAMAGE_SCHEMA)).cast(MATCH_DAMAGE_SCHEMA).sort("match_id", "account_id", *KINDS))


TERMS = {"matches": pl.lit(1, pl.Int64), "damage": scaled("damage"),
         "damage_events": pl.col("damage_events")}
"""What each per-match row adds to its player's sums: the match (a row is one match's damage of one kind), its damage
in millionths and its damage events."""


def finished_damage(state: pl.DataFrame) -> pl.DataFrame:
    """The career damage table from the fold's state (sums per player, match type and kind): the sums of each slice of
    match types (`match_type_slices`), the damage back from millionths, `damage_per_event` the damage over its
    events."""
    sums = match_type_slices(state.filter(pl.col("matches") > 0)).group_by("account_id", "match_type", *KINDS).agg(
        pl.col("matches", "damage_events").sum().cast(pl.Int64), unscaled("damage"))
    return (sums.with_columns(pl.when(pl.col("damage_events") > 0).then(pl.col("damage") / pl.col("damage_events"))
                              .alias("damage_per_event"))
            .select(list(DAMAGE_STATS_SCHEMA)).cast(DAMAGE_STATS_SCHEMA).sort("account_id", "match_type", *KINDS))


DAMAGE_FOLD = Fold({name: dtype for name, dtype in MATCH_DAMAGE_SCHEMA.items() if name != "match_id"},
                   ("account_id", "match_type", *KINDS), TERMS, finished_damage, counted="matches")
"""The career damage as a fold of `player_match_damage`: per player, match type and kind, exact integer sums."""


def damage_stats(match_damage_rows: pl.DataFrame) -> pl.DataFrame:
    """Each player's career damage by kind over every match in the lake whose whole telemetry was read: one row per
    (`account_id`, `match_type`, `direction`, `damage_type_category`, `damage_reason`), `match_type` `ranked`,
    `normal` or `all` as in the career table.

    `direction` `dealt` is damage to players of other teams, `taken` all damage the player suffered (players, zone,
    environment), each by the telemetry's damage type (`Damage_Gun`, `Damage_Explosion_Grenade`, `Damage_BlueZone`,
    ...) and body part hit (`HeadShot`, `TorsoShot`, ...): the breakdown a stats site draws of a player's damage and
    of where their hits land. `matches` counts the matches with damage of that kind, `damage_events` the damaging
    events (a shotgun's pellets each count), `damage_per_event` their mean. A player's `dealt` rows sum to the damage
    their telemetry credits them with, their `taken` rows to the career's `damage_received` (`match_damage`). Damage is
    summed to the millionth; the same as the fold of the per-match rows (`DAMAGE_FOLD`) in any order."""
    return DAMAGE_FOLD(rows=match_damage_rows)


def disagreeing_damage(table: pl.DataFrame, state: pl.DataFrame) -> pl.DataFrame:
    """The rows where the career damage table and the fold's state disagree (`career.disagreeing`): their matches,
    damage events and damage."""
    return disagreeing(table, state, ("account_id", "match_type", *KINDS), {
        "matches": pl.col("matches").sum().cast(pl.Int64),
        "damage_events": pl.col("damage_events").sum().cast(pl.Int64), "damage": unscaled("damage")})
