"""STD definitions on hand-written event sequences: undo stacks, sales, upgrades, max orders, unknown ids."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms import std
from gamestats_assets.sources.riot import ddragon
from gamestats_assets.sources.riot.parse import events_schema

TRINITY, ECLIPSE, MANAMUNE, MURAMANA, LONG_SWORD, UNKNOWN = 3078, 6692, 3004, 3042, 1036, 999_999


def events(rows: list[dict]) -> pl.DataFrame:
    base = {name: None for name in events_schema()}
    return pl.DataFrame([{**base, "match_id": "EUW1_1", "event_index": i, "frame_index": 0, "timestamp": 1000 * i,
                          **row} for i, row in enumerate(rows)], schema=events_schema())


def buy(item: int, pid: int = 1) -> dict:
    return {"type": "ITEM_PURCHASED", "participant_id": pid, "item_id": item}


def undo(before: int, after: int = 0, pid: int = 1) -> dict:
    return {"type": "ITEM_UNDO", "participant_id": pid, "before_id": before, "after_id": after}


def test_undo_stack_sale_and_upgrade_resolution():
    table = events([
        buy(LONG_SWORD), buy(ECLIPSE), undo(ECLIPSE), buy(TRINITY, pid=2), buy(LONG_SWORD), undo(LONG_SWORD),
        undo(LONG_SWORD), buy(TRINITY), {"type": "ITEM_SOLD", "participant_id": 1, "item_id": TRINITY},
        undo(0, TRINITY), buy(MANAMUNE), buy(MURAMANA), buy(ECLIPSE), buy(UNKNOWN),
        {"type": "ITEM_SOLD", "participant_id": 1, "item_id": ECLIPSE},
    ])
    matches = pl.DataFrame({"match_id": ["EUW1_1"], "patch": ["12.21"]})
    purchases = std.item_purchases(table, matches, ddragon.game_items(matches)).filter(participant_id=1)
    assert purchases["item_id"].to_list() == [TRINITY, MANAMUNE, MURAMANA, ECLIPSE, UNKNOWN]
    assert purchases["core_rank"].to_list() == [1, 2, None, 3, None]
    assert purchases["sold_at"].to_list() == [None, None, None, 14_000, None]
    assert purchases.filter(item_id=UNKNOWN)["item_name"].to_list() == [None]


def test_max_order_ranks_maxed_skills_by_when_then_by_points():
    slots = [1, 3, 2, 1, 1, 4, 1, 1, 3, 3, 4, 3, 3, 2, 2]
    table = events([{"type": "SKILL_LEVEL_UP", "participant_id": 1, "skill_slot": s, "level_up_type": "NORMAL"}
                    for s in slots] + [{"type": "SKILL_LEVEL_UP", "participant_id": 1, "skill_slot": 2,
                                        "level_up_type": "EVOLVE"}])
    row = std.skill_orders(table).row(0, named=True)
    assert row["skill_sequence"] == "QEWQQRQQEEREEWW"
    assert row["max_order"] == "Q>E>W"


def test_unknown_champion_keeps_a_null_name(planted):
    participants = planted.matches.participants.with_columns(
        pl.when(pl.col("participant_id") == 1).then(99_999).otherwise(pl.col("champion_id")).alias("champion_id"))
    players = std.participant_games(participants, planted.matches.matches, planted.std["item_purchases"],
                                    planted.std["skill_orders"], planted.std["vision_deaths"],
                                    ddragon.game_champions(planted.matches.matches), planted.std["games"])
    unknown = players.filter(champion_id=99_999)
    assert unknown.height == planted.matches.matches.height and unknown["champion_name"].null_count() == unknown.height
