"""What the tournament's organisers provide: their files in `landing/pubg/tournament/` (one season each), read as
the tournament frames (its players, rounds and schedule), and their corrections of matches in PostgreSQL
`pubg.tournament_match_overrides`."""

import json
from pathlib import Path

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


def tournament_frame(landing: Path, name: str) -> pl.DataFrame:
    """The frame `name` of `TOURNAMENT_FRAMES` over every organiser's file (no rows when there is none)."""
    build = TOURNAMENT_FRAMES[name][0]
    return pl.concat([build(definition) for definition in tournament_definitions(landing)] or [build(NO_TOURNAMENT)])


def match_overrides(postgres: PostgresResource) -> pl.DataFrame:
    """Every row of `pubg.tournament_match_overrides`, the earliest updated first (the last of a match wins)."""
    with postgres.connection() as conn:
        rows = conn.execute(
            "SELECT match_id, division_id, group_id, round_id, slot_id, status, is_tournament_match, reason "
            "FROM pubg.tournament_match_overrides ORDER BY updated_at").fetchall()
    return pl.DataFrame(rows, schema=tournament.OVERRIDE_SCHEMA, orient="row")
