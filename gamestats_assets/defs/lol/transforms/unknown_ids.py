"""Champion ids, and item ids bought or held at the end (`item0`..`item6`), that the Data Dragon of their game's
patch does not know.

Each is one row per (patch, id) with the rows it appears in; a timeline without its match file is looked up
with a null patch (the newest shipped patch, `sources/riot/ddragon.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from gamestats_assets.defs.lol.transforms.std import game_patches
from gamestats_assets.sources.riot import ddragon

ITEM_SLOTS = [f"item{slot}" for slot in range(7)]
"""A player's item slots at the end of the game in the match file (0 = empty)."""
LISTED_IDS = 50
"""At most this many unknown ids are listed in a check's metadata (the count covers all)."""


def unknown_ids(matches: pl.DataFrame, participants: pl.DataFrame, events: pl.DataFrame,
                by: Sequence[str] = ()) -> dict[str, pl.DataFrame]:
    """`unknown_champion_ids` and `unknown_item_ids`: (patch, id, rows) of every id the Data Dragon of its game's
    patch lacks; an item's rows count its purchases and the slots holding it. With `by` (`match_id`), a row per
    game as well (`summed` gives the ids over the games)."""
    champions = (participants.join(matches.select("match_id", "patch"), on="match_id", how="left")
                 .join(ddragon.game_champions(matches).select("patch", "champion_id"),
                       on=["patch", "champion_id"], how="anti", nulls_equal=True)
                 .rename({"champion_id": "id"}))
    bought = (events.filter(pl.col("type") == "ITEM_PURCHASED").select("match_id", "item_id")
              .join(game_patches(events, matches).collect(), on="match_id", how="left"))
    held = (participants.select("match_id", *ITEM_SLOTS).unpivot(index="match_id", value_name="item_id")
            .filter(pl.col("item_id") > 0).join(matches.select("match_id", "patch"), on="match_id", how="left")
            .select("match_id", "item_id", "patch"))
    items = (pl.concat([bought, held.select(bought.columns)])
             .join(ddragon.game_items(matches).select("patch", "item_id"), on=["patch", "item_id"], how="anti",
                   nulls_equal=True)
             .rename({"item_id": "id"}))
    return {check: rows.group_by(*by, "patch", "id").agg(pl.len().cast(pl.Int64).alias("rows"))
            .sort(*by, "patch", "id") for check, rows in (("unknown_champion_ids", champions), ("unknown_item_ids", items))}


def summed(unknown: pl.DataFrame) -> pl.DataFrame:
    """Unknown ids found by game (`unknown_ids(..., by=["match_id"])`) over the games: (patch, id, rows)."""
    return unknown.group_by("patch", "id").agg(pl.col("rows").sum().cast(pl.Int64)).sort("patch", "id")


def metadata(unknown: pl.DataFrame) -> dict[str, int | str]:
    """Check metadata: how many ids and rows are unknown, and the ids by patch (`patch: id, id, ...`)."""
    listed = unknown.head(LISTED_IDS).group_by("patch", maintain_order=True).agg(pl.col("id").cast(pl.String))
    return {"unknown_ids": unknown.height, "unknown_rows": int(unknown["rows"].sum()),
            "ids_by_patch": "; ".join(f"{row['patch']}: {', '.join(row['id'])}" for row in listed.iter_rows(named=True))}
