"""League of Legends champion statistics (base `/api/v1/lol`): the tier list of a queue and patch, and a champion's
roles, builds, skill orders, lane matchups, win rate by game length and patch trend, by queue and patch, from the
published `lol` tables.

Each champion endpoint is one `ChampionTable` (the table, its filters and order) made into a route by
`champion_route`."""

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
Role = Annotated[str | None, Query(pattern=r"^(TOP|JUNGLE|MIDDLE|BOTTOM|UTILITY)$")]
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
    ChampionTable("roles", "lol.champion_stats", "games DESC, team_position",
                  "The champion's roles with pick rate, win rate and their intervals, and mean KDA"),
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


def patch_order(patch: str) -> tuple[int, ...]:
    """A patch's place among patches: `14.10` after `14.9`."""
    return tuple(int(part) for part in patch.split("."))


@router.get("/tier-list", summary="Every champion of a queue and patch by role, ranked by the lower bound of its win "
            "rate's interval, with pick rate, win rate, their intervals and games")
def tier_list(request: Request, queue: Name = None, patch: Patch = None, role: Role = None,
              min_games: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
              limit: Annotated[int, Query(ge=1, le=2000)] = 2000) -> dict:
    """The queue and patch default to the queue with the most games and its latest patch; the answer names both
    and the queues and patches there are. Ranked by the lower bound of the 95 % interval, a champion on few games
    does not top the list by luck."""
    reader: Reader = request.app.state.reader

    def compute(conn: psycopg.Connection) -> dict:
        queues = [r["queue"] for r in conn.execute(
            "SELECT queue FROM lol.champion_stats GROUP BY queue ORDER BY sum(games) DESC, queue").fetchall()]
        if not queues:
            return {"queue": None, "patch": None, "queues": [], "patches": [], "champions": []}
        if queue is not None and queue not in queues:
            raise HTTPException(404, f"queue {queue!r} not found in lol.champion_stats (known: {', '.join(queues)})")
        chosen = queue or queues[0]
        patches = sorted((r["patch"] for r in conn.execute(
            "SELECT DISTINCT patch FROM lol.champion_stats WHERE queue = %s", (chosen,)).fetchall()),
            key=patch_order, reverse=True)
        if patch is not None and patch not in patches:
            raise HTTPException(404, f"patch {patch!r} not found for {chosen} in lol.champion_stats")
        rows = conn.execute(
            "SELECT * FROM lol.champion_stats WHERE queue = %s AND patch = %s AND (%s::text IS NULL OR "
            "team_position = %s) AND games >= %s ORDER BY win_rate_ci_low DESC, games DESC, champion_name LIMIT %s",
            (chosen, patch or patches[0], role, role, min_games, limit)).fetchall()
        return {"queue": chosen, "patch": patch or patches[0], "queues": queues, "patches": patches,
                "champions": rows}

    answer = reader.read(("lol.champion_stats",), ("tier-list", queue, patch, role, min_games, limit), compute)
    return enveloped(answer, role=role, min_games=min_games)
