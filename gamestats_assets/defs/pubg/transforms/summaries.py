"""Match-level tables: matches, participants with placement, match_summaries, backfill status (career stats:
`career`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import polars as pl

from gamestats_assets.sources.pubg.match import is_ai_bot

SUMMARY_TELEMETRY_COLUMNS = {
    "killsteals": pl.Int64, "heals_used": pl.Int64, "boosts_used": pl.Int64, "throwables_used": pl.Int64,
    "smokes_thrown": pl.Int64, "throwable_damage": pl.Float64, "damage_received": pl.Float64,
    "avg_distance_from_center_m": pl.Float64, "max_distance_from_center_m": pl.Float64,
    "min_distance_from_center_m": pl.Float64, "avg_distance_from_edge_m": pl.Float64,
    "max_distance_from_edge_m": pl.Float64, "min_distance_from_edge_m": pl.Float64,
    "time_outside_zone_s": pl.Float64,
}
"""The columns of match_summaries that come from telemetry (null unless the match's whole telemetry was read)."""


NO_TELEMETRY = pl.DataFrame(schema={"match_id": pl.String, "status": pl.String, "complete": pl.Boolean})
"""`etl/telemetry_files` of no match: every match's telemetry `missing`."""


def telemetry_state(telemetry_files: pl.DataFrame) -> pl.DataFrame:
    """Per match of `telemetry_files` (`etl/telemetry_files`), what its telemetry is: `complete` (parsed, it
    holds the `LogMatchEnd` a whole match ends with), `partial` (parsed but cut short: a truncated download),
    `failed` (quarantined) or `missing`. One row per match_id."""
    status = pl.col("status")
    return telemetry_files.select(
        "match_id",
        pl.when((status == "parsed") & pl.col("complete")).then(pl.lit("complete"))
        .when(status == "parsed").then(pl.lit("partial"))
        .when(status == "failed").then(pl.lit("failed"))
        .otherwise(pl.lit("missing")).alias("telemetry"),
    ).unique("match_id", keep="last")


TRAVEL = ("walk", "ride", "swim")
"""The ways the match object measures a player's distance (`walkDistance`, `rideDistance`, `swimDistance`)."""


def match_summaries(participants: pl.DataFrame, rosters: pl.DataFrame, advanced: pl.DataFrame,
                    usage: pl.DataFrame, circle: pl.DataFrame, telemetry_files: pl.DataFrame,
                    matches: pl.DataFrame) -> pl.DataFrame:
    """One row per match and player (match_id, account_id), AI bots left out (`matches.ai_participants`
    counts them): player name, team, `placement` (the
    rank of the player's roster), `kills` and `damage_dealt` as the match object states them, and from
    telemetry: killsteals, heals/boosts/throwables used, smokes thrown, throwable damage, damage received,
    distance from the next zone's centre and edge (avg/max/min, metres) and time outside the zone.
    `telemetry` says what the match's telemetry is (`telemetry_state`); `has_telemetry` only when `complete`:
    otherwise the telemetry columns are null, not zero, and the match object's columns stand alone. `created_at`
    is when the match started and `match_type` the API's `matchType` (`competitive` for ranked, `official` for
    normal, `custom`, ...) (`matches`); `walk_distance_m`, `ride_distance_m` and `swim_distance_m` the metres the
    match object says the player went on foot, in vehicles and swimming."""
    keys = ["match_id", "account_id"]
    base = participants.filter(~is_ai_bot(pl.col("account_id"))).join(rosters.select("match_id", "roster_id", pl.col("rank").alias("placement")),
                             on=["match_id", "roster_id"], how="left").select(
        "match_id", "account_id", pl.col("name").alias("player_name"), "team_id", "roster_id", "placement",
        "kills", "damage_dealt", *(pl.col(f"{way}_distance").alias(f"{way}_distance_m") for way in TRAVEL))
    states = telemetry_state(telemetry_files)
    counts = ["killsteals", "heals_used", "boosts_used", "throwables_used", "smokes_thrown"]
    joined = (
        base.join(states, on="match_id", how="left")
        .with_columns(pl.col("telemetry").fill_null("missing"))
        .with_columns((pl.col("telemetry") == "complete").alias("has_telemetry"))
        .join(_columns(advanced, keys, ["killsteals", "throwable_damage", "damage_received"]), on=keys, how="left")
        .join(_columns(usage, keys, ["heals_used", "boosts_used", "throwables_used", "smokes_thrown"]), on=keys, how="left")
        .join(_columns(circle, keys, [c for c in SUMMARY_TELEMETRY_COLUMNS if c.endswith("_m") or c.startswith("time_")]),
              on=keys, how="left")
        .cast(SUMMARY_TELEMETRY_COLUMNS)
    )
    filled = [pl.col(c).fill_null(0) for c in counts] + [pl.col(c).fill_null(0.0) for c in ("throwable_damage", "damage_received")]
    return (
        joined.with_columns(filled)
        .with_columns(pl.when(pl.col("has_telemetry")).then(pl.col(c)).otherwise(None).alias(c)
                      for c in SUMMARY_TELEMETRY_COLUMNS)
        .join(matches.select("match_id", "created_at", "match_type").unique("match_id"), on="match_id", how="left")
        .select(*(c for c in base.columns if not c.endswith("_distance_m")), *SUMMARY_TELEMETRY_COLUMNS,
                "has_telemetry", "telemetry", "created_at", "match_type", *(f"{way}_distance_m" for way in TRAVEL))
        .sort(keys)
    )


def _columns(frame: pl.DataFrame, keys: list[str], columns: list[str]) -> pl.DataFrame:
    """`frame`'s `keys` and `columns`, with null columns where `frame` lacks them (an empty input)."""
    return frame.with_columns(pl.lit(None).alias(c) for c in [*keys, *columns] if c not in frame.columns).select(
        pl.col(keys).cast(pl.String), *columns)


BACKFILL_STATUS_SCHEMA = {
    "match_id": pl.String, "player_id": pl.String, "status": pl.String, "damage_event_rows": pl.Int64,
    "circle_position_rows": pl.Int64, "updated_at": pl.Datetime("us", "UTC"), "reason": pl.String,
}


def backfill_status(participants: pl.DataFrame, telemetry_files: pl.DataFrame, damage: pl.DataFrame,
                    circle: pl.DataFrame, tracked: Collection[str], now: dt.datetime) -> pl.DataFrame:
    """`player_backfill_status`: one row per match and tracked player who played it (match_id, player_id)
    with the damage-event and circle-sample rows extracted for them, and `status` by what the match's
    telemetry (`telemetry_files`) was:

    - `extracted`: parsed whole (it holds `LogMatchEnd`);
    - `failed`: quarantined (`reason` says why), or parsed but cut short (no `LogMatchEnd`: a truncated
      download; the rows cover the part received);
    - `no_telemetry`: the match object only, no telemetry file (or none read yet).
    """
    played = participants.filter(pl.col("account_id").is_in(list(tracked))).select(
        "match_id", pl.col("account_id").alias("player_id")).unique()
    damage_rows = damage.group_by("match_id", pl.col("account_id").alias("player_id")).agg(
        pl.len().cast(pl.Int64).alias("damage_event_rows"))
    circle_rows = circle.group_by("match_id", pl.col("account_id").alias("player_id")).agg(
        pl.len().cast(pl.Int64).alias("circle_position_rows"))
    files = telemetry_files.select("match_id", pl.col("status").alias("_telemetry"), pl.col("reason").alias("_why"),
                                   "complete", "file").unique("match_id", keep="last")
    keys = ["match_id", "player_id"]
    parsed = pl.col("_telemetry") == "parsed"
    status = (pl.when(parsed & pl.col("complete")).then(pl.lit("extracted"))
              .when(parsed | (pl.col("_telemetry") == "failed")).then(pl.lit("failed"))
              .otherwise(pl.lit("no_telemetry")))
    reason = (pl.when(parsed & pl.col("complete")).then(pl.col("_why"))
              .when(parsed).then(pl.format("telemetry {} has no LogMatchEnd: cut short (a truncated download?); "
                                           "the rows cover the part received", "file"))
              .when(pl.col("_telemetry") == "failed").then(pl.col("_why"))
              .otherwise(pl.col("_why").fill_null("no telemetry of the match read yet")))
    return (
        played.join(files, on="match_id", how="left")
        .join(damage_rows, on=keys, how="left").join(circle_rows, on=keys, how="left")
        .with_columns(pl.col("damage_event_rows", "circle_position_rows").fill_null(0),
                      status.alias("status"), reason.alias("reason"),
                      pl.lit(now).dt.cast_time_unit("us").dt.convert_time_zone("UTC").alias("updated_at"))
        .select(list(BACKFILL_STATUS_SCHEMA)).cast(BACKFILL_STATUS_SCHEMA)
        .sort(keys)
    )
