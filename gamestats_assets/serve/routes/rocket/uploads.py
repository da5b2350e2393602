"""A raw Rocket League replay uploaded (`POST /api/v1/rocket/replays/upload`): answered once its header, size and
CRCs are checked, then parsed beside the server and landed through the door as a user's dropped file is
(`landing/rocket/<day>/`), so the landing sensor runs it (`intake/replay_uploads.py`). Writing needs the player
role, for one of the account's own player ids (an operator writes for anyone)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTasks

from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.deps import AheadDep, Consented, SealerDep, SettingsDep
from gamestats_assets.serve.intake.ballchasing_sends import offer, send
from gamestats_assets.serve.intake.replay_uploads import accept, answered, land_upload
from gamestats_assets.serve.routes.rocket.common import PREFIX, TAGS

router = APIRouter(prefix=PREFIX, tags=TAGS)

Uploaded = shape("RocketUploaded", "A replay received, to land and be run as a dropped file is",
                 id=field(str, "its match id"), status=field(str, '"processing"'),
                 landed=field(str, "where it lands once parsed, under the data folder"),
                 already_uploaded=field(bool, "whether a replay of that match had landed before"),
                 played_at=field(str, "when it was played, ISO 8601"), players=field(int, "its players"))


@router.post("/replays/upload", status_code=202, response_model=Uploaded,
             summary="Upload a raw .replay (request body); it lands and is run as a dropped file is",
             responses={200: {"description": "this very file is already held (an upload retried); nothing changed"},
                        403: {"description": "none of the account's players played it, or its player has not consented "
                                             "(`/api/v1/users/consent`); nothing landed"},
                        409: {"description": "another file of the game is held (under this match id, or the same "
                                             "game under another); it is kept, and this one is held for the "
                                             "operator to settle"},
                        413: {"description": "larger than GAMESTATS_API_MAX_UPLOAD_BYTES"},
                        415: {"description": "not a Rocket League replay; nothing landed"},
                        422: {"description": "a replay cut short or damaged (its sections' CRCs), or naming a "
                                             "deleted player; nothing landed (a header its stream contradicts is "
                                             "refused after the 202, on `GET /replays/{id}`)"}})
async def upload_replay(request: Request, settings: SettingsDep, ahead: AheadDep, sealer: SealerDep,
                        who: Consented) -> JSONResponse:
    """A whole replay (its header read, both its sections there and matching their CRCs) of one of the account's
    players, naming no player deleted at their request, is answered 202 at once and waits as
    `landing/rocket/.uploads/<match id>.replay`, which a restarted server lands. It is then parsed in a process
    beside the server: a header its own stream contradicts (`claims.check_claims`) is quarantined with the reason,
    which `GET /replays/{id}` answers as `refused`; else it lands as `landing/rocket/<day>/<match id>.replay`, its
    run taking that parse instead of parsing it again. A game already held (landed or waiting) is never replaced:
    the same file again, or a file a run read whatever its name (retired since, its rows kept, too), answers 200;
    another whole file of that game, or the same game under another match id, 409, kept for the operator to
    settle (`routes/rocket/conflicts.py`). Once landed, an upload of an account whose profile keeps its own
    ballchasing.com key is sent there with it (`intake/ballchasing_sends.py`; `GET /replays/{id}/ballchasing`)."""
    accepted = await accept(request, settings, who)
    if isinstance(accepted, JSONResponse):
        return accepted
    after = BackgroundTasks()
    after.add_task(land_upload, settings, ahead, accepted.match_id, accepted.parts[0])
    if sealer.configured:
        offer(settings, who.name, accepted.match_id)
        after.add_task(send, settings, sealer, accepted.match_id)
    return JSONResponse(answered(settings, accepted), status_code=202, background=after)
