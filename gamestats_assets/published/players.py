"""The domains whose rows name real players, each with the columns that do (its `PLAYERS`): what a player's deletion
takes out and every write of the lake redacts (`lib/erasure/`), for the code location, the CLI and the API
alike. The other domains' accounts are a synthetic population."""

from gamestats_assets.lib.erasure.register import Identity
from gamestats_assets.published import lol, pubg, rocket

PLAYERS: dict[str, Identity] = {"rocket": rocket.PLAYERS, "lol": lol.PLAYERS, "pubg": pubg.PLAYERS}
