"""The PUBG roster as the admin reads it: every tracked player (the roster table `pubg.players` and the
roster file `reference/pubg/players.csv`) with their name, team and division where the published tables know them;
what a player's history backfill would find before it starts (their published matches of the last `BACKFILL_DAYS`
days, with telemetry or not, and those already built); the backfills asked for (`pubg.player_backfill_requests`)
with what the pipeline's sensor made of them. The roster table's writes are `crud/pubg_roster.py`'s.

Every read here is of rows the admin writes as well as published ones, so it is read as it is now, never cached."""

from __future__ import annotations

import datetime as dt

import psycopg

from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.queries import NotFound
from gamestats_assets.sources.pubg.backfill import BACKFILL_DAYS, WITHOUT_TELEMETRY

Tracked = shape(
    "PubgTrackedPlayer", "A tracked player, named as the published tables name them",
    player_id=field(str, "the player's PUBG account id"),
    on_roster_table=field(bool, "added through the admin (`pubg.players`): can be removed here"),
    in_roster_file=field(bool, "listed in the roster file `reference/pubg/players.csv`: removed by editing it"),
    added_at=field(dt.datetime | None, "when they were added to the roster table (null: in the roster file only)"),
    player_name=field(str | None, "their in-game name (null until a match of theirs is published)"),
    team_name=field(str | None, "their tournament team in the latest season they played"),
    division=field(str | None, "that team's division"), group=field(str | None, "that team's group"),
    matches=field(int, "their published matches"))

ROSTER = """
SELECT p.player_id, t.player_id IS NOT NULL AS on_roster_table, p.player_id = ANY(%(file)s) AS in_roster_file,
       t.added_at, coalesce(b.player_name, s.player_name) AS player_name, b.team_name, b.division_id AS division,
       b.group_id AS "group", coalesce(s.matches, 0) AS matches
FROM (SELECT player_id FROM pubg.players UNION SELECT unnest(%(file)s::text[])) p
LEFT JOIN pubg.players t USING (player_id)
LEFT JOIN LATERAL (SELECT player_name, team_name, division_id, group_id FROM pubg.player_leaderboards
                   WHERE scope = 'group' AND account_id = p.player_id ORDER BY season_id DESC LIMIT 1) b ON true
LEFT JOIN LATERAL (SELECT max(player_name) AS player_name, count(DISTINCT match_id) AS matches
                   FROM pubg.match_summaries WHERE account_id = p.player_id) s ON true
WHERE %(player)s::text IS NULL OR p.player_id = %(player)s
ORDER BY lower(coalesce(b.player_name, s.player_name, p.player_id)), p.player_id
"""


def roster(conn: psycopg.Connection, listed_in_file: list[str], player_id: str | None = None) -> list[dict]:
    """Every tracked player as the roster is now: the roster table's and `listed_in_file` (the roster file's),
    `player_id`'s row alone when given, each with their name, team and division where the published tables know
    them."""
    return conn.execute(ROSTER, {"file": listed_in_file, "player": player_id}).fetchall()


class Ambiguous(LookupError):
    """A player name several accounts have played under (the API's 409, listing them)."""


def account_of(conn: psycopg.Connection, name: str) -> str:
    """The one account id that played under the in-game name `name` (any case) in the published matches."""
    found = [r["account_id"] for r in conn.execute(
        "SELECT DISTINCT account_id FROM pubg.match_summaries WHERE lower(player_name) = lower(%s) "
        "ORDER BY account_id LIMIT 5", (name,))]
    if not found:
        raise NotFound(f"no published match has a player named {name!r}: give their account id (account.…)")
    if len(found) > 1:
        raise Ambiguous(f"{len(found)} accounts played as {name!r} ({', '.join(found)}): give the account id")
    return found[0]


Preview = shape(
    "PubgBackfillPreview", "What a player's history backfill finds, before it starts",
    player_id=field(str, "the player's PUBG account id"),
    player_name=field(str | None, "their in-game name in their published matches"),
    tracked=field(bool, "on the roster already"),
    window_days=field(int, "how far back the backfill looks"), since=field(dt.datetime, "the window's start"),
    matches_found=field(int, "their published matches of the window (one row each in `match_summaries`)"),
    with_telemetry=field(int, "of which the telemetry was read (whole or cut short): the backfill builds these"),
    telemetry_missing=field(int, "of which no telemetry file was delivered: left out"),
    telemetry_failed=field(int, "of which the telemetry could not be read (quarantined): left out"),
    already_built=field(int, "of those with telemetry, the ones whose tracked-player tables hold them already"),
    to_build=field(int, "matches the backfill would build now"),
    left_out_reasons=field(dict[str, str], "why a match without telemetry is left out, by telemetry state"))

PREVIEW = """
WITH played AS (
    SELECT match_id, max(player_name) AS player_name, coalesce(max(telemetry), 'missing') AS telemetry
    FROM pubg.match_summaries WHERE account_id = %(player)s AND created_at >= %(since)s GROUP BY match_id)
SELECT max(player_name) AS player_name, count(*) AS matches_found,
       count(*) FILTER (WHERE telemetry <> ALL(%(without)s)) AS with_telemetry,
       count(*) FILTER (WHERE telemetry = 'missing') AS telemetry_missing,
       count(*) FILTER (WHERE telemetry = 'failed') AS telemetry_failed,
       count(*) FILTER (WHERE telemetry <> ALL(%(without)s) AND EXISTS (
           SELECT FROM pubg.player_backfill_status b WHERE b.match_id = played.match_id
           AND b.player_id = %(player)s)) AS already_built
FROM played
"""


def window_start(today: dt.date | None = None) -> dt.datetime:
    """The first instant of the backfill's window: midnight (UTC) `BACKFILL_DAYS` days before `today`."""
    return dt.datetime.combine((today or dt.date.today()) - dt.timedelta(days=BACKFILL_DAYS), dt.time(), dt.UTC)


def preview(conn: psycopg.Connection, player_id: str, tracked: bool) -> dict:
    """What `player_id`'s history backfill finds in the published matches of its window: how many, how many with
    telemetry (the ones it builds), without (left out, with why), and already built for them."""
    since = window_start()
    found = conn.execute(PREVIEW, {"player": player_id, "since": since, "without": list(WITHOUT_TELEMETRY)}).fetchone()
    return {**found, "player_id": player_id, "tracked": tracked, "window_days": BACKFILL_DAYS, "since": since,
            "to_build": found["with_telemetry"] - found["already_built"], "left_out_reasons": WITHOUT_TELEMETRY}


LeftOut = shape("PubgMatchLeftOut", "A match a backfill left out", match_id=field(str, "the match"),
                reason=field(str, "why it was left out"))
Request = shape(
    "PubgBackfillRequest", "A backfill asked for a tracked player, and what the pipeline's sensor made of it",
    request_id=field(int, "the request's number"), player_id=field(str, "the player's PUBG account id"),
    requested_by=field(str, "the organiser's account, or `roster` when the player was newly on the roster"),
    requested_at=field(dt.datetime, "when it was asked for"),
    handled_at=field(dt.datetime | None, "when the sensor took it up (null: waiting for its next tick)"),
    partitions=field(int | None, "the matches the backfill covers (0: nothing was left to build)"),
    left_out=field(list[LeftOut], "the matches left out, each with why"))

REQUEST = """
request_id, player_id, requested_by, requested_at, handled_at, partitions,
coalesce((SELECT jsonb_agg(jsonb_build_object('match_id', key, 'reason', value) ORDER BY key)
          FROM jsonb_each_text(left_out)), '[]'::jsonb) AS left_out
"""
REQUESTS = f"""
SELECT {REQUEST} FROM pubg.player_backfill_requests
WHERE (%(player)s::text IS NULL OR player_id = %(player)s) AND (NOT %(waiting)s OR handled_at IS NULL)
ORDER BY request_id DESC LIMIT %(limit)s
"""
LATEST_REQUESTS = f"""
SELECT DISTINCT ON (player_id) {REQUEST} FROM pubg.player_backfill_requests ORDER BY player_id, request_id DESC
"""


def requests(conn: psycopg.Connection, player_id: str | None = None, waiting: bool = False,
             limit: int = 200) -> list[dict]:
    """The latest backfills asked for, newest first: `player_id`'s alone when given, those not handled yet when
    `waiting`."""
    return conn.execute(REQUESTS, {"player": player_id, "waiting": waiting, "limit": limit}).fetchall()


def latest_requests(conn: psycopg.Connection) -> dict[str, dict]:
    """Each player's latest backfill asked for, by player."""
    return {row["player_id"]: row for row in conn.execute(LATEST_REQUESTS).fetchall()}
