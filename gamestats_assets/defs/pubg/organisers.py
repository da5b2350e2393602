"""What the tournament's organisers provide: their files in `landing/pubg/tournament/` (one season each), read as
the tournament frames (its players, rounds and schedule); the rounds and schedule slots they enter through the
admin endpoints (PostgreSQL `pubg.tournament_round_edits` and `pubg.tournament_slot_edits`), which replace the
files' rows of the same id; and their corrections of matches in PostgreSQL `pubg.tournament_match_overrides`."""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from gamestats_assets.defs.pubg.transforms import tournament
from gamestats_assets.lib.authoring.assets import Publish, PublishMode
from gamestats_assets.lib.publish.postgres import PostgresResource

TOURNAMENT = "tournament"


def tournament_definitions(landing: Path) -> list[dict]:
    """Every organiser's file in `<landing>/tournament/` (`landing`: the domain's landing folder)."""
    folder = landing / TOURNAMENT
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))] if folder.is_dir() else []


TOURNAMENT_FRAMES = {
    "tournament_players": (tournament.roster_frame, "one row per season and player (season_id, account_id)", None),
    "tournament_rounds": (tournament.rounds_frame, "one row per round (season_id, round_id) with its time window",
                          Publish(("season_id", "round_id"), PublishMode.SNAPSHOT)),
    "tournament_schedule": (tournament.schedule_frame, "one row per scheduled match slot (slot_id)", None),
}


NO_TOURNAMENT = {"season": {"season_id": ""}, "teams": [], "rounds": [], "schedule": []}


def tournament_frame(landing: Path, name: str, postgres: PostgresResource | None = None) -> pl.DataFrame:
    """The frame `name` of `TOURNAMENT_FRAMES` over every organiser's file (no rows when there is none), with the
    rounds and slots entered through the admin endpoints in place of the files' rows of the same id when
    `postgres` is given."""
    build = TOURNAMENT_FRAMES[name][0]
    definitions = tournament_definitions(landing)
    frame = pl.concat([build(definition) for definition in definitions] or [build(NO_TOURNAMENT)])
    if postgres is None or name not in EDITED:
        return frame
    with postgres.connection() as conn:
        return EDITED[name](frame, conn.execute(EDIT_QUERIES[name]).fetchall(), definitions)


EDIT_QUERIES = {
    "tournament_rounds": "SELECT season_id, round_id, name, starts_at, ends_at FROM pubg.tournament_round_edits",
    "tournament_schedule": "SELECT slot_id, season_id, round_id, division_id, group_id, match_number, planned_at, "
                           "delay_minutes, map_name FROM pubg.tournament_slot_edits",
}


def edited_rounds(rounds: pl.DataFrame, edits: list[tuple], definitions: list[dict]) -> pl.DataFrame:
    """`rounds` with each edited round (season_id, round_id, name, starts_at, ends_at) in place of the file's row of
    that id or added: its date is its start's local date in the season's time zone."""
    seasons = {d["season"]["season_id"]: d["season"] for d in definitions}
    rows = []
    for season_id, round_id, name, starts_at, ends_at in edits:
        season = seasons.get(season_id, {})
        zone = season.get("time_zone") or tournament.DEFAULT_TIME_ZONE
        rows.append({"season_id": season_id, "round_id": round_id, "name": name,
                     "date": starts_at.astimezone(ZoneInfo(zone)).date(), "starts_at": starts_at, "ends_at": ends_at,
                     "time_zone": zone, "season_name": season.get("name")})
    replaced = pl.DataFrame(rows, schema=tournament.ROUNDS_SCHEMA)
    return pl.concat([rounds.join(replaced.select("season_id", "round_id"), on=["season_id", "round_id"], how="anti"),
                      replaced]).sort("season_id", "starts_at", "round_id")


def edited_schedule(schedule: pl.DataFrame, edits: list[tuple], definitions: list[dict]) -> pl.DataFrame:
    """`schedule` with each edited slot in place of the file's slot of its id or of its round, division, group and
    match number: its time is the planned time moved by its delay; a division the files do not list comes after
    those they do (`division_order`)."""
    edited = pl.DataFrame(
        [{"season_id": season_id, "slot_id": slot_id, "round_id": round_id, "division_id": division_id,
          "group_id": group_id, "match_number": number, "scheduled_at": planned_at + dt.timedelta(minutes=delay),
          "map_name": map_name}
         for slot_id, season_id, round_id, division_id, group_id, number, planned_at, delay, map_name in edits],
        schema={name: kind for name, kind in schedule.schema.items() if name != "division_order"})
    replaced = with_division_order(edited, schedule)
    place = ["season_id", "round_id", "division_id", "group_id", "match_number"]
    kept = schedule.join(replaced.select("slot_id"), on="slot_id", how="anti").join(
        replaced.select(place), on=place, how="anti")
    return pl.concat([kept, replaced.select(schedule.columns)]).sort("season_id", "slot_id")


def with_division_order(slots: pl.DataFrame, schedule: pl.DataFrame) -> pl.DataFrame:
    """`slots` with each division's `division_order` in `schedule`, or for a division it lacks the places after the
    season's last, in the divisions' names' order."""
    known = schedule.select("season_id", "division_id", "division_order").unique()
    last = known.group_by("season_id").agg(pl.col("division_order").max().alias("_last"))
    unknown = (slots.select("season_id", "division_id").unique().join(known, on=["season_id", "division_id"], how="anti")
               .join(last, on="season_id", how="left")
               .with_columns((pl.col("_last").fill_null(0)
                              + pl.col("division_id").rank("dense").over("season_id").cast(pl.Int64))
                             .alias("division_order"))
               .drop("_last"))
    return slots.join(pl.concat([known, unknown]), on=["season_id", "division_id"], how="left").select(schedule.columns)


EDITED = {"tournament_rounds": edited_rounds, "tournament_schedule": edited_schedule}
"""The frames the admin endpoints' rows edit, and how."""


def match_overrides(postgres: PostgresResource) -> pl.DataFrame:
    """Every row of `pubg.tournament_match_overrides`, the earliest updated first (the last of a match wins)."""
    with postgres.connection() as conn:
        rows = conn.execute(
            "SELECT match_id, division_id, group_id, round_id, slot_id, status, is_tournament_match, reason "
            "FROM pubg.tournament_match_overrides ORDER BY updated_at").fetchall()
    return pl.DataFrame(rows, schema=tournament.OVERRIDE_SCHEMA, orient="row")
