"""A day's landing folder (`landing/rocket/<YYYY-MM-DD>/`, searched recursively) read into parsed matches
(`read_day`), or only some of its files (`read_files`), each thing read knowing its file."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl

from gamestats_assets.lib.core.nul import NUL_REASON
from gamestats_assets.lib.core.pool import Outcome, ProcessDied, each_in_processes
from gamestats_assets.lib.intake.discovery import visible_files
from gamestats_assets.lib.intake.file_rows import FILE_COLUMN, file_name
from gamestats_assets.sources.ballchasing.carball import parse_carball_json
from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER, TOP_TIER
from gamestats_assets.sources.ballchasing.records import ParsedMatch
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets.sources.replays.goals import GOALS_SCHEMA
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets.sources.replays.heatmap import CELLS_SCHEMA
from gamestats_assets.sources.replays.parsed import Parse, parse_replay, taken
from gamestats_assets.sources.replays.playback import PLAYBACK_SCHEMA

TRUTH_FILE = "planted_weaknesses.json"
SESSIONS_PREFIX = "training_sessions"
STATED_PREFIX = "stated_ranks"
T = TypeVar("T")
SESSION_SCHEMA = {"session_id": pl.String, "player_id": pl.String, "pack_code": pl.String,
                  "started_at": pl.String, "duration_seconds": pl.Int64, "attempts": pl.Int64,
                  "successes": pl.Int64}
STATED_SCHEMA = {"statement_id": pl.String, "player_id": pl.String, "playlist": pl.String, "rank_tier": pl.Int64,
                 "rank_division": pl.Int64, "stated_at": pl.String}
"""A rank a player states on their profile, as `stated_ranks*.jsonl` lines hold it (`POST /player/stated-rank`)."""


@dataclass
class LandingDay:
    """What a day's files hold: matches from every source (`files`: the file of each), the raw replays' position cells,
    playback frames and goals, training sessions, stated ranks and truth (each with its file), rejected files, and
    what the replays' parse cost."""

    folder: Path
    matches: list[ParsedMatch] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    positions: list[pl.DataFrame] = field(default_factory=list)
    playbacks: list[pl.DataFrame] = field(default_factory=list)
    goals: list[pl.DataFrame] = field(default_factory=list)
    sessions: list[pl.DataFrame] = field(default_factory=list)
    stated: list[pl.DataFrame] = field(default_factory=list)
    truth: list[tuple[str, dict]] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    replays_parse_seconds: float = 0.0
    """Wall seconds the raw replays' parse took (`parse_replays`)."""
    replays_parse_cpu_seconds: float = 0.0
    """CPU seconds the processes parsing them spent on them."""
    taken_ahead: list[str] = field(default_factory=list)
    """The keys of the replays' parses taken from those kept ahead (`parsed.taken`), for the caller to discard
    once the day is written."""

    def sessions_frame(self) -> pl.DataFrame:
        """Every training-session line read (`SESSION_SCHEMA`, and `source_file`)."""
        return pl.concat([pl.DataFrame(schema={**SESSION_SCHEMA, FILE_COLUMN: pl.String}), *self.sessions],
                         how="vertical_relaxed")

    def stated_frame(self) -> pl.DataFrame:
        """Every stated-rank line read (`STATED_SCHEMA`, and `source_file`)."""
        return pl.concat([pl.DataFrame(schema={**STATED_SCHEMA, FILE_COLUMN: pl.String}), *self.stated],
                         how="vertical_relaxed")

    def positions_frame(self) -> pl.DataFrame:
        """Every raw replay's position cells (`heatmap.CELLS_SCHEMA`, and `source_file`)."""
        return pl.concat([pl.DataFrame(schema={**CELLS_SCHEMA, FILE_COLUMN: pl.String}), *self.positions],
                         how="vertical_relaxed")

    def playback_frame(self) -> pl.DataFrame:
        """Every raw replay's playback frames (`playback.PLAYBACK_SCHEMA`, and `source_file`)."""
        return pl.concat([pl.DataFrame(schema={**PLAYBACK_SCHEMA, FILE_COLUMN: pl.String}), *self.playbacks],
                         how="vertical_relaxed")

    def goals_frame(self) -> pl.DataFrame:
        """Every raw replay's goals (`goals.GOALS_SCHEMA`, and `source_file`)."""
        return pl.concat([pl.DataFrame(schema={**GOALS_SCHEMA, FILE_COLUMN: pl.String}), *self.goals],
                         how="vertical_relaxed")

    def add(self, path: Path, matches: list[ParsedMatch]) -> None:
        self.matches.extend(matches)
        self.files.extend([file_name(self.folder, path)] * len(matches))


Held = dict[str, tuple[str, bool]]
"""The raw replays of the day read on earlier runs: match id → the file and whether its stream read."""


def _json_matches(document: object) -> list[ParsedMatch]:
    if isinstance(document, dict) and "gameMetadata" in document:
        return [parse_carball_json(document)]
    if isinstance(document, dict) and isinstance(document.get("list"), list):
        return [parse_replay_json(entry) for entry in document["list"]]
    if isinstance(document, dict) and "rocket_league_id" in document:
        return [parse_replay_json(document)]
    raise ValueError("JSON that is neither a ballchasing replay, a ballchasing list nor a carball analysis")


def _texts(value: object) -> Iterator[str]:
    """Every text in a parsed match, its players' included."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for member in dataclasses.fields(value):
            yield from _texts(getattr(value, member.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def _without_nul(read: list[T]) -> list[T]:
    """`read` (parsed matches, a replay's header); ValueError when a text of theirs holds a NUL character."""
    if any("\x00" in text for text in _texts(read)):
        raise ValueError(f"the file {NUL_REASON}")
    return read


def _sessions(path: Path) -> pl.DataFrame:
    frame = pl.read_ndjson(path, schema=SESSION_SCHEMA)
    if frame["player_id"].is_null().any() or frame["pack_code"].is_null().any():
        raise ValueError("training-session lines without player_id or pack_code")
    if frame.select(pl.any_horizontal(pl.col(pl.String).str.contains("\x00", literal=True).any())).item():
        raise ValueError(f"the file {NUL_REASON}")
    return frame


def _stated(path: Path) -> pl.DataFrame:
    """A `stated_ranks*.jsonl` file's lines; ValueError unless each names its statement, player and playlist and a
    rank on the ladder (tier 1–22, division 1–4, Supersonic Legend's 1) at a time that reads."""
    frame = pl.read_ndjson(path, schema=STATED_SCHEMA)
    if frame.select(pl.any_horizontal(pl.all().is_null()).any()).item():
        raise ValueError("stated-rank lines without statement_id, player_id, playlist, rank or stated_at")
    on_ladder = (pl.col("rank_tier").is_between(1, TOP_TIER) & pl.col("rank_division").is_between(1, DIVISIONS_PER_TIER)
                 & ((pl.col("rank_tier") < TOP_TIER) | (pl.col("rank_division") == 1)))
    if not frame.select(on_ladder.all()).item():
        raise ValueError("a stated rank off the ladder (tier 1-22, division 1-4, Supersonic Legend's 1)")
    if frame.select(pl.col("stated_at").str.to_datetime(time_zone="UTC", strict=False).is_null().any()).item():
        raise ValueError("a stated rank whose stated_at is not a time")
    if frame.select(pl.any_horizontal(pl.col(pl.String).str.contains("\x00", literal=True).any())).item():
        raise ValueError(f"the file {NUL_REASON}")
    return frame


Parsed = dict[Path, Outcome[Parse]]
"""Raw replays parsed before they are added (`parse_replays`): path → what `parse_replay` returned, or the error it
raised, and its CPU seconds."""


def _to_parse(paths: list[Path], held: Held) -> list[Path]:
    """The raw replays among `paths` whose header reads and names no game `held` has read whole: the ones
    `_add_replay` parses (a second copy of a game among `paths` too, the copies judged after). A header that does
    not read is left to `_add_replay`, which rejects its file with the reason."""
    chosen = []
    for path in paths:
        if path.suffix != ".replay":
            continue
        try:
            match_id = read_header_alone(path).match_id
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
        if not (match_id in held and held[match_id][1]):
            chosen.append(path)
    return chosen


def parse_replays(paths: list[Path], held: Held, workers: int | None = None, ahead: Path | None = None
                  ) -> tuple[Parsed, list[str]]:
    """The raw replays among `paths` that a read parses (`_to_parse`): each one parsed ahead into the folder
    `ahead` taken from there (at no CPU cost), the others parsed a process per core (`each_in_processes`, `workers`
    of them when given), where one that fails, or kills its process, answers its error and costs no other; and the
    keys of the parses taken."""
    parsed: Parsed = {}
    keys = []
    for path in _to_parse(paths, held):
        kept = taken(path, ahead) if ahead is not None else None
        if kept is not None:
            keys.append(kept[0])
            parsed[path] = Outcome(kept[1], 0.0)
        else:
            parsed[path] = None
    chosen = [path for path, outcome in parsed.items() if outcome is None]
    parsed.update(zip(chosen, each_in_processes(parse_replay, chosen, workers, preload=[parse_replay.__module__]),
                      strict=True))
    return parsed, keys


def _parsed(path: Path, parsed: Parsed) -> Parse:
    """What `parse_replay` returned for `path`, parsed ahead or now; the error it raised, raised again."""
    outcome = parsed[path].value if path in parsed else parse_replay(path)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _add_replay(day: LandingDay, path: Path, kept: dict[str, tuple[Path, int]], held: Held, parsed: Parsed) -> None:
    """Add the raw replay at `path` to `day`, unless it is a second file of a game `kept` (match id → its file and
    its place in `day.matches`) or `held` (read on an earlier run) holds: one of the two is then rejected as the
    other's duplicate, the one whose stream reads kept (an unreadable one gave no position cells). The header tells
    the game, so a copy of a game already read whole is not parsed again."""
    [header] = _without_nul([read_header_alone(path)])
    if (seen := kept.get(header.match_id)) and day.matches[seen[1]].frames_null_reason is None:
        day.rejected.append((path, f"duplicate of {seen[0].name} (match {day.matches[seen[1]].match_id})"))
        return
    if (earlier := held.get(header.match_id)) and earlier[1]:
        day.rejected.append((path, f"duplicate of {Path(earlier[0]).name} (match {header.match_id})"))
        return
    match, cells, playback, goals = _parsed(path, parsed)
    _without_nul([match])
    if match.match_id in kept or match.match_id in held:
        first = kept[match.match_id][0] if match.match_id in kept else day.folder / held[match.match_id][0]
        if match.frames_null_reason is not None:
            day.rejected.append((path, f"duplicate of {first.name} (match {match.match_id})"))
            return
        day.rejected.append((first, f"duplicate of {path.name} (match {match.match_id}), whose stream reads"))
    if match.match_id in kept:
        index = kept[match.match_id][1]
        day.matches[index] = match
        day.files[index] = file_name(day.folder, path)
    else:
        index = len(day.matches)
        day.add(path, [match])
    kept[match.match_id] = (path, index)
    day.positions.append(cells.with_columns(pl.lit(file_name(day.folder, path)).alias(FILE_COLUMN)))
    day.playbacks.append(playback.with_columns(pl.lit(file_name(day.folder, path)).alias(FILE_COLUMN)))
    day.goals.append(goals.with_columns(pl.lit(file_name(day.folder, path)).alias(FILE_COLUMN)))


def read_day(folder: Path) -> LandingDay:
    """Every file under `folder` (hidden and partial files aside), parsed or rejected with its reason
    (`read_files`)."""
    return read_files(folder, visible_files(folder, recursive=True))


def read_files(folder: Path, paths: list[Path], held: Held | None = None, workers: int | None = None,
               ahead: Path | None = None) -> LandingDay:
    """The files `paths` of the day folder `folder`, parsed or rejected with its reason. Files are recognised by their
    format, not their place: `*.replay` (a raw replay; its header's scoreboard alone, flagged, when its stream cannot
    be read), `*.json` with `rocket_league_id` (a ballchasing replay or list page) or with `gameMetadata` (a carball
    analysis), `training_sessions*.jsonl`, `stated_ranks*.jsonl` (`_stated`) and `planted_weaknesses.json`. Anything
    else, a file that does not parse, or one holding a NUL character (PostgreSQL stores none) is rejected, for the
    caller to quarantine; so is a second raw replay of a game already read from another file (a copy delivered again,
    `game (1).replay`), here or on an earlier run (`held`), as a duplicate of it, the one whose stream reads kept (an
    unreadable one gave no position cells): an earlier file that loses so is rejected too. Raw replays are parsed a
    process per core (`workers` when given, `parse_replays`); one whose parse kills its process is rejected with that
    reason. A replay parsed ahead into the folder `ahead` (an upload, `parsed.parse_ahead`) is taken from there
    (`LandingDay.taken_ahead`), not parsed again."""
    day = LandingDay(folder)
    replays: dict[str, tuple[Path, int]] = {}
    started = time.perf_counter()
    parsed, day.taken_ahead = parse_replays(paths, held or {}, workers, ahead)
    day.replays_parse_seconds = time.perf_counter() - started
    day.replays_parse_cpu_seconds = sum(outcome.cpu_seconds for outcome in parsed.values())
    for path in paths:
        name = file_name(folder, path)
        try:
            if path.suffix == ".replay":
                _add_replay(day, path, replays, held or {}, parsed)
            elif path.name == TRUTH_FILE:
                day.truth.append((name, json.loads(path.read_text())))
            elif path.name.startswith(SESSIONS_PREFIX) and path.suffix == ".jsonl":
                day.sessions.append(_sessions(path).with_columns(pl.lit(name).alias(FILE_COLUMN)))
            elif path.name.startswith(STATED_PREFIX) and path.suffix == ".jsonl":
                day.stated.append(_stated(path).with_columns(pl.lit(name).alias(FILE_COLUMN)))
            elif path.suffix == ".json":
                day.add(path, _without_nul(_json_matches(json.loads(path.read_text(encoding="utf-8-sig")))))
            else:
                day.rejected.append((path, "not a Rocket League file: expected .replay, ballchasing or carball "
                                           ".json, training_sessions*.jsonl or stated_ranks*.jsonl"))
        except (ValueError, KeyError, TypeError, AttributeError, pl.exceptions.PolarsError, ProcessDied) as error:
            day.rejected.append((path, f"{type(error).__name__}: {error}"))
        except RecursionError:
            day.rejected.append((path, "JSON nested too deep to read"))
    return day
