"""League of Legends champion statistics (base `/api/v1/lol`): a champion's builds, skill orders, lane matchups,
win rate by game length and patch trend, by queue and patch, from the published `lol` tables.

Each endpoint is one `ChampionTable` (the table, its filters and order) made into a route by `champion_route`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import psycopg
from fastapi import APIRouter, HTTPException, Path, Query, Request
from psycopg import sql

from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.reader import Reader

router = APIRouter(prefix="/api/v1/lol", tags=["league of legends"])

Name = Annotated[str | None, Query(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")]
Patch = Annotated[str | None, Query(pattern=r"^\d{1,2}\.\d{1,2}$", description="major.minor, e.g. 14.9")]
Limit = Annotated[int, Query(ge=1, le=100)]
Champion = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f/]+$",
                               description="a Data Dragon name, any case")]


@dataclass(frozen=True)
class ChampionTable:
    """A published table keyed by champion: the route under `/champions/{champion}/`, its table and the order of
    its rows (`patch` filters the patch trend to that patch's row, its change since the previous one included)."""

    path: str
    table: str
    order: str
    summary: str


TABLES = (
    ChampionTable("builds", "lol.item_build_stats", "games DESC, depth, core_path",
                  "Core item paths with games, win rate and its interval, KDA and DPM"),
    ChampionTable("skill-orders", "lol.skill_order_stats", "games DESC, max_order",
                  "Skill max orders with games, win rate and its interval"),
    ChampionTable("matchups", "lol.lane_matchups", "games DESC, opponent_champion_name",
                  "Lane opponents with win rate and gold, XP and CS differences at 10 and 15 minutes"),
    ChampionTable("length-win-rates", "lol.length_win_rates", "depth, core_path, length_from_min",
                  "Win rate by game length per core path"),
    ChampionTable("patch-trend", "lol.patch_trend", "patch", "Pick and win rate patch by patch, with their changes"),
)


def champion_route(spec: ChampionTable) -> None:
    def endpoint(request: Request, champion: Champion, queue: Name = None, patch: Patch = None,
                 limit: Limit = 50) -> dict:
        reader: Reader = request.app.state.reader

        def compute(conn: psycopg.Connection) -> list[dict]:
            found = conn.execute(sql.SQL("SELECT champion_id FROM {} WHERE lower(champion_name) = lower(%s) LIMIT 1")
                                 .format(sql.Identifier(*spec.table.split("."))), (champion,)).fetchone()
            if found is None:
                raise HTTPException(404, f"champion {champion!r} not found in {spec.table}")
            return conn.execute(sql.SQL(
                "SELECT * FROM {} WHERE champion_id = %s AND (%s::text IS NULL OR queue = %s) "
                "AND (%s::text IS NULL OR patch = %s) ORDER BY queue, {} LIMIT %s").format(
                sql.Identifier(*spec.table.split(".")), sql.SQL(spec.order)),
                (found["champion_id"], queue, queue, patch, patch, limit)).fetchall()

        answer = reader.read((spec.table,), (spec.path, champion.lower(), queue, patch, limit), compute)
        return enveloped(answer, champion=champion, queue=queue, patch=patch)

    router.add_api_route(f"/champions/{{champion}}/{spec.path}", endpoint, methods=["GET"], summary=spec.summary,
                         name=f"lol_{spec.path.replace('-', '_')}")


for table in TABLES:
    champion_route(table)
