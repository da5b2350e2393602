"""The accounts as operator endpoints (base `/api/v1/admin/accounts`): create an account with its first key, list
them, revoke one; `gamestats accounts create|list|revoke` does the same from the command line."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import ConfigDict, Field

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.core import accounts
from gamestats_assets.serve.core.bodies import Body
from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.crud import accounts as writes
from gamestats_assets.serve.deps import OPERATORS, SettingsDep
from gamestats_assets.serve.queries import accounts as reads

router = APIRouter(prefix="/api/v1/admin/accounts", tags=["accounts"], dependencies=OPERATORS)

AccountName = Annotated[str, Path(pattern=accounts.NAME.pattern, description="the account's name")]


class NewAccount(Body):
    """An account to create: its name, role, and the player ids it acts for (a player's own, at least one)."""

    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"role": {"enum": list(accounts.PLAYERS)}}},
        "then": {"required": ["player_ids"], "properties": {"player_ids": {"minItems": 1}}}})

    name: str = Field(pattern=accounts.NAME.pattern, description="the account's name, unique")
    role: Literal[accounts.ROLES] = Field(description="what it may do: `player` (its own players' data), "
                                                     "`premium` (a player with a larger request budget), "
                                                     "`organiser` (the tournament's admin) or `operator` (all)")
    player_ids: list[Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$")]] = Field(
        default_factory=list, max_length=32, description="the player ids it acts for (a player's own); a Rocket League player's is "
        "platform-qualified, `steam:<SteamID64>`, `epic:<account id>`, `psn:<name>`, `xbox:<id>` or `switch:<id>`")


NAME, ROLE, PLAYER_IDS = (field(str, "the account's name"), field(str, "its role"),
                          field(list[str], "the player ids it acts for"))
Created = shape("AccountCreated", "An account created, with its first API key (shown only here)", name=NAME,
                role=ROLE, player_ids=PLAYER_IDS, api_key=field(str, "the key, shown once: only its SHA-256 is kept"))
Account = shape("Account", "An account, its role, the player ids it acts for and its keys in use", name=NAME,
                role=ROLE, player_ids=PLAYER_IDS, created_at=field(dt.datetime, "when it was created"),
                revoked_at=field(dt.datetime | None, "when it was revoked (null: in use)"),
                keys_in_use=field(int, "its keys not revoked"))
Accounts = shape("Accounts", "Every account", data=field(list[Account], "the accounts, by name"))
Revoked = shape("AccountRevoked", "An account revoked", name=NAME,
                revoked=field(bool, "it and every key of it are revoked"))


def in_accounts(settings: ServeSettings, work):
    """`work(conn)` on the platform's connection in a worker thread; an `AccountError` is the client's (409 when
    the account exists, 404 when it is not found, 422 otherwise)."""

    def run():
        with connect(settings.pg_url) as conn:
            return work(conn)

    async def answered():
        try:
            return await run_in_threadpool(run)
        except accounts.AccountError as error:
            status = {accounts.AccountExists: 409, accounts.NoSuchAccount: 404}.get(type(error), 422)
            raise HTTPException(status, str(error)) from None

    return answered()


@router.post("", status_code=201, response_model=Created,
             summary="Create an account and its first API key (shown only in this answer)",
             responses={409: {"description": "an account of that name exists (revoked ones too)"}})
async def create_account(settings: SettingsDep, account: NewAccount) -> dict:
    """An account and its first API key, shown only in this answer (201); a name already taken, even by a revoked
    account, is a 409."""
    key = await in_accounts(settings, lambda conn: writes.create(conn, account.name, account.role,
                                                                tuple(account.player_ids)))
    return {"name": account.name, "role": account.role, "api_key": key,
            "player_ids": list(dict.fromkeys(accounts.qualified(player_id) for player_id in account.player_ids))}


@router.get("", response_model=Accounts, summary="The accounts, their roles, player ids and keys in use")
async def list_accounts(settings: SettingsDep) -> dict:
    """Every account with its role, player ids, when it was made or revoked, and its keys in use (never a key)."""
    return {"data": await in_accounts(settings, reads.listed)}


@router.delete("/{name}", response_model=Revoked, summary="Revoke an account and every key of it",
               responses=unknown("an account in use of that name"))
async def revoke_account(settings: SettingsDep, name: AccountName) -> dict:
    """The account and every key of it revoked at once; a name with no account in use is a 404."""
    await in_accounts(settings, lambda conn: writes.revoke(conn, name))
    return {"name": name, "revoked": True}
