"""Real Riot games of the fixtures, and cases built from them: the same game in another queue, patch or map, a
remake, a game with a player away."""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl

from gamestats_assets.defs.lol.tables import computed
from gamestats_assets.sources.riot.parse import parse_matches, parse_timelines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "riot"
REAL_PATCH_FIXTURES = FIXTURES / "real-patches"
RANKED = ("match_v5_ranked.json", "match_v5_ranked_timeline.json")
"""JP1_323466834: ranked solo (420), patch 11.16, with the metadata wrapper."""
TOURNAMENT = ("ESPORTSTMNT01_2693492.json", "ESPORTSTMNT01_2693492_timeline.json")
"""ESPORTSTMNT01_2693492: a tournament game (queue 0), patch 12.1, the info object alone."""

REAL_PATCHES = {"13.24": "KR_6857541971", "14.1": "EUW1_6777215580", "16.1": "RU_549093606", "16.2": "LA1_1686382145"}
"""Real games by patch (`real-patches/<match id>.json.gz`, and `_timeline.json.gz` for 13.24 and 14.1): ranked
solo on 13.24, ranked flex on 14.1, normal draft on 16.1, ranked solo on 16.2."""

Game = tuple[dict, dict | None]
"""A match document and its timeline document (None for a game recorded without one)."""


def load(files: tuple[str, str] = RANKED) -> Game:
    match, timeline = (json.loads((FIXTURES / name).read_bytes()) for name in files)
    return match, timeline


def load_real(patch: str) -> Game:
    """The real game of `patch` (`REAL_PATCHES`) with its timeline, if it was recorded with one."""
    match_id = REAL_PATCHES[patch]
    timeline = REAL_PATCH_FIXTURES / f"{match_id}_timeline.json.gz"
    return (json.loads(gzip.decompress((REAL_PATCH_FIXTURES / f"{match_id}.json.gz").read_bytes())),
            json.loads(gzip.decompress(timeline.read_bytes())) if timeline.exists() else None)


def info(document: dict) -> dict:
    return document.get("info", document)


def variant(game: Game, game_id: int, *, queue: int | None = None, version: str | None = None,
            map_id: int | None = None, change: Callable[[dict, dict], None] | None = None) -> Game:
    """A copy of `game` as game `game_id` (match id `<platform>_<game_id>`) with another queue, game
    version or map, and any further `change(match_info, timeline_info)` (`timeline_info` is an empty dict for a
    game without timeline)."""
    match, timeline = copy.deepcopy(game)
    match_info, timeline_info = info(match), info(timeline) if timeline is not None else {}
    platform = match_info["platformId"]
    for document, body in ((match, match_info), (timeline, timeline_info)):
        if document is None:
            continue
        body["gameId"] = game_id
        if "metadata" in document:
            document["metadata"]["matchId"] = f"{platform}_{game_id}"
    timeline_info.setdefault("platformId", platform)
    for key, value in (("queueId", queue), ("gameVersion", version), ("mapId", map_id)):
        if value is not None:
            match_info[key] = value
    if change:
        change(match_info, timeline_info)
    return match, timeline


def remake(match_info: dict, _: dict) -> None:
    """Every player's `gameEndedInEarlySurrender` set, as Riot writes a remake."""
    for player in match_info["participants"]:
        player["gameEndedInEarlySurrender"] = True


def winner_swapped(match_info: dict, _: dict) -> None:
    """The other team won."""
    for body in (*match_info["participants"], *match_info["teams"]):
        body["win"] = not body["win"]


def lasting(minutes: float) -> Callable[[dict, dict], None]:
    """The game lasted `minutes` (`gameDuration` in the unit the file already uses: milliseconds before
    patch 11.20)."""
    def change(match_info: dict, _: dict) -> None:
        unit = 1000 if match_info["gameDuration"] > 100_000 else 1
        match_info["gameDuration"] = round(minutes * 60 * unit)
    return change


def timeline_cut(frames: int) -> Callable[[dict, dict], None]:
    """The timeline keeps only its first `frames` frames (as if it stopped being recorded)."""
    def change(_: dict, timeline_info: dict) -> None:
        timeline_info["frames"] = timeline_info["frames"][:frames]
    return change


def changes(*steps: Callable[[dict, dict], None]) -> Callable[[dict, dict], None]:
    """Every change of `steps`, in order."""
    def change(match_info: dict, timeline_info: dict) -> None:
        for step in steps:
            step(match_info, timeline_info)
    return change


def away_from(minute: int, participant: int = 3) -> Callable[[dict, dict], None]:
    """`participant` stands still from `minute` on: the frames keep that minute's position and experience."""
    def change(_: dict, timeline_info: dict) -> None:
        frames = timeline_info["frames"]
        still = frames[minute]["participantFrames"][str(participant)]
        for frame in frames[minute + 1:]:
            player = frame["participantFrames"][str(participant)]
            player["position"], player["xp"] = dict(still["position"]), still["xp"]
    return change


def purchases_replaced(item_ids: list[int]) -> Callable[[dict, dict], None]:
    """Every ITEM_PURCHASED of the timeline buys the next id of `item_ids` in turn (cycling), and every
    other shop event is dropped, so each id is bought and kept."""
    def change(_: dict, timeline_info: dict) -> None:
        turn = 0
        for frame in timeline_info["frames"]:
            kept = []
            for event in frame["events"]:
                if event["type"] == "ITEM_PURCHASED":
                    event["itemId"] = item_ids[turn % len(item_ids)]
                    turn += 1
                if event["type"] not in ("ITEM_SOLD", "ITEM_UNDO", "ITEM_DESTROYED"):
                    kept.append(event)
            frame["events"] = kept
    return change


def dropped(folder: Path, games: list[Game]) -> None:
    """`games` written into the landing day `folder` as Riot delivers them: `<match id>.json` and
    `<match id>_timeline.json` (when the game has one)."""
    for match, timeline in games:
        name = f"{info(match)['platformId']}_{info(match)['gameId']}"
        (folder / f"{name}.json").write_text(json.dumps(match))
        if timeline is not None:
            (folder / f"{name}_timeline.json").write_text(json.dumps(timeline))


def parsed(games: list[Game]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """ETL `matches`, `participants`, `timeline_events` and `participant_frames` of `games`."""
    def name(match: dict) -> str:
        return f"{info(match)['platformId']}_{info(match)['gameId']}"
    matches = parse_matches([(f"{name(m)}.json", json.dumps(m).encode()) for m, _ in games])
    timelines = parse_timelines([(f"{name(m)}_timeline.json", json.dumps(t).encode()) for m, t in games
                                 if t is not None])
    assert not matches.rejects and not timelines.rejects
    return matches.matches, matches.participants, timelines.events, timelines.frames


def tables_of(games: list[Game]) -> dict[str, pl.DataFrame]:
    """Every lol table of `games`, by name."""
    return computed(dict(zip(("matches", "participants", "timeline_events", "participant_frames"), parsed(games),
                             strict=True)))
