"""A player's own API keys (base `/api/v1/users/keys`), for an uploader script: list them, make one (shown only in
that answer), revoke one. Any account manages its own keys so; the operator's `GAMESTATS_API_TOKEN` has none."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from fastapi.concurrency import run_in_threadpool

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.core import accounts
from gamestats_assets.serve.core.guard import BOOTSTRAP
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.crud import accounts as writes
from gamestats_assets.serve.deps import Player, SettingsDep
from gamestats_assets.serve.queries import accounts as reads

router = APIRouter(prefix="/api/v1/users/keys", tags=["your data"])

KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="the key's id (`gsk_<key id>_...`)")]
KEY_ID = field(str, "the key's id, the part after `gsk_` (not secret)")
Key = shape("ApiKey", "One of your API keys (never the key itself)", key_id=KEY_ID,
            created_at=field(dt.datetime, "when it was made"),
            revoked_at=field(dt.datetime | None, "when it was revoked (null: in use)"))
Keys = shape("ApiKeys", "Your API keys, newest first", data=field(list[Key], "the keys"))
NewKey = shape("ApiKeyCreated", "A new API key, shown only in this answer", key_id=KEY_ID,
               api_key=field(str, "the key, `Authorization: Bearer <it>`: only its SHA-256 is kept"))
KeyRevoked = shape("ApiKeyRevoked", "An API key revoked", key_id=KEY_ID, revoked=field(bool, "it is revoked"))


def on_platform(settings, work):
    """`work(conn)` over the platform's connection in a worker thread (`gamestats_api` is not the reader's)."""

    def run():
        with connect(settings.pg_url) as conn:
            return work(conn)

    return run_in_threadpool(run)


def own(who) -> str:
    """The account whose keys `who` manages; 403 for the operator's bootstrap token, which has none."""
    if who is BOOTSTRAP:
        raise HTTPException(403, "GAMESTATS_API_TOKEN belongs to no account: sign in, or use an account's key")
    return who.name


@router.get("", response_model=Keys, summary="Your API keys (never the keys themselves)")
async def list_keys(settings: SettingsDep, who: Player) -> dict:
    """Every key of your account, in use or revoked, newest first."""
    name = own(who)
    return {"data": await on_platform(settings, lambda conn: reads.keys_of(conn, name))}


@router.post("", status_code=201, response_model=NewKey, summary="Make an API key (shown only in this answer)",
             responses={409: {"description": "the account holds the most keys in use already"}})
async def create_key(settings: SettingsDep, who: Player) -> dict:
    """A new key of your account for a script (an uploader), shown only here; at most `KEYS_IN_USE` in use."""
    name = own(who)
    try:
        key_id, key = await on_platform(settings, lambda conn: writes.add_key(conn, name))
    except accounts.AccountError as error:
        raise HTTPException(409, str(error)) from None
    return {"key_id": key_id, "api_key": key}


@router.delete("/{key_id}", response_model=KeyRevoked, summary="Revoke one of your API keys",
               responses={404: {"description": "your account has no such key in use"}})
async def revoke_key(settings: SettingsDep, who: Player, key_id: KeyId) -> dict:
    """The key revoked at once; a key id that is not one of yours in use is a 404."""
    name = own(who)
    try:
        await on_platform(settings, lambda conn: writes.revoke_key(conn, name, key_id))
    except accounts.NoSuchAccount as error:
        raise HTTPException(404, str(error)) from None
    return {"key_id": key_id, "revoked": True}
