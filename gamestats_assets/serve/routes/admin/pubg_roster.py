"""The PUBG roster as endpoints (the organiser role): every tracked player (the roster table `pubg.players` and the
roster file) with their name, team, division and latest backfill; a player tracked or no longer; what a player's
history backfill finds before it starts; the queue of backfills with their progress, Dagster's cancel of a running
one, and the re-trigger of one that ended.

A re-trigger is a row of `pubg.player_backfill_requests` that the pipeline's sensor `pubg_newly_tracked_players`
takes up at its next tick, as it takes up a player newly on the roster: the sensor finds the player's history as
it is then (the matches still to build, those without telemetry left out with why) and submits the backfill at
low priority; the API writes the rows the platform reads and reads what Dagster's instance holds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import Field, model_validator
from starlette.responses import Response

from gamestats_assets.lib.intake.tracking import request_backfill, roster_file
from gamestats_assets.serve.core import backfills as player_backfills
from gamestats_assets.serve.core.bodies import Body, one_given, rules
from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.models import envelope, field, fields_of, shape
from gamestats_assets.serve.core.pipeline import NOT_RUNNING, pipeline_state
from gamestats_assets.serve.crud import pubg_roster as writes
from gamestats_assets.serve.deps import ORGANISERS, InstanceDep, Organiser, ReaderDep, SettingsDep
from gamestats_assets.serve.queries import pubg_roster as queries
from gamestats_assets.serve.routes.admin.common import ID_PATTERN, PREFIX, TAGS, now, writing
from gamestats_assets.serve.routes.pubg.common import PRINTABLE

router = APIRouter(prefix=PREFIX, tags=TAGS, dependencies=ORGANISERS)
DOMAIN = "pubg"
WAITING = "Waiting for the pipeline's sensor"
PlayerPath = Annotated[str, Path(min_length=1, max_length=128, pattern=ID_PATTERN,
                                  description="the player's PUBG account id")]
BackfillPath = Annotated[str, Path(min_length=1, max_length=128, pattern=ID_PATTERN,
                                    description="the backfill (Dagster's id)")]

Backfill = shape(
    "PubgBackfill", "A tracked player's history backfill, from Dagster", backfill_id=field(str, "Dagster's id"),
    player_id=field(str, "the player's PUBG account id"),
    request_id=field(int | None, "the request it answers (`pubg.player_backfill_requests`)"),
    status=field(str, "Dagster's status code (`REQUESTED`, `COMPLETED_SUCCESS`, `CANCELED` ...)"),
    status_label=field(str, "the status in words (Running, Completed, Cancelled ...)"),
    matches_done=field(int, "matches whose every asset is built"), matches_failed=field(int, "matches that failed"),
    matches_total=field(int, "the matches it builds"), partitions_done=field(int, "asset partitions built"),
    partitions_failed=field(int, "asset partitions that failed"),
    partitions_total=field(int, "asset partitions it builds: each of the tracked tables, per match"),
    progress=field(float | None, "matches done of all (`matches_done` / `matches_total`), 0 to 1"),
    started_at=field(float, "when it started, seconds since the epoch"),
    ended_at=field(float | None, "when it ended (null: running)"), in_progress=field(bool, "it is running"),
    can_cancel=field(bool, "running: `POST /backfills/{id}/cancel`"))
BackfillState = shape(
    "PubgBackfillState", "A tracked player's latest backfill and what it waits for",
    backfill=field(Backfill | None, "their latest backfill, from Dagster (null: none yet, or no instance to read)"),
    request=field(queries.Request | None, "the latest backfill asked for them, and what the pipeline's sensor "
                  "made of it: the matches it covers and those left out, with why"),
    status=field(str, "the latest backfill's status code, or what it waits for"),
    status_label=field(str, "the same in words"),
    pending=field(bool, "the backfill is asked for or running: its state changes without anyone acting"),
    can_retrigger=field(bool, "tracked, their last backfill ended (or found nothing to build) and none is asked for: "
                        "`POST /players/{player_id}/backfill` asks again"))
RosterPlayer = shape("PubgRosterPlayer", "A tracked player and their latest backfill", **fields_of(queries.Tracked),
                     **fields_of(BackfillState))
PlayersAnswer = envelope("PubgTrackedPlayersAnswer", list[RosterPlayer],
                         pipeline_running=field(bool, "Dagster's daemon beats: backfills are taken up"))


def domain_backfills(instance) -> list:
    return [] if instance is None else player_backfills.of_domain(instance, DOMAIN)


def file_players(settings) -> list[str]:
    return sorted(roster_file(DOMAIN, settings.data_dir))


def backfill_state(tracked: bool, asked: dict | None, latest, running: bool) -> dict:
    """A player's backfill as the admin shows it, from their latest request `asked` and latest backfill `latest`
    (Dagster's): the backfill, the request, its status (or what it waits for: the sensor to take the request up,
    the backfill it asked for to appear; or that it found nothing to build), whether it changes by itself and
    whether it can be asked for again."""
    shown = player_backfills.progress(latest) if latest is not None else None
    newer = asked is not None and (shown is None or (shown["request_id"] or 0) < asked["request_id"])
    if asked is not None and asked["handled_at"] is None:
        status = label = WAITING if running else NOT_RUNNING
    elif newer and asked["partitions"]:
        status = label = f"Requested: {asked['partitions']} match(es), the backfill starts"
    elif newer:
        status = label = (f"Nothing to build: {len(asked['left_out'])} match(es) left out, without telemetry"
                          if asked["left_out"] else "Nothing to build: their history is built")
    elif shown is not None:
        status, label = shown["status"], shown["status_label"]
    else:
        status = label = "waiting for the newly tracked players sensor"
    unseen = asked is None and shown is None
    waiting = asked is not None and asked["handled_at"] is None
    running_now = shown is not None and shown["in_progress"]
    return {"backfill": shown, "request": asked, "status": status, "status_label": label,
            "pending": unseen or waiting or running_now or bool(newer and asked["partitions"]),
            "can_retrigger": tracked and not (unseen or waiting or running_now)}


@router.get("/players", response_model=PlayersAnswer,
            summary="Every tracked player (roster table and roster file) with name, team, division and backfill")
def players(reader: ReaderDep, settings: SettingsDep, instance: InstanceDep) -> Response:
    """Every tracked player, on the roster table or in the roster file, with their name, team, division and group as
    the published tables have them, and their latest backfill and what it waits for."""
    latest = player_backfills.latest_by_player(domain_backfills(instance))
    running = pipeline_state(instance).running

    def listed(conn) -> list[dict]:
        asked = queries.latest_requests(conn)
        return [{**p, **backfill_state(True, asked.get(p["player_id"]), latest.get(p["player_id"]), running)}
                for p in queries.roster(conn, file_players(settings))]

    return now(reader, list[RosterPlayer], listed, pipeline_running=running)


class Player(Body):
    """A player to track: their account id, or the in-game name they played under in a published match."""

    model_config = rules(one_given("player_id", "player_name"))

    player_id: str | None = Field(None, min_length=1, max_length=128, pattern=ID_PATTERN,
                                  description="the player's PUBG account id")
    player_name: str | None = Field(None, min_length=1, max_length=64, pattern=PRINTABLE,
                                    description="the in-game name they played under in a published match")

    @model_validator(mode="after")
    def one_of(self) -> Player:
        if (self.player_id is None) == (self.player_name is None):
            raise ValueError("give the player's account id (player_id) or their in-game name (player_name)")
        return self


def account(conn, player: Player) -> str:
    """The account id `player` names (a 409 for a name several accounts played under)."""
    try:
        return player.player_id or queries.account_of(conn, player.player_name)
    except queries.Ambiguous as error:
        raise HTTPException(409, str(error)) from error


Added = shape("PubgPlayerAdded", player_id=field(str, "the player's PUBG account id"),
              added=field(bool, "false when already on the roster table"),
              player=field(queries.Tracked, "the player as tracked now"))
Removed = shape("PubgPlayerRemoved", player_id=field(str, "the player's PUBG account id"),
                removed=field(bool, "taken off the roster table"))


@router.post("/players", status_code=201, response_model=Added,
             summary="Track a player (by account id or in-game name); the next sensor tick backfills their history",
             responses={**unknown("the in-game name"), 409: {"description": "several accounts played under the name"}})
def add_player(settings: SettingsDep, player: Player) -> dict:
    """The player put on the roster table (201), by account id or by an in-game name they played under in a
    published match (409 for a name several accounts played under); the pipeline's sensor backfills their history at
    its next tick."""
    with writing(settings) as conn:
        player_id = account(conn, player)
        added = writes.add_to_roster(conn, player_id)
        [tracked] = queries.roster(conn, file_players(settings), player_id)
    return {"player_id": player_id, "added": added, "player": tracked}


@router.delete("/players/{player_id}", response_model=Removed, summary="Stop tracking a player",
               responses={404: {"description": "the player is not on the roster table"},
                          409: {"description": "the player is listed in the roster file: edit the file"}})
def remove_player(settings: SettingsDep, player_id: PlayerPath) -> dict:
    """The player taken off the roster table; one listed in the roster file is a 409 (edit the file), one on neither
    is a 404."""
    with writing(settings) as conn:
        removed = writes.remove_from_roster(conn, player_id)
    if not removed and player_id in file_players(settings):
        raise HTTPException(409, f"player {player_id!r} is listed in the roster file reference/{DOMAIN}/players.csv: "
                                 "take them out of the file to stop tracking them")
    if not removed:
        raise HTTPException(404, f"player {player_id!r} is not on the roster table")
    return {"player_id": player_id, "removed": True}


PreviewAnswer = envelope("PubgBackfillPreviewAnswer", queries.Preview)


@router.get("/players/preview", response_model=PreviewAnswer,
            summary="Before a backfill: the player's historical matches found, with telemetry or not, to build",
            responses={**unknown("the in-game name"), 409: {"description": "several accounts played under the name"}})
def preview(reader: ReaderDep, settings: SettingsDep,
            player_id: str | None = Query(None, min_length=1, max_length=128, pattern=ID_PATTERN,
                                          description="the player's PUBG account id (or player_name)"),
            player_name: str | None = Query(None, min_length=1, max_length=64, pattern=PRINTABLE,
                                            description="their in-game name in a published match (or player_id)")
            ) -> Response:
    """What a backfill of the player's history would find in the published matches, before it starts: the matches,
    those with telemetry it would build, those it would leave out and why."""
    player = Player(player_id=player_id, player_name=player_name) if (player_id is None) != (
        player_name is None) else None
    if player is None:
        raise HTTPException(422, "give the player's account id (player_id) or their in-game name (player_name)")

    def found(conn) -> dict:
        account_id = account(conn, player)
        return queries.preview(conn, account_id, bool(queries.roster(conn, file_players(settings), account_id)))

    return now(reader, queries.Preview, found)


BackfillAnswer = shape("PubgBackfillAnswer", player_id=field(str, "the player's PUBG account id"),
                       tracked=field(bool, "on the roster"), **fields_of(BackfillState))


def answer_for(instance, settings, player_id: str) -> dict:
    """`player_id`'s backfill answer (a 404 when they are neither tracked nor backfilled)."""
    with writing(settings) as conn:
        tracked = bool(queries.roster(conn, file_players(settings), player_id))
        [asked] = queries.requests(conn, player_id, limit=1) or [None]
    latest = player_backfills.latest_by_player(domain_backfills(instance)).get(player_id)
    if not tracked and latest is None:
        raise HTTPException(404, f"player {player_id!r} is not tracked and has no backfill")
    return {"player_id": player_id, "tracked": tracked,
            **backfill_state(tracked, asked, latest, pipeline_state(instance).running)}


@router.get("/players/{player_id}/backfill", response_model=BackfillAnswer,
            summary="A tracked player's latest backfill, its progress and the matches it left out",
            responses={404: {"description": "the player is neither tracked nor backfilled"}})
def player_backfill(settings: SettingsDep, instance: InstanceDep, player_id: PlayerPath) -> dict:
    """The player's latest backfill with its progress, the request it answers and the matches it left out; a player
    neither tracked nor backfilled is a 404."""
    return answer_for(instance, settings, player_id)


@router.post("/players/{player_id}/backfill", status_code=202, response_model=BackfillAnswer,
             summary="Re-trigger a player's backfill once the last one ended: the next sensor tick takes it up",
             responses={404: {"description": "the player is not tracked"},
                        409: {"description": "their backfill is asked for or running"}})
def retrigger(settings: SettingsDep, instance: InstanceDep, who: Organiser, player_id: PlayerPath) -> dict:
    """A new backfill of the tracked player's history asked for (202), once the last ended: the pipeline's sensor
    takes it up at its next tick; a backfill asked for or running is a 409."""
    current = answer_for(instance, settings, player_id)
    if not current["tracked"]:
        raise HTTPException(404, f"player {player_id!r} is not tracked: add them first")
    if not current["can_retrigger"]:
        raise HTTPException(409, f"the backfill of {player_id!r} is {current['status_label'].lower()}: "
                                 "cancel it or wait for it to end")
    with writing(settings) as conn:
        request_backfill(conn, DOMAIN, player_id, who.name)
    return answer_for(instance, settings, player_id)


Queue = shape("PubgBackfillQueue", "The tracked players' backfills, newest first, and those asked for and waiting",
              backfills=field(list[Backfill], "the newest backfills, newest first"),
              waiting=field(list[queries.Request], "asked for, not taken up by the sensor yet"),
              running=field(int, "backfills in progress"))
QueueAnswer = envelope("PubgBackfillQueueAnswer", Queue,
                       pipeline_running=field(bool, "Dagster's daemon beats: backfills are taken up"))


@router.get("/backfills", response_model=QueueAnswer, summary="The queue of tracked players' backfills with progress")
def queue(reader: ReaderDep, instance: InstanceDep,
          limit: int = Query(50, ge=1, le=500, description="the newest backfills listed")) -> Response:
    """The tracked players' backfills from Dagster, newest first, and those asked for and not taken up yet."""
    backfills = [player_backfills.progress(b) for b in domain_backfills(instance)]
    running = pipeline_state(instance).running

    def listed(conn) -> dict[str, Any]:
        return {"backfills": backfills[:limit], "waiting": queries.requests(conn, waiting=True),
                "running": sum(b["in_progress"] for b in backfills)}

    return now(reader, Queue, listed, pipeline_running=running)


@router.post("/backfills/{backfill_id}/cancel", response_model=Backfill,
             summary="Cancel a running backfill as Dagster's UI does: its runs are cancelled, what it built stays",
             responses={404: {"description": "no tracked player's backfill of that id"},
                        409: {"description": "the backfill is not running"},
                        503: {"description": "no Dagster instance to read, or the request budgets are unavailable"}})
def cancel(instance: InstanceDep, backfill_id: BackfillPath) -> dict:
    """The running backfill cancelled as Dagster's UI does: its runs are cancelled, what it built stays; an ended
    backfill is a 409, an unknown one a 404, no Dagster instance a 503."""
    if instance is None:
        raise HTTPException(503, NOT_RUNNING)
    found = next((b for b in domain_backfills(instance) if b.backfill_id == backfill_id), None)
    if found is None:
        raise HTTPException(404, f"no tracked player's backfill {backfill_id!r}")
    try:
        return player_backfills.progress(player_backfills.cancel(instance, found))
    except player_backfills.NotCancellable as error:
        raise HTTPException(409, str(error)) from error
