"""What the routes of a player's own data share (base `/api/v1/users`): the account they act for (`Holder`, never
the operator's bootstrap token); the consent text, versioned, with the retention the platform is configured with;
the platform's connection (`gamestats_api` is not granted to the reader); and the deletion of every player id of an
account, in each domain holding it, by the deletion `gamestats players delete` runs (`lib/erasure/deletion.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

import psycopg
from fastapi import Depends, HTTPException
from fastapi.concurrency import run_in_threadpool

from gamestats_assets.lib.erasure.deletion import DeletionIncomplete, DeletionRefused, NothingToDelete, delete_player
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.published.players import PLAYERS
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.guard import BOOTSTRAP
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.deps import Player
from gamestats_assets.serve.queries.users import domain_ids
from gamestats_assets.sources.held_players import PLAYERS_OF

PREFIX = "/api/v1/users"
TAGS = ["your data"]
Deletion = shape("DeletionDone", "A deletion of one player id", deletion_id=field(int, "the deletion's number"),
                 domain=field(str, "the domain"), token=field(str, "what stands for the player in the games kept"),
                 requested_at=field(dt.datetime, "when"))
TEXT_VERSION = "2026-11-29"
"""The version of `consent_text`: a new wording is a new version, which players consent to again."""


def holder(who: Player) -> Principal:
    """The request's account; 403 for the operator's bootstrap token, which is no account and holds no data."""
    if who is BOOTSTRAP:
        raise HTTPException(403, "GAMESTATS_API_TOKEN belongs to no account: sign in, or use an account's key")
    return who


Holder = Annotated[Principal, Depends(holder)]
"""The account a route of a player's own data acts for (any role; not the operator's bootstrap token)."""


def consent_text(settings: ServeSettings) -> dict[str, Any]:
    """What a player consents to: what is stored of them, why, and for how long under these settings."""
    kept = (f"{settings.landing_retention_days} days, then retired (the figures computed from them stay)"
            if settings.landing_retention_days else "until you delete them: this service keeps no time limit set "
            "(GAMESTATS_LANDING_RETENTION_DAYS is unset)")
    return {
        "version": TEXT_VERSION,
        "stored": [
            "your account: its name, role, the platform ids you signed in with, and your API keys (hashed only)",
            "your profile: the display name, email and ballchasing.com key you give (email and key encrypted)",
            "the replays you upload or import, the training sessions you log and the ranks you state",
            "what is computed from them: your games' statistics, skills, rank predictions and training advice"],
        "why": ("to analyse your Rocket League games, compare them with players of your rank, and recommend "
                "training; your figures are public on the pages like every player's"),
        "retention": {"raw_files": kept,
                      "computed_figures": "until you withdraw your consent or delete your account",
                      "account_and_profile": "until you delete your account"},
        "your_rights": ("GET /api/v1/users/export gives every row and file held about you; withdrawing consent "
                        "(DELETE /api/v1/users/consent) deletes your data; DELETE /api/v1/users/account deletes "
                        "your data and your account. A game you played stays for the other players in it, with "
                        "you replaced by a token that leads back to nothing.")}


def on_platform(settings: ServeSettings, work: Callable[[psycopg.Connection], Any]):
    """`work(conn)` over the platform's connection in a worker thread."""

    def run():
        with connect(settings.pg_url) as conn:
            return work(conn)

    return run_in_threadpool(run)


def delete_players(settings: ServeSettings, instance, who: Principal, requested_by: str) -> list[dict]:
    """Delete every player id of `who` in each domain that holds it (`domain_ids`), as `requested_by` asked: the
    deletions done, none for an id no domain holds. 503 when other writers stopped one (asking again finishes it),
    422 when the deletion is refused (a lake on object storage)."""
    done = []
    for domain, ids in domain_ids(who.player_ids).items():
        for player_id in ids:
            try:
                done.append(delete_player(settings.data_dir, settings.lake, settings.pg_url, domain, player_id,
                                          requested_by, PLAYERS, PLAYERS_OF, instance))
            except NothingToDelete:
                continue
            except DeletionIncomplete as error:
                raise HTTPException(503, str(error), headers={"Retry-After": "5"}) from None
            except DeletionRefused as error:
                raise HTTPException(422, str(error)) from None
    return done
