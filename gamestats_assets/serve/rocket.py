"""RocketTrainer's API (base `/api/v1/rocket`): replay upload and analysis, a player's name and rank, recent replays,
analytics (weaknesses, progress, rank prediction, comparison with same-rank players) and training
(recommendations, pack search, progress, logging a session), each for a `player_id`.

Uploads and logged sessions land as a user's dropped files do (`landing/rocket/<day>/`), so the landing sensor
runs them; everything read comes from the published `rocket` tables (`queries/rocket.py`). Writing needs the player role, for the
account's own player ids (an operator writes for anyone)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator
from starlette.background import BackgroundTask
from starlette.responses import Response

from gamestats_assets.lib.core.erasure import deleted_ids, register_path
from gamestats_assets.lib.intake.file_rows import digest
from gamestats_assets.lib.intake.quarantine import last_quarantined, quarantine_file
from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep, SettingsDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.accounts import Principal
from gamestats_assets.serve.guard import role
from gamestats_assets.serve.held_games import body_digest, game_held_as, held_copy, hold, record_game, same_file
from gamestats_assets.serve.imported_games import imported
from gamestats_assets.serve.models import envelope, field, shape
from gamestats_assets.serve.queries import Query as Read
from gamestats_assets.serve.queries import rocket as queries
from gamestats_assets.serve.reader import Answer, Reader
from gamestats_assets.serve.settings import ServeSettings
from gamestats_assets.sources.replays.claims import InconsistentReplay
from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone
from gamestats_assets.sources.replays.parsed import discard
from gamestats_assets.sources.replays.sections import DamagedReplay, check_sections

router = APIRouter(prefix="/api/v1/rocket", tags=["rocket league"])

DOMAIN = "rocket"
PlayerId = Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                                description="a platform id as ballchasing filters by it (steam:7656...)")]
ReplayId = Annotated[str, PathParam(pattern=r"^[0-9a-fA-F]{32}$", description="the replay's match id (32 hex)")]
Limit = Annotated[int, Query(ge=1, le=100, description="the most rows of the page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="the rows skipped before the page")]
Words = Annotated[str | None, Query(max_length=100, description="words of the pack's name, code or tags")]
Category = Annotated[str | None, Query(max_length=64, description="a skill category the pack trains")]
Difficulty = Annotated[str | None, Query(max_length=32, description="the pack's difficulty (a rank metal)")]
TOTAL = field(int, "the rows in all, on every page (past the last page too)")
MATCH_ID = re.compile(r"^[0-9a-f]{32}$")
CHUNK = 1 << 16


PlayerAsked = {"player_id": field(str, "the player asked for")}
PLAYER_UNKNOWN = unknown("the player (one without published games)")


def for_player(name: str, data: object, **metadata: object) -> type:
    """The answer model `name` of `data` about the player asked for."""
    return envelope(name, data, **PlayerAsked, **metadata)


def with_reason(read: Read, reader: Reader, *args, **metadata) -> Response:
    """`read`'s answer (a result that may be empty for a reason) for `args`: its data, and in the metadata the
    reason it is empty (None when it is not)."""
    answer = read.read(reader, *args)
    return enveloped(answer, "data", **metadata, reason=answer.data.reason)


def with_reason_model(name: str, read: Read) -> type:
    return for_player(name, read.returns.model_fields["data"].annotation,
                      reason=field(str | None, "why there is nothing to show (null when there is)"))


def landing_day(settings: ServeSettings, played_at: dt.datetime) -> str:
    """The landing folder's day of a game played at `played_at`: that day (UTC, the calendar's) when it is a day
    of the platform's history, today included (as the ballchasing discovery lands a replay), else today. The
    rocket calendar holds today, so the landing sensor runs the upload at once."""
    today = dt.datetime.now(dt.UTC).date()
    day = played_at.astimezone(dt.UTC).date() if played_at.tzinfo else played_at.date()
    return (day if dt.date.fromisoformat(settings.start_date) <= day <= today else today).isoformat()


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
async def upload_replay(request: Request, who: Annotated[Principal, Depends(role("player"))]) -> JSONResponse:
    """A whole replay (its header read, both its sections there and matching their CRCs, `sections.check_sections`)
    is parsed in a process beside the server, which refuses it when its header claims what its own stream
    contradicts (`claims.check_claims`), then answered 202 and landed as `landing/rocket/<day>/<match id>.replay`
    (`land`), so that its run takes that parse instead of parsing it again. Until it lands it waits as
    `landing/rocket/.uploads/<match id>.replay`, which a restarted server lands. A game already held (landed or
    waiting: `held_games`) is never replaced: the same file again, or a file a run read whatever its name (retired
    since, its rows kept, too), answers 200 with the upload held; another whole file of that game, or the same game
    under another match id, 409, kept for the operator to settle (`rocket_conflicts`). A replay naming a player deleted at their request is refused, as no
    format lets a raw replay be written without them."""
    settings: ServeSettings = request.app.state.settings
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
            key = await request.app.state.ahead.parse(partial)
        except InconsistentReplay as forged:
            raise HTTPException(422, f"match {match_id} is refused: {forged}; nothing landed") from None
        game = body_digest(data)
        other = game_held_as(settings.data_dir, game)
        if held is None and other not in (None, match_id) and (held_as := held_file(settings, other)) is not None:
            discard(request.app.state.ahead.folder, [key] if key else [])
            raise contended(settings, partial, match_id, other, held_as,
                            f"the same game as match {other} (its stream, under another header)", who)
        if held is None:
            try:
                os.link(partial, staged)
            except FileExistsError:
                held = staged
        if held is not None:
            discard(request.app.state.ahead.folder, [key] if key else [])
            if same_file(held, partial):
                return already_held(str(held.relative_to(settings.data_dir)), match_id)
            raise contended(settings, partial, match_id, match_id, held, f"another file of match {match_id}", who)
        record_game(settings.data_dir, game, match_id)
    finally:
        partial.unlink(missing_ok=True)
    return JSONResponse({"id": match_id, "status": "processing", "landed": str(target.relative_to(settings.data_dir)),
                         "already_uploaded": False, "played_at": header.played_at.isoformat(),
                         "players": len(header.players)}, status_code=202,
                        background=BackgroundTask(land, request.app, staged, target, key))


def uploads_folder(settings: ServeSettings) -> Path:
    """Where uploads are received and wait, parsed, to land: a hidden folder the landing sensor does not read."""
    return settings.data_dir / "landing" / DOMAIN / ".uploads"


def landing_target(settings: ServeSettings, match_id: str, played_at: dt.datetime) -> Path:
    """Where the upload of `match_id` lands: where a file of that game already landed, else its day's folder."""
    return landed(settings, match_id) or (settings.data_dir / "landing" / DOMAIN / landing_day(settings, played_at)
                                          / f"{match_id}.replay")


def held_file(settings: ServeSettings, match_id: str, target: Path | None = None,
              staged: Path | None = None) -> Path | None:
    """The file that holds the game `match_id`: its landing file (`target` when known) or its upload waiting to
    land; None when neither is there."""
    for path in (target or landed(settings, match_id), staged or uploads_folder(settings) / f"{match_id}.replay"):
        if path is not None and path.exists():
            return path
    return None


async def land(app, staged: Path, target: Path, key: str | None) -> None:
    """Land the upload waiting at `staged` (parsed ahead under `key`, None when its parse failed) at `target`; a file
    of that game landed meanwhile is kept, and this parse discarded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(staged, target)
    except FileExistsError:
        discard(app.state.ahead.folder, [key] if key else [])
    staged.unlink(missing_ok=True)


async def land_waiting_uploads(app) -> None:
    """Land the uploads a stopped server answered but had not landed, parsed again, and remove uploads it was still
    receiving; one whose header its stream contradicts (a parse of an earlier version took it) goes to quarantine
    with the reason."""
    settings: ServeSettings = app.state.settings
    for path in sorted(uploads_folder(settings).glob("*")):
        if path.suffix != ".replay":
            path.unlink(missing_ok=True)
            continue
        try:
            played_at = read_header_alone(path).played_at
            key = await app.state.ahead.parse(path)
        except InconsistentReplay as forged:
            quarantine_file(settings.data_dir / "quarantine", path, DOMAIN, landing_day(settings, played_at),
                            str(forged))
            continue
        except ReplayParseError:
            path.unlink(missing_ok=True)
            continue
        await land(app, path, landing_target(settings, path.stem, played_at), key)


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


def landed(settings: ServeSettings, match_id: str) -> Path | None:
    """The landing file of the uploaded game `match_id`, None when none is there (an upload waiting to land is not
    there yet)."""
    return next((path for path in (settings.data_dir / "landing" / DOMAIN).glob(f"*/{match_id}.replay")
                 if not path.parent.name.startswith(".")), None)


@router.get("/stats", response_model=envelope("RocketStatMeaningsAnswer", queries.Meanings),
            summary="What each stat measures: its name, unit, which way is better and how it is compared")
def stats() -> Response:
    """Every stat as declared (`sources.ballchasing.measures`): its name in words, unit, which way is better (none for
    a style), how it is compared between games of different lengths, and the stats that measure the same thing
    (a page shows the first with a value); with the rule that makes a stat or skill weak."""
    return enveloped(Answer(queries.meanings(), {}))


@router.get("/player", responses=PLAYER_UNKNOWN, response_model=for_player("RocketProfileAnswer", queries.Profile),
            summary="A player's name, platform and rank as last seen, and their published games")
def player(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's latest name, platform and rank over the days they were seen (`rocket.users`), and their
    published games; a player without published games is a 404."""
    return enveloped(queries.profile.read(reader, player_id), player_id=player_id)


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
    not published yet answers its `processing` status, one the pipeline refused its `failed` status and why; any
    other id is a 404."""
    match_id = replay_id.lower()
    answer = queries.replay.read(reader, match_id)
    if answer.data is None:
        import_file = imported(settings.data_dir, match_id)
        if (landed(settings, match_id) or (uploads_folder(settings) / f"{match_id}.replay").exists()
                or (import_file is not None and import_file.exists())):
            return enveloped(Answer(queries.Processing(id=match_id, status="processing"), answer.published_at))
        if refused := (last_quarantined(settings.data_dir / "quarantine", DOMAIN, f"{match_id}.replay")
                       or (import_file and last_quarantined(settings.data_dir / "quarantine", DOMAIN, import_file.name))):
            return enveloped(Answer(queries.Refused(id=match_id, status="failed", reason=refused["reason"],
                                                    refused_at=refused["quarantined_at"]), answer.published_at))
        raise HTTPException(404, f"replay {match_id} not found: neither published, uploaded nor refused")
    return enveloped(answer)


@router.get("/analytics/weaknesses", response_model=with_reason_model("RocketWeaknessesAnswer", queries.weaknesses),
            responses=PLAYER_UNKNOWN,
            summary="A player's skills against same-rank peers, the weak ones flagged")
def weaknesses(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's skills against same-rank peers (`rocket.player_weaknesses`), the weak ones flagged; empty with
    the `reason` in the metadata when the player has none scored; a player without published games is a 404."""
    return with_reason(queries.weaknesses, reader, player_id, player_id=player_id)


@router.get("/analytics/progress", response_model=for_player("RocketProgressAnswer", queries.Progress),
            responses=PLAYER_UNKNOWN,
            summary="A player's stats day by day: mean, games and rank percentile")
def progress(reader: ReaderDep, player_id: PlayerId,
             stat_type: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$",
                                                    description="one stat (default: every stat)")] = None) -> Response:
    """The player's stats day by day (`rocket.player_stats`): each day's mean, games and rank percentile, one stat
    or every one; a player without published games is a 404."""
    return enveloped(queries.progress.read(reader, player_id, stat_type), player_id=player_id)


@router.get("/analytics/rank-prediction", responses=PLAYER_UNKNOWN,
            response_model=with_reason_model("RocketRankPredictionAnswer", queries.rank_prediction),
            summary="A player's predicted rank with a 95 % interval, beside the playlist's median rank as baseline")
def rank_prediction(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's rank as the model predicts it from their stats (`rocket.rank_predictions`), with its 95 %
    interval (said to rest on thin evidence when wider than a metal) and the model's error on held-out players beside
    the baseline's (the median rank of the player's playlist), their difference with its interval; empty with the
    `reason` when the player has no prediction; a player without published games is a 404."""
    return with_reason(queries.rank_prediction, reader, player_id, player_id=player_id)


@router.get("/analytics/comparison", response_model=for_player("RocketComparisonAnswer", queries.Comparison),
            responses=PLAYER_UNKNOWN,
            summary="A player's mean of each stat beside same-rank players'")
def comparison(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's mean of each stat beside the other players' of their rank band (`rocket.peer_stats`), with the
    middle 68 % of those players' games; a player without published games is a 404."""
    return enveloped(queries.comparison.read(reader, player_id), player_id=player_id)


@router.get("/training/recommendations", responses=PLAYER_UNKNOWN,
            response_model=with_reason_model("RocketRecommendationsAnswer", queries.recommendations),
            summary="Training packs for a player's weakest skills")
def recommendations(reader: ReaderDep, player_id: PlayerId) -> Response:
    """Training packs for the player's weakest skills (`rocket.recommendations`), near their rank and not mastered
    yet; empty with the `reason` when there are none; a player without published games is a 404."""
    return with_reason(queries.recommendations, reader, player_id, player_id=player_id)


@router.get("/training/packs", response_model=envelope("RocketPacksAnswer", list[queries.Pack], q=str | None,
                                                        skill=str | None, difficulty=str | None, limit=int,
                                                        offset=int, total_count=TOTAL),
            summary="Search the training-pack catalogue")
def packs(reader: ReaderDep, q: Words = None, skill: Category = None, difficulty: Difficulty = None,
          limit: Limit = 20, offset: Offset = 0) -> Response:
    """The training-pack catalogue (`rocket.training_packs`), easiest first, narrowed by words of a pack's name,
    code or tags, a skill category and a difficulty: `limit` from `offset`, with `total_count` in the metadata."""
    answer = queries.packs.read(reader, q, skill, difficulty, limit, offset)
    return enveloped(answer, "rows", q=q, skill=skill, difficulty=difficulty, limit=limit, offset=offset,
                     total_count=answer.data.total_count)


@router.get("/training/progress", response_model=for_player("RocketTrainingAnswer", list[queries.PackProgress]),
            responses=PLAYER_UNKNOWN,
            summary="A player's training per pack: sessions, success rate and its interval")
def training_progress(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's logged training per pack (`rocket.training_sessions`): sessions, success rate and its Wilson
    interval, mean improvement; none for a player with published games who logged none; a player with neither
    published sessions nor games is a 404."""
    return enveloped(queries.training_progress.read(reader, player_id), player_id=player_id)


class TrainingSession(BaseModel):
    """A training session as `training_sessions*.jsonl` lines hold it."""

    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                           description="who trained: one of the account's players")
    pack_code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="the pack trained")
    started_at: dt.datetime = Field(description="when the session started")
    duration_seconds: int = Field(ge=0, le=86_400, description="its length in seconds")
    attempts: int = Field(ge=0, le=100_000, description="shots attempted")
    successes: int = Field(ge=0, le=100_000, description="shots made, at most the attempts")

    @model_validator(mode="after")
    def possible(self) -> TrainingSession:
        if self.successes > self.attempts:
            raise ValueError("successes cannot exceed attempts")
        return self


Logged = shape("RocketSessionLogged", "A training session landed, to be run as a dropped file is",
               session_id=field(str, "the session's id"), status=field(str, '"processing"'),
               landed=field(str, "the folder it landed in"))


@router.post("/training/sessions", status_code=202, response_model=Logged,
             summary="Log a training session; it lands as a training_sessions file and is run as one",
             responses={403: {"description": "the account does not act for the player"}})
def log_session(settings: SettingsDep, session: TrainingSession,
                who: Annotated[Principal, Depends(role("player"))]) -> dict:
    """A training session of one of the account's players, landed as a `training_sessions` file of its day and run
    by the landing sensor as a dropped file is (202); the account must act for the player (403 otherwise)."""
    if not who.acts_for(session.player_id):
        raise HTTPException(403, f"account {who.name} does not act for player {session.player_id!r}")
    session_id = uuid.uuid4().hex
    landed_in = land_line(settings, landing_day(settings, session.started_at), "training_sessions", session_id,
                          {"session_id": session_id, **session.model_dump(mode="json")})
    return {"session_id": session_id, "status": "processing", "landed": landed_in}


def land_line(settings: ServeSettings, day: str, prefix: str, key: str, line: dict) -> str:
    """Land `line` as the one-line file `<prefix>_<key>.jsonl` of `day`'s landing folder, whole or not at all (a
    hidden partial file renamed), for the landing sensor to run as a dropped file; the folder, under the data
    folder."""
    folder = settings.data_dir / "landing" / DOMAIN / day
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{prefix}_{key}.jsonl"
    partial.write_text(json.dumps(line) + "\n")
    os.replace(partial, folder / f"{prefix}_{key}.jsonl")
    return str(Path("landing") / DOMAIN / day)
