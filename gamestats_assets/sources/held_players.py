"""The players a source file holds, by file suffix, for the formats a deleted player cannot be written out of (a
raw Rocket League replay: its sections carry checksums): the ids its header lists."""

from __future__ import annotations

from pathlib import Path

from gamestats_assets.sources.replays.header import read_header_alone


def replay_players(path: Path) -> list[str]:
    """The ids of the players a raw replay's header lists."""
    return [player.player_id for player in read_header_alone(path).players]


PLAYERS_OF = {".replay": replay_players}
