"""What the pages' selectors offer: the tournament seasons published (`GET /api/v1/tournaments/seasons`) and the
League champions with their queues and patches (`GET /api/v1/lol/champions`), most played first, the
Lineage 2M servers with their days (`GET /api/v1/l2m/servers`) and the Rocket League players with skill scores
(`GET /api/v1/rocket/players`), each read by its domain's query layer."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import Query, l2m, lol, pubg, rocket

router = APIRouter(tags=["page selectors"])

LISTS = {
    "/api/v1/tournaments/seasons": ("seasons", pubg.seasons,
                                    "The published seasons, newest first, with their rounds and days",
                                    "Every season of `pubg.tournament_rounds`, the latest (by its first round) first."),
    "/api/v1/lol/champions": ("champions", lol.champions,
                              "The champions published, most played first, with queues and patches",
                              "Every champion of `lol.patch_trend` with its counted games over every queue and "
                              "patch, and the queues and patches it was played in."),
    "/api/v1/l2m/servers": ("servers", l2m.servers,
                            "The servers with published daily KPIs, with their first and last day",
                            "Every server of `l2m.l2m_daily_kpis` with its first and last day and its players' "
                            "countries: the servers the L2M routes know."),
    "/api/v1/rocket/players": ("players", rocket.players,
                               "The players with published skill scores, most games first",
                               "Every player of `rocket.player_weaknesses` with their rank band, games and latest "
                               "name."),
}
"""Each list: path → (its name, its query, its summary, its description). A list is answered whole."""


def listing(name: str, read: Query):
    """The endpoint answering `read`'s list, cached under the publish of the table it reads."""
    def endpoint(reader: ReaderDep) -> Response:
        return enveloped(read.read(reader))

    endpoint.__name__ = name
    return endpoint


for path, (name, read, summary, description) in LISTS.items():
    router.get(path, summary=summary, description=description,
               response_model=envelope(f"{read.returns.__name__}Answer", read.returns))(listing(name, read))
