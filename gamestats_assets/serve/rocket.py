"""RocketTrainer's API (base `/api/v1/rocket`): replay upload and analysis, recent replays,
analytics (weaknesses, progress, rank prediction, comparison with same-rank players) and training
(recommendations, pack search, progress, logging a session), each for a `player_id`.

Uploads and logged sessions land as a user's dropped files do (`landing/rocket/<day>/`), so the landing sensor
runs them; everything read comes from the published `rocket` tables. Writing needs the player role, for the
account's own player ids (an operator writes for anyone)."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import uuid
from pathlib import Path
from typing import Annotated

import polars as pl
import psycopg
from fastapi import APIRouter, Depends, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gamestats_assets.lib.core.stats import wilson_interval
from gamestats_assets.lib.intake.quarantine import last_quarantined
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.accounts import Principal
from gamestats_assets.serve.guard import role
from gamestats_assets.serve.reader import Answer, Reader
from gamestats_assets.serve.settings import ServeSettings
from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone
from gamestats_assets.sources.replays.sections import DamagedReplay, check_sections

router = APIRouter(prefix="/api/v1/rocket", tags=["rocket league"])

DOMAIN = "rocket"
PlayerId = Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                                description="a platform id as ballchasing filters by it (steam:7656...)")]
ReplayId = Annotated[str, PathParam(pattern=r"^[0-9a-fA-F]{32}$", description="the replay's match id (32 hex)")]
Limit = Annotated[int, Query(ge=1, le=100)]
MATCH_ID = re.compile(r"^[0-9a-f]{32}$")
CHUNK = 1 << 16


def reader_of(request: Request) -> Reader:
    return request.app.state.reader


def answered(request: Request, tables: tuple[str, ...], key: tuple, compute, **metadata) -> dict:
    return enveloped(reader_of(request).read(tables, key, compute), **metadata)


def known_player(conn: psycopg.Connection, player_id: str) -> None:
    """404 unless `player_id` played a published game."""
    if conn.execute("SELECT 1 FROM rocket.player_stats WHERE player_id = %s LIMIT 1", (player_id,)).fetchone() is None:
        raise HTTPException(404, f"player {player_id!r} not found in the published games")


def without_rows(conn: psycopg.Connection, player_id: str, what: str, why: str) -> str:
    """Why a known player has no `what` (404 for an unknown player): their published games and `why`."""
    known_player(conn, player_id)
    (games,) = conn.execute("SELECT count(DISTINCT match_id) FROM rocket.player_stats WHERE player_id = %s",
                            (player_id,)).fetchone().values()
    return f"no {what} published for player {player_id!r} ({games} published game{'s' * (games != 1)}): {why}"


SKILLS_NEED = ("skills are scored only from several games of a ranked player against enough same-rank peers "
               "with several games each")
RANK_NEEDS = ("the rank model predicts players with a known rank (not bots), once enough ranked players have "
              "published games")


def with_reason(request: Request, tables: tuple[str, ...], key: tuple, compute, **metadata) -> dict:
    """An answer whose `compute` returns `{"data": ..., "reason": ...}`: the data, and in the metadata the reason
    it is empty (None when it is not)."""
    answer = reader_of(request).read(tables, key, compute)
    return enveloped(answer, "data", **metadata, reason=answer.data["reason"])


def landing_day(settings: ServeSettings, played_at: dt.datetime) -> str:
    """The landing folder's day of a game played at `played_at`: that day (UTC, the calendar's) when it is a day
    of the platform's history, today included (as the ballchasing discovery lands a replay), else today. The
    rocket calendar holds today, so the landing sensor runs the upload at once."""
    today = dt.datetime.now(dt.UTC).date()
    day = played_at.astimezone(dt.UTC).date() if played_at.tzinfo else played_at.date()
    return (day if dt.date.fromisoformat(settings.start_date) <= day <= today else today).isoformat()


@router.post("/replays/upload", status_code=202,
             summary="Upload a raw .replay (request body); it lands and is run as a dropped file is",
             responses={200: {"description": "this very file is already held (an upload retried); nothing changed"},
                        403: {"description": "none of the account's players played it; nothing landed"},
                        409: {"description": "another file of the same game is already held; it is kept"},
                        413: {"description": "larger than GAMESTATS_API_MAX_UPLOAD_BYTES"},
                        415: {"description": "not a Rocket League replay; nothing landed"},
                        422: {"description": "a replay cut short or damaged (its sections' CRCs); nothing landed"}})
async def upload_replay(request: Request, who: Annotated[Principal, Depends(role("player"))]) -> dict:
    """A whole replay lands as `landing/rocket/<day>/<match id>.replay`: its header read, both its sections there
    and matching their CRCs (`sections.check_sections`). A game already held is never replaced: the same file
    again answers 200 with the upload held, another file of that game 409 naming it."""
    settings: ServeSettings = request.app.state.settings
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise HTTPException(413, f"a replay is at most {settings.max_upload_bytes} bytes")
    incoming = settings.data_dir / "landing" / DOMAIN / ".uploads"
    incoming.mkdir(parents=True, exist_ok=True)
    partial = incoming / f"{uuid.uuid4().hex}.replay"
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
        if not any(who.acts_for(player.player_id) for player in header.players):
            raise HTTPException(403, f"account {who.name} acts for none of this replay's players")
        try:
            check_sections(partial.read_bytes())
        except DamagedReplay as damage:
            raise HTTPException(422, f"not a whole replay of match {match_id}: {damage}; nothing landed") from None
        day = landing_day(settings, header.played_at)
        target = landed(settings, match_id) or settings.data_dir / "landing" / DOMAIN / day / f"{match_id}.replay"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(partial, target)
        except FileExistsError:
            return already_held(settings, target, partial, match_id)
    finally:
        partial.unlink(missing_ok=True)
    return {"id": match_id, "status": "processing", "landed": str(target.relative_to(settings.data_dir)),
            "already_uploaded": False, "played_at": header.played_at.isoformat(), "players": len(header.players)}


def already_held(settings: ServeSettings, held: Path, upload: Path, match_id: str) -> JSONResponse:
    """The answer to an upload of a game whose file `held` already landed: 200 when `upload` is that very file, else
    409 naming the replay held. Neither replaces it."""
    where = str(held.relative_to(settings.data_dir))
    if held.read_bytes() != upload.read_bytes():
        raise HTTPException(409, f"match {match_id} is already held from another file ({where}); it is kept, not "
                                 f"replaced: GET {router.prefix}/replays/{match_id} follows it")
    return JSONResponse({"id": match_id, "status": "already uploaded", "landed": where, "already_uploaded": True,
                         "follow": f"{router.prefix}/replays/{match_id}"}, status_code=200)


def landed(settings: ServeSettings, match_id: str) -> Path | None:
    """The landing file of the uploaded game `match_id`, None when none is there."""
    return next((settings.data_dir / "landing" / DOMAIN).glob(f"*/{match_id}.replay"), None)


@router.get("/replays/recent", summary="A player's most recent published games")
def recent_replays(request: Request, player_id: PlayerId, limit: Limit = 10) -> dict:
    def compute(conn):
        known_player(conn, player_id)
        return conn.execute(
            "SELECT m.match_id AS id, m.played_at, m.playlist, m.map_code, m.duration, m.team_size, "
            "m.score_team_0, m.score_team_1, m.source FROM rocket.matches m WHERE m.match_id IN "
            "(SELECT match_id FROM rocket.player_stats WHERE player_id = %s) "
            "ORDER BY m.played_at DESC NULLS LAST, m.match_id LIMIT %s", (player_id, limit)).fetchall()

    return answered(request, ("rocket.matches", "rocket.player_stats"), ("recent", player_id, limit), compute,
                    player_id=player_id)


@router.get("/replays/{replay_id}", summary="A replay's analysis: per player, stats by group with rank percentiles",
            responses={404: {"description": "neither published, uploaded nor refused"}})
def replay(request: Request, replay_id: ReplayId) -> dict:
    match_id = replay_id.lower()

    def compute(conn):
        match = conn.execute("SELECT match_id AS id, played_at, playlist, map_code, duration, team_size, "
                             "score_team_0, score_team_1, source, frames_null_reason FROM rocket.matches "
                             "WHERE match_id = %s", (match_id,)).fetchone()
        if match is None:
            return None
        players: dict[str, dict] = {}
        for row in conn.execute("SELECT player_id, rank_band, category, stat_type, value, rank_percentile, "
                                "null_reason FROM rocket.player_stats WHERE match_id = %s "
                                "ORDER BY player_id, category, stat_type", (match_id,)):
            player = players.setdefault(row["player_id"], {"player_id": row["player_id"],
                                                            "rank_band": row["rank_band"], "stats": {}})
            player["stats"].setdefault(row["category"] or "other", {})[row["stat_type"]] = {
                "value": row["value"], "rank_percentile": row["rank_percentile"], "null_reason": row["null_reason"]}
        return {**match, "status": "processed", "players": list(players.values())}

    answer = reader_of(request).read(("rocket.matches", "rocket.player_stats"), ("replay", match_id), compute)
    if answer.data is None:
        settings: ServeSettings = request.app.state.settings
        if landed(settings, match_id):
            return enveloped(Answer({"id": match_id, "status": "processing"}, answer.published_at))
        if refused := last_quarantined(settings.data_dir / "quarantine", DOMAIN, f"{match_id}.replay"):
            return enveloped(Answer({"id": match_id, "status": "failed", "reason": refused["reason"],
                                     "refused_at": refused["quarantined_at"]}, answer.published_at))
        raise HTTPException(404, f"replay {match_id} not found: neither published, uploaded nor refused")
    return enveloped(answer)


@router.get("/analytics/weaknesses", summary="A player's skills against same-rank peers, the weak ones flagged")
def weaknesses(request: Request, player_id: PlayerId) -> dict:
    def compute(conn):
        rows = conn.execute("SELECT skill, indicators, rank_band, playlist, matches, peers, z, rank_percentile, "
                            "p_value, p_adjusted, is_weak, weakness_probability, standard_error, null_reason "
                            "FROM rocket.player_weaknesses WHERE player_id = %s ORDER BY z NULLS LAST, skill",
                            (player_id,)).fetchall()
        reason = None if rows else without_rows(conn, player_id, "skill scores", SKILLS_NEED)
        return {"data": {"weaknesses": [r for r in rows if r["is_weak"]], "skills": rows}, "reason": reason}

    return with_reason(request, ("rocket.player_weaknesses", "rocket.player_stats"), ("weaknesses", player_id),
                       compute, player_id=player_id)


@router.get("/analytics/progress", summary="A player's stats day by day: mean, games and rank percentile")
def progress(request: Request, player_id: PlayerId,
             stat_type: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$")] = None) -> dict:
    def compute(conn):
        known_player(conn, player_id)
        rows = conn.execute(
            "SELECT stat_type, date, avg(value) AS mean, count(value) AS games, avg(rank_percentile) AS rank_percentile "
            "FROM rocket.player_stats WHERE player_id = %s AND value IS NOT NULL AND (%s::text IS NULL OR stat_type = %s) "
            "GROUP BY stat_type, date ORDER BY stat_type, date", (player_id, stat_type, stat_type)).fetchall()
        series: dict[str, list] = {}
        for row in rows:
            series.setdefault(row.pop("stat_type"), []).append(row)
        return {"stats": series}

    return answered(request, ("rocket.player_stats",), ("progress", player_id, stat_type), compute,
                    player_id=player_id)


RANK_MODEL = """
SELECT count(*) AS held_out_players,
       sqrt(avg(power(predicted_rank_index - rank_index, 2))) AS rmse,
       avg(abs(predicted_rank_index - rank_index)) AS mae,
       avg(abs(rank_index - (SELECT avg(rank_index) FROM rocket.rank_predictions WHERE NOT held_out))) AS baseline_mae
FROM rocket.rank_predictions WHERE held_out
"""
"""The model's error on held-out players beside the baseline's (every player predicted at the mean rank of the
players it was fitted on)."""


@router.get("/analytics/rank-prediction",
            summary="A player's predicted rank with a 95 % interval, and whether the model beats the mean baseline")
def rank_prediction(request: Request, player_id: PlayerId) -> dict:
    def compute(conn):
        row = conn.execute("SELECT rank_index, predicted_rank_index, held_out FROM rocket.rank_predictions "
                           "WHERE player_id = %s", (player_id,)).fetchone()
        if row is None:
            return {"data": None, "reason": without_rows(conn, player_id, "rank prediction", RANK_NEEDS)}
        model = conn.execute(RANK_MODEL).fetchone()
        half = 1.96 * model["rmse"] if model["rmse"] is not None else None
        predicted = row["predicted_rank_index"]
        return {"data": {**row, "interval_95": None if half is None or predicted is None
                         else [predicted - half, predicted + half],
                         "model": {**model, "beats_baseline": None if model["mae"] is None or model["baseline_mae"] is None
                                   else model["mae"] < model["baseline_mae"]}}, "reason": None}

    return with_reason(request, ("rocket.rank_predictions", "rocket.player_stats"), ("rank", player_id), compute,
                       player_id=player_id)


COMPARISON = """
WITH me AS (
    SELECT stat_type, category, rank_band, avg(value) AS mean, count(value) AS games, avg(rank_percentile) AS pct,
           sum(value) AS total, var_pop(value) * count(value) AS m2
    FROM rocket.player_stats WHERE player_id = %s AND value IS NOT NULL GROUP BY stat_type, category, rank_band
), band AS (
    SELECT rank_band FROM me GROUP BY rank_band ORDER BY sum(games) DESC, rank_band LIMIT 1
)
SELECT me.stat_type, me.category, me.rank_band, me.mean, me.games, me.pct AS rank_percentile, me.total, me.m2,
       p.games AS band_games, p.total AS band_total, p.m2 AS band_m2, p.players - 1 AS peers
FROM me JOIN band USING (rank_band)
JOIN rocket.peer_stats p ON p.rank_band = me.rank_band AND p.stat_type = me.stat_type AND p.players > 1
ORDER BY me.category, me.stat_type
"""
"""A player's mean of each stat in their most played rank band, beside that band's figures in `peer_stats`
(the player's own games taken out of them by `without`): an index lookup, not a scan of the band's
stat rows."""


def without(band: dict, games: int, total: float, m2: float) -> dict:
    """The peers of a band's stat without one player, whose `games` values sum to `total` with `m2` squared
    deviations from their mean: the mean, sample standard deviation and games of the others (Chan's pairwise
    update run backwards), as `avg`, `stddev_samp` and `count` over the others' rows give them."""
    rest = band["games"] - games
    if rest <= 0:
        return {"peer_mean": None, "peer_sd": None, "peer_games": max(rest, 0)}
    mean = (band["total"] - total) / rest
    if rest == 1:
        return {"peer_mean": mean, "peer_sd": None, "peer_games": rest}
    own = total / games if games else 0.0
    spread = band["m2"] - m2 - (own - mean) ** 2 * games * rest / band["games"]
    return {"peer_mean": mean, "peer_sd": math.sqrt(max(spread, 0.0) / (rest - 1)), "peer_games": rest}


def compared(row: dict) -> dict:
    """A row of `COMPARISON` as the endpoint answers it: the player's figures, the peers' without the player's
    games, and the player's z against them."""
    band = {"games": row.pop("band_games"), "total": row.pop("band_total"), "m2": row.pop("band_m2")}
    peers_count = row.pop("peers")
    figures = without(band, row["games"], row.pop("total"), row.pop("m2"))
    sd = figures["peer_sd"]
    return {**row, **figures, "peers": peers_count,
            "z": (row["mean"] - figures["peer_mean"]) / sd if sd else None}


@router.get("/analytics/comparison", summary="A player's mean of each stat beside same-rank players'")
def comparison(request: Request, player_id: PlayerId) -> dict:
    def compute(conn):
        known_player(conn, player_id)
        rows = [compared(row) for row in conn.execute(COMPARISON, (player_id,)).fetchall()]
        return {"rank_band": rows[0]["rank_band"] if rows else None, "stats": rows}

    return answered(request, ("rocket.player_stats", "rocket.peer_stats"), ("comparison", player_id), compute,
                    player_id=player_id)


@router.get("/training/recommendations", summary="Training packs for a player's weakest skills")
def recommendations(request: Request, player_id: PlayerId) -> dict:
    def compute(conn):
        rows = conn.execute("SELECT r.skill, r.reason, r.z, r.pack_code, r.pack_name, r.difficulty, r.distance, "
                            "r.position, p.creator, p.shots, p.categories FROM rocket.recommendations r "
                            "LEFT JOIN rocket.training_packs p ON p.code = r.pack_code WHERE r.player_id = %s "
                            "ORDER BY r.position, r.pack_code", (player_id,)).fetchall()
        if rows:
            return {"data": rows, "reason": None}
        if conn.execute("SELECT 1 FROM rocket.player_weaknesses WHERE player_id = %s LIMIT 1",
                        (player_id,)).fetchone() is None:
            return {"data": rows, "reason": without_rows(conn, player_id, "skill scores", SKILLS_NEED)}
        return {"data": rows, "reason": "no weak skill found: nothing to train for"}

    return with_reason(request, ("rocket.recommendations", "rocket.training_packs", "rocket.player_weaknesses",
                                 "rocket.player_stats"), ("recommendations", player_id), compute, player_id=player_id)


def like_pattern(text: str) -> str:
    """`text` as a literal inside an ILIKE pattern (its `%`, `_` and `\\` escaped)."""
    return "%" + re.sub(r"([%_\\])", r"\\\1", text) + "%"


@router.get("/training/packs", summary="Search the training-pack catalogue")
def packs(request: Request, q: Annotated[str | None, Query(max_length=100)] = None,
          skill: Annotated[str | None, Query(max_length=64)] = None,
          difficulty: Annotated[str | None, Query(max_length=32)] = None, limit: Limit = 20) -> dict:
    def compute(conn):
        return conn.execute(
            "SELECT code, name, creator, difficulty, tags, shots, categories FROM rocket.training_packs "
            "WHERE (%s::text IS NULL OR name ILIKE %s OR tags ILIKE %s OR code ILIKE %s) "
            "AND (%s::text IS NULL OR categories ILIKE %s) AND (%s::text IS NULL OR difficulty = %s) "
            "ORDER BY difficulty_index NULLS LAST, name LIMIT %s",
            (q, *[like_pattern(q or "")] * 3, skill, like_pattern(skill or ""), difficulty, difficulty, limit)).fetchall()

    return answered(request, ("rocket.training_packs",), ("packs", q, skill, difficulty, limit), compute,
                    q=q, skill=skill, difficulty=difficulty)


@router.get("/training/progress", summary="A player's training per pack: sessions, success rate and its interval")
def training_progress(request: Request, player_id: PlayerId) -> dict:
    def compute(conn):
        rows = conn.execute("SELECT pack_code, count(*) AS sessions, sum(attempts)::bigint AS attempts, "
                            "sum(successes)::bigint AS successes, min(date) AS first_day, max(date) AS last_day, "
                            "avg(improvement) AS mean_improvement FROM rocket.training_sessions "
                            "WHERE player_id = %s GROUP BY pack_code ORDER BY pack_code", (player_id,)).fetchall()
        if not rows:
            raise HTTPException(404, f"player {player_id!r} has no published training sessions")
        frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
            pl.col("attempts", "successes").cast(pl.Float64))
        low, high = wilson_interval(pl.col("successes"), pl.col("attempts"))
        rate = pl.when(pl.col("attempts") > 0).then(pl.col("successes") / pl.col("attempts"))
        frame = frame.with_columns(rate.alias("success_rate"),
                                   low.alias("success_ci_low"), high.alias("success_ci_high"))
        return frame.with_columns(pl.col("attempts", "successes").cast(pl.Int64)).to_dicts()

    return answered(request, ("rocket.training_sessions",), ("training", player_id), compute, player_id=player_id)


class TrainingSession(BaseModel):
    """A training session as `training_sessions*.jsonl` lines hold it."""

    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$")
    pack_code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    started_at: dt.datetime
    duration_seconds: int = Field(ge=0, le=86_400)
    attempts: int = Field(ge=0, le=100_000)
    successes: int = Field(ge=0, le=100_000)


@router.post("/training/sessions", status_code=202,
             summary="Log a training session; it lands as a training_sessions file and is run as one")
def log_session(request: Request, session: TrainingSession, who: Annotated[Principal, Depends(role("player"))]) -> dict:
    if not who.acts_for(session.player_id):
        raise HTTPException(403, f"account {who.name} does not act for player {session.player_id!r}")
    if session.successes > session.attempts:
        raise HTTPException(422, "successes cannot exceed attempts")
    settings: ServeSettings = request.app.state.settings
    session_id = uuid.uuid4().hex
    day = landing_day(settings, session.started_at)
    folder = settings.data_dir / "landing" / DOMAIN / day
    folder.mkdir(parents=True, exist_ok=True)
    line = {"session_id": session_id, **session.model_dump(mode="json")}
    partial = folder / f".training_sessions_{session_id}.jsonl"
    partial.write_text(json.dumps(line) + "\n")
    os.replace(partial, folder / f"training_sessions_{session_id}.jsonl")
    return {"session_id": session_id, "status": "processing", "landed": str(Path("landing") / DOMAIN / day)}
