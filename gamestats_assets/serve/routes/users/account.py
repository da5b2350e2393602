"""A player's account deleted at their request (`DELETE /api/v1/users/account`), confirmed by repeating its name:
each of its player ids deleted from landing, the lake, Dagster's instance and PostgreSQL (`gamestats players
delete`'s deletion), its ballchasing.com notes dropped (`intake/ballchasing_notes`), then the account closed: its
consent withdrawn, its profile deleted, its player ids forgotten, it and its keys revoked (its sessions with it).
Afterwards no id of theirs is left anywhere the platform holds data; the deletions stay recorded, by digest, and the
account's row, revoked, under a name that says nothing of them."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from gamestats_assets.serve.core.accounts import NAME
from gamestats_assets.serve.core.bodies import Body
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.crud import users as writes
from gamestats_assets.serve.deps import InstanceOpenerDep, SettingsDep
from gamestats_assets.serve.intake.ballchasing_notes import forget_own
from gamestats_assets.serve.routes.users.common import PREFIX, TAGS, Deletion, Holder, delete_players, on_platform

router = APIRouter(prefix=PREFIX, tags=TAGS)

Deleted = shape("AccountDeleted", "An account closed and every player id of it deleted",
                account=field(str, "the account, revoked with its keys"),
                deletions=field(list[Deletion], "the deletions done, one per player id a domain held"))


class Confirmation(Body):
    """The confirm step of an account's deletion: the account's name, repeated."""

    confirm: str = Field(pattern=NAME.pattern, description="the account's name, repeated to confirm")


@router.delete("/account", response_model=Deleted, summary="Delete your account and all your data",
               responses={400: {"description": "`confirm` is not the account's name; nothing deleted"},
                          403: {"description": "not a player's account: the operator revokes those"},
                          503: {"description": "other writers stopped the deletion; asking again finishes it"}})
async def delete_account(settings: SettingsDep, opener: InstanceOpenerDep, who: Holder,
                         confirmation: Confirmation) -> dict:
    """Delete every player id of the account everywhere, then close the account (consent withdrawn, profile
    deleted, ids forgotten, it and its keys revoked), when `confirm` repeats its name (400 otherwise, nothing
    deleted). Only a player's account deletes itself (403 otherwise: `gamestats accounts revoke`)."""
    if who.has("organiser"):
        raise HTTPException(403, f"account {who.name} is a {who.role}'s: the operator revokes it "
                                 "(gamestats accounts revoke)")
    if confirmation.confirm != who.name:
        raise HTTPException(400, f"to delete account {who.name} and all its data, repeat its name as `confirm`; "
                                 "nothing was deleted")
    await on_platform(settings, lambda conn: writes.withdraw_consent(conn, who.name))
    await run_in_threadpool(forget_own, settings, who.name)
    deletions = await run_in_threadpool(delete_players, settings, opener(), who, f"account:{who.name}")
    await on_platform(settings, lambda conn: writes.close_account(conn, who.name))
    return {"account": who.name, "deletions": deletions}
