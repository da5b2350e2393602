"""The training-pack catalogue format: real custom training packs, each mapped to the skills it trains.

The catalogue file (`data/reference/rocket/training_packs.json`, `{"packs": [...]}`, starting with a UTF-8
byte-order mark) lists code, name, creator, difficulty (a rank metal or null), tags and shot count."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import polars as pl

from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER, METALS, division_index

CATALOGUE_FILE = "training_packs.json"

CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "aerials": ("aerial", "air roll", "redirect", "ceiling", "flip reset", "double tap", "wall shot"),
    "saves": ("save", "defen", "goalie", "clear", "backboard", "back wall", "shadow"),
    "shooting": ("shot", "shoot", "offensive", "rebound", "tight angle", "placement", "power", "finish"),
    "dribbling": ("dribbl", "flick", "control", "carry", "2 touches", "self setup"),
    "first_touch": ("first touch", "read", "catch", "bounce"),
    "positioning": ("position", "shadow", "defensive rotation"),
    "rotation": ("rotation", "transition", "follow your shot"),
    "recoveries": ("recover", "half flip", "half-flip", "wave dash", "wavedash", "landi", "awkward"),
    "kickoffs": ("kickoff", "speedflip", "speed flip"),
    "boost": ("boost", "focus on speed", "powerslide"),
}
"""Keywords (lower-case substrings of a tag or the name) that put a pack in a skill category; a stem where the
catalogue spells a word several ways (`landi`: landing, and the catalogue's "landiing")."""

SCHEMA = {"code": pl.String, "name": pl.String, "creator": pl.String, "difficulty": pl.String,
          "difficulty_index": pl.Int32, "tags": pl.String, "shots": pl.Int32, "categories": pl.String}
SEPARATOR = ";"
"""Joins a pack's tags and categories into one text column, so the table stays flat for PostgreSQL."""


def difficulty_index(difficulty: str | None) -> int | None:
    """The division index a pack's difficulty stands for: the middle of its metal (tier II, division 2),
    the first tier of Supersonic Legend, None when the pack has no difficulty."""
    if not difficulty:
        return None
    slug = difficulty.strip().lower().replace(" ", "-")
    if slug == "supersonic-legend":
        return division_index(22, 1)
    if slug not in METALS:
        return None
    return division_index(METALS.index(slug) * 3 + 2, DIVISIONS_PER_TIER // 2)


def categories_of(name: str, tags: list[str]) -> list[str]:
    """The skill categories of a pack: every category one of whose `CATEGORY_KEYWORDS` occurs in its tags or
    name (lower-cased, as a substring); `["general"]` if none."""
    texts = [name.lower(), *(tag.lower() for tag in tags)]
    found = [category for category, keywords in CATEGORY_KEYWORDS.items()
             if any(keyword in text for keyword in keywords for text in texts)]
    return found or ["general"]


def pack_categories(packs: pl.DataFrame) -> pl.DataFrame:
    """One row per pack and skill category it trains (`code`, `category`, difficulty columns)."""
    return (packs.with_columns(category=pl.col("categories").str.split(SEPARATOR)).explode("category")
            .drop("categories"))


def read_catalogue(path: Path) -> pl.DataFrame:
    """The catalogue as `training_packs` rows (`SCHEMA`), one per pack code; tags and categories
    joined by `SEPARATOR`. Read again only when the file changed (its size or modification time): every run of a
    day computes the recommendations from it."""
    stat = path.stat()
    return _catalogue(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _catalogue(path: Path, size: int, modified: int) -> pl.DataFrame:
    document = json.loads(path.read_text(encoding="utf-8-sig"))
    rows = []
    for pack in document["packs"]:
        tags = [str(t) for t in pack.get("tags") or []]
        name = str(pack.get("name") or "")
        rows.append({
            "code": str(pack["code"]), "name": name, "creator": pack.get("creator"),
            "difficulty": pack.get("difficulty"), "difficulty_index": difficulty_index(pack.get("difficulty")),
            "tags": SEPARATOR.join(tags), "shots": pack.get("shotCount"),
            "categories": SEPARATOR.join(categories_of(name, tags)),
        })
    return pl.DataFrame(rows, schema=SCHEMA).unique("code", keep="first", maintain_order=True)


SKILL_PACK_CATEGORIES: dict[str, tuple[str, ...]] = {
    "shooting": ("shooting",),
    "saves": ("saves",),
    "aerials": ("aerials",),
    "boost_management": ("boost", "recoveries"),
    "positioning": ("positioning", "saves"),
    "rotation": ("rotation", "positioning"),
    "challenges": ("kickoffs", "first_touch"),
}
"""The pack categories that train each skill the weakness detection scores (kickoffs are the purest
50/50 practice; positioning is practised in shadow-defence and save packs)."""
