"""The files a player's export holds (`GET /api/v1/users/export`): every file of the Rocket League landing folder
(landed in a day's folder, or still waiting in `.uploads`) that names one of the account's players: a raw replay
whose header names them on the platform it gives (`Principal.acts_for`), a JSON or JSON lines file (a ballchasing
import, a training session, a stated rank) holding one of their ids as a value. A file past the retention, or of a
player deleted, is retired from landing or rewritten, and so names them no more."""

from __future__ import annotations

import json
from pathlib import Path

from gamestats_assets.lib.core.inputs import read_content
from gamestats_assets.lib.erasure.landing import files_of, is_text
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.rocket_landing import door_of
from gamestats_assets.serve.queries.users import domain_ids
from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone


def names(path: Path, own: Principal, needles: tuple[bytes, ...]) -> bool:
    """Whether the landing file at `path` names one of `own`'s players."""
    if path.suffix == ".replay":
        try:
            return any(own.acts_for(p.player_id, p.platform) for p in read_header_alone(path).players)
        except ReplayParseError:
            return False
    return is_text(path) and any(needle in read_content(path) for needle in needles)


def files_of_player(settings: ServeSettings, who: Principal) -> list[Path]:
    """The Rocket League landing files naming one of `who`'s own players (an operator's too: its own, not
    everyone's)."""
    own = Principal(who.name, "player", who.player_ids)
    needles = tuple(json.dumps(player_id).encode() for player_id in domain_ids(who.player_ids).get("rocket", ()))
    if not needles:
        return []
    return [path for path in files_of(door_of(settings).folder) if names(path, own, needles)]
