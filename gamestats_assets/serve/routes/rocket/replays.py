"""A Rocket League replay (base `/api/v1/rocket/replays`): a player's recent games, one replay's analysis (or the
status of an upload or import not published yet), and its frames for the 3D viewer, all from the published
`rocket` tables, and what became of an upload sent on to ballchasing with its player's own key. Uploading one is
`uploads.py`, importing one from ballchasing `imports.py`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from starlette.responses import Response

from gamestats_assets.lib.intake.quarantine import last_quarantined
from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope, field, shape
from gamestats_assets.serve.core.reader import Answer
from gamestats_assets.serve.deps import Player, ReaderDep, SettingsDep
from gamestats_assets.lib.intake.door import STAGING
from gamestats_assets.serve.intake.ballchasing_sends import sent_note
from gamestats_assets.serve.intake.rocket_landing import DOMAIN, imported, landed, waiting
from gamestats_assets.serve.queries import rocket as queries
from gamestats_assets.serve.queries import rocket_frames
from gamestats_assets.serve.routes.rocket.common import (
    PLAYER_UNKNOWN,
    PREFIX,
    TAGS,
    TOTAL,
    Limit,
    Offset,
    PlayerId,
    ReplayId,
    for_player,
)

router = APIRouter(prefix=PREFIX, tags=TAGS)


@router.get("/replays/recent", response_model=for_player("RocketRecentAnswer", list[queries.Game], limit=int,
                                                         offset=int, total_count=TOTAL),
            responses=PLAYER_UNKNOWN,
            summary="A player's most recent published games")
def recent_replays(reader: ReaderDep, player_id: PlayerId, limit: Limit = 10, offset: Offset = 0) -> Response:
    """The player's latest published games (`rocket.matches`), newest first: `limit` from `offset`, with
    `total_count` in the metadata; a player without published games is a 404."""
    answer = queries.recent_games.read(reader, player_id, limit, offset)
    return enveloped(answer, "rows", player_id=player_id, limit=limit, offset=offset,
                     total_count=answer.data.total_count)


@router.get("/replays/{replay_id}",
            response_model=envelope("RocketReplayAnswer", queries.Replay | queries.Processing | queries.Refused),
            summary="A replay's analysis: per player, stats by group with rank percentiles; its goals and boost pads",
            responses={404: {"description": "the replay was neither published, uploaded nor refused"}})
def replay(reader: ReaderDep, settings: SettingsDep, replay_id: ReplayId) -> Response:
    """A published replay's game and each player's stats by group, each with its rank percentile among same-rank
    players' values of every published game, its goals in order (each one's moment, scorer and assister: a raw
    replay's alone) and each player's big and small pads with a total per team; an upload or a ballchasing import
    not published yet answers its `processing` status, an upload its parse refused after its answer (a header its
    stream contradicts, quarantined) its `refused` status and why, one the pipeline refused its `failed` status and
    why; any other id is a 404."""
    match_id = replay_id.lower()
    answer = queries.replay.read(reader, match_id)
    if answer.data is None:
        import_file = imported(settings, match_id)
        if (landed(settings, match_id) or waiting(settings, match_id).exists()
                or (import_file is not None and import_file.exists())):
            return enveloped(Answer(queries.Processing(id=match_id, status="processing"), answer.published_at))
        if refused := (last_quarantined(settings.data_dir / "quarantine", DOMAIN, f"{match_id}.replay")
                       or (import_file and last_quarantined(settings.data_dir / "quarantine", DOMAIN, import_file.name))):
            status = "refused" if STAGING in Path(refused.get("origin", "")).parts else "failed"
            return enveloped(Answer(queries.Refused(id=match_id, status=status, reason=refused["reason"],
                                                    refused_at=refused["quarantined_at"]), answer.published_at))
        raise HTTPException(404, f"replay {match_id} not found: neither published, uploaded nor refused")
    return enveloped(answer)


@router.get("/replays/{replay_id}/frames", response_model=envelope("RocketReplayFramesAnswer", rocket_frames.Frames),
            responses=unknown("the replay, or its frames (a game known from JSON alone has none),"),
            summary="A replay's ball and cars at ten samples a second, columnar, for the 3D viewer")
def frames(reader: ReaderDep, replay_id: ReplayId) -> Response:
    """The ball's and each car's place (and a car's boost) at every sample of a published raw replay, with the
    clock, the score and its goals; a game not published, or published from JSON without frames, is a 404."""
    return enveloped(rocket_frames.frames.read(reader, replay_id.lower()))



SentCopy = shape("RocketReplaySentToBallchasing", "An upload sent on to ballchasing.com with its player's own key",
                 id=field(str, "the replay's match id"),
                 state=field(str, '"sent" (ballchasing holds it), "waiting" (not sent yet, or ballchasing did not '
                                  'take it yet: sent again on the server\'s next pass) or "failed" (ballchasing '
                                  'refused it: sent again when the profile\'s key is written)'),
                 ballchasing_id=field(str | None, "its id at ballchasing, once sent"),
                 location=field(str | None, "its address at ballchasing, once sent"),
                 duplicate=field(bool, "whether ballchasing held it already when it was sent (its 409)"),
                 why=field(str | None, "why it is not sent yet, or was refused"),
                 tries=field(int, "the times it was sent"),
                 at=field(str | None, "when it was last sent, ISO 8601"))


@router.get("/replays/{replay_id}/ballchasing", response_model=SentCopy,
            responses={404: {"description": "no upload of that match id by the account is sent to ballchasing"}},
            summary="Your upload sent on to ballchasing.com with your own key: its id there, or why not yet")
def sent_to_ballchasing(settings: SettingsDep, who: Player, replay_id: ReplayId) -> dict:
    """What became of the upload `replay_id` the account made while its profile kept its own ballchasing.com key
    (`PUT /api/v1/users/profile`): sent (ballchasing's id and address; a replay it held already counts), waiting or
    failed with why. Only the account that uploaded it (or the operator) sees it; any other is a 404."""
    match_id = replay_id.lower()
    note = sent_note(settings, match_id)
    if note is None or (note["account"] != who.name and not who.has("operator")):
        raise HTTPException(404, f"no upload {match_id} of account {who.name} is sent to ballchasing")
    return {"id": match_id, "state": note["state"], "ballchasing_id": note.get("ballchasing_id"),
            "location": note.get("location"), "duplicate": bool(note.get("duplicate")), "why": note.get("why"),
            "tries": note.get("tries", 0), "at": note.get("at")}
