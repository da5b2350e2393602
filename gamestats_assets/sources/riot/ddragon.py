"""Data Dragon reference files (``item.json``, ``champion.json``) as tables.

Item tiers follow the item shop's own structure, so a newer patch's files work unchanged:
- ``mythic``: the description carries ``<rarityMythic>``;
- ``legendary``: a completed item — built from components (``from``) or transformed from one
  (``specialRecipe``, e.g. Manamune → Muramana) — that builds into nothing a player can buy (only into Ornn's
  masterwork upgrades, which ``requiredAlly`` marks), and is neither boots, consumable nor trinket;
- ``boots``, ``consumable``, ``trinket`` by tag, ``starter`` for the cheap gold-income lines (the support
  quest items, whose upgrades cost nothing); everything else is ``component``.
Core items are the legendary and mythic ones.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "data" / "reference" / "lol"
SUMMONERS_RIFT = "11"
CORE_TIERS = ("legendary", "mythic")

ITEMS_SCHEMA = {"item_id": pl.Int64, "item_name": pl.String, "tier": pl.String, "is_core": pl.Boolean,
                "gold_total": pl.Int64, "upgrade_of": pl.Int64, "components": pl.List(pl.Int64)}
CHAMPIONS_SCHEMA = {"champion_id": pl.Int64, "champion_key": pl.String, "champion_name": pl.String}


def item_tier(item: dict, items: dict[str, dict]) -> str:
    """The tier of one Data Dragon item (see the module docstring)."""
    tags = set(item.get("tags", []))
    if "<rarityMythic>" in item.get("description", ""):
        return "mythic"
    if "Boots" in tags:
        return "boots"
    if "Consumable" in tags:
        return "consumable"
    if "Trinket" in tags:
        return "trinket"
    if "GoldPer" in tags and item.get("gold", {}).get("total", 0) < 1000:
        return "starter"
    built = bool(item.get("from")) or "specialRecipe" in item
    upgrades_for_sale = [i for i in item.get("into", []) if not items.get(i, {}).get("requiredAlly")]
    return "legendary" if built and not upgrades_for_sale else "component"


@cache
def items(reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Every Summoner's Rift item of ``item.json``: id, name, tier, core flag, total gold, the item it
    upgrades (``specialRecipe``) and its components."""
    data = json.loads((reference_dir / "item.json").read_text())["data"]
    rows = []
    for key, item in data.items():
        if not item.get("maps", {}).get(SUMMONERS_RIFT, True):
            continue
        tier = item_tier(item, data)
        rows.append({"item_id": int(key), "item_name": item["name"], "tier": tier, "is_core": tier in CORE_TIERS,
                     "gold_total": item.get("gold", {}).get("total"), "upgrade_of": item.get("specialRecipe"),
                     "components": [int(c) for c in item.get("from", [])]})
    return pl.DataFrame(rows, schema=ITEMS_SCHEMA)


@cache
def champions(reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Every champion of ``champion.json``: numeric id (Data Dragon's ``key``), key name and display name."""
    data = json.loads((reference_dir / "champion.json").read_text())["data"]
    return pl.DataFrame([{"champion_id": int(c["key"]), "champion_key": c["id"], "champion_name": c["name"]}
                         for c in data.values()], schema=CHAMPIONS_SCHEMA)
