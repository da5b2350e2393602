"""A player's data deleted at their request (`DELETE /api/v1/players/{domain}/{player_id}`): by the player's own
account (one linked to that id) or an operator; the same deletion as `gamestats players delete`
(`lib/erasure/deletion.py`), recorded in `gamestats_api.player_deletions` with who asked and what it changed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path

from gamestats_assets.lib.erasure.deletion import DeletionIncomplete, DeletionRefused, NothingToDelete, delete_player
from gamestats_assets.published.players import PLAYERS
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.deps import InstanceOpenerDep, Player, SettingsDep
from gamestats_assets.sources.held_players import PLAYERS_OF

router = APIRouter(prefix="/api/v1/players", tags=["players"])

Counts = shape(
    "DeletionCounts", "What a deletion changed",
    landing_files_rewritten=field(int, "landing files written again with the player's token"),
    landing_files_retired=field(int, "landing files no format lets us rewrite, removed (their rows kept, redacted)"),
    quarantine_files_rewritten=field(int, "quarantined files written again with the player's token"),
    quarantine_files_deleted=field(int, "quarantined files no format lets us rewrite, removed"),
    lake_rows=field(dict[str, int], "rows redacted, by Delta table"),
    warehouse_views_refreshed=field(int, "views of `warehouse.duckdb` pointed at the lake's files left"),
    dagster=field(dict[str, int], "Dagster's instance: tracked-player partition keys deleted, backfills and runs "
                  "whose tag named the player renamed to the token"),
    published_rows=field(dict[str, int], "rows redacted or deleted, by PostgreSQL table"))
Deleted = shape(
    "PlayerDeleted", "A player's deletion as recorded", deletion_id=field(int, "the deletion's number"),
    domain=field(str, "the domain the player was deleted from"),
    token=field(str, "what stands for the player in the games kept for the other players' figures"),
    requested_by=field(str, "the account that asked"), requested_at=field(dt.datetime, "when"),
    counts=field(Counts, "what it changed"))
PLAYER_ID = r"^[^\s\x00-\x1f\x7f]([^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"
"""A player id a deletion takes: no control characters, no surrounding spaces (`deletion.check_request`)."""
Domain = Literal[tuple(sorted(PLAYERS))]
"""The domains with players, whose data a deletion reaches."""


@router.delete("/{domain}/{player_id}", response_model=Deleted,
               responses={404: {"description": "the domain holds nothing of the player (`detail` says so)"}},
               summary="Delete a player's data: their own account or an operator")
def delete(settings: SettingsDep, opener: InstanceOpenerDep,
           domain: Annotated[Domain, Path(description="the domain of the player's data: one with players")],
           player_id: Annotated[str, Path(min_length=1, max_length=128, pattern=PLAYER_ID,
                                          description="the player's id in that domain")],
           who: Player) -> dict:
    """The player's data deleted from landing, the lake, Dagster's instance and PostgreSQL, as `gamestats players
    delete` does, by an account acting for the player or an operator (403 otherwise); 404 when the domain holds
    nothing of the player."""
    if not who.acts_for(player_id):
        raise HTTPException(403, f"account {who.name} does not act for player {player_id!r}")
    try:
        return delete_player(settings.data_dir, settings.lake, settings.pg_url, domain, player_id,
                             f"account:{who.name}", PLAYERS, PLAYERS_OF, opener())
    except NothingToDelete as error:
        raise HTTPException(404, str(error)) from None
    except DeletionRefused as error:
        raise HTTPException(422, str(error)) from None
    except DeletionIncomplete as error:
        raise HTTPException(503, str(error), headers={"Retry-After": "5"}) from None
