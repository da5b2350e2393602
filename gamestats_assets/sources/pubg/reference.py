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
