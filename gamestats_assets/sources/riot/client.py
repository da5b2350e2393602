"""The live Riot API client: Riot ID → puuid → match ids → match and timeline files in landing, as Riot
delivered them (`<day>/<match id>.json`, `<day>/<match id>_timeline.json`, the day being the game's UTC start
date), the ranked entries of the game's players beside them (`<day>/<match id>_league.json`), and Data Dragon's files
of a patch newer than the reference (`DataDragonClient`)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import msgspec

from gamestats_assets.lib.core.inputs import UnsafePath, checked_id
from gamestats_assets.lib.intake.door import REPLACE, Door
from gamestats_assets.lib.intake.http import ApiClient, ApiError, EndpointLimit
from gamestats_assets.sources.riot import ddragon
from gamestats_assets.sources.riot.league import LEAGUE_SUFFIX
from gamestats_assets.sources.riot.parse import MATCH_ID

API_KEY_ENV = "GAMESTATS_RIOT_API_KEY"
DEVELOPMENT_KEY_LIMITS = (EndpointLimit("", ((20, 1.0), (100, 120.0))),)
REGION_OF_PLATFORM = {
    **dict.fromkeys(("NA1", "BR1", "LA1", "LA2"), "americas"),
    **dict.fromkeys(("EUW1", "EUN1", "TR1", "RU", "ME1"), "europe"),
    **dict.fromkeys(("KR", "JP1"), "asia"),
    **dict.fromkeys(("OC1", "PH2", "SG2", "TH2", "TW2", "VN2"), "sea"),
}
MATCH_IDS_PAGE = 100
PUUID = re.compile(r"[A-Za-z0-9_-]{1,100}")
RIOT_ID = re.compile(r"[^#/,\x00-\x1f]{1,16}#[A-Za-z0-9]{1,5}")
"""A Riot ID `Name#TAG`: a game name of at most 16 characters, a tag of at most 5 letters and digits."""
LOG = logging.getLogger(__name__)
DATA_DRAGON_URL = "https://ddragon.leagueoflegends.com"


class MatchStart(msgspec.Struct):
    gameStartTimestamp: int | None = None
    gameCreation: int | None = None
    gameVersion: str | None = None


class MatchHead(msgspec.Struct):
    info: MatchStart | None = None


class MatchPlayer(msgspec.Struct):
    puuid: str | None = None


class MatchPlayers(msgspec.Struct):
    participants: list[MatchPlayer] = []


class MatchRoster(msgspec.Struct):
    info: MatchPlayers | None = None


def region_of(platform: str) -> str:
    """The regional routing value of a platform id (`EUW1` → `europe`); ValueError for an unknown one."""
    try:
        return REGION_OF_PLATFORM[platform.upper()]
    except KeyError:
        raise ValueError(f"unknown Riot platform {platform[:20]!r}; known: {', '.join(sorted(REGION_OF_PLATFORM))}") from None


def checked_player(player: str) -> str:
    """`player` when it is a Riot ID (`Name#TAG`) or a puuid; `UnsafePath` (a ValueError) naming it otherwise."""
    return checked_id(player, RIOT_ID if "#" in player else PUUID, "Riot ID (Name#TAG) or puuid")


def split_riot_id(riot_id: str) -> tuple[str, str]:
    """`Name#TAG` → (game name, tag line)."""
    name, separator, tag = riot_id.rpartition("#")
    if not separator or not name or not tag:
        raise ValueError(f"not a Riot ID: {riot_id!r} (expected Name#TAG)")
    return name, tag


def game_day(match_json: bytes) -> dt.date:
    """The UTC day a match started (`info.gameStartTimestamp`, else `gameCreation`)."""
    head = msgspec.json.decode(match_json, type=MatchHead)
    start = head.info and (head.info.gameStartTimestamp or head.info.gameCreation)
    if not start:
        raise ValueError("match without gameStartTimestamp or gameCreation")
    return dt.datetime.fromtimestamp(start / 1000, dt.UTC).date()


@dataclass
class RiotClient:
    """Riot's account-v1 and match-v5 on one regional host (`americas`, `europe`, `asia`, `sea`, chosen from
    the platform: `EUW1` → europe), and league-v4 on each platform's own host (`euw1`), with the key of
    `GAMESTATS_RIOT_API_KEY` in `X-Riot-Token`, spaced by the development key's limits (20 requests a second, 100
    every two minutes per host, shared within a process), 429 answers waiting for `Retry-After`; `base_url`
    replaces every host (tests serve recorded answers)."""

    region: str
    base_url: str | None = None
    _api: ApiClient = field(init=False)
    _platforms: dict[str, ApiClient] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._api = self._client(self.region)

    def _client(self, host: str) -> ApiClient:
        base_url = self.base_url or f"https://{host}.api.riotgames.com"
        return ApiClient(name=f"Riot {host}", base_url=base_url, api_key_env=API_KEY_ENV, auth_header="X-Riot-Token",
                         limits=DEVELOPMENT_KEY_LIMITS, limit_group=f"{base_url}#{host}")

    def close(self) -> None:
        for api in (self._api, *self._platforms.values()):
            api.close()

    def league_entries(self, platform: str, puuid: str) -> list:
        """The ranked entries (league-v4 `LeagueEntryDTO`s) of `puuid` on `platform` (`EUW1`): none when unranked."""
        region_of(platform)
        host = platform.lower()
        if host not in self._platforms:
            self._platforms[host] = self._client(host)
        return self._platforms[host].get_json(f"/lol/league/v4/entries/by-puuid/{quote(puuid)}")

    def puuid(self, riot_id: str) -> str:
        """The puuid of a Riot ID (`Name#TAG`)."""
        name, tag = split_riot_id(riot_id)
        account = self._api.get_json(f"/riot/account/v1/accounts/by-riot-id/{quote(name)}/{quote(tag)}")
        return account["puuid"]

    def match_ids(self, puuid: str, since: dt.datetime, until: dt.datetime | None = None) -> list[str]:
        """Every match id of `puuid` that started in [since, until), newest first, following the pages."""
        params = {"startTime": int(since.timestamp()), "count": MATCH_IDS_PAGE}
        if until is not None:
            params["endTime"] = int(until.timestamp())
        ids: list[str] = []
        while True:
            page = self._api.get_json(f"/lol/match/v5/matches/by-puuid/{quote(puuid)}/ids",
                                      {**params, "start": len(ids)})
            ids.extend(page)
            if len(page) < MATCH_IDS_PAGE:
                return ids

    def match(self, match_id: str) -> bytes:
        """The MatchDto JSON of `match_id`, as Riot sent it."""
        return self._api.get_bytes(f"/lol/match/v5/matches/{quote(match_id)}")

    def timeline(self, match_id: str) -> bytes:
        """The MatchTimelineDto JSON of `match_id`, as Riot sent it."""
        return self._api.get_bytes(f"/lol/match/v5/matches/{quote(match_id)}/timeline")


def game_patch(match_json: bytes) -> str | None:
    """`major.minor` of a match's `info.gameVersion` (None without one)."""
    head = msgspec.json.decode(match_json, type=MatchHead)
    version = head.info and head.info.gameVersion
    return ddragon.short_patch(version) if version and version.count(".") >= 1 else None


@dataclass
class DataDragonClient:
    """Riot's Data Dragon CDN: the released versions and each version's English `item.json`, `champion.json`,
    `runesReforged.json` and `summoner.json`. `base_url` replaces the CDN (tests serve recorded files from a local
    server)."""

    base_url: str = DATA_DRAGON_URL
    _api: ApiClient = field(init=False)

    def __post_init__(self) -> None:
        self._api = ApiClient(name="Data Dragon", base_url=self.base_url, api_key_env=None)

    def close(self) -> None:
        self._api.close()

    def version_of(self, patch: str) -> str | None:
        """The newest released Data Dragon version of `patch` (`14.10` → `14.10.1`), None if none."""
        versions = [v for v in self._api.get_json("/api/versions.json") if ddragon.short_patch(v) == patch]
        return max(versions, key=lambda v: [int(part) for part in v.split(".") if part.isdigit()], default=None)

    def documents(self, version: str) -> dict[str, dict | list]:
        """`ddragon.DOCUMENT_NAMES`' files of `version` in English, by name."""
        return {name: self._api.get_json(f"/cdn/{version}/data/{ddragon.ENGLISH}/{name}.json")
                for name in ddragon.DOCUMENT_NAMES}

    def add_newer_patch(self, patch: str | None, reference_dir: Path = ddragon.REFERENCE_DIR) -> str | None:
        """Add `patch`'s files to the reference when it is newer than every patch there and Data Dragon has
        released it; return the patch added (None otherwise)."""
        shipped = ddragon.shipped_patches(ddragon.tables(reference_dir)[0])
        if patch is None or ddragon.patch_key(patch) <= ddragon.patch_key(shipped[-1]):
            return None
        version = self.version_of(patch)
        if version is None:
            return None
        documents = self.documents(version)
        return ddragon.add_patch(reference_dir, documents["item"], documents["champion"],
                                 runes_document=documents["runesReforged"], spells_document=documents["summoner"],
                                 version=version)


def land_match(client: RiotClient, match_id: str, landing_dir: Path, known: set[str],
               data_dragon: DataDragonClient | None = None,
               reference_dir: Path = ddragon.REFERENCE_DIR) -> dt.date | None:
    """Land `match_id`'s match, timeline and its players' ranked entries (`game_league`) in
    `landing_dir/<game day>/` (`lib/intake/door.py`, each whole or not at all) unless `known` has it; return the day written (None when skipped). The match is
    written last, so a match file always has its timeline and league file beside it. With `data_dragon`, a game of
    a patch newer than the reference in `reference_dir` adds that patch to it."""
    if match_id in known:
        return None
    try:
        checked_id(match_id, MATCH_ID, "Riot match id (<PLATFORM>_<digits>)")
    except UnsafePath as error:
        LOG.warning(f"skipped a match id Riot listed: {error}")
        return None
    match = client.match(match_id)
    day = game_day(match)
    if data_dragon is not None:
        data_dragon.add_newer_patch(game_patch(match), reference_dir)
    door, folder = Door.of_folder(landing_dir), day.isoformat()
    door.land((folder, f"{match_id}_timeline.json"), client.timeline(match_id), conflict=REPLACE)
    door.land((folder, f"{match_id}{LEAGUE_SUFFIX}.json"), msgspec.json.encode(game_league(client, match_id, match)),
              conflict=REPLACE)
    door.land((folder, f"{match_id}.json"), match, conflict=REPLACE)
    known.add(match_id)
    return day


def game_league(client: RiotClient, match_id: str, match: bytes) -> list:
    """The ranked entries of the players of `match` (its MatchDto JSON) on its platform, each naming its player by
    `puuid`; a player whose entries Riot does not answer is left out, with a warning."""
    platform = match_id.partition("_")[0]
    roster = msgspec.json.decode(match, type=MatchRoster)
    entries = []
    for player in roster.info.participants if roster.info else []:
        if player.puuid is None:
            continue
        try:
            answer = client.league_entries(platform, player.puuid)
        except (ApiError, ValueError) as error:
            LOG.warning(f"no ranked entries of a player of {match_id}: {error}")
            continue
        entries += [{**entry, "puuid": player.puuid} for entry in answer if isinstance(entry, dict)]
    return entries


def landed_match_ids(landing_dir: Path) -> set[str]:
    """The match ids that already have a match file in landing."""
    return {p.name.split(".", 1)[0] for p in landing_dir.glob("*/*.json*")
            if not p.name.split(".", 1)[0].endswith(("_timeline", LEAGUE_SUFFIX))}


def land_player_games(client: RiotClient, player: str, landing_dir: Path, since: dt.datetime,
                      until: dt.datetime | None = None, data_dragon: DataDragonClient | None = None,
                      reference_dir: Path = ddragon.REFERENCE_DIR) -> list[dt.date]:
    """Land every game of `player` (a Riot ID `Name#TAG` or a puuid) started in [since, until) that
    landing does not have yet; return the days that received files, sorted. With `data_dragon`, a newer
    patch met on the way is added to the Data Dragon reference (`land_match`)."""
    puuid = client.puuid(player) if "#" in checked_player(player) else player
    known = landed_match_ids(landing_dir)
    days = {land_match(client, match_id, landing_dir, known, data_dragon, reference_dir)
            for match_id in client.match_ids(puuid, since, until)}
    return sorted(day for day in days if day is not None)
