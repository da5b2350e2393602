"""The live PUBG API client, on the platform's rate-limited HTTP client: players' recent matches (the limited
endpoint), match objects and telemetry files. The key comes from `GAMESTATS_PUBG_API_KEY` and is never logged."""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from gamestats_assets.lib.intake.door import REPLACE, Door
from gamestats_assets.lib.intake.http import ApiClient, EndpointLimit
from gamestats_assets.sources.pubg.match import match_id_of, parse_match

API_KEY_ENV = "GAMESTATS_PUBG_API_KEY"
BASE_URL = "https://api.pubg.com"
PLAYERS_PER_REQUEST = 10
LIMITED_PER_MINUTE = 10
ACCOUNT_ID = re.compile(r"account\.[0-9a-fA-F]{32}")
"""A PUBG account id: `account.` and 32 hexadecimal digits."""


RATE_ENV = "GAMESTATS_PUBG_REQUESTS_PER_MINUTE"
MATCHES, TELEMETRY = "matches", "telemetry"
"""The landing folders of match objects and telemetry files."""


def telemetry_name(match_id: str) -> str:
    """The name a downloaded telemetry file lands under: `<match id>.raw.json.gz`, the API's answer kept whole."""
    return f"{match_id}.raw.json.gz"


def requests_per_minute() -> int:
    """The key's limit on the limited endpoints: `GAMESTATS_PUBG_REQUESTS_PER_MINUTE`, else the API's default."""
    return int(os.environ.get(RATE_ENV) or LIMITED_PER_MINUTE)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class PubgClient:
    """Players, matches and telemetry of one shard (`steam` by default). Every client of a process shares
    one limiter of the limited endpoint, as the API counts a key's requests whatever the client."""

    shard: str = "steam"
    base_url: str = BASE_URL
    requests_per_minute: int = field(default_factory=lambda: requests_per_minute())
    api: ApiClient = field(init=False)

    def __post_init__(self) -> None:
        self.api = ApiClient(
            "PUBG", self.base_url, API_KEY_ENV, key_format="Bearer {key}",
            headers={"Accept": "application/vnd.api+json"},
            limits=[EndpointLimit(f"/shards/{self.shard}/players", ((self.requests_per_minute, 60.0),))],
            limit_group="pubg",
        )

    def close(self) -> None:
        self.api.close()

    def recent_matches(self, account_ids: Iterable[str] = (), names: Iterable[str] = ()) -> dict[str, list[str]]:
        """Account id → the ids of its recent matches (the last 14 days), for players given by account id and/or
    by name, at most 10 a request (`GET /shards/{shard}/players`, the rate-limited endpoint)."""
        found: dict[str, list[str]] = {}
        for by, values in (("playerIds", sorted(set(account_ids))), ("playerNames", sorted(set(names)))):
            for chunk in _chunks(values, PLAYERS_PER_REQUEST):
                answer = self.api.get_json(f"/shards/{self.shard}/players", {f"filter[{by}]": ",".join(chunk)})
                for player in answer.get("data") or []:
                    matches = ((player.get("relationships") or {}).get("matches") or {}).get("data") or []
                    found[player["id"]] = [m["id"] for m in matches if m.get("type") == "match"]
        return found

    def match(self, match_id: str) -> dict[str, Any]:
        """The match object (JSON:API document) of `match_id`."""
        return self.api.get_json(f"/shards/{self.shard}/matches/{match_id}")

    def telemetry(self, url: str) -> bytes:
        """The telemetry file at `url` (a JSON array of events), gunzipped."""
        return self.api.get_bytes(url)

    def land_match(self, match_id: str, landing: Path) -> tuple[Path, str | None]:
        """Land the match object as `landing/matches/<id>.json` (`lib/intake/door.py`, whole or not at all, a later
        answer replacing an earlier one); return its path and its telemetry URL (None when it offers none)."""
        match_id = match_id_of(match_id, "a match id the PUBG API listed")
        document = self.match(match_id)
        parsed = parse_match(document, origin=f"PUBG match {match_id}")
        path = Door.of_folder(landing).land((MATCHES, f"{parsed.match_id}.json"), msgspec.json.encode(document),
                                            conflict=REPLACE).path
        return path, parsed.match["telemetry_url"][0] or None

    def land_telemetry(self, match_id: str, url: str, landing: Path) -> Path:
        """Land the telemetry at `url` as `landing/telemetry/<id>.raw.json.gz` (gzip, through the door: whole or not
        at all, the first delivery kept); a match whose file is in place already is not downloaded again."""
        door = Door.of_folder(landing)
        parts = (TELEMETRY, telemetry_name(match_id_of(match_id, "a match id the PUBG API listed")))
        if door.place(*parts).is_file():
            return door.place(*parts)
        return door.land(parts, gzip.compress(self.telemetry(url), mtime=0)).path

    def download(self, match_id: str, landing: Path, with_telemetry: bool = True) -> tuple[Path, Path | None]:
        """Land the match object (`land_match`) and, with `with_telemetry`, its telemetry (`land_telemetry`); return
        both paths (None for telemetry not fetched or not offered)."""
        match_path, url = self.land_match(match_id, landing)
        if not with_telemetry or not url:
            return match_path, None
        return match_path, self.land_telemetry(match_id, url, landing)
