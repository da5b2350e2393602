"""What the pages' selectors offer: the tournament seasons published (`GET /api/v1/tournaments/seasons`) and the
League champions with their queues and patches (`GET /api/v1/lol/champions`), most played first, the
Lineage 2M servers with their days (`GET /api/v1/l2m/servers`) and the Rocket League players with skill scores
(`GET /api/v1/rocket/players`)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.reader import Reader

router = APIRouter(tags=["page selectors"])


@router.get("/api/v1/tournaments/seasons", summary="The published seasons, newest first, with their rounds and days")
def seasons(request: Request) -> dict:
    reader: Reader = request.app.state.reader

    def compute(conn) -> dict:
        rows = conn.execute("SELECT season_id, count(*) AS rounds, min(date) AS first_day, max(date) AS last_day "
                            "FROM pubg.tournament_rounds GROUP BY season_id "
                            "ORDER BY min(coalesce(starts_at, date::timestamptz)) DESC NULLS LAST, season_id DESC"
                            ).fetchall()
        return {"seasons": rows, "total_count": len(rows)}

    return enveloped(reader.read(("pubg.tournament_rounds",), ("seasons",), compute))


@router.get("/api/v1/lol/champions", summary="The champions published, most played first, with queues and patches")
def champions(request: Request) -> dict:
    reader: Reader = request.app.state.reader

    def compute(conn) -> dict:
        rows = conn.execute("SELECT champion_name, sum(games)::bigint AS games, array_agg(DISTINCT queue) AS queues, "
                            "array_agg(DISTINCT patch) AS patches FROM lol.patch_trend "
                            "GROUP BY champion_name ORDER BY games DESC, champion_name").fetchall()
        return {"champions": rows, "total_count": len(rows)}

    return enveloped(reader.read(("lol.patch_trend",), ("champions",), compute))


@router.get("/api/v1/l2m/servers", summary="The servers with published daily KPIs, with their first and last day")
def servers(request: Request) -> dict:
    reader: Reader = request.app.state.reader

    def compute(conn) -> dict:
        rows = conn.execute("SELECT server_id, min(date) AS first_day, max(date) AS last_day, "
                            "array_agg(DISTINCT country_code) AS countries FROM l2m.l2m_daily_kpis "
                            "GROUP BY server_id ORDER BY server_id").fetchall()
        return {"servers": rows, "total_count": len(rows)}

    return enveloped(reader.read(("l2m.l2m_daily_kpis",), ("servers",), compute))


@router.get("/api/v1/rocket/players", summary="The players with published skill scores, most games first")
def rocket_players(request: Request) -> dict:
    reader: Reader = request.app.state.reader

    def compute(conn) -> dict:
        rows = conn.execute("SELECT player_id, max(rank_band) AS rank_band, max(matches) AS matches "
                            "FROM rocket.player_weaknesses GROUP BY player_id "
                            "ORDER BY max(matches) DESC NULLS LAST, player_id LIMIT 200").fetchall()
        return {"players": rows, "total_count": len(rows)}

    return enveloped(reader.read(("rocket.player_weaknesses",), ("rocket players",), compute))
