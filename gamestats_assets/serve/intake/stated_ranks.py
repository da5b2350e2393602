"""A rank a player states (`POST /api/v1/rocket/player/stated-rank`, or their profile, `PUT /api/v1/users/profile`):
landed as a `stated_ranks` file of today and run by the landing sensor as a dropped file is, into
`rocket.stated_ranks`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gamestats_assets.lib.intake.door import NamesDeletedPlayer
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.bodies import Whole
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.rocket_landing import land_line, landing_day
from gamestats_assets.sources.ballchasing.names import PLAYLISTS
from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER, TOP_TIER

RANKED = tuple(code for code in PLAYLISTS if code.startswith("ranked-"))
"""The playlists a rank is held in."""


class StatedRank(BaseModel):
    """A rank a player states: what `stated_ranks*.jsonl` lines hold beside their statement id and time."""

    model_config = ConfigDict(extra="forbid")

    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                           description="whose rank: one of the account's players")
    playlist: Literal[RANKED] = Field(description="the ranked playlist the rank is held in")
    rank_tier: Whole = Field(ge=1, le=TOP_TIER, description="the tier, 1 (Bronze I) to 22 (Supersonic Legend)")
    rank_division: Whole = Field(ge=1, le=DIVISIONS_PER_TIER, description="the division, 1 to 4 (1 for Supersonic "
                                                                        "Legend)")

    @model_validator(mode="after")
    def on_the_ladder(self) -> StatedRank:
        if self.rank_tier == TOP_TIER and self.rank_division != 1:
            raise ValueError("Supersonic Legend has one division: rank_division 1")
        return self


def land_stated_rank(settings: ServeSettings, stated: StatedRank, who: Principal) -> dict:
    """Land the rank one of `who`'s players states (403 when `who` does not act for the player, 422 when the player
    was deleted at their request): its statement id, status and the folder it landed in."""
    if not who.acts_for(stated.player_id):
        raise HTTPException(403, f"account {who.name} does not act for player {stated.player_id!r}")
    now = dt.datetime.now(dt.UTC)
    statement_id = uuid.uuid4().hex
    try:
        landed_in = land_line(settings, landing_day(settings, now), "stated_ranks", statement_id,
                              {"statement_id": statement_id, **stated.model_dump(mode="json"),
                               "stated_at": now.isoformat()}, players=(stated.player_id,))
    except NamesDeletedPlayer:
        raise HTTPException(422, f"player {stated.player_id!r} was deleted at their request; nothing landed") from None
    return {"statement_id": statement_id, "status": "processing", "landed": landed_in}
