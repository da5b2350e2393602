"""A player's export (`GET /api/v1/users/export`): every row held about them as JSON (their account and every row
referring to it, their consents, their profile opened, the published rows naming their ids) with the list of the
landing and quarantine files of every domain naming their ids, found as the deletion finds them (`own_files`: raw
replays, imports, training sessions, stated ranks, PUBG match and telemetry files, LoL matches and timelines); and
what Dagster's instance keeps by their ids (`own_runs`: tracked, backfills of their history, the runs launched);
their ballchasing.com notes (`ballchasing_notes`: their uploads sent there, the last look at their games there); and
the same as a zip (`/users/export/archive`): `data.json` and the files as stored under `files/`, by their place
in the data folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from starlette.responses import Response

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.published.players import PLAYERS
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.core.sealed import Sealer
from gamestats_assets.serve.deps import InstanceDep, SealerDep, SettingsDep
from gamestats_assets.serve.intake.ballchasing_notes import own_notes
from gamestats_assets.serve.intake.own_files import files_of_player
from gamestats_assets.serve.queries import user_export, users as reads
from gamestats_assets.serve.queries.own_runs import runs_of_player
from gamestats_assets.serve.queries.users import domain_ids
from gamestats_assets.serve.routes.users.common import PREFIX, TAGS, Holder

router = APIRouter(prefix=PREFIX, tags=TAGS)

File = shape("ExportedFile", "A file naming the player held in landing or quarantine (a raw replay, a JSON or JSON "
             "lines file, gzipped or not)",
             path=field(str, "its place under the data folder (`landing/<domain>/...`, `quarantine/<domain>/...`)"),
             bytes=field(int, "its size as stored"), sha256=field(str, "the SHA-256 of its bytes as stored"))
Profile = shape("ExportedProfile", "The profile as kept, its sealed fields opened",
                display_name=field(str | None, "the name shown"),
                email=field(str | None, "the email (null: none, or no configured secret key opens it)"),
                ballchasing_key=field(str | None, "their ballchasing.com key (null likewise)"),
                updated_at=field(dt.datetime | None, "when it was written"))
Runs = shape("ExportedRuns", "What Dagster's instance keeps by their ids (its runs' logs, every player's, left out)",
             tracked_players=field(list[dict[str, str]], "their ids tracked (`domain`, `player_id`): a key of the "
                                   "domain's `tracked_player` partitions"),
             backfills=field(list[dict[str, Any]], "the backfills of their history (id, status, when, tags)"),
             runs=field(list[dict[str, Any]], "the runs those launched (id, job, status, when, tags)"))
Ballchasing = shape("ExportedBallchasingNotes", "What their own ballchasing.com key left noted",
                    sends=field(list[dict[str, Any]], "each upload of theirs sent, or to send, there: its match "
                                "`id`, `state`, `tries`, `at`, and ballchasing's `ballchasing_id` and `location`, or "
                                "`why` not"),
                    own_games_looked_at=field(str | None, "when their uploads there were last looked at in full "
                                              "(null: never)"))
Export = shape("UserExport", "Every row and file held about a player", account=field(str, "the account"),
               exported_at=field(dt.datetime, "when"),
               player_ids=field(dict[str, list[str]], "their ids as each domain's tables name them"),
               account_rows=field(dict[str, list[dict[str, Any]]], "the account's rows and every row of "
                                  "`gamestats_api` referring to it (hashes and sealed fields left out)"),
               profile=field(Profile | None, "the profile, opened"),
               published=field(dict[str, list[dict[str, Any]]], "`schema.table` → the published rows naming them"),
               files=field(list[File], "the landing and quarantine files of every domain naming their ids (in the "
                           "archive as stored, under `files/`, by their place)"),
               ballchasing=field(Ballchasing, "their ballchasing.com notes"),
               dagster=field(Runs | None, "what Dagster's instance keeps by their ids (null: the service runs "
                             "without the pipeline's instance)"))
ZIP = {200: {"content": {"application/zip": {}}, "description": "`data.json` (the export) and `files/<place>`"}}


def gathered(settings, sealer: Sealer, instance, who) -> dict:
    """The export of `who`, read over the platform's connection, from landing and quarantine, and from Dagster's
    `instance` (None: none)."""
    ids = domain_ids(who.player_ids)
    with connect(settings.pg_url) as conn:
        rows = user_export.account_rows(conn, who.name)
        published = user_export.published_rows(conn, PLAYERS, ids)
        profile = reads.profile(conn, who.name)
    files = files_of_player(settings, who)
    opened = None if profile is None else {
        "display_name": profile["display_name"], "updated_at": profile["updated_at"],
        "email": sealer.opened(profile["email_sealed"]),
        "ballchasing_key": sealer.opened(profile["ballchasing_key_sealed"])}
    return {"account": who.name, "exported_at": dt.datetime.now(dt.UTC), "player_ids": ids, "account_rows": rows,
            "profile": opened, "published": published, "dagster": runs_of_player(instance, who),
            "ballchasing": own_notes(settings, who.name),
            "files": [{"path": path.relative_to(settings.data_dir).as_posix(), "bytes": path.stat().st_size,
                       "sha256": hashlib.sha256(path.read_bytes()).hexdigest()} for path in files]}


@router.get("/export", response_model=Export, summary="Every row held about you, as JSON")
async def export(settings: SettingsDep, sealer: SealerDep, instance: InstanceDep, who: Holder) -> dict:
    """The account's rows, consents and sessions, its profile opened, the published rows naming its player ids,
    the list of the landing and quarantine files naming them, of every domain (the files themselves are in
    `/users/export/archive`), what Dagster's instance keeps by them (their tracked ids, backfills, runs), and their
    ballchasing.com notes (their uploads sent there, the last look at their games there)."""
    return await run_in_threadpool(gathered, settings, sealer, instance, who)


@router.get("/export/archive", response_class=Response, response_model=None, responses=ZIP,
            summary="Every row and file held about you, as a zip")
async def archive(settings: SettingsDep, sealer: SealerDep, instance: InstanceDep, who: Holder) -> Response:
    """A zip of `data.json` (the export) and each file naming them as stored (a gzipped one gzipped) under
    `files/`, by its place in the data folder."""

    def zipped() -> bytes:
        found = gathered(settings, sealer, instance, who)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(jsonable_encoder(found), indent=1))
            for held in found["files"]:
                archive.write(settings.data_dir / held["path"], f"files/{held['path']}")
        return buffer.getvalue()

    body = await run_in_threadpool(zipped)
    return Response(body, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{who.name}-export.zip"'})
