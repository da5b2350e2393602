"""The live ballchasing.com API: list a player's replays page by page, fetch each, land it as
`landing/rocket/<day played, UTC>/ballchasing/<id>.json`, the file a user would drop, with its raw replay beside it
where ballchasing serves it (`replay_file.py`)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from gamestats_assets.lib.core.inputs import UUID, UnsafePath, checked_id, inside
from gamestats_assets.lib.intake.door import REPLACE, Door
from gamestats_assets.lib.intake.http import ApiClient, EndpointLimit
from gamestats_assets.sources.ballchasing.replay_file import land_replay_file, with_file_fate
from gamestats_assets.sources.ballchasing.replay_json import BallchasingFormatError, parse_replay_json

BASE_URL = "https://ballchasing.com/api"
TOKEN_ENV = "GAMESTATS_BALLCHASING_TOKEN"
URL_ENV = "GAMESTATS_BALLCHASING_URL"
REGULAR_LIMITS = (EndpointLimit("", ((2, 1.0), (500, 3600.0))),)
PAGE_SIZE = 200
LANDING_FOLDER = "ballchasing"
LOG = logging.getLogger(__name__)


def ballchasing_client(base_url: str = BASE_URL, limits: Sequence[EndpointLimit] = REGULAR_LIMITS,
                       **options: Any) -> ApiClient:
    """A client of the ballchasing API at `base_url` with the token from `GAMESTATS_BALLCHASING_TOKEN` (sent
    as is in `Authorization`); requests are spaced to a regular account's limits unless `limits` gives others, and
    `options` set the rest of `ApiClient` (its timeout, its attempts)."""
    return ApiClient(name="ballchasing", base_url=base_url, api_key_env=TOKEN_ENV, auth_header="Authorization",
                     key_format="{key}", limits=limits, **options)


PLAYER_ID = re.compile(r"(?:(?:steam|epic|ps4|psn|xbox|switch):)?[\w.-]{1,64}")
"""A roster entry ballchasing can look up: `<platform>:<id>` or a bare id, of letters, digits, `_`, `.` and `-`."""


def player_filter(player_id: str) -> str:
    """ballchasing's `player-id` filter for a player id: `<platform>:<id>` is passed as is, a bare
    Steam id (17 digits) gets `steam:`, anything else is taken as an Epic id; `UnsafePath` (a `ValueError`)
    for an entry that is neither."""
    checked_id(player_id, PLAYER_ID, "ballchasing player id (<platform>:<id>)")
    if ":" in player_id:
        return player_id
    return f"steam:{player_id}" if player_id.isdigit() and len(player_id) == 17 else f"epic:{player_id}"


def list_replays(client: ApiClient, params: Mapping[str, Any], max_pages: int = 50) -> Iterator[dict]:
    """Every list entry of `GET /replays` with `params`, following `next` for up to `max_pages`."""
    page = client.get_json("/replays", {"count": PAGE_SIZE, **params})
    for _ in range(max_pages):
        yield from page.get("list", [])
        if not page.get("next"):
            return
        page = client.get_json(page["next"])


def played_day(entry: Mapping[str, Any]) -> dt.date:
    """The UTC day a replay was played, from its `date`."""
    return dt.datetime.fromisoformat(entry["date"]).astimezone(dt.UTC).date()


def replay_id_of(entry: Mapping[str, Any]) -> str:
    """The replay id of a list entry, a UUID; `UnsafePath` (a ValueError) otherwise: it names a file."""
    return checked_id(entry.get("id"), UUID, "ballchasing replay id (a UUID)")


def replay_json(document: Mapping[str, Any]) -> str:
    """The text a replay's JSON is landed as."""
    return json.dumps(document)


def land_replay(client: ApiClient, landing_dir: Path, entry: Mapping[str, Any]) -> tuple[dt.date, Path]:
    """Fetch the full replay of a list entry and land it under its day's `ballchasing/` folder of `landing_dir`
    (`lib/intake/door.py`: whole or not at all, the later answer in place of an earlier one), its raw replay first
    in the day's folder as an upload lands (`replay_file.land_replay_file`), or why it could not be had in the JSON;
    return the day and the JSON's file."""
    day, replay_id, door = played_day(entry), replay_id_of(entry), Door.of_folder(landing_dir)
    document = client.get_json(f"/replays/{replay_id}")
    try:
        match_id = parse_replay_json(document).match_id
    except (BallchasingFormatError, KeyError, TypeError, ValueError) as error:  # its run quarantines it
        missing = f"its JSON does not say what game it is ({error})"
    else:
        missing = land_replay_file(client, door, day.isoformat(), replay_id, match_id)
    landed = door.land((day.isoformat(), LANDING_FOLDER, f"{replay_id}.json"),
                       replay_json(with_file_fate(document, missing)), conflict=REPLACE)
    return day, landed.path


def land_player_replays(client: ApiClient, landing_dir: Path, player_id: str, *, after: dt.datetime | None = None,
                        max_pages: int = 50) -> dict[str, list[Path]]:
    """Land every replay of `player_id` played after `after` (all when None) not landed yet; return the
    files written per day."""
    params = {"player-id": player_filter(player_id)}
    if after is not None:
        params["replay-date-after"] = after.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    landed: dict[str, list[Path]] = {}
    for entry in list_replays(client, params, max_pages):
        try:
            replay_id = replay_id_of(entry)
        except UnsafePath as error:
            LOG.warning(f"skipped a replay ballchasing listed for {player_id[:80]}: {error}")
            continue
        if inside(landing_dir, played_day(entry).isoformat(), LANDING_FOLDER, f"{replay_id}.json").exists():
            continue
        day, path = land_replay(client, landing_dir, entry)
        landed.setdefault(day.isoformat(), []).append(path)
    return landed


def client_from_env(**options: Any) -> ApiClient:
    """The client of the API at `GAMESTATS_BALLCHASING_URL` (default ballchasing.com: a test or a proxy
    sets another), with `ballchasing_client`'s `limits` and `options`."""
    return ballchasing_client(os.environ.get(URL_ENV, BASE_URL), **options)
