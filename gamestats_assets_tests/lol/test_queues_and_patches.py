"""Real games of several queues and patches (cases built from the fixtures): statistics computed within a queue
and a patch, remakes and games with a player away left out, Summoner's Rift tables on Summoner's Rift only, and
every item of a 14.x and a 16.x game named and classed by its own patch's Data Dragon."""

from __future__ import annotations

import math

import polars as pl
import pytest

from gamestats_assets.defs.lol.transforms import unknown_ids
from gamestats_assets.sources.riot import ddragon
from gamestats_assets_tests.lol.real_games import (
    TOURNAMENT,
    away_from,
    info,
    load,
    parsed,
    purchases_replaced,
    remake,
    tables_of,
    variant,
)


@pytest.fixture(scope="module")
def mixed_day() -> dict[str, pl.DataFrame]:
    """One day of the real ranked game and copies of it in other queues, patches and maps, a remake and a game
    with a player away from minute 5, beside the real tournament game."""
    ranked = load()
    games = [
        ranked,
        variant(ranked, 1001),
        variant(ranked, 1002, queue=450, map_id=12),
        variant(ranked, 1003, queue=400),
        variant(ranked, 1004, queue=440, version="12.21.474.6036"),
        variant(ranked, 1005, queue=700),
        variant(ranked, 1006, change=remake),
        variant(ranked, 1007, change=away_from(5)),
        load(TOURNAMENT),
    ]
    return tables_of(games)


def test_games_know_their_queue_patch_remakes_and_players_away(mixed_day):
    games = {row["match_id"]: row for row in mixed_day["games"].iter_rows(named=True)}
    assert {m: (g["queue"], g["patch"]) for m, g in games.items()} == {
        "JP1_323466834": ("ranked_solo", "11.16"), "JP1_1001": ("ranked_solo", "11.16"),
        "JP1_1002": ("aram", "11.16"), "JP1_1003": ("normal", "11.16"), "JP1_1004": ("ranked_flex", "12.21"),
        "JP1_1005": ("clash", "11.16"), "JP1_1006": ("ranked_solo", "11.16"), "JP1_1007": ("ranked_solo", "11.16"),
        "ESPORTSTMNT01_2693492": ("other", "12.1")}
    assert [m for m, g in games.items() if g["remake"]] == ["JP1_1006"]
    assert {m: g["afk_players"] for m, g in games.items() if g["afk_players"]} == {"JP1_1007": 1}
    assert sorted(m for m, g in games.items() if not g["counted"]) == ["JP1_1006", "JP1_1007"]
    assert [m for m, g in games.items() if not g["summoners_rift"]] == ["JP1_1002"]


def test_a_short_game_without_the_flag_is_a_remake():
    def short_without_flag(match_info: dict, _: dict) -> None:
        match_info["gameDuration"] = 200_000
        for player in match_info["participants"]:
            del player["gameEndedInEarlySurrender"]
    ranked = load()
    matches, participants, _, frames = parsed([ranked, variant(ranked, 1001, change=short_without_flag)])
    from gamestats_assets.defs.lol.transforms.std import games
    table = games(matches, participants, frames)
    assert dict(zip(table["match_id"], table["remake"], strict=True)) == {"JP1_1001": True, "JP1_323466834": False}


def test_statistics_are_computed_within_queue_and_patch_on_counted_games(mixed_day):
    builds = mixed_day["item_build_stats"]
    counted = mixed_day["games"].filter("counted")
    assert set(builds.select("queue", "patch").unique().iter_rows()) == set(
        counted.select("queue", "patch").unique().iter_rows())
    ranked = builds.filter(queue="ranked_solo", patch="11.16")
    assert set(ranked["champion_games"]) == {2}, "the real game and its copy; the remake and the AFK game left out"
    assert ranked.filter(depth=1)["games"].sum() == 2 * ranked.filter(depth=1)["champion_id"].n_unique()
    assert builds.filter(queue="aram")["champion_name"].null_count() == 0
    for table in ("objective_stats", "vision_stats"):
        assert "aram" not in set(mixed_day[table]["queue"]), f"{table} holds Summoner's Rift games only"
    objectives = mixed_day["objective_stats"].filter(queue="ranked_solo", patch="11.16")
    assert objectives["games"].max() <= 2
    assert mixed_day["skill_order_stats"].filter(queue="ranked_solo", patch="11.16")["champion_games"].max() == 2


def test_every_rate_says_when_its_sample_is_low(mixed_day):
    from gamestats_assets.defs.lol.transforms.cons import MIN_SAMPLE
    for table in ("item_build_stats", "skill_order_stats", "objective_stats", "vision_stats"):
        rates = mixed_day[table]
        assert (rates["low_sample"] == (rates["games"] < MIN_SAMPLE)).all(), table


@pytest.mark.parametrize("patch", ["14.10", "16.4", "16.13"])
def test_every_item_of_a_14_and_a_16_game_is_named_and_classed(patch):
    """The real tournament game played on `patch`, its purchases replaced by every Summoner's Rift item of that
    patch in turn (over as many copies of the game as it takes): no id is unknown, and every completed item has
    its English name and its class."""
    tournament = load(TOURNAMENT)
    bought = sum(e["type"] == "ITEM_PURCHASED" for f in info(tournament[1])["frames"] for e in f["events"])
    shop = ddragon.items(patch)
    ids = sorted(shop["item_id"].to_list())
    copies = [variant(tournament, 10 + n, version=f"{patch}.1.1", change=purchases_replaced(ids[n * bought:]))
              for n in range(math.ceil(len(ids) / bought))]
    matches, participants, events, frames = parsed(copies)
    unknown = unknown_ids.unknown_ids(matches, participants, events)
    assert unknown["unknown_item_ids"].is_empty() and unknown["unknown_champion_ids"].is_empty()
    assert set(events.filter(type="ITEM_PURCHASED")["item_id"]) == set(ids)
    purchases = tables_of(copies)["item_purchases"]
    assert purchases["item_name"].null_count() == 0 and purchases["tier"].null_count() == 0
    assert set(purchases["tier"]) <= {"legendary", "boots"}, "no mythic tier after 14.1"
    not_english = purchases.filter(~pl.col("item_name").str.contains(r"^[\x20-\x7e]+$"))
    assert not_english.is_empty(), f"names not in English: {not_english.select('item_id', 'item_name').rows()}"
    infinity_edge = purchases.filter(item_id=3031).row(0, named=True)
    assert (infinity_edge["item_name"], infinity_edge["tier"], infinity_edge["is_core"]) == (
        "Infinity Edge", "legendary", True)


def test_an_item_removed_since_is_unknown_on_the_games_patch_and_listed():
    """The real 12.1 game knows all its ids; the same game played on 16.4 buying Commencing Stopwatch (2419) and
    the old Seeker's Armguard (3191), which 16.4's Data Dragon no longer lists at all (it still lists Goredrinker,
    on no map), has both listed as unknown on 16.4."""
    tournament = load(TOURNAMENT)
    original = unknown_ids.unknown_ids(*parsed([tournament])[:3])
    assert all(ids.is_empty() for ids in original.values())
    moved = variant(tournament, 10, version="16.4.1.1", change=purchases_replaced([2419, 3191]))
    items = unknown_ids.unknown_ids(*parsed([moved])[:3])["unknown_item_ids"]
    assert set(items["patch"]) == {"16.4"} and {2419, 3191} <= set(items["id"])
    metadata = unknown_ids.metadata(items)
    assert metadata["unknown_ids"] == items.height and metadata["ids_by_patch"].startswith("16.4: ")
    assert "2419" in metadata["ids_by_patch"]


def test_a_compound_query_stays_within_its_queue_and_patch(mixed_day):
    from gamestats_assets.defs.lol.query import compound_query
    facts = mixed_day["participant_facts"]
    champion = facts.filter(queue="ranked_solo", patch="11.16").row(0, named=True)["champion_name"]
    ranked = compound_query(facts, champion, [], "dpm", queues=["ranked_solo"], patches=["11.16"])
    assert ranked.meeting.n == 2 and ranked.queues == ("ranked_solo",)
    everywhere = compound_query(facts, champion, [], "dpm")
    assert everywhere.meeting.n == 6, "the counted copies of every queue and patch, never the remake or AFK game"
    assert compound_query(facts, champion, [], "dpm", queues=["aram"]).meeting.n == 1
