"""Tournament context: which season, division, group, round and schedule slot a match belongs to
(`match_context`), and which matches count in the standings (`match_outcomes`), from the organiser's file
`landing/pubg/tournament/<season>.json`."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

TOURNAMENT_DISCOVERY = "tournament"
"""`matches.discovered_by` of the matches the tournament discovery found first: the only ones given a context."""
MIN_TEAMS = 8
"""A lobby with fewer tournament teams than this is a remake candidate, not a tournament match."""
SLOT_TOLERANCE = dt.timedelta(minutes=30)
"""A match is an attempt at a schedule slot of its map when it starts at most this far from the slot's time."""
TOURNAMENT_MATCH_TYPES = ("custom", "esports")
"""`matchType` values of the lobbies a tournament is played in (with `isCustomMatch` true for custom
games): every other lobby (`official` public matchmaking, `competitive` ranked, `event`, `arcade`,
`training` ...) is recorded but never scored, whatever else agrees."""
DEFAULT_TIME_ZONE = "UTC"
DEFAULT_DAY_START = "00:00"

PUBLIC_LOBBY = "public_lobby"
MIXED_DIVISION = "mixed_division"
REMAKE_CANDIDATE = "remake_candidate"
CONFIRMED = "confirmed"
UNSCHEDULED = "unscheduled"
REMADE = "remade"
REMAKE_FAILED = "remake_failed"
SCORED_STATUSES = (CONFIRMED, UNSCHEDULED)
"""Statuses of a match that counts in the standings (once its round is known)."""

CONTEXT_SCHEMA = {
    "match_id": pl.String, "season_id": pl.String, "division_id": pl.String, "group_id": pl.String,
    "round_id": pl.String, "slot_id": pl.String, "status": pl.String, "is_tournament_match": pl.Boolean,
    "teams": pl.Int64, "tournament_players": pl.Int64, "overridden": pl.Boolean, "override_reason": pl.String,
    "team_count": pl.Int64, "unmatched_player_count": pl.Int64, "match_type": pl.String,
    "is_custom_match": pl.Boolean, "reason": pl.String,
}
"""`tournament_matches`: `teams` is the lobby's rosters, `team_count` the distinct tournament teams of
the tournament players found in it (the one the rules use), `tournament_players` those players,
`unmatched_player_count` the participants on no tournament team, `reason` why the status holds."""
OVERRIDE_SCHEMA = {
    "match_id": pl.String, "division_id": pl.String, "group_id": pl.String, "round_id": pl.String,
    "slot_id": pl.String, "status": pl.String, "is_tournament_match": pl.Boolean, "reason": pl.String,
}
"""`tournament_match_overrides`: a null column keeps the automatic value."""
ROUNDS_SCHEMA = {
    "season_id": pl.String, "round_id": pl.String, "name": pl.String, "date": pl.Date,
    "starts_at": pl.Datetime("us", "UTC"), "ends_at": pl.Datetime("us", "UTC"), "time_zone": pl.String,
    "season_name": pl.String,
}
OUTCOME_SCHEMA = {
    "match_id": pl.String, "season_id": pl.String, "division_id": pl.String, "group_id": pl.String,
    "round_id": pl.String, "slot_id": pl.String, "started_at": pl.Datetime("us", "UTC"), "status": pl.String,
    "scored": pl.Boolean, "attempt": pl.Int64, "is_remake": pl.Boolean, "original_match_id": pl.String,
    "reason": pl.String,
}


SCHEDULE_SCHEMA = {"season_id": pl.String, "slot_id": pl.String, "round_id": pl.String, "division_id": pl.String,
                   "group_id": pl.String, "match_number": pl.Int64, "scheduled_at": pl.Datetime("us", "UTC"),
                   "map_name": pl.String, "division_order": pl.Int64}


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


def _instant(text: str, zone: ZoneInfo) -> dt.datetime:
    """An ISO instant in UTC; a time without an offset is local to `zone`."""
    moment = dt.datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(dt.UTC)


def round_window(round_row: dict[str, Any], time_zone: str = DEFAULT_TIME_ZONE,
                 day_starts_at: str = DEFAULT_DAY_START) -> tuple[dt.datetime, dt.datetime, dt.date]:
    """The instants a round starts and ends (end excluded) and its date: its own `starts_at`/`ends_at`
    when given (the date is the start's local date), else its `date` as a day of `time_zone` starting at
    `day_starts_at` local time (a round played from 19:00 to 00:30 is one round with `06:00`). `ValueError`
    naming the round when it has neither, or ends before it starts."""
    zone = ZoneInfo(time_zone)
    if round_row.get("starts_at") and round_row.get("ends_at"):
        starts, ends = _instant(round_row["starts_at"], zone), _instant(round_row["ends_at"], zone)
        day = dt.date.fromisoformat(round_row["date"]) if round_row.get("date") else starts.astimezone(zone).date()
    elif round_row.get("date"):
        day = dt.date.fromisoformat(round_row["date"])
        local = dt.datetime.combine(day, dt.time.fromisoformat(day_starts_at), zone)
        starts = local.astimezone(dt.UTC)
        ends = dt.datetime.combine(day + dt.timedelta(days=1), local.timetz()).astimezone(dt.UTC)
    else:
        raise ValueError(f"round {round_row.get('round_id')!r}: give its date or its starts_at and ends_at")
    if ends <= starts:
        raise ValueError(f"round {round_row.get('round_id')!r} ends ({ends}) before it starts ({starts})")
    return starts, ends, day


def rounds_frame(definition: dict[str, Any]) -> pl.DataFrame:
    """One row per round: season, round id, name, date, and the window `[starts_at, ends_at)` in UTC
    (`round_window`), with the season's time zone and name."""
    season = definition["season"]
    zone = season.get("time_zone") or DEFAULT_TIME_ZONE
    day_start = season.get("day_starts_at") or DEFAULT_DAY_START
    rows = []
    for r in definition["rounds"]:
        starts, ends, day = round_window(r, zone, day_start)
        rows.append({"season_id": season["season_id"], "round_id": r["round_id"], "name": r.get("name"), "date": day,
                     "starts_at": starts, "ends_at": ends, "time_zone": zone, "season_name": season.get("name")})
    return pl.DataFrame(rows, schema=ROUNDS_SCHEMA)


def division_order(definition: dict[str, Any]) -> dict[str, int]:
    """Each division's place in the organiser's file, 1 for the first listed (its top division): the order its teams
    list them in, then its schedule's for a division without teams."""
    listed = [team["division_id"] for team in definition["teams"]] + [s["division_id"] for s in definition["schedule"]]
    return {division: place for place, division in enumerate(dict.fromkeys(listed), 1)}


def schedule_frame(definition: dict[str, Any]) -> pl.DataFrame:
    """One row per scheduled match slot: season, round, division and its place in the file (`division_order`),
    group, match number, time, map. A slot's time without an offset is in the season's time zone."""
    season = definition["season"]
    zone = ZoneInfo(season.get("time_zone") or DEFAULT_TIME_ZONE)
    order = division_order(definition)
    return pl.DataFrame(
        [{"season_id": season["season_id"], **slot, "scheduled_at": _instant(slot["scheduled_at"], zone),
          "division_order": order[slot["division_id"]]}
         for slot in definition["schedule"]],
        schema=SCHEDULE_SCHEMA,
    )


def is_tournament_lobby() -> pl.Expr:
    """The match object says the lobby is one a tournament is played in: `isCustomMatch` true or a
    `matchType` of `TOURNAMENT_MATCH_TYPES`."""
    return pl.col("is_custom_match").fill_null(False) | pl.col("match_type").is_in(TOURNAMENT_MATCH_TYPES).fill_null(False)


def _in_round(frame: pl.DataFrame, rounds: pl.DataFrame) -> pl.DataFrame:
    """`frame` (match_id, season_id, created_at) with `round_id`: the round of its season whose window
    holds `created_at` (the latest-starting one when windows overlap); null in none."""
    windows = rounds.select("season_id", "round_id", "starts_at", "ends_at")
    found = (
        frame.select("match_id", "season_id", "created_at").join(windows, on="season_id")
        .filter((pl.col("created_at") >= pl.col("starts_at")) & (pl.col("created_at") < pl.col("ends_at")))
        .sort("starts_at", descending=True).unique(["match_id", "season_id"], keep="first", maintain_order=True)
        .select("match_id", "season_id", "round_id")
    )
    return frame.join(found, on=["match_id", "season_id"], how="left")


def match_context(matches: pl.DataFrame, participants: pl.DataFrame, rosters: pl.DataFrame,
                  tournament_players: pl.DataFrame, rounds: pl.DataFrame, schedule: pl.DataFrame,
                  overrides: pl.DataFrame) -> pl.DataFrame:
    """The tournament context of each tournament-discovered match (`discovered_by` `tournament`) with at
    least one tournament player: one row per match_id. Each match is placed on its own, from its match
    object, so a match's context never depends on which other matches are processed with it.

    The season is the one of the match's tournament players (the one with a round holding the match when
    they are on two seasons' teams). `team_count` is the distinct tournament teams of those players, not
    the lobby's rosters (`teams`): a public lobby of 25 rosters with two players of one team has one.
    Rules, in order (the first that applies sets `status`; `reason` says why):
    1. `public_lobby`: the match object does not say custom or esports (`is_tournament_lobby`); never a
       tournament match, and no override makes it one.
    2. `mixed_division`: the tournament players do not all share one division and group.
    3. The round is the season's round whose window holds the match's start (`rounds_frame`); the slot
       the nearest one of that round, division and group on the match's map within `SLOT_TOLERANCE`.
    4. `remake_candidate`: fewer than `MIN_TEAMS` tournament teams (kept with its slot: an aborted
       attempt at it); not a tournament match.
    5. `confirmed` with a slot, else `unscheduled`: a tournament match once its round is known.
    6. A row of `tournament_match_overrides` wins: its non-null columns replace the automatic ones
       (status `unscheduled` without a slot of its own clears the slot) and `overridden` is true;
       `is_tournament_match` is the override's, else it follows the status and round.
    """
    discovered = matches.filter(pl.col("discovered_by") == TOURNAMENT_DISCOVERY).select(
        "match_id", "created_at", "map_name", "match_type", "is_custom_match")
    lobby = participants.join(discovered.select("match_id"), on="match_id").select("match_id", "account_id").unique()
    lobby_size = lobby.group_by("match_id").agg(pl.len().cast(pl.Int64).alias("_lobby_players"))
    in_match = lobby.join(tournament_players, on="account_id")
    per_season = _in_round(
        in_match.group_by("match_id", "season_id").agg(
            pl.col("division_id").n_unique().alias("_divisions"), pl.col("group_id").n_unique().alias("_groups"),
            pl.format("{}/{}", "division_id", "group_id").unique().sort().str.join(", ").alias("_division_list"),
            pl.col("division_id").first(), pl.col("group_id").first(),
            pl.col("account_id").n_unique().cast(pl.Int64).alias("tournament_players"),
            pl.col("team_name").n_unique().cast(pl.Int64).alias("team_count"))
        .join(discovered.select("match_id", "created_at"), on="match_id"),
        rounds)
    places = (per_season.sort(pl.col("round_id").is_null(), -pl.col("tournament_players"), "season_id")
              .unique("match_id", keep="first", maintain_order=True).drop("created_at"))
    lobby_teams = rosters.group_by("match_id").agg(pl.len().cast(pl.Int64).alias("teams"))
    frame = (
        places.join(discovered, on="match_id", how="left")
        .join(lobby_teams, on="match_id", how="left")
        .join(lobby_size, on="match_id", how="left")
        .with_columns(
            ((pl.col("_divisions") > 1) | (pl.col("_groups") > 1)).alias("_mixed"),
            is_tournament_lobby().alias("_custom"),
            (pl.col("_lobby_players") - pl.col("tournament_players")).alias("unmatched_player_count"),
        )
    )
    slots = (
        frame.filter(pl.col("_custom") & ~pl.col("_mixed") & pl.col("round_id").is_not_null())
        .join(schedule.select("slot_id", "round_id", "division_id", "group_id", "map_name", "scheduled_at"),
              on=["round_id", "division_id", "group_id", "map_name"])
        .with_columns((pl.col("created_at") - pl.col("scheduled_at")).abs().alias("_offset"))
        .filter(pl.col("_offset") <= SLOT_TOLERANCE)
        .sort("_offset", "slot_id")
        .unique("match_id", keep="first", maintain_order=True)
        .select("match_id", "slot_id", (pl.col("_offset").dt.total_seconds() // 60).alias("_offset_min"))
    )
    status = (pl.when(~pl.col("_custom")).then(pl.lit(PUBLIC_LOBBY))
              .when(pl.col("_mixed")).then(pl.lit(MIXED_DIVISION))
              .when(pl.col("team_count") < MIN_TEAMS).then(pl.lit(REMAKE_CANDIDATE))
              .when(pl.col("slot_id").is_not_null()).then(pl.lit(CONFIRMED))
              .otherwise(pl.lit(UNSCHEDULED)))
    reason = (
        pl.when(~pl.col("_custom")).then(pl.format(
            "a public lobby (matchType {}, isCustomMatch {}): recorded, never scored",
            pl.col("match_type").fill_null("unknown"), pl.col("is_custom_match").cast(pl.String).fill_null("unknown")))
        .when(pl.col("_mixed")).then(pl.format("tournament players of divisions/groups {} in one lobby", "_division_list"))
        .when(pl.col("team_count") < MIN_TEAMS).then(pl.format(
            "{} tournament teams in the lobby, fewer than {}", "team_count", pl.lit(MIN_TEAMS)))
        .when(pl.col("round_id").is_null()).then(pl.lit("starts in no round's window"))
        .when(pl.col("slot_id").is_not_null()).then(pl.format(
            "slot {}: on its map, {} min from its time", "slot_id", "_offset_min"))
        .otherwise(pl.format("no slot of round {} on {} within {} min", "round_id", "map_name",
                             pl.lit(int(SLOT_TOLERANCE.total_seconds() // 60))))
    )
    automatic = frame.join(slots, on="match_id", how="left").with_columns(status.alias("status"), reason.alias("reason"))
    automatic = automatic.with_columns(
        *(pl.when(pl.col("_mixed")).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("division_id", "group_id", "round_id")),
        pl.when(pl.col("_custom") & ~pl.col("_mixed")).then(pl.col("slot_id")).alias("slot_id"),
    )
    placed = apply_overrides(automatic, overrides)
    return placed.select(list(CONTEXT_SCHEMA)).cast(CONTEXT_SCHEMA).sort("match_id")


def apply_overrides(automatic: pl.DataFrame, overrides: pl.DataFrame) -> pl.DataFrame:
    """`automatic` with each override row's non-null values in place of the automatic ones, except on a
    public lobby (never scored: its reason records the override left unapplied); then
    `is_tournament_match`: the override's, else true for a `confirmed` or `unscheduled` match of a known
    round in a tournament lobby."""
    columns = ["division_id", "group_id", "round_id", "slot_id", "status"]
    missing = [pl.lit(None, dtype).alias(c) for c, dtype in OVERRIDE_SCHEMA.items() if c not in overrides.columns]
    latest = (overrides.with_columns(missing).select(list(OVERRIDE_SCHEMA)).cast(OVERRIDE_SCHEMA)
              .unique("match_id", keep="last", maintain_order=True))
    renamed = {c: f"_override_{c}" for c in [*columns, "is_tournament_match", "reason"]}
    joined = automatic.join(latest.rename(renamed), on="match_id", how="left", coalesce=True)
    present = pl.any_horizontal(pl.col(f"_override_{c}").is_not_null() for c in [*columns, "is_tournament_match"])
    applies = present & pl.col("_custom")
    unscheduled_without_slot = (pl.col("_override_status") == UNSCHEDULED) & pl.col("_override_slot_id").is_null()
    overridden = joined.with_columns(
        *(pl.when(applies).then(pl.coalesce(f"_override_{c}", c)).otherwise(pl.col(c)).alias(c) for c in columns),
        applies.alias("overridden"),
        pl.when(applies).then(pl.col("_override_reason")).alias("override_reason"),
        pl.when(applies).then(pl.format("set by an override ({}); by the rules: {}",
                                        pl.col("_override_reason").fill_null("no reason given"), "reason"))
        .when(present).then(pl.format("{}; the override ({}) was not applied", "reason",
                                      pl.col("_override_reason").fill_null("no reason given")))
        .otherwise(pl.col("reason")).alias("reason"),
    ).with_columns(
        pl.when(applies & unscheduled_without_slot).then(None).otherwise(pl.col("slot_id")).alias("slot_id"),
    )
    automatic_flag = pl.col("status").is_in(SCORED_STATUSES) & pl.col("round_id").is_not_null()
    return overridden.with_columns(
        (pl.col("_custom") & pl.when(applies).then(pl.coalesce("_override_is_tournament_match", automatic_flag))
         .otherwise(automatic_flag)).alias("is_tournament_match"))


def match_outcomes(context: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """`tournament_match_outcomes`: every match with a tournament context and whether it counts in the
    standings: one row per match_id.

    The attempts at a slot are the matches placed on it (by the rules or an override), in start order
    (`attempt` 1, 2, ...). Of those, the last tournament match (`is_tournament_match`) is the one played
    for the slot: it counts, and when it is not the first attempt it is a remake (`is_remake`) of the
    slot's first attempt (`original_match_id`), so only the remake's result counts. Attempts before it
    are `remade`; an attempt after it that is no tournament match (a remake lobby that did not fill) is
    `remake_failed`, unless an override set its status. A match on no slot keeps its context's status
    and counts when it is a tournament match. `scored` is what the leaderboards count."""
    started = matches.select("match_id", pl.col("created_at").alias("started_at"))
    placed = context.join(started, on="match_id", how="left")
    on_slot = placed.filter(pl.col("slot_id").is_not_null()).sort("started_at", "match_id").with_columns(
        pl.int_range(1, pl.len() + 1).over("slot_id").cast(pl.Int64).alias("attempt"),
        pl.col("match_id").first().over("slot_id").alias("_first"),
    )
    played = (on_slot.filter(pl.col("is_tournament_match"))
              .group_by("slot_id").agg(pl.col("match_id").sort_by("attempt").last().alias("_played"),
                                       pl.col("attempt").max().alias("_at")))
    resolved = on_slot.join(played, on="slot_id", how="left").with_columns(
        (pl.col("match_id") == pl.col("_played")).fill_null(False).alias("scored"),
    ).with_columns(
        (pl.col("scored") & (pl.col("attempt") > 1)).alias("is_remake"),
        pl.when(pl.col("scored") & (pl.col("attempt") > 1)).then(pl.col("_first")).alias("original_match_id"),
        pl.when(pl.col("scored")).then(pl.col("status"))
        .when(pl.col("attempt") < pl.col("_at")).then(pl.lit(REMADE))
        .when((pl.col("attempt") > pl.col("_at")) & ~pl.col("overridden")).then(pl.lit(REMAKE_FAILED))
        .otherwise(pl.col("status")).alias("_final"),
    ).with_columns(
        pl.when(pl.col("_final") == REMADE)
        .then(pl.format("slot {} was played again: match {} counts for it", "slot_id", "_played"))
        .when(pl.col("_final") == REMAKE_FAILED)
        .then(pl.format("a remake of slot {} that did not count ({}); match {} counts for it",
                        "slot_id", "reason", "_played"))
        .when(pl.col("is_remake"))
        .then(pl.format("{}; a remake of match {}", "reason", "original_match_id"))
        .otherwise(pl.col("reason")).alias("reason"),
        pl.col("_final").alias("status"),
    )
    off_slot = placed.filter(pl.col("slot_id").is_null()).with_columns(
        pl.col("is_tournament_match").alias("scored"), pl.lit(None, pl.Int64).alias("attempt"),
        pl.lit(False).alias("is_remake"), pl.lit(None, pl.String).alias("original_match_id"),
    )
    return (pl.concat([resolved.select(list(OUTCOME_SCHEMA)), off_slot.select(list(OUTCOME_SCHEMA))])
            .cast(OUTCOME_SCHEMA).sort("match_id"))


def scheduled_matches(schedule: pl.DataFrame, outcomes: pl.DataFrame, rounds: pl.DataFrame,
                      now: dt.datetime | None = None) -> pl.DataFrame:
    """`tournament_scheduled_matches`: every schedule slot (slot_id) with the match that counts for it
    (`match_outcomes`), its start, `attempts` (matches placed on the slot), `is_remake` and
    `original_match_id`. `status`: `confirmed` (played once), `remade` (the match that counts is a
    remake), `remake_pending` (only attempts that are no tournament match so far, the round still
    running at `now`), `remake_failed` (so when the round has ended), `pending` (no attempt)."""
    now = now or dt.datetime.now(dt.UTC)
    attempts = outcomes.filter(pl.col("slot_id").is_not_null()).group_by("slot_id").agg(
        pl.len().cast(pl.Int64).alias("attempts"))
    counted = outcomes.filter(pl.col("slot_id").is_not_null() & pl.col("scored")).select(
        "slot_id", "match_id", "started_at", "is_remake", "original_match_id")
    ended = rounds.select("season_id", "round_id", (pl.col("ends_at") <= now).alias("_ended"))
    status = (pl.when(pl.col("match_id").is_not_null())
              .then(pl.when(pl.col("is_remake")).then(pl.lit(REMADE)).otherwise(pl.lit(CONFIRMED)))
              .when(pl.col("attempts") > 0)
              .then(pl.when(pl.col("_ended").fill_null(False)).then(pl.lit(REMAKE_FAILED))
                    .otherwise(pl.lit("remake_pending")))
              .otherwise(pl.lit("pending")))
    return (
        schedule.join(counted, on="slot_id", how="left").join(attempts, on="slot_id", how="left")
        .join(ended, on=["season_id", "round_id"], how="left")
        .with_columns(pl.col("attempts").fill_null(0), status.alias("status"),
                      pl.col("is_remake").fill_null(False))
        .select("slot_id", "season_id", "round_id", "division_id", "group_id", "match_number", "scheduled_at",
                "map_name", "match_id", "started_at", "status", "attempts", "is_remake", "original_match_id",
                "division_order")
        .sort("slot_id")
    )


def slots_scored_twice(results: pl.DataFrame) -> pl.DataFrame:
    """The slots more than one counted match holds in `results` (slot_id, match_ids): each would count
    twice in the standings."""
    return (
        results.filter(pl.col("slot_id").is_not_null()).group_by("slot_id")
        .agg(pl.col("match_id").unique().sort().str.join(", ").alias("match_ids"),
             pl.col("match_id").n_unique().alias("_n"))
        .filter(pl.col("_n") > 1).drop("_n").sort("slot_id")
    )
