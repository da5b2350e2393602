"""A Rocket League player (base `/api/v1/rocket/player`): their name, platform and rank as last seen with their
published games, and the rank they state on their profile, landed as a `stated_ranks` file of today and run by the
landing sensor as a dropped file is, into `rocket.stated_ranks`; their games that carry no rank (raw replays) are
compared at it while none of their games gave a rank. Stating needs the player role, for one of the account's own
player ids (an operator states for anyone)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.deps import Consented, ReaderDep, SettingsDep
from gamestats_assets.serve.intake.stated_ranks import StatedRank, land_stated_rank
from gamestats_assets.serve.queries import rocket as queries
from gamestats_assets.serve.routes.rocket.common import PLAYER_UNKNOWN, PREFIX, TAGS, PlayerId, for_player

router = APIRouter(prefix=PREFIX, tags=TAGS)


@router.get("/player", responses=PLAYER_UNKNOWN, response_model=for_player("RocketProfileAnswer", queries.Profile),
            summary="A player's name, platform and rank as last seen, and their published games")
def player(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's latest name, platform and rank over the days they were seen (`rocket.users`), and their
    published games; a player without published games is a 404."""
    return enveloped(queries.profile.read(reader, player_id), player_id=player_id)


Stated = shape("RocketRankStated", "A stated rank landed, to be run as a dropped file is",
               statement_id=field(str, "the statement's id"), status=field(str, '"processing"'),
               landed=field(str, "the folder it landed in"))


@router.post("/player/stated-rank", status_code=202, response_model=Stated,
             summary="State a player's rank; it lands as a stated_ranks file and is run as one",
             responses={403: {"description": "the account does not act for the player, or has not "
                                             "consented (`/api/v1/users/consent`)"},
                        422: {"description": "a playlist without ranks, a rank off the ladder, an unknown field, or a "
                                             "player deleted at their request; nothing landed"}})
def state_rank(settings: SettingsDep, stated: StatedRank,
               who: Consented) -> dict:
    """The rank one of the account's players states, landed as a `stated_ranks` file of today and run by the landing
    sensor (202): the latest stated is the player's (`rocket.stated_ranks`), shown as stated, not verified, and used
    only while none of their games gave a rank. The account must act for the player (403 otherwise)."""
    return land_stated_rank(settings, stated, who)
