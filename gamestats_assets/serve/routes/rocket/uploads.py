"""A raw Rocket League replay uploaded (`POST /api/v1/rocket/replays/upload`): received, checked and parsed ahead
beside the server, then landed as a user's dropped file is (`landing/rocket/<day>/`), so the landing sensor runs
it. Writing needs the player role, for one of the account's own player ids (an operator writes for anyone)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from gamestats_assets.lib.core.erasure import deleted_ids, register_path
from gamestats_assets.lib.intake.file_rows import digest
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.deps import AheadDep, Player, SettingsDep
from gamestats_assets.serve.intake.held_games import body_digest, game_held_as, held_copy, hold, record_game, same_file
from gamestats_assets.serve.intake.rocket_landing import DOMAIN, held_file, land, landing_target, uploads_folder
from gamestats_assets.serve.routes.rocket.common import PREFIX, TAGS
from gamestats_assets.sources.replays.claims import InconsistentReplay
from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone
from gamestats_assets.sources.replays.parsed import discard
from gamestats_assets.sources.replays.sections import DamagedReplay, check_sections

router = APIRouter(prefix=PREFIX, tags=TAGS)

MATCH_ID = re.compile(r"^[0-9a-f]{32}$")
Uploaded = shape("RocketUploaded", "A replay received, to land and be run as a dropped file is",
                 id=field(str, "its match id"), status=field(str, '"processing"'),
                 landed=field(str, "where it lands once parsed, under the data folder"),
                 already_uploaded=field(bool, "whether a replay of that match had landed before"),
                 played_at=field(str, "when it was played, ISO 8601"), players=field(int, "its players"))


@router.post("/replays/upload", status_code=202, response_model=Uploaded,
             summary="Upload a raw .replay (request body); it lands and is run as a dropped file is",
             responses={200: {"description": "this very file is already held (an upload retried); nothing changed"},
                        403: {"description": "none of the account's players played it; nothing landed"},
                        409: {"description": "another file of the game is held (under this match id, or the same "
                                             "game under another); it is kept, and this one is held for the "
                                             "operator to settle"},
                        413: {"description": "larger than GAMESTATS_API_MAX_UPLOAD_BYTES"},
                        415: {"description": "not a Rocket League replay; nothing landed"},
                        422: {"description": "a replay cut short or damaged (its sections' CRCs), whose header is "
                                             "not the game its stream sends, or naming a deleted player; nothing "
                                             "landed"}})
async def upload_replay(request: Request, settings: SettingsDep, ahead: AheadDep, who: Player) -> JSONResponse:
    """A whole replay (its header read, both its sections there and matching their CRCs, `sections.check_sections`)
    is parsed in a process beside the server, which refuses it when its header claims what its own stream
    contradicts (`claims.check_claims`), then answered 202 and landed as `landing/rocket/<day>/<match id>.replay`
    (`land`), so that its run takes that parse instead of parsing it again. Until it lands it waits as
    `landing/rocket/.uploads/<match id>.replay`, which a restarted server lands. A game already held (landed or
    waiting: `held_games`) is never replaced: the same file again, or a file a run read whatever its name (retired
    since, its rows kept, too), answers 200 with the upload held; another whole file of that game, or the same game
    under another match id, 409, kept for the operator to settle (`routes/rocket/conflicts.py`). A replay naming a
    player deleted at their request is refused, as no format lets a raw replay be written without them."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise HTTPException(413, f"a replay is at most {settings.max_upload_bytes} bytes")
    incoming = uploads_folder(settings)
    incoming.mkdir(parents=True, exist_ok=True)
    partial = incoming / f"{uuid.uuid4().hex}.partial"
    try:
        size = 0
        with partial.open("wb") as handle:
            async for chunk in request.stream():
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise HTTPException(413, f"a replay is at most {settings.max_upload_bytes} bytes")
                handle.write(chunk)
        try:
            header = read_header_alone(partial)
        except ReplayParseError as error:
            raise HTTPException(415, f"not a Rocket League replay: {str(error).split(': ', 1)[-1]}") from None
        match_id = header.match_id.lower()
        if not MATCH_ID.match(match_id):
            raise HTTPException(415, "not a Rocket League replay: its header has no match id")
        if not who.acts_for_any(player.player_id for player in header.players):
            raise HTTPException(403, f"account {who.name} acts for none of this replay's players")
        data = partial.read_bytes()
        try:
            check_sections(data)
        except DamagedReplay as damage:
            raise HTTPException(422, f"not a whole replay of match {match_id}: {damage}; nothing landed") from None
        target = landing_target(settings, match_id, header.played_at)
        staged = incoming / f"{match_id}.replay"
        held = held_file(settings, match_id, target, staged)
        if held is not None and same_file(held, partial):
            return already_held(str(held.relative_to(settings.data_dir)), match_id)
        if held is None and (copy := held_copy(settings.data_dir, digest(partial))) is not None:
            return already_held(copy, match_id)
        if deleted_ids(register_path(settings.data_dir), DOMAIN, [player.player_id for player in header.players]):
            raise HTTPException(422, f"match {match_id} names a player deleted at their request, whom no format lets "
                                     "a raw replay be written without; nothing landed")
        try:
            key = await ahead.parse(partial)
        except InconsistentReplay as forged:
            raise HTTPException(422, f"match {match_id} is refused: {forged}; nothing landed") from None
        game = body_digest(data)
        other = game_held_as(settings.data_dir, game)
        if held is None and other not in (None, match_id) and (held_as := held_file(settings, other)) is not None:
            discard(ahead.folder, [key] if key else [])
            raise contended(settings, partial, match_id, other, held_as,
                            f"the same game as match {other} (its stream, under another header)", who)
        if held is None:
            try:
                os.link(partial, staged)
            except FileExistsError:
                held = staged
        if held is not None:
            discard(ahead.folder, [key] if key else [])
            if same_file(held, partial):
                return already_held(str(held.relative_to(settings.data_dir)), match_id)
            raise contended(settings, partial, match_id, match_id, held, f"another file of match {match_id}", who)
        record_game(settings.data_dir, game, match_id)
    finally:
        partial.unlink(missing_ok=True)
    return JSONResponse({"id": match_id, "status": "processing", "landed": str(target.relative_to(settings.data_dir)),
                         "already_uploaded": False, "played_at": header.played_at.isoformat(),
                         "players": len(header.players)}, status_code=202,
                        background=BackgroundTask(land, ahead, staged, target, key))


def already_held(where: str, match_id: str) -> JSONResponse:
    """200: the upload of `match_id` is the very file held `where` (under the data folder, or retired), which
    nothing changes."""
    return JSONResponse({"id": match_id, "status": "already uploaded", "landed": where, "already_uploaded": True,
                         "follow": f"{router.prefix}/replays/{match_id}"}, status_code=200)


def contended(settings: ServeSettings, upload: Path, match_id: str, held_match_id: str, held: Path, reason: str,
              who: Principal) -> HTTPException:
    """The 409 to the upload of `match_id` that is not the file holding its game (`held`, of `held_match_id`): the
    one held is kept, and the upload is kept for the operator to settle (`held_games.hold`)."""
    where = str(held.relative_to(settings.data_dir))
    conflict = hold(settings.data_dir, upload, match_id, held_match_id, where, reason, f"account:{who.name}")
    return HTTPException(409, f"{reason} is already held ({where}); it is kept, not replaced, and this upload is held "
                              f"for the operator as conflict {conflict.conflict_id}: GET {router.prefix}/replays/"
                              f"{held_match_id} follows the game held")

