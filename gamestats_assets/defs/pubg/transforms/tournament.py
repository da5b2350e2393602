"""Tournament context: which season, division, group, round and schedule slot a match belongs to.

The organiser's file (``landing/pubg/tournament/<season>.json``: season, divisions, groups, teams with
their players, rounds with dates, the schedule of match slots) becomes the frames below; the rules of
``match_context`` then place each match the tournament discovery found (``discovered_by`` ``tournament``),
match by match, when the match is processed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

TOURNAMENT_DISCOVERY = "tournament"
"""``matches.discovered_by`` of the matches the tournament discovery found first: the only ones given a context."""
MIN_TEAMS = 8
"""A lobby with fewer teams than this is a remake candidate, not a tournament match."""
SLOT_TOLERANCE = dt.timedelta(minutes=30)
"""A match confirms a schedule slot of its map when it starts at most this far from the slot's time."""
CONTEXT_SCHEMA = {
    "match_id": pl.String, "season_id": pl.String, "division_id": pl.String, "group_id": pl.String,
    "round_id": pl.String, "slot_id": pl.String, "status": pl.String, "is_tournament_match": pl.Boolean,
    "teams": pl.Int64, "tournament_players": pl.Int64, "overridden": pl.Boolean, "override_reason": pl.String,
}
OVERRIDE_SCHEMA = {
    "match_id": pl.String, "division_id": pl.String, "group_id": pl.String, "round_id": pl.String,
    "slot_id": pl.String, "status": pl.String, "is_tournament_match": pl.Boolean, "reason": pl.String,
}
"""``tournament_match_overrides``: a null column keeps the automatic value."""


def roster_frame(definition: dict[str, Any]) -> pl.DataFrame:
    """One row per tournament player: season, division, group, team name, account id, player name."""
    season = definition["season"]["season_id"]
    return pl.DataFrame(
        [{"season_id": season, "division_id": team["division_id"], "group_id": team["group_id"],
          "team_name": team["team_name"], "account_id": player["account_id"], "player_name": player["name"]}
         for team in definition["teams"] for player in team["players"]],
        schema={"season_id": pl.String, "division_id": pl.String, "group_id": pl.String, "team_name": pl.String,
                "account_id": pl.String, "player_name": pl.String},
    )


def rounds_frame(definition: dict[str, Any]) -> pl.DataFrame:
    """One row per round: season, round id, name, date."""
    season = definition["season"]["season_id"]
    return pl.DataFrame(
        [{"season_id": season, **r} for r in definition["rounds"]],
        schema={"season_id": pl.String, "round_id": pl.String, "name": pl.String, "date": pl.String},
    ).with_columns(pl.col("date").str.to_date())


def schedule_frame(definition: dict[str, Any]) -> pl.DataFrame:
    """One row per scheduled match slot: season, round, division, group, match number, time, map."""
    season = definition["season"]["season_id"]
    return pl.DataFrame(
        [{"season_id": season, **slot} for slot in definition["schedule"]],
        schema={"season_id": pl.String, "slot_id": pl.String, "round_id": pl.String, "division_id": pl.String,
                "group_id": pl.String, "match_number": pl.Int64, "scheduled_at": pl.String, "map_name": pl.String},
    ).with_columns(pl.col("scheduled_at").str.to_datetime(time_zone="UTC", time_unit="us"))


def match_context(matches: pl.DataFrame, participants: pl.DataFrame, rosters: pl.DataFrame,
                  tournament_players: pl.DataFrame, rounds: pl.DataFrame, schedule: pl.DataFrame,
                  overrides: pl.DataFrame) -> pl.DataFrame:
    """The tournament context of each tournament-discovered match (``discovered_by`` ``tournament``) with at
    least one tournament player: one row per match_id. Each match is placed on its own, so a match's
    context never depends on which other matches are processed with it.

    Rules, in order (the first that applies sets ``status``):
    1. ``mixed_division``: the tournament players in the match do not all share one division and group;
       not a tournament match.
    2. ``remake_candidate``: fewer than ``MIN_TEAMS`` rosters in the lobby; not a tournament match.
    3. The round is the season's round whose date is the match's start date (UTC), kept for a remake
       candidate too; ``unscheduled`` when there is none.
    4. ``confirmed``: a slot of that round, division and group on the match's map starts within
       ``SLOT_TOLERANCE`` of the match (the nearest such slot); otherwise ``unscheduled`` (still a
       tournament match of its round). Two matches confirming one slot are left for an override to settle
       (``pubg`` check ``slots_confirmed_once``).
    5. A row of ``tournament_match_overrides`` for the match wins: its non-null columns replace the
       automatic ones and ``overridden`` is true.
    """
    discovered = matches.filter(pl.col("discovered_by") == TOURNAMENT_DISCOVERY).select("match_id", "created_at",
                                                                                         "map_name")
    in_match = (participants.join(discovered.select("match_id"), on="match_id").select("match_id", "account_id")
                .join(tournament_players, on="account_id"))
    places = in_match.group_by("match_id").agg(
        pl.col("season_id").first(), pl.col("division_id").n_unique().alias("_divisions"),
        pl.col("group_id").n_unique().alias("_groups"), pl.col("division_id").first(), pl.col("group_id").first(),
        pl.len().cast(pl.Int64).alias("tournament_players"))
    teams = rosters.group_by("match_id").agg(pl.len().cast(pl.Int64).alias("teams"))
    frame = (
        places.join(teams, on="match_id", how="left")
        .join(discovered, on="match_id", how="left")
        .with_columns(((pl.col("_divisions") > 1) | (pl.col("_groups") > 1)).alias("_mixed"),
                      pl.col("created_at").dt.date().alias("_date"))
        .join(rounds.select("season_id", "round_id", pl.col("date").alias("_date")), on=["season_id", "_date"], how="left")
    )
    slots = (
        frame.filter(~pl.col("_mixed") & (pl.col("teams") >= MIN_TEAMS) & pl.col("round_id").is_not_null())
        .join(schedule.select("slot_id", "round_id", "division_id", "group_id", "map_name", "scheduled_at"),
              on=["round_id", "division_id", "group_id", "map_name"])
        .with_columns((pl.col("created_at") - pl.col("scheduled_at")).abs().alias("_offset"))
        .filter(pl.col("_offset") <= SLOT_TOLERANCE)
        .sort("_offset", "slot_id")
        .unique("match_id", keep="first")
        .select("match_id", "slot_id")
    )
    automatic = frame.join(slots, on="match_id", how="left").with_columns(
        pl.when(pl.col("_mixed")).then(pl.lit("mixed_division"))
        .when(pl.col("teams") < MIN_TEAMS).then(pl.lit("remake_candidate"))
        .when(pl.col("slot_id").is_not_null()).then(pl.lit("confirmed"))
        .otherwise(pl.lit("unscheduled")).alias("status"),
    ).with_columns(
        pl.col("status").is_in(["confirmed", "unscheduled"]).alias("is_tournament_match"),
        pl.when(pl.col("_mixed")).then(None).otherwise(pl.col("division_id")).alias("division_id"),
        pl.when(pl.col("_mixed")).then(None).otherwise(pl.col("group_id")).alias("group_id"),
        pl.when(pl.col("_mixed")).then(None).otherwise(pl.col("round_id")).alias("round_id"),
    )
    return apply_overrides(automatic, overrides).select(list(CONTEXT_SCHEMA)).cast(CONTEXT_SCHEMA).sort("match_id")


def apply_overrides(automatic: pl.DataFrame, overrides: pl.DataFrame) -> pl.DataFrame:
    """``automatic`` with each override row's non-null values in place of the automatic ones."""
    columns = ["division_id", "group_id", "round_id", "slot_id", "status", "is_tournament_match"]
    missing = [pl.lit(None, dtype).alias(c) for c, dtype in OVERRIDE_SCHEMA.items() if c not in overrides.columns]
    latest = (overrides.with_columns(missing).select(list(OVERRIDE_SCHEMA)).cast(OVERRIDE_SCHEMA)
              .unique("match_id", keep="last", maintain_order=True))
    joined = automatic.join(latest.rename({c: f"_override_{c}" for c in [*columns, "reason"]}), on="match_id",
                            how="left", coalesce=True)
    has_override = pl.any_horizontal(pl.col(f"_override_{c}").is_not_null() for c in columns)
    return joined.with_columns(
        *(pl.coalesce(f"_override_{c}", c).alias(c) for c in columns),
        has_override.alias("overridden"),
        pl.col("_override_reason").alias("override_reason"),
    )


def scheduled_matches(schedule: pl.DataFrame, context: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """``tournament_scheduled_matches``: every schedule slot (slot_id) with the match that confirmed it (the
    one nearest the slot's time when two did; null until one did), its start and status."""
    confirmed = (
        context.filter(pl.col("slot_id").is_not_null() & pl.col("is_tournament_match"))
        .select("slot_id", "match_id", "status")
        .join(matches.select("match_id", pl.col("created_at").alias("started_at")), on="match_id", how="left")
        .join(schedule.select("slot_id", "scheduled_at"), on="slot_id")
        .sort((pl.col("started_at") - pl.col("scheduled_at")).abs(), "match_id", nulls_last=True)
        .unique("slot_id", keep="first")
        .drop("scheduled_at")
    )
    return (
        schedule.join(confirmed, on="slot_id", how="left")
        .with_columns(pl.col("status").fill_null("pending"))
        .select("slot_id", "season_id", "round_id", "division_id", "group_id", "match_number", "scheduled_at",
                "map_name", "match_id", "started_at", "status")
        .sort("slot_id")
    )


def slots_confirmed_twice(context: pl.DataFrame) -> pl.DataFrame:
    """The slots more than one tournament match confirms (slot_id, match_ids): each would count twice in the
    standings until an override settles which match was played for it."""
    return (
        context.filter(pl.col("slot_id").is_not_null() & pl.col("is_tournament_match"))
        .group_by("slot_id").agg(pl.col("match_id").sort().str.join(", ").alias("match_ids"), pl.len().alias("_n"))
        .filter(pl.col("_n") > 1).drop("_n").sort("slot_id")
    )
