"""A Rocket League replay imported by its ballchasing id (`POST /api/v1/rocket/replays/ballchasing`): its JSON fetched
from ballchasing's API (`GET /replays/{id}`, at `GAMESTATS_BALLCHASING_URL` with `GAMESTATS_BALLCHASING_TOKEN`, as the
roster-driven discovery fetches it) and landed where the discovery lands it, `landing/rocket/<day>/ballchasing/<id>.json`,
with its raw replay (`GET /replays/{id}/file`) landed beside it as an upload lands, so that its game is read from its
frames (`sources/ballchasing/replay_file.py`), or why that file could not be had; the landing sensor runs them, and
the import is answered with an upload's fates. The file's name is the id asked for, checked to be a UUID before
anything is asked of ballchasing, never a name the answer gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from gamestats_assets.lib.core.inputs import UnreadableInput
from gamestats_assets.lib.core.landing_records import Content
from gamestats_assets.lib.intake.door import LANDED, Door, NamesDeletedPlayer
from gamestats_assets.lib.intake.http import ApiError, MissingApiKey, RetryableError
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.deps import Consented, SettingsDep
from gamestats_assets.serve.intake.held_games import conflicts
from gamestats_assets.serve.intake.rocket_landing import IMPORTS, door_of, landing_day
from gamestats_assets.serve.routes.rocket.common import PREFIX, TAGS
from gamestats_assets.sources.ballchasing.client import LANDING_FOLDER, TOKEN_ENV, client_from_env, replay_json
from gamestats_assets.sources.ballchasing.replay_file import land_replay_file, with_file_fate
from gamestats_assets.sources.ballchasing.replay_json import NO_FRAMES, BallchasingFormatError, parse_replay_json

router = APIRouter(prefix=PREFIX, tags=TAGS)

TIMEOUT_SECONDS = 10.0
"""How long a request waits for ballchasing's answer: one try, as the user waits for it."""
RATE_LIMITED_RETRY_SECONDS = 60
"""`Retry-After` of a 503 when ballchasing limited the server's key without saying for how long."""
UNAVAILABLE_RETRY_SECONDS = 30
"""`Retry-After` of a 503 when ballchasing failed, timed out or is still processing the replay."""
BALLCHASING_ID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class BallchasingImport(BaseModel):
    """The replay to import."""

    model_config = ConfigDict(extra="forbid")
    ballchasing_id: str = Field(min_length=36, max_length=36, pattern=BALLCHASING_ID,
                                description="the replay's id at ballchasing.com (a UUID, as in its address)",
                                examples=["bdc27caf-fe82-4708-9f48-4f2561f93313"])


Imported = shape("RocketImported", "A ballchasing replay landed, to be run as a dropped file is, or one held already",
                 id=field(str, "its game's match id, which `GET /replays/{id}` follows"),
                 ballchasing_id=field(str, "its id at ballchasing"),
                 status=field(str, '"processing", or "already imported" (nothing changed)'),
                 landed=field(str, "where its JSON is held, under the data folder (or retired, its rows kept)"),
                 already_imported=field(bool, "whether it was held before this request"),
                 played_at=field(str, "when it was played, ISO 8601"), players=field(int, "its players"),
                 follow=field(str, "the address of its status and analysis"),
                 frames_missing=field(str | None, "why its raw replay could not be had from ballchasing, so that its "
                                      "game is read from JSON alone, without frame mechanics, heatmap or 3D viewer "
                                      "(null when its raw replay is held)"))

FATES = {200: {"description": "this replay is already held (landed, or read and retired); nothing changed"},
         403: {"description": "none of the account's players played it, or its player has not consented "
                                             "(`/api/v1/users/consent`); nothing landed"},
         404: {"description": "ballchasing has no replay of that id"},
         409: {"description": "its game is held for the operator as a conflict of uploads, or this server has no "
                              "ballchasing key (`GAMESTATS_BALLCHASING_TOKEN`) to fetch it with; nothing landed"},
         422: {"description": "not a ballchasing id (a UUID), a replay ballchasing could not process or that "
                              "does not say what game it is, or naming a deleted player; nothing landed"},
         502: {"description": "ballchasing refused the server's key or answered what is not a replay of that id"},
         503: {"description": "ballchasing limited the server's key, failed, timed out or is still processing the "
                              "replay (try again after `Retry-After`)"}}


@router.post("/replays/ballchasing", status_code=202, response_model=Imported, responses=FATES,
             summary="Import a replay by its ballchasing id; its JSON lands and is run as the discovery's is")
def import_replay(settings: SettingsDep, asked: BallchasingImport,
                  who: Consented) -> JSONResponse:
    """A replay of ballchasing.com fetched by its id and landed as `landing/rocket/<day>/ballchasing/<id>.json`
    (its day played, UTC, when that is a day of the platform's history, else today), which the landing sensor runs;
    answered 202 with the game's match id, whose `GET /replays/{id}` says `processing` until its day is published.
    Its raw replay is downloaded from ballchasing and landed first, as an upload lands (a game held as a raw
    replay already keeps its file); where it cannot be had, `frames_missing` says why, as do the null reasons of
    the figures read of frames.
    A replay already held (that file landed, or the same JSON read by a run and retired since) answers 200, without
    asking ballchasing for its JSON again when it is landed (its file is asked for again while it is missing); a
    game held for the operator as a conflict of uploads, 409, as is a replay not held on a server without a
    ballchasing key. As for an upload, the account must act for one of its players (403), and a replay naming a
    player deleted at their request is refused (422). ballchasing's own answers: 404 when it has no such replay;
    503 with `Retry-After` when it limits the key (429), fails (5xx), times out or is still processing the replay;
    502 when it refuses the key or answers what is not that replay."""
    replay_id, door = asked.ballchasing_id.lower(), door_of(settings)
    if (held := door.found(f"*/{LANDING_FOLDER}/{replay_id}.json")) is not None:
        game = parse_replay_json(json.loads(held.read_text()))
        acting(who, game)
        missing = None if raw_replay(door, game) else with_file(door, held.parents[1].name, replay_id, game)
        return already_imported(replay_id, game, str(held.relative_to(settings.data_dir)), missing)
    document = fetched(replay_id)
    try:
        game = parse_replay_json(document)
    except (BallchasingFormatError, KeyError, TypeError, ValueError) as error:  # a format error is a ValueError too
        raise HTTPException(422, f"ballchasing replay {replay_id} does not say what game it is ({error}); "
                                 "nothing landed") from None
    acting(who, game)
    parts, text = (landing_day(settings, game.played_at), LANDING_FOLDER, f"{replay_id}.json"), replay_json(document)
    try:
        door.admit(parts, [player.player_id for player in game.players])
    except NamesDeletedPlayer:
        raise HTTPException(422, f"ballchasing replay {replay_id} names a player deleted at their request; "
                                 "nothing landed") from None
    if contended := next((c for c in conflicts(settings.data_dir) if game.match_id in (c.match_id, c.held_match_id)),
                         None):
        raise HTTPException(409, f"the game of match {game.match_id} is held for the operator as conflict "
                                 f"{contended.conflict_id}; nothing landed: import it again once it is settled")
    if (copy := door.copy_of(Content(text.encode()))) is not None:
        return already_imported(replay_id, game, copy, None if raw_replay(door, game) else NO_FRAMES)
    missing = with_file(door, parts[0], replay_id, game)
    done = door.land(parts, replay_json(with_file_fate(document, missing)))
    where = done.path.relative_to(settings.data_dir)
    if done.outcome != LANDED:
        return already_imported(replay_id, game, str(where), missing)
    door.note(IMPORTS, game.match_id, str(where))
    return JSONResponse(answer(replay_id, game, where, "processing", False, missing), status_code=202)


def with_file(door: Door, day: str, replay_id: str, game) -> str | None:
    """Download the raw replay of `replay_id` (of `game`) and land it in `day`'s folder, asked once
    (`TIMEOUT_SECONDS`); why it could not be had, None when it landed or was held."""
    client = client_from_env(limits=(), timeout_s=TIMEOUT_SECONDS, max_attempts=1)
    try:
        return land_replay_file(client, door, day, replay_id, game.match_id)
    finally:
        client.close()


def raw_replay(door: Door, game) -> bool:
    """Whether a raw replay of `game` is held in landing."""
    return door.found(f"*/{game.match_id}.replay") is not None


def acting(who: Principal, game) -> None:
    """403 unless `who` acts for one of the players of `game`."""
    if not who.acts_for_any((player.player_id, player.platform) for player in game.players):
        raise HTTPException(403, f"account {who.name} acts for none of this replay's players")


def fetched(replay_id: str) -> dict[str, Any]:
    """ballchasing's JSON of the replay `replay_id`, asked once (`TIMEOUT_SECONDS`), or the HTTP error to answer."""
    client = client_from_env(limits=(), timeout_s=TIMEOUT_SECONDS, max_attempts=1)
    try:
        document = client.get_json(f"/replays/{replay_id}")
    except MissingApiKey:
        raise HTTPException(409, f"this server imports from ballchasing only with {TOKEN_ENV} set") from None
    except RetryableError as error:
        unavailable(error)
    except ApiError as error:
        if error.status == 404:
            raise HTTPException(404, f"ballchasing has no replay {replay_id}") from None
        raise HTTPException(502, f"ballchasing refused the import of {replay_id}: {error}") from None
    except (UnreadableInput, ValueError) as error:
        raise HTTPException(502, f"ballchasing's answer for {replay_id} is not a replay's JSON: {error}") from None
    finally:
        client.close()
    if not isinstance(document, dict) or str(document.get("id", "")).lower() != replay_id:
        raise HTTPException(502, f"ballchasing answered for {replay_id} with another replay or none")
    if document.get("status") == "pending":
        raise HTTPException(503, f"ballchasing is still processing replay {replay_id}",
                            headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)})
    if document.get("status") == "failed":
        raise HTTPException(422, f"ballchasing could not process replay {replay_id}; nothing landed")
    return document


def unavailable(error: RetryableError) -> NoReturn:
    """The 503 of a request ballchasing limited (429: after its `Retry-After` when it sent one), failed or timed
    out."""
    if error.status == 429:
        wait = RATE_LIMITED_RETRY_SECONDS if error.retry_after is None else max(1, round(error.retry_after))
        raise HTTPException(503, "ballchasing limits this server's requests for now; try again later",
                            headers={"Retry-After": str(wait)}) from None
    why = f"answered HTTP {error.status}" if error.status else "did not answer in time"
    raise HTTPException(503, f"ballchasing {why}; try again later",
                        headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)}) from None


def answer(replay_id: str, game, landed: Path | str, status: str, held: bool, missing: str | None) -> dict:
    return {"id": game.match_id, "ballchasing_id": replay_id, "status": status, "landed": str(landed),
            "already_imported": held, "played_at": game.played_at.isoformat(), "players": len(game.players),
            "follow": f"{router.prefix}/replays/{game.match_id}", "frames_missing": missing}


def already_imported(replay_id: str, game, where: str, missing: str | None) -> JSONResponse:
    """200: the replay `replay_id` (of `game`) is already held `where`, its frames missing for `missing`; nothing
    changed."""
    return JSONResponse(answer(replay_id, game, where, "already imported", True, missing), status_code=200)
