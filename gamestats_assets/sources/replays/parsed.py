"""A raw replay parsed into its match, its players' position cells, its playback frames and its goals
(`parse_replay`), and parsed ahead of its run (`parse_ahead`): an upload is parsed while it is received, and the
day's run takes that parse (`taken`) instead of parsing the file again.

What is parsed ahead is kept in a folder of its own (the platform's `state/ahead/rocket/`), named by the file's
content digest and the parser's version (`PARSER_VERSION`), as the match (`<key>.json`, written last), its cells
(`<key>.parquet`), its playback frames (`<key>.playback.parquet`) and its goals (`<key>.goals.parquet`); a file
whose bytes or parser changed finds nothing there and is parsed by its run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import time
from importlib.metadata import version
from pathlib import Path

import polars as pl

from gamestats_assets.lib.core.state_files import write_state_file
from gamestats_assets.lib.core.landing_records import ahead_path
from gamestats_assets.sources.ballchasing.records import ParsedMatch, ParsedPlayer, StatValue
from gamestats_assets.sources.replays.claims import check_claims
from gamestats_assets.sources.replays.features import header_match, replay_match
from gamestats_assets.sources.replays.frames import read_frames
from gamestats_assets.sources.replays.goals import GOALS_SCHEMA, goal_rows
from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone
from gamestats_assets.sources.replays.heatmap import CELLS_SCHEMA, position_cells
from gamestats_assets.sources.replays.playback import PLAYBACK_SCHEMA, playback_frames

Parse = tuple[ParsedMatch, pl.DataFrame, pl.DataFrame, pl.DataFrame]
"""A replay's match, its players' position cells (`heatmap.CELLS_SCHEMA`), its playback frames
(`playback.PLAYBACK_SCHEMA`) and its goals (`goals.GOALS_SCHEMA`)."""
KEPT = (".parquet", ".playback.parquet", ".goals.parquet")
"""The suffixes of a parse's tables kept ahead, in `Parse`'s order."""


def parse_replay(path: Path) -> Parse:
    """A raw replay with its frames, its players' position cells, its playback frames and its goals, or, when its
    network stream cannot be read, its header's scoreboard flagged with the reason and no cells, playback nor
    goals; `ReplayParseError` when not even the header reads, `claims.InconsistentReplay` when the header claims
    what the frames contradict."""
    try:
        frames = read_frames(path)
    except ReplayParseError as unreadable:
        return (header_match(read_header_alone(path), str(unreadable)), pl.DataFrame(schema=CELLS_SCHEMA),
                pl.DataFrame(schema=PLAYBACK_SCHEMA), pl.DataFrame(schema=GOALS_SCHEMA))
    check_claims(frames)
    match = replay_match(frames)
    return (match, position_cells(frames, match.match_id), playback_frames(frames, match.match_id),
            goal_rows(frames, match.match_id))


@functools.cache
def parser_version() -> str:
    """What a parse depends on: subtr-actor's release and the source of the modules that read a replay."""
    sources = sorted(Path(__file__).parent.glob("*.py")) + [Path(__file__).parents[1] / "ballchasing" / "records.py"]
    text = hashlib.blake2b(digest_size=8)
    text.update(version("subtr-actor-py").encode())
    for source in sources:
        text.update(source.read_bytes())
    return text.hexdigest()


STALE_SECONDS = 86_400
"""A parse kept ahead that no run took within a day (its upload refused, or its game held already) is removed."""


def ahead_folder(data_dir: str | Path) -> Path:
    """Where the replays parsed ahead of their run are kept under the data folder `data_dir`."""
    return ahead_path(data_dir, "rocket")


def ahead_key(path: Path) -> str:
    """The name a parse of the file at `path` is kept under: its content's digest and the parser's version."""
    with path.open("rb") as handle:
        content = hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
    return f"{content}-{parser_version()}"


def _encoded(match: ParsedMatch) -> str:
    return json.dumps(dataclasses.asdict(match), default=lambda value: value.isoformat())


def _decoded(text: str) -> ParsedMatch:
    document = json.loads(text)
    players = tuple(ParsedPlayer(**{**player, "stats": tuple(StatValue(**stat) for stat in player["stats"])})
                    for player in document.pop("players"))
    return ParsedMatch(**{**document, "played_at": dt.datetime.fromisoformat(document["played_at"]),
                          "players": players})


def parse_ahead(path: Path, folder: Path) -> str:
    """Parse the replay at `path` and keep what it gives in `folder`; its key. A replay whose header does not read
    raises `ReplayParseError`, and nothing is kept."""
    key = ahead_key(path)
    match, *tables = parse_replay(path)
    for suffix, table in zip(KEPT, tables, strict=True):
        written = io.BytesIO()
        table.write_parquet(written)
        write_state_file(folder / f"{key}{suffix}", written.getvalue())
    write_state_file(folder / f"{key}.json", _encoded(match))
    return key


def taken(path: Path, folder: Path) -> tuple[str, Parse] | None:
    """The parse of the file at `path` kept ahead in `folder` and its key, or None when none is kept for these
    bytes and this parser."""
    key = ahead_key(path)
    try:
        match = _decoded((folder / f"{key}.json").read_text())
        return key, (match, *(pl.read_parquet(folder / f"{key}{suffix}") for suffix in KEPT))
    except (OSError, ValueError, TypeError, KeyError, pl.exceptions.PolarsError):
        return None


def discard(folder: Path, keys: list[str]) -> None:
    """Remove the parses kept under `keys` from `folder`, and every one kept there longer than `STALE_SECONDS`."""
    for key in keys:
        for suffix in (".json", *KEPT):
            (folder / f"{key}{suffix}").unlink(missing_ok=True)
    stale = time.time() - STALE_SECONDS
    for path in folder.glob("*") if folder.is_dir() else ():
        try:
            if path.stat().st_mtime < stale:
                path.unlink()
        except FileNotFoundError:
            continue
