"""A player's consent to the processing of their data (`/api/v1/users/consent`): what is stored of them, why and for
how long, under a text version; their consent recorded (account, version, time); withdrawn, which deletes their data
everywhere (`gamestats players delete`'s deletion, each of their player ids), their profile and their ballchasing.com
notes (`intake/ballchasing_notes`). Before it nothing of a player who signed in is stored: the writes of their data
answer 403 (`deps.Consented`). An account the operator made comes with the operator's consent (`recorded_by`
operator)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from gamestats_assets.serve.core.bodies import Body
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.crud import users as writes
from gamestats_assets.serve.crud.accounts import OPERATOR_CONSENT
from gamestats_assets.serve.deps import InstanceOpenerDep, SettingsDep
from gamestats_assets.serve.intake.ballchasing_notes import forget_own
from gamestats_assets.serve.queries import users as reads
from gamestats_assets.serve.routes.users.common import (PREFIX, TAGS, TEXT_VERSION, Deletion, Holder, consent_text,
                                                       delete_players, on_platform)

router = APIRouter(prefix=PREFIX, tags=TAGS)

Retention = shape("ConsentRetention", "How long what is stored is kept",
                  raw_files=field(str, "the raw files (replays, logs) as delivered"),
                  computed_figures=field(str, "the figures computed from them"),
                  account_and_profile=field(str, "the account and profile"))
Text = shape("ConsentText", "What a player consents to", version=field(str, "the text's version"),
             stored=field(list[str], "what is stored of the player"), why=field(str, "why"),
             retention=field(Retention, "for how long"), your_rights=field(str, "export, withdrawal and deletion"))
Recorded = shape("ConsentRecorded", "A consent as recorded", text_version=field(str, "the text consented to"),
                 recorded_by=field(str, "`player` (themselves) or `operator` (who made the account, stating it)"),
                 recorded_at=field(dt.datetime, "when"))
Consent = shape("Consent", "The consent text and the account's consent in force",
                account=field(str, "the account"), text=field(Text, "what is asked"),
                consent=field(Recorded | None, "the consent in force (null: none, nothing of the player is stored)"),
                current=field(bool, "whether the consent in force is to this text's version"))
Withdrawn = shape("ConsentWithdrawn", "A consent withdrawn and the player's data deleted",
                  account=field(str, "the account"), withdrawn=field(bool, "a consent was in force"),
                  deletions=field(list[Deletion], "the deletions done, one per player id a domain held"))


class Given(Body):
    """A consent: the version of the text the player read and agrees to."""

    text_version: str = Field(pattern=r"^[A-Za-z0-9._-]{1,32}$", description="the version of the text consented to "
                                                                          "(`GET /users/consent`'s `text.version`)")


def state(settings, who) -> dict:
    return {"account": who.name, "text": consent_text(settings)}


@router.get("/consent", response_model=Consent, summary="What is stored of you, why and for how long; your consent")
async def read_consent(settings: SettingsDep, who: Holder) -> dict:
    """The text a player consents to (what is stored, why, the retention configured) and their consent in force."""
    found = await on_platform(settings, lambda conn: reads.consent_in_force(conn, who.name))
    return {**state(settings, who), "consent": found,
            "current": bool(found) and found["text_version"] in (TEXT_VERSION, OPERATOR_CONSENT)}


@router.post("/consent", response_model=Consent, summary="Consent to the processing of your data",
             responses={409: {"description": "not the current text's version: read it again"}})
async def give_consent(settings: SettingsDep, who: Holder, given: Given) -> dict:
    """Record the account's consent to the current text (its version, the time, `recorded_by` player), in place of
    any earlier one; a version other than the current text's is a 409."""
    if given.text_version != TEXT_VERSION:
        raise HTTPException(409, f"the consent text is at version {TEXT_VERSION}, not {given.text_version!r}: read it "
                                 "again (GET /api/v1/users/consent)")
    found = await on_platform(settings, lambda conn: (writes.record_consent(conn, who.name, TEXT_VERSION, "player"),
                                                      reads.consent_in_force(conn, who.name))[1])
    return {**state(settings, who), "consent": found, "current": True}


@router.delete("/consent", response_model=Withdrawn,
               summary="Withdraw your consent: your data is deleted everywhere",
               responses={503: {"description": "other writers stopped the deletion; asking again finishes it"}})
async def withdraw(settings: SettingsDep, opener: InstanceOpenerDep, who: Holder) -> dict:
    """Withdraw the account's consent: each of its player ids deleted from landing, the lake, Dagster's instance
    and PostgreSQL, as `gamestats players delete` does (the account stops acting for them), its profile and its
    ballchasing.com notes deleted (an upload waiting to be sent there is sent no more);
    the account stays, storing nothing until it consents again. Withdrawn first: a deletion other writers stopped
    (503) is finished by asking again."""
    withdrawn = await on_platform(settings, lambda conn: writes.withdraw_consent(conn, who.name))
    await run_in_threadpool(forget_own, settings, who.name)
    deletions = await run_in_threadpool(delete_players, settings, opener(), who, f"account:{who.name}")
    return {"account": who.name, "withdrawn": withdrawn, "deletions": deletions}
