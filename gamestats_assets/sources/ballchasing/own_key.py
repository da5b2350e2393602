"""ballchasing.com with a player's own key: a raw replay sent (`POST /v2/upload`, the file as `file`, with its
`visibility`), answered 201 with its `id` and `location`, or 409 when ballchasing holds it already, naming the id
it holds; and the replays the key's owner uploaded (`GET /replays?uploader=me`). The key is the player's, not the
server's (`GAMESTATS_BALLCHASING_TOKEN`); its requests are spaced to a regular account's limits, per key."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from gamestats_assets.lib.intake.http import ApiClient, ApiError
from gamestats_assets.sources.ballchasing.client import BASE_URL, REGULAR_LIMITS, URL_ENV, list_replays

VISIBILITY = "private"
"""How a replay sent for a player is shown on ballchasing: to whoever has its link, not listed."""


@dataclass(frozen=True)
class Sent:
    """A replay ballchasing holds: its id and address there, and whether it held it before it was sent."""

    ballchasing_id: str
    location: str
    duplicate: bool


def own_client(key: str, **options) -> ApiClient:
    """A client of the API at `GAMESTATS_BALLCHASING_URL` (default ballchasing.com) with the player's own `key`,
    spaced to a regular account's limits shared by every client of that key in this process."""
    group = "ballchasing:" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    return ApiClient(name="ballchasing", base_url=os.environ.get(URL_ENV, BASE_URL), api_key_env=None, api_key=key,
                     limits=REGULAR_LIMITS, limit_group=group, **options)


def upload(client: ApiClient, name: str, data: bytes, visibility: str = VISIBILITY) -> Sent:
    """Send the raw replay `data` (file name `name`) to ballchasing: what it holds of it, sent now or before (its
    409 naming the replay it holds); `ApiError` when it refused it otherwise or answered without an id."""
    status, answer = client.post_file("/v2/upload", {"visibility": visibility}, name, data, answered=(409,))
    if not isinstance(answer, dict) or not answer.get("id"):
        raise ApiError(f"ballchasing answered the upload with HTTP {status} and no replay id", status)
    location = str(answer.get("location") or f"https://ballchasing.com/replay/{answer['id']}")
    return Sent(str(answer["id"]), location, status == 409)


def own_replays(client: ApiClient, after: dt.datetime | None = None, max_pages: int = 50) -> Iterator[dict]:
    """The list entries of the replays the key's owner uploaded after `after` (all when None), page by page."""
    params = {"uploader": "me"}
    if after is not None:
        params["created-after"] = after.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return list_replays(client, params, max_pages)
