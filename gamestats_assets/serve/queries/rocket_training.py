"""RocketTrainer's training reads, each for a player: training packs for their weakest skills, the pack catalogue
and their logged training per pack with its success rate and Wilson interval."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import psycopg
from psycopg import sql

from gamestats_assets.lib.core.stats import wilson_interval
from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.core.models import columns_of, field, paged, row, typed
from gamestats_assets.serve.queries import NotFound, page, query
from gamestats_assets.serve.queries.rocket import SKILLS_NEED, WEAKNESSES, reasoned, without_rows
from gamestats_assets.sources.ballchasing.names import skill_name


PACKS = COLUMNS["training_packs"]
Recommendation = row("RocketRecommendation", COLUMNS["recommendations"], "skill", "reason", "z", "pack_code",
                     "pack_name", "difficulty", "distance", "position", "rank_band", "rank_from",
                     doc="A training pack for a weak skill",
                     skill_name=field(str | None, "the skill's name"),
                     rank_percentile=typed(WEAKNESSES["rank_percentile"]),
                     percentile_ci_low=typed(WEAKNESSES["percentile_ci_low"]),
                     percentile_ci_high=typed(WEAKNESSES["percentile_ci_high"]),
                     matches=typed(WEAKNESSES["matches"]), peers=typed(WEAKNESSES["peers"]),
                     creator=typed(PACKS["creator"]), shots=typed(PACKS["shots"]),
                     categories=typed(PACKS["categories"]))


@query("rocket.recommendations", "rocket.training_packs", "rocket.player_weaknesses", "rocket.player_stats",
       returns=reasoned("RocketRecommendations", list[Recommendation]))
def recommendations(conn: psycopg.Connection, player_id: str) -> dict:
    """The player's recommended packs, each with the band it was picked in and where the rank came from
    (`rank_from`), its skill's percentile among the player's peers (and its interval, games and peers), the weakest
    skill's first."""
    rows = conn.execute("SELECT r.skill, r.reason, r.z, r.pack_code, r.pack_name, r.difficulty, r.distance, "
                        "r.position, r.rank_band, r.rank_from, w.rank_percentile, w.percentile_ci_low, "
                        "w.percentile_ci_high, w.matches, w.peers, p.creator, p.shots, p.categories "
                        "FROM rocket.recommendations r "
                        "LEFT JOIN rocket.training_packs p ON p.code = r.pack_code "
                        "LEFT JOIN rocket.player_weaknesses w ON w.player_id = r.player_id AND w.skill = r.skill "
                        "WHERE r.player_id = %s ORDER BY w.rank_percentile NULLS LAST, r.skill, r.position, "
                        "r.pack_code", (player_id,)).fetchall()
    if rows:
        return {"data": [{**found, "skill_name": skill_name(found["skill"])} for found in rows], "reason": None}
    if conn.execute("SELECT 1 FROM rocket.player_weaknesses WHERE player_id = %s LIMIT 1",
                    (player_id,)).fetchone() is None:
        return {"data": rows, "reason": without_rows(conn, player_id, "skill scores", SKILLS_NEED)}
    return {"data": rows, "reason": "no weak skill found: nothing to train for"}


def like_pattern(text: str) -> str:
    """`text` as a literal inside an ILIKE pattern (its `%`, `_` and `\\` escaped)."""
    return "%" + re.sub(r"([%_\\])", r"\\\1", text) + "%"


Pack = row("RocketPack", PACKS, "code", "name", "creator", "difficulty", "tags", "shots", "categories",
           doc="A training pack of the catalogue")


@query("rocket.training_packs", returns=paged("RocketPackPage", Pack))
def packs(conn: psycopg.Connection, q: str | None, skill: str | None, difficulty: str | None, limit: int,
          offset: int) -> dict:
    return page(conn, sql.SQL(
        f"SELECT {columns_of(Pack)} FROM rocket.training_packs "
        "WHERE (%(q)s::text IS NULL OR name ILIKE %(like)s OR tags ILIKE %(like)s OR code ILIKE %(like)s) "
        "AND (%(skill)s::text IS NULL OR categories ILIKE %(skill_like)s) "
        "AND (%(difficulty)s::text IS NULL OR difficulty = %(difficulty)s) "
        "ORDER BY difficulty_index NULLS LAST, name, code"),
        {"q": q, "like": like_pattern(q or ""), "skill": skill, "skill_like": like_pattern(skill or ""),
         "difficulty": difficulty}, limit, offset)


SESSIONS = COLUMNS["training_sessions"]
PackProgress = row("RocketPackProgress", SESSIONS, "pack_code", "attempts", "successes", "success_rate",
                   "success_ci_low", "success_ci_high", doc="A player's training on a pack, over every session",
                   sessions=field(int, "sessions logged"), first_day=field(dt.date, "the first session's day"),
                   last_day=field(dt.date, "the last session's day"),
                   mean_improvement=field(float | None, "the sessions' mean improvement"))


@query("rocket.training_sessions", "rocket.player_stats", returns=list[PackProgress])
def training_progress(conn: psycopg.Connection, player_id: str) -> list[dict]:
    """Per pack: sessions, attempts, successes and the success rate with its Wilson interval; none for a player with
    published games but no session (`NotFound` for a player with neither)."""
    rows = conn.execute("SELECT pack_code, count(*) AS sessions, sum(attempts)::bigint AS attempts, "
                        "sum(successes)::bigint AS successes, min(date) AS first_day, max(date) AS last_day, "
                        "avg(improvement) AS mean_improvement FROM rocket.training_sessions "
                        "WHERE player_id = %s GROUP BY pack_code ORDER BY pack_code", (player_id,)).fetchall()
    if not rows:
        if conn.execute("SELECT 1 FROM rocket.player_stats WHERE player_id = %s LIMIT 1", (player_id,)).fetchone():
            return []
        raise NotFound(f"player {player_id!r} has neither published training sessions nor games")
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col("attempts", "successes").cast(pl.Float64))
    low, high = wilson_interval(pl.col("successes"), pl.col("attempts"))
    rate = pl.when(pl.col("attempts") > 0).then(pl.col("successes") / pl.col("attempts"))
    frame = frame.with_columns(rate.alias("success_rate"), low.alias("success_ci_low"), high.alias("success_ci_high"))
    return frame.with_columns(pl.col("attempts", "successes").cast(pl.Int64)).to_dicts()
