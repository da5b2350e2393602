"""Data Dragon reference tables (items, champions, runes, summoner spells) for every patch the project ships,
looked up by a game's patch: `data/reference/lol/items.parquet`, `champions.parquet`, `runes.parquet` and
`summoner_spells.parquet`, one row per (patch, id), built from Riot's `item.json`, `champion.json`,
`runesReforged.json` and `summoner.json` (`add_patch`, `rebuild`; origins in `SOURCES.md`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "data" / "reference" / "lol"
ITEMS_FILE, CHAMPIONS_FILE = "items.parquet", "champions.parquet"
RUNES_FILE, SPELLS_FILE = "runes.parquet", "summoner_spells.parquet"
DOCUMENT_NAMES = ("item", "champion", "runesReforged", "summoner")
"""The Data Dragon files of a patch the reference is built from, by their name without `.json`."""
CUSTOM_ITEMS = "items"
"""OchreFox/league-custom-ddragon's compiled items of a patch (`custom_item_document`), read when the patch has no
Data Dragon `item.json`."""
MAP_NAMES = {11: "Summoner's Rift", 12: "Howling Abyss", 21: "Nexus Blitz", 22: "Convergence", 30: "Rings of Wrath",
             33: "Swarm", 35: "The Bandlewood"}
"""Data Dragon's map ids (`maps` of an item) by name, for reading the reference; any other id is kept as it is."""
CORE_TIERS = ("legendary", "mythic")
LAST_MYTHIC_PATCH = (13, 24)
ENGLISH = "en_US"

ITEMS_SCHEMA = {"item_id": pl.Int64, "item_name": pl.String, "tier": pl.String, "is_core": pl.Boolean,
                "gold_total": pl.Int64, "upgrade_of": pl.Int64, "components": pl.List(pl.Int64),
                "maps": pl.List(pl.Int64)}
CHAMPIONS_SCHEMA = {"champion_id": pl.Int64, "champion_key": pl.String, "champion_name": pl.String}
RUNES_SCHEMA = {"perk_id": pl.Int64, "perk_name": pl.String, "style_id": pl.Int64, "style_name": pl.String,
                "slot": pl.Int64}
SPELLS_SCHEMA = {"spell_id": pl.Int64, "spell_key": pl.String, "spell_name": pl.String}


def patch_key(patch: str) -> tuple[int, int]:
    """`"14.10"` (or `"14.10.1"`) → `(14, 10)`, for ordering patches."""
    major, minor = patch.split(".")[:2]
    return int(major), int(minor)


def short_patch(version: str) -> str:
    """`major.minor` of a Data Dragon or game version (`"14.10.1"` → `"14.10"`)."""
    return ".".join(version.split(".")[:2])


def item_tier(item: dict, items: dict[str, dict], patch: str) -> str:
    """The item's tier, from the item shop's own structure, so any patch's files work unchanged:
    - `mythic`: the description carries `<rarityMythic>`, before patch 14.1 (which removed the tier);
    - `legendary`: a completed item (built from components, or transformed from one by `specialRecipe`) that
      builds into nothing a player can buy (only into Ornn's upgrades, which `requiredAlly` marks), and is
      neither boots, consumable nor trinket;
    - `boots`, `consumable`, `trinket` by tag, `starter` for the gold-income lines (under 1000 gold, or, in a
      file without prices, built from nothing but gold-income items); else `component`.
    Core items are the legendary and mythic ones."""
    tags = set(item.get("tags", []))
    if "<rarityMythic>" in item.get("description", "") and patch_key(patch) <= LAST_MYTHIC_PATCH:
        return "mythic"
    if "Boots" in tags:
        return "boots"
    if "Consumable" in tags:
        return "consumable"
    if "Trinket" in tags:
        return "trinket"
    gold = item.get("gold", {}).get("total")
    gold_line = all("GoldPer" in items.get(part, {}).get("tags", []) for part in item.get("from", []))
    if "GoldPer" in tags and (gold < 1000 if gold is not None else gold_line):
        return "starter"
    built = bool(item.get("from")) or bool(item.get("specialRecipe"))
    upgrades_for_sale = [i for i in item.get("into", []) if not items.get(i, {}).get("requiredAlly")]
    return "legendary" if built and not upgrades_for_sale else "component"


def item_rows(item_document: dict) -> pl.DataFrame:
    """Every item of one `item.json`, whatever its map or mode (Summoner's Rift, ARAM, Arena, event modes): id,
    name, tier, core flag, total gold, the item it upgrades (`specialRecipe`), its components and the maps it is
    on (`maps`, Data Dragon's map ids: `MAP_NAMES`). A key that is not a number (`TalentReaperItem` in some
    files) is no item a game can hold, and an entry without a name (placeholders such as 12.x's 2001, 16.1's
    1210) names nothing: both are left out."""
    data, patch = item_document["data"], short_patch(item_document["version"])
    rows = []
    for key, item in data.items():
        if not key.isdigit() or not item.get("name", "").strip():
            continue
        tier = item_tier(item, data, patch)
        rows.append({"item_id": int(key), "item_name": item["name"].strip(), "tier": tier,
                     "is_core": tier in CORE_TIERS, "gold_total": item.get("gold", {}).get("total"),
                     "upgrade_of": item.get("specialRecipe") or None,
                     "components": [int(c) for c in item.get("from", [])],
                     "maps": sorted(int(m) for m, on in item.get("maps", {}).items() if on)})
    return pl.DataFrame(rows, schema=ITEMS_SCHEMA)


def champion_rows(champion_document: dict) -> pl.DataFrame:
    """Every champion of one `champion.json`: numeric id (Data Dragon's `key`), key name and display name."""
    return pl.DataFrame([{"champion_id": int(c["key"]), "champion_key": c["id"], "champion_name": c["name"]}
                         for c in champion_document["data"].values()], schema=CHAMPIONS_SCHEMA)


def rune_rows(runes_document: list[dict]) -> pl.DataFrame:
    """Every rune of one `runesReforged.json`: perk id and name, its path (style) id and name, and its slot
    (0 = the keystone row, 1..3 the minor rows)."""
    return pl.DataFrame([{"perk_id": rune["id"], "perk_name": rune["name"], "style_id": style["id"],
                          "style_name": style["name"], "slot": slot}
                         for style in runes_document for slot, row in enumerate(style["slots"])
                         for rune in row["runes"]], schema=RUNES_SCHEMA)


def spell_rows(spells_document: dict) -> pl.DataFrame:
    """Every summoner spell of one `summoner.json` (all modes): numeric id (Data Dragon's `key`), key name and
    display name."""
    return pl.DataFrame([{"spell_id": int(s["key"]), "spell_key": s["id"], "spell_name": s["name"]}
                         for s in spells_document["data"].values()], schema=SPELLS_SCHEMA)


def custom_item_document(custom: dict, version: str, recipes: dict[int, int] | None = None) -> dict:
    """OchreFox/league-custom-ddragon's compiled `items.json` of `version` (Data Dragon's items merged with Meraki's:
    ids as numbers, `maps` as a list, `categories` for `tags`, a `mythic` flag) in the shape of Data Dragon's
    `item.json`, so `item_rows` reads it:
    - a mythic item's description carries `<rarityMythic>`;
    - an upgrade no one buys (no base price, one component of the same total: Ornn's and the 14.x anomaly
      upgrades), or an item neither sold nor on any map, is marked `requiredAlly`;
    - its files carry no `specialRecipe`: `recipes` (item id → the item it is transformed from, as Data Dragon
      gives it in other patches) supplies it;
    - a file whose every price is 0 (14.5.1, 14.8.1, 14.9.1) gives no price: `gold_total` is null; as those
      files list no `into`, each item's `into` is also read off the others' `from` (the same recipe tree), and an
      upgrade is told by its one component being itself built from others (no item a player buys is built
      from a single completed item)."""
    recipes = recipes or {}
    priced = any((item.get("gold") or {}).get("total") for item in custom.values())
    built_into: dict[str, set[str]] = {}
    for key, item in custom.items():
        for part in item.get("from") or []:
            built_into.setdefault(str(part), set()).add(str(key))

    def upgrade_only(item: dict) -> bool:
        gold, parts = item.get("gold") or {}, item.get("from") or []
        if not gold.get("purchasable", True) and not item.get("inStore", True) and not item.get("maps"):
            return True
        part = custom.get(str(parts[0])) if len(parts) == 1 else None
        if not priced:
            return part is not None and bool(part.get("from"))
        return (gold.get("base") == 0 and gold.get("total", 0) > 0 and part is not None
                and (part.get("gold") or {}).get("total") == gold.get("total"))

    def shaped(key: str, item: dict) -> dict:
        return {"name": (item.get("name") or "").strip(), "gold": (item.get("gold") or {}) if priced else {},
                "description": ("<rarityMythic>" if item.get("mythic") else "") + (item.get("description") or ""),
                "tags": item.get("categories") or [], "from": [str(i) for i in item.get("from") or []],
                "into": sorted({str(i) for i in item.get("into") or []} | built_into.get(key, set())),
                "maps": {str(m): True for m in item.get("maps") or []},
                **({"requiredAlly": "Ornn"} if upgrade_only(item) else {}),
                **({"specialRecipe": recipes[int(key)]} if int(key) in recipes else {})}
    return {"type": "item", "version": version,
            "data": {str(key): shaped(str(key), item) for key, item in custom.items()}}


def add_patch(reference_dir: Path, item_document: dict | None = None, champion_document: dict | None = None,
              language: str = ENGLISH, *, runes_document: list[dict] | None = None,
              spells_document: dict | None = None, version: str | None = None) -> str:
    """Add (or replace) one patch's items, champions, runes and/or summoner spells, whose names are in
    `language`, in the reference files; return the patch. `runesReforged.json` carries no version: `version`
    (or another document's) names its patch."""
    versions = {short_patch(d["version"]) for d in (item_document, champion_document, spells_document)
                if d is not None} | ({short_patch(version)} if version else set())
    if len(versions) != 1:
        raise ValueError(f"one patch per call: the documents name {sorted(versions) or 'none'}")
    [patch] = versions
    for document, rows, name in ((item_document, item_rows, ITEMS_FILE),
                                 (champion_document, champion_rows, CHAMPIONS_FILE),
                                 (runes_document, rune_rows, RUNES_FILE),
                                 (spells_document, spell_rows, SPELLS_FILE)):
        if document is None:
            continue
        path = reference_dir / name
        new = rows(document).select(pl.lit(patch).alias("patch"), pl.all(), pl.lit(language).alias("language"))
        kept = pl.read_parquet(path).filter(pl.col("patch") != patch) if path.exists() else new.clear()
        table = pl.concat([kept, new])
        table = table.sort(pl.col("patch").str.split(".").list.get(0).cast(pl.Int32),
                           pl.col("patch").str.split(".").list.get(1).cast(pl.Int32), table.columns[1])
        table.write_parquet(path, compression="zstd", compression_level=22, statistics=False)
    tables.cache_clear()
    return patch


def patch_folders(folder: Path) -> list[tuple[str, Path]]:
    """The Data Dragon version folders under `folder` and where their English files are: `<version>/` holding
    the files (or OchreFox's `items.json`), or Data Dragon's own layout `<version>/data/en_US/`; oldest first."""
    found = []
    for child in folder.iterdir():
        if not child.is_dir() or not child.name[:1].isdigit():
            continue
        files = child / "data" / ENGLISH if (child / "data" / ENGLISH).is_dir() else child
        if any((files / f"{name}.json").exists() for name in (*DOCUMENT_NAMES, CUSTOM_ITEMS)):
            found.append((child.name, files))
    return sorted(found, key=lambda entry: [int(p) for p in entry[0].split(".") if p.isdigit()])


def recipes(reference_dir: Path) -> dict[int, int]:
    """Item id → the item it is transformed from (`upgrade_of`), as the reference's Data Dragon patches give it."""
    path = reference_dir / ITEMS_FILE
    if not path.exists():
        return {}
    known = pl.read_parquet(path, columns=["item_id", "upgrade_of"]).drop_nulls().unique("item_id")
    return dict(known.iter_rows())


def rebuild(folder: Path, reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Add every version folder of English Data Dragon files under `folder` (`patch_folders`) to the reference,
    replacing those patches; return the patches added. A version's missing file leaves that kind of its patch
    as it was."""
    patches = []
    for version, files in patch_folders(folder):
        documents = {name: json.loads((files / f"{name}.json").read_bytes())
                     for name in (*DOCUMENT_NAMES, CUSTOM_ITEMS) if (files / f"{name}.json").exists()}
        if "item" not in documents and CUSTOM_ITEMS in documents:
            documents["item"] = custom_item_document(documents[CUSTOM_ITEMS], version, recipes(reference_dir))
        patches.append(add_patch(reference_dir, documents.get("item"), documents.get("champion"),
                                 runes_document=documents.get("runesReforged"),
                                 spells_document=documents.get("summoner"), version=version))
    return patches


def english_names(table: pl.DataFrame, id_column: str, name_column: str) -> pl.DataFrame:
    """`table` with each id's English name in `name_column`, without `language`: a patch whose files are in
    another language keeps its ids' names from the nearest English patch that has them (ids name the same item
    or champion across patches); an id no English file has keeps the name of its own file."""
    parts = pl.col("patch").str.split(".")
    order = parts.list.get(0).cast(pl.Int32) * 100 + parts.list.get(1).cast(pl.Int32)
    english = (table.filter(pl.col("language") == ENGLISH)
               .select(id_column, "patch", pl.col(name_column).alias("english_name"), order.alias("english_order"))
               .sort("english_order"))
    rows = table.with_columns(order.alias("order")).sort("order")
    earlier = rows.join_asof(english, left_on="order", right_on="english_order", by=id_column,
                             strategy="backward", check_sortedness=False)
    later = rows.join_asof(english, left_on="order", right_on="english_order", by=id_column,
                           strategy="forward", check_sortedness=False)
    name = pl.coalesce(earlier["english_name"], later["english_name"], rows[name_column])
    return rows.with_columns(name.alias(name_column)).drop("order", "language")


def reference_table(reference_dir: Path, name: str, schema: dict) -> pl.DataFrame:
    """One reference file, or an empty table of its columns when the reference has none yet."""
    path = reference_dir / name
    if path.exists():
        return pl.read_parquet(path)
    return pl.DataFrame(schema={"patch": pl.String, **schema, "language": pl.String})


@cache
def tables(reference_dir: Path = REFERENCE_DIR) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The shipped items, champions, runes and summoner spells of every patch (column `patch` first), with
    English names."""
    return (english_names(pl.read_parquet(reference_dir / ITEMS_FILE), "item_id", "item_name"),
            english_names(pl.read_parquet(reference_dir / CHAMPIONS_FILE), "champion_id", "champion_name"),
            english_names(reference_table(reference_dir, RUNES_FILE, RUNES_SCHEMA), "perk_id", "perk_name"),
            english_names(reference_table(reference_dir, SPELLS_FILE, SPELLS_SCHEMA), "spell_id", "spell_name"))


def shipped_patches(table: pl.DataFrame) -> list[str]:
    return sorted(table["patch"].unique().to_list(), key=patch_key)


def lookup_patches(patch: str | None, shipped: list[str]) -> tuple[str | None, str | None]:
    """The shipped patches a game of `patch` is named from, first and second choice (`None` for an unknown
    patch). A shipped patch is named from itself alone. Another is named first from the nearest shipped patch
    before it of the same season (major version), then from the nearest one after it: a season's first patch
    reworks the items (14.1 took the mythics away, renamed and rebuilt dozens), so a 14.1 game is named from 14.2
    before 13.24; a game older than every shipped patch from the oldest."""
    if patch is None:
        return None, None
    if patch in shipped:
        return patch, None
    before = [p for p in shipped if patch_key(p) < patch_key(patch)]
    after = [p for p in shipped if patch_key(p) > patch_key(patch)]
    earlier, later = (before[-1] if before else None), (after[0] if after else None)
    if earlier is None or (later is not None and patch_key(earlier)[0] != patch_key(patch)[0]):
        return later, earlier
    return earlier, later


def by_patch(table: pl.DataFrame, patches: Iterable[str | None], id_column: str) -> pl.DataFrame:
    """`table`'s rows for each game patch of `patches`: column `patch` is the game's patch (null for an unknown
    one) and `reference_patch` the shipped patch each row comes from (`lookup_patches`: an id the first choice
    lacks is taken from the second; any other id is unknown on that patch). A game of unknown patch takes each
    id from the newest patch that has it."""
    shipped = shipped_patches(table)
    wanted = list(dict.fromkeys(patches))
    choices = [lookup_patches(p, shipped) for p in wanted]
    mapping = pl.DataFrame({"patch": wanted, "first": [c[0] for c in choices], "second": [c[1] for c in choices]},
                           schema={"patch": pl.String, "first": pl.String, "second": pl.String})
    rows = table.rename({"patch": "reference_patch"})
    first = mapping.join(rows, left_on="first", right_on="reference_patch").with_columns(
        pl.col("first").alias("reference_patch"))
    second = (mapping.filter(pl.col("second").is_not_null())
              .join(rows, left_on="second", right_on="reference_patch")
              .with_columns(pl.col("second").alias("reference_patch"))
              .join(first.select("patch", id_column), on=["patch", id_column], how="anti", nulls_equal=True))
    order = pl.col("reference_patch").str.split(".").list.eval(pl.element().cast(pl.Int32))
    newest = (rows.sort(order.list.get(0), order.list.get(1)).group_by(id_column).last()
              .join(mapping.filter(pl.col("patch").is_null()).select("patch"), how="cross"))
    return pl.concat([part.select("patch", "reference_patch", *table.columns[1:])
                      for part in (first, second, newest)])


def tier_two_boots(items: pl.DataFrame) -> pl.DataFrame:
    """The finished (tier-2) boots of `items` (rows of `ITEMS_SCHEMA` by `patch`): items tagged `Boots` built from
    boots built from nothing (the basic Boots), not from other finished boots, as the tier-3 boots of 15.x are:
    `patch` and `item_id`."""
    built = items.filter((pl.col("tier") == "boots") & (pl.col("components").list.len() > 0))
    upgrades = built.explode("components").join(built.select("patch", pl.col("item_id").alias("components")),
                                                on=["patch", "components"], nulls_equal=True)
    return built.join(upgrades, on=["patch", "item_id"], how="anti", nulls_equal=True).select("patch", "item_id")


def items_by_patch(patches: Iterable[str | None], reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Items of each game patch (`by_patch`): `patch`, `reference_patch` and the `ITEMS_SCHEMA` columns."""
    return by_patch(tables(reference_dir)[0], patches, "item_id")


def champions_by_patch(patches: Iterable[str | None], reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Champions of each game patch (`by_patch`): `patch`, `reference_patch` and `CHAMPIONS_SCHEMA`."""
    return by_patch(tables(reference_dir)[1], patches, "champion_id")


def runes_by_patch(patches: Iterable[str | None], reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Runes of each game patch (`by_patch`): `patch`, `reference_patch` and `RUNES_SCHEMA`."""
    return by_patch(tables(reference_dir)[2], patches, "perk_id")


def spells_by_patch(patches: Iterable[str | None], reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Summoner spells of each game patch (`by_patch`): `patch`, `reference_patch` and `SPELLS_SCHEMA`."""
    return by_patch(tables(reference_dir)[3], patches, "spell_id")


def game_items(matches: pl.DataFrame, reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Items of the patches of `matches` (`items_by_patch`), and of a game without its match file."""
    return items_by_patch([*matches["patch"].unique().to_list(), None], reference_dir)


def game_champions(matches: pl.DataFrame, reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Champions of the patches of `matches` (`champions_by_patch`), and of a game without its match file."""
    return champions_by_patch([*matches["patch"].unique().to_list(), None], reference_dir)


def game_runes(matches: pl.DataFrame, reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Runes of the patches of `matches` (`runes_by_patch`)."""
    return runes_by_patch(matches["patch"].unique().to_list(), reference_dir)


def game_spells(matches: pl.DataFrame, reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Summoner spells of the patches of `matches` (`spells_by_patch`)."""
    return spells_by_patch(matches["patch"].unique().to_list(), reference_dir)


def items(patch: str | None = None, reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """The items a game of `patch` is named from (the newest shipped patch's for `None`)."""
    return items_by_patch([patch], reference_dir).select(*ITEMS_SCHEMA)


def champions(patch: str | None = None, reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """The champions a game of `patch` is named from (the newest shipped patch's for `None`)."""
    return champions_by_patch([patch], reference_dir).select(*CHAMPIONS_SCHEMA)
