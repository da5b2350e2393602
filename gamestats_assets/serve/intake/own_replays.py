"""The raw replays a player's export holds (`GET /api/v1/users/export`): every `.replay` file of the Rocket League
landing folder (landed in a day's folder, or still waiting in `.uploads`) whose header names one of the account's
players, on the platform the replay gives (`Principal.acts_for_any`). A replay past the retention, or of a player
deleted, is retired from landing and so is in no export."""

from __future__ import annotations

from pathlib import Path

from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.rocket_landing import door_of
from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone


def replays_of(settings: ServeSettings, who: Principal) -> list[Path]:
    """The raw replays in landing naming one of `who`'s own players (an operator's too: its own, not everyone's)."""
    own = Principal(who.name, "player", who.player_ids)
    if not own.player_ids:
        return []
    found = []
    for path in sorted(door_of(settings).folder.rglob("*.replay")):
        try:
            header = read_header_alone(path)
        except ReplayParseError:
            continue
        if any(own.acts_for(player.player_id, player.platform) for player in header.players):
            found.append(path)
    return found
