"""What the pages' selectors offer: the tournament seasons published (`GET /api/v1/tournaments/seasons`) and the
League champions with their queues and patches (`GET /api/v1/lol/champions`), most played first, the
Lineage 2M servers with their days (`GET /api/v1/l2m/servers`) and the Rocket League players with skill scores
(`GET /api/v1/rocket/players`)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gamestats_assets.serve.envelope import enveloped

router = APIRouter(tags=["page selectors"])

LISTS = {
    "/api/v1/tournaments/seasons": (
        "seasons", "pubg.tournament_rounds", "The published seasons, newest first, with their rounds and days",
        "SELECT season_id, count(*) AS rounds, min(date) AS first_day, max(date) AS last_day "
        "FROM pubg.tournament_rounds GROUP BY season_id "
        "ORDER BY min(coalesce(starts_at, date::timestamptz)) DESC NULLS LAST, season_id DESC"),
    "/api/v1/lol/champions": (
        "champions", "lol.patch_trend", "The champions published, most played first, with queues and patches",
        "SELECT champion_name, sum(games)::bigint AS games, array_agg(DISTINCT queue) AS queues, "
        "array_agg(DISTINCT patch) AS patches FROM lol.patch_trend "
        "GROUP BY champion_name ORDER BY games DESC, champion_name"),
    "/api/v1/l2m/servers": (
        "servers", "l2m.l2m_daily_kpis", "The servers with published daily KPIs, with their first and last day",
        "SELECT server_id, min(date) AS first_day, max(date) AS last_day, "
        "array_agg(DISTINCT country_code) AS countries FROM l2m.l2m_daily_kpis "
        "GROUP BY server_id ORDER BY server_id"),
    "/api/v1/rocket/players": (
        "players", "rocket.player_weaknesses", "The players with published skill scores, most games first",
        "SELECT player_id, max(rank_band) AS rank_band, max(matches) AS matches "
        "FROM rocket.player_weaknesses GROUP BY player_id "
        "ORDER BY max(matches) DESC NULLS LAST, player_id LIMIT 200"),
}
"""Each list: path → (its name in the answer, the table it reads, its summary, its query)."""


def listing(name: str, table: str, query: str):
    """The endpoint answering `{<name>: rows of query, total_count}` from `table`, cached under its publish."""
    def endpoint(request: Request) -> dict:
        def compute(conn) -> dict:
            rows = conn.execute(query).fetchall()
            return {name: rows, "total_count": len(rows)}

        return enveloped(request.app.state.reader.read((table,), (name,), compute))

    endpoint.__name__ = name
    return endpoint


for path, (name, table, summary, query) in LISTS.items():
    router.get(path, summary=summary)(listing(name, table, query))
