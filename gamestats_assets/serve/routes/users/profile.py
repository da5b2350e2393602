"""A player's profile (`/api/v1/users/profile`): the display name they choose, an optional email and their own
ballchasing.com key, both kept only encrypted (`core/sealed.py`, under `GAMESTATS_SECRET_KEYS`; without a key they
are refused, never kept as their text), their platform ids (read only: they come from signing in or the operator),
and the rank they state, landed through the stated-rank door (`intake/stated_ranks.py`). A ballchasing.com key
written sends their uploads there and imports their games from there (`intake/ballchasing_sync.py`), at once in the
background and from then on."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException
from pydantic import Field

from gamestats_assets.serve.core.bodies import Body
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.core.sealed import NoSecretKey, Sealer
from gamestats_assets.serve.crud import users as writes
from gamestats_assets.serve.deps import Consented, SealerDep, SettingsDep
from gamestats_assets.serve.intake.ballchasing_sync import sync
from gamestats_assets.serve.intake.stated_ranks import StatedRank, land_stated_rank
from gamestats_assets.serve.queries import users as reads
from gamestats_assets.serve.routes.users.common import PREFIX, TAGS, Holder, holder, on_platform

router = APIRouter(prefix=PREFIX, tags=TAGS)

Landed = shape("StatedRankLanded", "A stated rank landed, to be run as a dropped file is",
               statement_id=field(str, "the statement's id"), status=field(str, '"processing"'),
               landed=field(str, "the folder it landed in"))
Profile = shape("UserProfile", "A player's profile", account=field(str, "the account"),
                display_name=field(str | None, "the name shown for them"),
                email=field(str | None, "their email (kept encrypted; null when none is kept, or no configured "
                                        "secret key opens it)"),
                email_set=field(bool, "whether an email is kept"),
                ballchasing_key_set=field(bool, "whether their own ballchasing.com key is kept (encrypted; never "
                                                "shown again, the export gives it)"),
                platform_ids=field(list[str], "the platform ids the account acts for (read only)"),
                updated_at=field(dt.datetime | None, "when the profile was last written"),
                stated_rank=field(Landed | None, "the rank stated with this write, landing (only in a PUT's answer)"))
SECRET_KEY = "ballchasing.com's API key, from https://ballchasing.com/upload"


class ProfileEdit(Body):
    """The fields of a profile to change: a field left out is kept, a null clears it."""

    display_name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")] | None = Field(
        None, description="the name shown for them")
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = Field(
        None, description="their email, kept encrypted")
    ballchasing_key: Annotated[str, Field(min_length=20, max_length=128, pattern=r"^[A-Za-z0-9]+$")] | None = Field(
        None, description=f"their own {SECRET_KEY}, kept encrypted")
    stated_rank: StatedRank | None = Field(None, description="a rank they state, landed as "
                                                              "`POST /api/v1/rocket/player/stated-rank` lands it")


def shown(found: dict | None, who, sealer: Sealer) -> dict:
    found = found or {}
    return {"account": who.name, "display_name": found.get("display_name"),
            "email": sealer.opened(found.get("email_sealed")), "email_set": found.get("email_sealed") is not None,
            "ballchasing_key_set": found.get("ballchasing_key_sealed") is not None,
            "platform_ids": list(who.player_ids), "updated_at": found.get("updated_at"), "stated_rank": None}


@router.get("/profile", response_model=Profile, summary="Your profile")
async def read_profile(settings: SettingsDep, sealer: SealerDep, who: Holder) -> dict:
    """The account's profile, its email opened (never its ballchasing.com key: whether it is kept)."""
    return shown(await on_platform(settings, lambda conn: reads.profile(conn, who.name)), who, sealer)


@router.put("/profile", response_model=Profile, summary="Change your profile",
            responses={403: {"description": "no consent recorded, or a stated rank for a player not theirs"},
                       422: {"description": "an email or ballchasing.com key while no secret key is configured "
                                            "(GAMESTATS_SECRET_KEYS): never kept as text"}})
async def write_profile(settings: SettingsDep, sealer: SealerDep, who: Consented, edit: ProfileEdit,
                        after: BackgroundTasks) -> dict:
    """The fields given written (a null clears one), the email and ballchasing.com key sealed under the newest
    secret key, and a stated rank landed; refused (422) with an email or key while no secret key is configured.
    With a ballchasing.com key written, their uploads not yet sent are sent there with it and their games there
    imported, in the background of the answer."""
    holder(who)
    given = edit.model_dump(exclude_unset=True)
    try:
        changes = {"display_name": given["display_name"]} if "display_name" in given else {}
        for name, column in (("email", "email_sealed"), ("ballchasing_key", "ballchasing_key_sealed")):
            if name in given:
                changes[column] = sealer.seal(str(given[name])) if given[name] is not None else None
    except NoSecretKey as error:
        raise HTTPException(422, str(error)) from None
    stated = land_stated_rank(settings, edit.stated_rank, who) if edit.stated_rank else None
    found = await on_platform(settings, lambda conn: (writes.write_profile(conn, who.name, **changes),
                                                      reads.profile(conn, who.name))[1])
    if given.get("ballchasing_key") is not None:
        after.add_task(sync, settings, sealer, who.name)
    return {**shown(found, who, sealer), "stated_rank": stated}
