"""The files a player's export holds (`GET /api/v1/users/export`): every landing and quarantine file of a domain with
players (`PLAYERS`: Rocket League, League of Legends, PUBG) that names one of the account's ids as that domain's
files name it (`domain_ids`), found as the deletion finds the files it rewrites or retires
(`lib/erasure/landing.files_naming`): a raw replay whose header lists the id, a JSON or JSON lines file (gzipped
or not, whatever its name: a ballchasing import, a training session, a stated rank, a PUBG match or telemetry file, a
LoL match or timeline) holding it. A file past the retention, or of a player deleted, is retired from landing or
rewritten, and so names them no more."""

from __future__ import annotations

from pathlib import Path

from gamestats_assets.lib.erasure.landing import files_naming
from gamestats_assets.published.players import PLAYERS
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.queries.users import domain_ids
from gamestats_assets.sources.held_players import PLAYERS_OF


def within(data_dir: Path, path: Path) -> bool:
    """Whether `path` is in `data_dir` once links are followed (a folder of landing linked elsewhere is not)."""
    return path.resolve().is_relative_to(data_dir.resolve())


def files_of_player(settings: ServeSettings, who: Principal) -> list[Path]:
    """The landing and quarantine files naming one of `who`'s own ids (an operator's too: its own, not
    everyone's), each once, in order, all within the data folder."""
    data_dir = Path(settings.data_dir)
    found = {path for domain, ids in domain_ids(who.player_ids).items() if domain in PLAYERS
             for player_id in ids for path in files_naming(data_dir, domain, player_id, PLAYERS_OF, whole=True)}
    return sorted(path for path in found if within(data_dir, path))
