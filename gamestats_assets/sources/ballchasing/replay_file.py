"""A ballchasing replay's raw file (`GET /replays/{id}/file`, served to a key holder), landed beside its JSON as an
upload lands, so that an imported game is read from its frames: `landing/rocket/<day>/<match id>.replay` through the
door (`lib/intake/door.py`), whose rules an upload's landing keeps too: a whole replay (its header and both sections'
CRCs), of the game the JSON names, naming no player deleted at their request; a game already held as a raw replay
(an upload, an earlier import) keeps its file. Where the file cannot be had, its JSON lands with why
(`FILE_MISSING`), which the JSON's figures that need frames give as their null reason."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gamestats_assets.lib.core.inputs import UnreadableInput
from gamestats_assets.lib.intake.door import KEEP, Door, NamesDeletedPlayer
from gamestats_assets.lib.intake.http import ApiClient, ApiError, MissingApiKey
from gamestats_assets.sources.replays.header import ReplayHeader, ReplayParseError, read_header_alone
from gamestats_assets.sources.replays.sections import DamagedReplay, check_sections

FILE_MISSING = "gamestats_replay_file_missing"
"""The key of a landed ballchasing JSON saying why its replay file could not be had (absent when it was)."""


def replay_file(client: ApiClient, replay_id: str) -> bytes | str:
    """The raw replay of the ballchasing replay `replay_id`, or why it could not be had (no key, none served, a
    refusal or failure of ballchasing's, an answer that is not one)."""
    try:
        return client.get_bytes(f"/replays/{replay_id}/file")
    except MissingApiKey:
        return "this server has no ballchasing key to download it with"
    except ApiError as error:
        if error.status == 404:
            return "ballchasing serves no replay file of it (HTTP 404)"
        return f"ballchasing did not give it ({error})"
    except UnreadableInput as error:
        return f"ballchasing's answer is not a replay file ({error})"


def read_replay(data: bytes, match_id: str) -> ReplayHeader | str:
    """The header of the whole replay `data` of the game `match_id`, or why it is not one."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.replay"
        path.write_bytes(data)
        try:
            header = read_header_alone(path)
        except ReplayParseError as error:
            return f"the file ballchasing served is not a Rocket League replay ({str(error).split(': ', 1)[-1]})"
    try:
        check_sections(data)
    except DamagedReplay as damage:
        return f"the file ballchasing served is not a whole replay ({damage})"
    if header.match_id.lower() != match_id:
        return f"the file ballchasing served is of another game (match {header.match_id.lower()})"
    return header


def land_replay_file(client: ApiClient, door: Door, day: str, replay_id: str, match_id: str) -> str | None:
    """Download the raw replay of the ballchasing replay `replay_id` (the game `match_id`) and land it through
    `door` as `<day>/<match id>.replay`, unless a raw replay of that game is held already; why it is not held when
    it could not be had, None when the game has its raw replay."""
    if door.found(f"*/{match_id}.replay") is not None:
        return None
    data = replay_file(client, replay_id)
    if isinstance(data, str):
        return data
    header = read_replay(data, match_id)
    if isinstance(header, str):
        return header
    try:
        door.land((day, f"{match_id}.replay"), data, players=[player.player_id for player in header.players],
                  conflict=KEEP)
    except NamesDeletedPlayer:
        return "it names a player deleted at their request, whom no format lets a raw replay be written without"
    return None


def with_file_fate(document: Mapping[str, Any], missing: str | None) -> dict[str, Any]:
    """ballchasing's JSON `document` as it lands: with why its replay file could not be had (`FILE_MISSING`)."""
    return {**document, FILE_MISSING: missing} if missing else dict(document)
