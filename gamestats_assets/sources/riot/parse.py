"""Riot match-v5 files → columnar tables: matches, participants, timeline events, participant frames. Games
are keyed by `match_id` as Riot writes it (`<platformId>_<gameId>`); a file that cannot be read is returned as
a `Reject` with the reason, never dropped."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

import duckdb
import msgspec
import polars as pl

from gamestats_assets.lib.core.allocation import bulk_allocation
from gamestats_assets.lib.core.inputs import UnreadableInput, read_content
from gamestats_assets.lib.core.nul import NUL_REASON, holds_nul
from gamestats_assets.lib.intake.discovery import landing_files
from gamestats_assets.sources.riot import league, schema, timeline
from gamestats_assets.sources.riot.timeline import snake

MATCH_ID = re.compile(r"[A-Z][A-Z0-9]{0,19}_[0-9]{1,20}")
"""A match-v5 match id: `<PLATFORM>_<game id>` (`EUW1_123`, `ESPORTSTMNT01_2693492`)."""
TEAM_POSITIONS = ("TOP", "JUNGLE", "MIDDLE", "BOTTOM", "UTILITY", "")
"""The `teamPosition` values Riot writes (`""` when it assigned none, as in a remake or Arena); any other value
is read as null, so that no text of a file's choosing becomes part of a published key."""
TRUTH_FILE = "planted_effects.json"
"""What the synthetic emitter planted, written beside a day's games; not a Riot document."""
DURATION_IN_SECONDS_SINCE = (11, 20)
"""Before patch 11.20 `gameDuration` was in milliseconds; from 11.20 on it is in seconds, and the same patch
added `gameEndTimestamp`, whose presence is Riot's documented way to tell the two apart."""


@functools.cache
def events_schema() -> dict[str, pl.DataType]:
    """`lol/etl/timeline_events`: one row per event in the order Riot lists them, key (match_id, event_index)."""
    return dict(timeline_tables([])[0].schema)


PARTICIPANT_FIELDS = [f for f in schema.Participant.__struct_fields__ if f != "perks"]
TEXT_OR_NUMBER = {f for f in PARTICIPANT_FIELDS if schema.Participant.__annotations__[f].startswith("str | int")}
"""Participant fields older files write as numbers and newer ones as text (`summonerId`): read as text."""
RUNE_COLUMNS = {"rune_primary_style": pl.Int64, "rune_sub_style": pl.Int64, "rune_ids": pl.List(pl.Int64)}
"""The rune page of a player: its primary and secondary paths, and its runes in page order (keystone first)."""
PARTICIPANTS_SCHEMA = {
    "match_id": pl.String,
    **{snake(f): (pl.String if schema.Participant.__annotations__[f].startswith("str")
                  else pl.Boolean if schema.Participant.__annotations__[f].startswith("bool") else pl.Int64)
       for f in PARTICIPANT_FIELDS},
    **RUNE_COLUMNS,
}
"""`lol/etl/participants`: one row per player of a match (`ParticipantDto`), key (match_id, participant_id)."""


def rune_page(player: schema.Participant) -> dict:
    """The `RUNE_COLUMNS` of a player (nulls and an empty page for a file without `perks`)."""
    styles = {style.description: style for style in (player.perks.styles if player.perks else [])}
    primary, sub = styles.get("primaryStyle"), styles.get("subStyle")
    return {"rune_primary_style": primary.style if primary else None, "rune_sub_style": sub.style if sub else None,
            "rune_ids": [selection.perk for style in (primary, sub) if style for selection in style.selections
                         if selection.perk is not None]}

MATCHES_SCHEMA = {
    "match_id": pl.String, "platform_id": pl.String, "game_id": pl.Int64, "game_creation": pl.Datetime("ms", "UTC"),
    "game_start": pl.Datetime("ms", "UTC"), "game_duration_raw": pl.Int64, "duration_unit": pl.String,
    "game_duration_s": pl.Float64, "game_version": pl.String, "patch": pl.String, "queue_id": pl.Int64,
    "map_id": pl.Int64, "game_mode": pl.String, "game_type": pl.String, "winning_team_id": pl.Int64,
    "participants": pl.Int32, "banned_champion_ids": pl.List(pl.Int64), "has_metadata": pl.Boolean,
    "source_file": pl.String,
}
"""`lol/etl/matches`: one row per match (`MatchDto.info`), key match_id. `banned_champion_ids`: the champions
either team banned, each once, ascending (empty in a queue without bans)."""


@dataclass(frozen=True)
class Reject:
    """A file that could not be read, and why."""

    file: str
    reason: str


@dataclass
class ParsedMatches:
    matches: pl.DataFrame
    participants: pl.DataFrame
    rejects: list[Reject] = field(default_factory=list)


@dataclass
class ParsedTimelines:
    events: pl.DataFrame
    frames: pl.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    """Match id → the file its timeline was read from."""


def read_document(path: Path) -> bytes:
    """The JSON bytes of a landing file, gunzipped when the file is gzip (whatever its name says), within
    `GAMESTATS_MAX_DECOMPRESSED_BYTES`; `UnreadableInput` naming the file when broken or too large."""
    return read_content(path)


def read_documents(paths: Iterable[Path], rejects: list[Reject]) -> Iterator[tuple[str, bytes]]:
    """(name, JSON bytes) of each file of `paths` that can be read; the others added to `rejects` with why."""
    for path in paths:
        try:
            yield path.name, read_document(path)
        except (UnreadableInput, OSError) as error:
            rejects.append(Reject(path.name, str(error)))


def is_timeline_name(name: str) -> bool:
    """Whether a landing file name is a timeline (`<match id>_timeline.json[.gz]`)."""
    return name.split(".", 1)[0].endswith("_timeline")


def match_id_from_name(name: str, game_id: int | None) -> str | None:
    """`<platform>_<gameId>` from a file name like `EUW1_123_timeline.json` when its game id agrees."""
    stem = name.split(".", 1)[0].removesuffix("_timeline")
    platform, _, number = stem.rpartition("_")
    if platform and number.isdigit() and (game_id is None or int(number) == game_id):
        return stem
    return None


def patch_of(version: str | None) -> tuple[int, int] | None:
    if not version:
        return None
    parts = version.split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None
    return (major, minor) if 0 <= major < 1000 and 0 <= minor < 1000 else None


def duration_seconds(info: schema.MatchInfo) -> tuple[float | None, str | None]:
    """`gameDuration` in seconds, and the unit the file used (`ms` or `s`)."""
    if info.gameDuration is None:
        return None, None
    if info.gameEndTimestamp is not None:
        return float(info.gameDuration), "s"
    patch = patch_of(info.gameVersion)
    if patch is not None and patch >= DURATION_IN_SECONDS_SINCE:
        return float(info.gameDuration), "s"
    return info.gameDuration / 1000.0, "ms"


MATCH_DECODER = msgspec.json.Decoder(schema.MatchDocument)


def participant_values(players: Sequence[schema.Participant], attribute: str) -> list:
    """One field of every player, as text when older files write it as a number (`TEXT_OR_NUMBER`)."""
    values = list(map(attrgetter(attribute), players))
    return [None if v is None else str(v) for v in values] if attribute in TEXT_OR_NUMBER else values


def parse_matches(documents: Iterable[tuple[str, bytes]], held: dict[str, str] | None = None) -> ParsedMatches:
    """Match files (name, JSON bytes) → `matches` and `participants`; unreadable or duplicate files rejected (a
    match `held`, match id → file, was read before from another file)."""
    match_rows: list[dict] = []
    players: list[schema.Participant] = []
    player_matches: list[str] = []
    rejects: list[Reject] = []
    seen: dict[str, str] = dict(held or {})
    for name, data in documents:
        if holds_nul(data):
            rejects.append(Reject(name, f"the file {NUL_REASON}"))
            continue
        try:
            document = MATCH_DECODER.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            rejects.append(Reject(name, f"not a match-v5 MatchDto: {error}"))
            continue
        except RecursionError:
            rejects.append(Reject(name, "not a match-v5 MatchDto: JSON nested too deep to read"))
            continue
        info = document.info or document
        if info.frames or not info.participants:
            rejects.append(Reject(name, "a timeline, or a MatchDto without participants: a match file needs "
                                        "info.participants and no frames"))
            continue
        match_id = (document.metadata.matchId if document.metadata and document.metadata.matchId
                    else f"{info.platformId}_{info.gameId}" if info.platformId and info.gameId is not None
                    else match_id_from_name(name, info.gameId))
        if match_id is None:
            rejects.append(Reject(name, "no match id: no metadata.matchId, no info.platformId/gameId"))
            continue
        if not MATCH_ID.fullmatch(match_id):
            rejects.append(Reject(name, f"not a match-v5 match id (<PLATFORM>_<digits>): {match_id[:80]!r}"))
            continue
        if match_id in seen:
            rejects.append(Reject(name, f"duplicate of {seen[match_id]} (match {match_id})"))
            continue
        seen[match_id] = name
        seconds, unit = duration_seconds(info)
        winners = [team.teamId for team in info.teams or [] if team.win]
        patch = patch_of(info.gameVersion)
        match_rows.append({
            "match_id": match_id, "platform_id": info.platformId or match_id.rpartition("_")[0],
            "game_id": info.gameId, "game_creation": info.gameCreation, "game_start": info.gameStartTimestamp,
            "game_duration_raw": info.gameDuration, "duration_unit": unit, "game_duration_s": seconds,
            "game_version": info.gameVersion, "patch": f"{patch[0]}.{patch[1]}" if patch else None,
            "queue_id": info.queueId, "map_id": info.mapId, "game_mode": info.gameMode, "game_type": info.gameType,
            "winning_team_id": winners[0] if len(winners) == 1 else None, "participants": len(info.participants),
            "banned_champion_ids": banned_champions(info.teams), "has_metadata": document.metadata is not None, "source_file": name,
        })
        players.extend(info.participants)
        player_matches.extend([match_id] * len(info.participants))
    matches = pl.DataFrame(match_rows, schema={k: (pl.Int64 if isinstance(v, pl.Datetime) else v)
                                               for k, v in MATCHES_SCHEMA.items()})
    matches = matches.with_columns(pl.col("game_creation", "game_start").cast(pl.Datetime("ms", "UTC")))
    pages = [rune_page(player) for player in players]
    participants = pl.DataFrame({"match_id": player_matches, **{snake(attribute): participant_values(players, attribute)
                                                                 for attribute in PARTICIPANT_FIELDS},
                                 **{column: [page[column] for page in pages] for column in RUNE_COLUMNS}},
                                schema=PARTICIPANTS_SCHEMA)
    position = pl.col("team_position")
    participants = participants.with_columns(pl.when(position.is_in(TEAM_POSITIONS)).then(position).alias("team_position"))
    return ParsedMatches(matches, participants, rejects)


def banned_champions(teams: list[schema.Team] | None) -> list[int]:
    """The champions a game's teams banned, each once, ascending: a ban not used (`championId` -1) is none."""
    return sorted({ban.championId for team in teams or [] for ban in team.bans or []
                   if ban.championId is not None and ban.championId > 0})


def timeline_match_id(document: timeline.TimelineDocument, info: timeline.TimelineInfo, name: str,
                      platform_by_game: dict[int, str]) -> str | None:
    if document.metadata and document.metadata.matchId:
        return document.metadata.matchId
    if info.platformId and info.gameId is not None:
        return f"{info.platformId}_{info.gameId}"
    if info.gameId is not None and info.gameId in platform_by_game:
        return f"{platform_by_game[info.gameId]}_{info.gameId}"
    return match_id_from_name(name, info.gameId)


def parse_timelines(documents: Iterable[tuple[str, bytes]], platform_by_game: dict[int, str] | None = None,
                    held: dict[str, str] | None = None) -> ParsedTimelines:
    """Timeline files (name, JSON bytes) → `timeline_events` and `participant_frames`.

    `platform_by_game` (game id → platform id, from the batch's match files) names the match of a timeline
    that has neither the metadata wrapper nor a platform id. The batch is read at once, its first files' frames
    while later ones are still being decoded; if the reader refuses it (a known field with a value of the wrong
    type), each file is read alone and the bad ones rejected. A timeline of a match `held` (match id → file) was
    read before from another file: it is rejected as its duplicate.
    """
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as workers:
        return read_timelines(documents, platform_by_game or {}, timeline.TimelineReader(workers), held or {})


@bulk_allocation()
def read_timelines(documents: Iterable[tuple[str, bytes]], platform_by_game: dict[int, str],
                   reader: timeline.TimelineReader, held: dict[str, str]) -> ParsedTimelines:
    rejects: list[Reject] = []
    seen: dict[str, str] = dict(held)
    readable: list[tuple[str, str, list[timeline.RawFrame], bool]] = []
    for name, data in documents:
        if holds_nul(data):
            rejects.append(Reject(name, f"the file {NUL_REASON}"))
            continue
        try:
            document = timeline.DECODER.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            rejects.append(Reject(name, f"not a match-v5 MatchTimelineDto: {error}"))
            continue
        except RecursionError:
            rejects.append(Reject(name, "not a match-v5 MatchTimelineDto: JSON nested too deep to read"))
            continue
        info = document.info or document
        if info.frames is None:
            rejects.append(Reject(name, "MatchTimelineDto without frames (is it a match file?)"))
            continue
        match_id = timeline_match_id(document, info, name, platform_by_game)
        if match_id is None:
            rejects.append(Reject(name, "no match id: no metadata.matchId, no platformId, no match file of game "
                                        f"{info.gameId} and no '<platform>_<gameId>_timeline' file name"))
            continue
        if match_id in seen:
            rejects.append(Reject(name, f"duplicate of {seen[match_id]} (match {match_id})"))
            continue
        seen[match_id] = name
        readable.append((name, match_id, info.frames, b"\n" in data))
        reader.add(*readable[-1][1:])
    try:
        events, frames = reader.tables()
    except UNREADABLE:
        parts = []
        for one in readable:
            try:
                parts.append(timeline_tables([one]))
            except UNREADABLE as error:
                rejects.append(Reject(one[0], f"events or participant frames not in the match-v5 shape: {error}"))
        events = pl.concat([e for e, _ in parts], how="diagonal_relaxed") if parts else timeline_tables([])[0]
        frames = pl.concat([f for _, f in parts]) if parts else timeline_tables([])[1]
    return ParsedTimelines(events, frames, rejects, {match_id: name for name, match_id, _, _ in readable})


UNREADABLE = (duckdb.Error, pl.exceptions.PolarsError, timeline.ShapeError)
"""How the timeline reader refuses a batch holding a file whose events or participant frames are malformed."""


def timeline_tables(readable: Sequence[tuple[str, str, list, bool]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The events and participant frames of decoded timelines (name, match id, frames, multiline)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as workers:
        reader = timeline.TimelineReader(workers)
        for _, match_id, frames, multiline in readable:
            reader.add(match_id, frames, multiline)
        return reader.tables()


def riot_files(folder: Path) -> list[Path]:
    """The files of a landing folder read as Riot match-v5 files (`is_riot_name`; hidden files aside:
    `landing_files`)."""
    return landing_files(folder, is_riot_name)


def league_files(folder: Path) -> list[Path]:
    """The league files of a landing folder (`is_league_file_name`)."""
    return landing_files(folder, is_league_file_name)


def is_riot_name(name: str) -> bool:
    """Whether a landing file named `name` is read as a Riot match-v5 file: `*.json` and `*.json.gz`, except league
    files (`league.is_league_name`) and the emitter's `TRUTH_FILE`."""
    return name.endswith((".json", ".json.gz")) and name != TRUTH_FILE and not league.is_league_name(name)


def is_league_file_name(name: str) -> bool:
    """Whether a landing file named `name` is read as a league file: `*.json` or `*.json.gz` that
    `league.is_league_name` takes."""
    return name.endswith((".json", ".json.gz")) and league.is_league_name(name)


def parse_league_files(paths: Iterable[Path]) -> tuple[pl.DataFrame, list[Reject]]:
    """The entries of league files (`league.entry_rows`), each row with its file (`source_file`), and the files
    that could not be read, with why."""
    frames, rejects = [], []
    for name, document in read_documents(paths, rejects):
        try:
            frames.append(league.entry_rows(msgspec.json.decode(document)).with_columns(
                pl.lit(name).alias("source_file")))
        except msgspec.DecodeError as error:
            rejects.append(Reject(name, f"a league file that is not JSON: {error}"))
        except ValueError as error:
            rejects.append(Reject(name, f"a league file {error}"))
    empty = pl.DataFrame(schema={**league.ENTRIES_SCHEMA, "source_file": pl.String})
    return pl.concat([empty, *frames]), rejects


def parse_folder(folder: Path) -> tuple[ParsedMatches, ParsedTimelines]:
    """Every Riot file of a landing folder (`riot_files`, `parse_files`)."""
    return parse_files(riot_files(folder))


@dataclass(frozen=True)
class Held:
    """What earlier reads of a day's other files hold: match id → file, of match files and of timelines, and the
    platform of each game id (which names an info-only timeline)."""

    matches: dict[str, str] = field(default_factory=dict)
    timelines: dict[str, str] = field(default_factory=dict)
    platforms: dict[int, str] = field(default_factory=dict)


def held_after(held: Held, matches: ParsedMatches, timelines: ParsedTimelines) -> Held:
    """What `held` and the files just read (`parse_files`) hold together: a later batch of the day's files finds its
    duplicates of either, and names its info-only timelines by the platforms of both."""
    read = matches.matches
    return Held(matches={**held.matches, **dict(read.select("match_id", "source_file").iter_rows())},
                timelines={**held.timelines, **timelines.files},
                platforms={**held.platforms, **dict(read.select(pl.col("game_id").cast(pl.Int64), "platform_id")
                                                    .iter_rows())})


def parse_files(paths: Sequence[Path], held: Held = Held()) -> tuple[ParsedMatches, ParsedTimelines]:
    """Riot files of one landing folder, matches first so their platforms (and those `held`) name info-only
    timelines; a match or timeline `held` from another file is rejected as its duplicate."""
    unreadable_matches, unreadable_timelines = [], []
    match_files = list(read_documents([p for p in paths if not is_timeline_name(p.name)], unreadable_matches))
    matches = parse_matches(match_files, held.matches)
    matches.rejects.extend(unreadable_matches)
    platforms = {**held.platforms, **dict(zip(matches.matches["game_id"].to_list(),
                                              matches.matches["platform_id"].to_list(), strict=True))}
    timelines = parse_timelines(read_documents([p for p in paths if is_timeline_name(p.name)], unreadable_timelines),
                                platforms, held.timelines)
    timelines.rejects.extend(unreadable_timelines)
    return matches, timelines
