"""A Rocket League player's positional heatmap (`GET /api/v1/rocket/analytics/heatmap`): the seconds their car
spent in each cell of the pitch over their published games, from `rocket.position_heatmaps`, with how many of
their games carry positions (raw replays) and how many do not (ballchasing or carball JSON)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gamestats_assets.serve.rocket import PlayerId, answered, known_player
from gamestats_assets.sources.replays.heatmap import CELL_UU, COLUMNS, ROWS

router = APIRouter(prefix="/api/v1/rocket", tags=["rocket league"])
TABLES = ("rocket.position_heatmaps", "rocket.player_stats", "rocket.matches")


@router.get("/analytics/heatmap", summary="Where a player's car was on the pitch, in cells, over their games")
def heatmap(request: Request, player_id: PlayerId) -> dict:
    def compute(conn) -> dict:
        known_player(conn, player_id)
        cells = conn.execute(
            "SELECT cell_x, cell_y, sum(seconds) AS seconds FROM rocket.position_heatmaps WHERE player_id = %s "
            "GROUP BY cell_x, cell_y ORDER BY cell_y, cell_x", (player_id,)).fetchall()
        games = conn.execute(
            "SELECT count(DISTINCT s.match_id) AS games, count(DISTINCT h.match_id) AS games_with_positions, "
            "coalesce(array_agg(DISTINCT m.source) FILTER (WHERE h.match_id IS NULL), '{}') AS sources_without "
            "FROM (SELECT DISTINCT match_id FROM rocket.player_stats WHERE player_id = %s) s "
            "LEFT JOIN (SELECT DISTINCT match_id FROM rocket.position_heatmaps WHERE player_id = %s) h "
            "ON h.match_id = s.match_id LEFT JOIN rocket.matches m ON m.match_id = s.match_id",
            (player_id, player_id)).fetchone()
        total = sum(cell["seconds"] for cell in cells)
        return {"player_id": player_id, "grid": {"columns": COLUMNS, "rows": ROWS, "cell_uu": CELL_UU,
                                                 "own_goal_row": 0},
                "seconds": total, **games,
                "cells": [{**cell, "share": cell["seconds"] / total if total else None} for cell in cells]}

    return answered(request, TABLES, ("heatmap", player_id), compute, player_id=player_id)
