"""The official PUBG dictionaries committed under `data/reference/pubg` (see SOURCES.md there)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from gamestats_assets.lib.core.settings import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference" / "pubg"


@functools.cache
def dictionary(name: str, folder: Path = REFERENCE_DIR) -> dict[str, str]:
    """The dictionary `<name>.json` (id → display name), e.g. `damageCauserName`, `vehicleId`, `itemId`."""
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


MAP_SIZE_M = {"Baltic_Main": 8160, "Erangel_Main": 8160, "Desert_Main": 8160, "Tiger_Main": 8160, "Kiki_Main": 8160,
              "Neon_Main": 8160, "DihorOtok_Main": 8160, "Savage_Main": 4080, "Chimera_Main": 3060,
              "Summerland_Main": 2040, "Range_Main": 2040, "Heaven_Main": 1020}
"""The edge of each map (`mapName`) in metres: telemetry's `x` and `y` run from 0 to it (in centimetres), `y`
pointing south, as the PUBG API's assets draw the maps."""
DEFAULT_MAP_SIZE_M = 8160
"""A map not in `MAP_SIZE_M` (one newer than this list) is taken for a full-size one."""


def map_size_m(map_name: str | None) -> int:
    """The edge of `map_name` in metres (`MAP_SIZE_M`, else `DEFAULT_MAP_SIZE_M`)."""
    return MAP_SIZE_M.get(map_name or "", DEFAULT_MAP_SIZE_M)


def map_display_name(map_name: str | None) -> str | None:
    """The name players know `map_name` by (`mapName` of the dictionaries: `Baltic_Main` → Erangel
    (Remastered)); a map the dictionary lacks keeps its id."""
    return None if map_name is None else dictionary("mapName").get(map_name, map_name)


def game_mode_display_name(game_mode: str | None) -> str | None:
    """The name players know `game_mode` by (`gameMode` of the dictionaries: `squad-fpp` → Squad FPP); a mode the
    dictionary lacks keeps its id."""
    return None if game_mode is None else dictionary("gameMode").get(game_mode, game_mode)
