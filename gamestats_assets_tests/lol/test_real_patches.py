"""The four real games of 13.24, 14.1, 16.1 and 16.2 (fixtures, origin in `fixtures/riot/SOURCES.md`): every
purchase and every item slot named as the game's own patch's Data Dragon names it, every champion, rune and
summoner spell named, queues and remakes kept apart; items of the other maps and modes (ARAM, Arena) named too."""

from __future__ import annotations

import shutil

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.defs.lol.transforms import unknown_ids
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.sources.riot import ddragon
from gamestats_assets_tests.lol.real_games import (
    REAL_PATCH_FIXTURES,
    REAL_PATCHES,
    TOURNAMENT,
    dropped,
    info,
    load,
    load_real,
    parsed,
    purchases_replaced,
    remake,
    tables_of,
    variant,
)
from gamestats_assets_tests.lol.test_pipeline import check_evaluation, check_metadata, lol_keys, run

ENGLISH_TEXT = r"^[\x20-\x7e]+$"
NAMED_ON = {"13.24": "13.24", "14.1": "14.2", "16.1": "16.1", "16.2": "16.2"}
"""The reference patch each real game is named from: its own, but 14.1, of which no English Data Dragon item file
was found in public repositories; a season's first patch is named from the next patch of its season (14.2), not
from the season before (13.24's mythic items and names)."""
RENAMED_IN_14_1 = {6653: ("Liandry's Torment", "Liandry's Anguish"), 6655: ("Luden's Companion", "Luden's Tempest")}
"""Items the 14.1 game holds that 14.1 renamed: (the name from 14.1 on, 13.24's name)."""
GUARDIANS = {3184: "Guardian's Hammer", 2051: "Guardian's Horn", 3177: "Guardian's Blade", 3112: "Guardian's Orb"}
"""The Howling Abyss's own starting items (on no other map on 13.14)."""


def item_slots(participants: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """Every non-empty end-of-game item slot (`item0`..`item6`): match_id, patch, item_id."""
    return (participants.select("match_id", *unknown_ids.ITEM_SLOTS)
            .unpivot(index="match_id", value_name="item_id").filter(pl.col("item_id") > 0)
            .join(matches.select("match_id", "patch"), on="match_id").select("match_id", "patch", "item_id"))


@pytest.fixture(scope="module")
def real() -> dict[str, pl.DataFrame]:
    """The ETL and STD tables of the four real games, and of a remake copy of the 13.24 game."""
    games = [load_real(patch) for patch in REAL_PATCHES] + [variant(load_real("13.24"), 1, change=remake)]
    matches, participants, events, frames = parsed(games)
    return {"matches": matches, "participants": participants, "timeline_events": events, **tables_of(games)}


def test_every_purchase_and_item_slot_is_named_by_its_patchs_data_dragon(real):
    matches, participants, events = real["matches"], real["participants"], real["timeline_events"]
    unknown = unknown_ids.unknown_ids(matches, participants, events)
    assert unknown["unknown_item_ids"].is_empty() and unknown["unknown_champion_ids"].is_empty()
    bought = (events.filter(type="ITEM_PURCHASED").select("match_id", "item_id")
              .join(matches.select("match_id", "patch"), on="match_id"))
    held = item_slots(participants, matches)
    assert set(bought["patch"]) == {"13.24", "14.1"} and set(held["patch"]) == set(REAL_PATCHES)
    named = pl.concat([bought, held.select(bought.columns)]).join(
        ddragon.game_items(matches).select("patch", "item_id", "item_name", "reference_patch"),
        on=["patch", "item_id"], how="left")
    assert named["item_name"].null_count() == 0 and named["item_name"].str.contains(ENGLISH_TEXT).all()
    assert dict(named.group_by("patch").agg(pl.col("reference_patch").unique()).iter_rows()) == {
        patch: [on] for patch, on in NAMED_ON.items()}, "16.x items only from a 16.x file; 14.1 from 14.2"
    names = dict(named.filter(patch="14.1").select("item_id", "item_name").unique().iter_rows())
    for item_id, (name, before) in RENAMED_IN_14_1.items():
        assert names[item_id] == name and ddragon.items("13.24").filter(item_id=item_id)["item_name"].item() == before
    new_in_16 = named.filter(pl.col("patch").str.starts_with("16.") & pl.col("item_id").is_in([2510, 2517, 2524]))
    assert set(new_in_16["item_name"]) == {"Dusk and Dawn", "Bandlepipes", "Endless Hunger"}


def test_completed_purchases_carry_their_patchs_name(real):
    purchases = real["item_purchases"].join(real["games"].select("match_id", "patch"), on="match_id")
    assert purchases["item_name"].null_count() == 0 and purchases["tier"].null_count() == 0
    assert dict(purchases.group_by("patch").agg(pl.col("named_on").unique()).iter_rows()) == {
        "13.24": ["13.24"], "14.1": ["14.2"]}
    assert "mythic" in set(purchases.filter(patch="13.24")["tier"])
    assert "mythic" not in set(purchases.filter(patch="14.1")["tier"]), "14.1 took the mythic tier away"


def test_champions_runes_and_spells_of_the_real_games_are_named(real):
    players = real["participant_games"]
    assert players.height == 50 and players["champion_name"].null_count() == 0
    pages = real["loadouts"].join(real["games"].select("match_id", "patch"), on="match_id")
    for column in ("keystone_name", "primary_style_name", "sub_style_name", "rune_names", "spell_names"):
        assert pages[column].null_count() == 0, column
    assert dict(pages.select("patch", "runes_named_on").unique().iter_rows()) == {
        "13.24": "13.22", "14.1": "14.10", "16.1": "16.1", "16.2": "16.2"}, "no rune file of 13.24 or 14.1-14.9"
    assert dict(pages.select("patch", "spells_named_on").unique().iter_rows()) == {
        "13.24": "13.24", "14.1": "14.4", "16.1": "16.1", "16.2": "16.2"}, "no spell file of 14.1-14.3"
    first = {(p["championName"], p["championId"]) for p in info(load_real("16.2")[0])["participants"]}
    assert first <= set(players.select("champion_name", "champion_id").iter_rows())


def test_queues_and_remakes_are_kept_apart(real):
    games = {row["match_id"]: row for row in real["games"].iter_rows(named=True)}
    assert {m: (g["queue"], g["patch"], g["remake"], g["counted"]) for m, g in games.items()} == {
        "KR_6857541971": ("ranked_solo", "13.24", False, True), "KR_1": ("ranked_solo", "13.24", True, False),
        "EUW1_6777215580": ("ranked_flex", "14.1", False, True), "RU_549093606": ("normal", "16.1", False, True),
        "LA1_1686382145": ("ranked_solo", "16.2", False, True)}
    for table in ("keystone_stats", "spell_pair_stats", "champion_stats"):
        assert set(real[table].select("queue", "patch").unique().iter_rows()) == {
            ("ranked_solo", "13.24"), ("ranked_flex", "14.1"), ("normal", "16.1"), ("ranked_solo", "16.2")}, table
    solo = real["champion_stats"].filter(queue="ranked_solo", patch="13.24")
    assert set(solo["games"]) == {1}, "the remake copy is left out"


def test_items_of_aram_and_arena_are_named_on_their_patch():
    """The real 13.24 game played as ARAM on 13.14 buying the Howling Abyss's Guardian items, and the real 16.2 game
    played in Arena holding Arena's own items: named from those patches' full item lists."""
    aram = variant(load_real("13.24"), 2, queue=450, map_id=12, version="13.14.521.1234",
                   change=purchases_replaced(list(GUARDIANS)))

    def arena_items(match_info: dict, _: dict) -> None:
        for player in match_info["participants"]:
            player.update(item0=443054, item1=447100, item2=223078)
    arena = variant(load_real("16.2"), 3, queue=1700, map_id=30, change=arena_items)
    matches, participants, events, _ = parsed([aram, arena])
    assert all(ids.is_empty() for ids in unknown_ids.unknown_ids(matches, participants, events).values())
    items = ddragon.game_items(matches)
    bought = (events.filter(type="ITEM_PURCHASED").select("item_id").unique()
              .join(items.filter(patch="13.14"), on="item_id"))
    assert dict(bought.select("item_id", "item_name").iter_rows()) == GUARDIANS
    assert set(bought["reference_patch"]) == {"13.14"} and bought["maps"].to_list() == [[12]] * len(GUARDIANS)
    held = item_slots(participants, matches).filter(patch="16.2").join(items, on=["patch", "item_id"])
    assert {"Darksteel Talons", "Mirage Blade", "Trinity Force"} <= set(held["item_name"])
    assert set(held.filter(pl.col("item_id") > 220_000)["reference_patch"]) == {"16.2"}


def test_real_games_of_13_to_16_dropped_into_a_day_are_named_and_published(pg_url, data_dir, monkeypatch):
    """As a user would: the four real games as Riot delivered them (gzip files, two without timeline) and the two
    older real games (11.16, 12.1) dropped into one day, materialized by Dagster and published: the unknown-id
    checks pass, every completed purchase in the lake is named from its patch, and each queue and patch is
    published apart."""
    day = "2026-02-22"
    folder = data_dir / "landing" / "lol" / day
    folder.mkdir(parents=True)
    for match_id in REAL_PATCHES.values():
        for path in REAL_PATCH_FIXTURES.glob(f"{match_id}*.json.gz"):
            shutil.copy(path, folder / path.name)
    dropped(folder, [load(), load(TOURNAMENT)])
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    monkeypatch.setenv("GAMESTATS_START_DATE", "2026-02-01")
    defs = build_definitions(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    daily = run(defs, lol_keys(defs, partitioned=True), instance, partition_key=day)
    assert daily.success
    for check in ("unknown_item_ids", "unknown_champion_ids"):
        assert check_evaluation(daily, check).passed, check_metadata(daily, check)
    assert run(defs, lol_keys(defs, partitioned=False), instance).success
    bought = pl.read_delta(str(data_dir / "lake" / "lol" / "std" / "item_purchases"))
    games = pl.read_delta(str(data_dir / "lake" / "lol" / "std" / "games"))
    named_on = bought.join(games.select("match_id", "patch"), on="match_id").group_by("patch").agg(
        pl.col("named_on").unique().sort(), pl.col("item_name").null_count().alias("unnamed"))
    assert {row["patch"]: (row["named_on"], row["unnamed"]) for row in named_on.iter_rows(named=True)} == {
        "11.16": (["11.13"], 0), "12.1": (["12.6"], 0), "13.24": (["13.24"], 0), "14.1": (["14.2"], 0)}
    with connect(pg_url) as conn:
        published = set(conn.execute("SELECT DISTINCT queue, patch FROM lol.keystone_stats").fetchall())
    assert published == {("ranked_solo", "11.16"), ("other", "12.1"), ("ranked_solo", "13.24"),
                         ("ranked_flex", "14.1"), ("normal", "16.1"), ("ranked_solo", "16.2")}



def test_a_champion_banned_in_one_game_and_played_in_another_has_its_ban_rate():
    """The real 16.2 game and a copy in which its blue top laner plays the first champion the real game banned (the
    copy's bans holding it no longer): that champion was banned in one of the two games. Every champion's banned
    games recounted from the files' `teams[].bans`, a champion banned by both teams once, an unused ban (-1) none."""
    real = load_real("16.2")
    bans = [ban["championId"] for team in info(real[0])["teams"] for ban in team["bans"] if ban["championId"] > 0]
    banned = bans[0]

    def plays_the_ban(match_info: dict, _: dict) -> None:
        top = next(p for p in match_info["participants"] if p["teamId"] == 100 and p["teamPosition"] == "TOP")
        top["championId"] = banned
        for team in match_info["teams"]:
            team["bans"] = [ban for ban in team["bans"] if ban["championId"] != banned]
    copy = variant(real, 1, change=plays_the_ban)
    stats = tables_of([real, copy])["champion_stats"].filter(tier="all", queue="ranked_solo", patch="16.2")
    counted: dict[int, int] = {}
    for game in (real, copy):
        for champion in {ban["championId"] for team in info(game[0])["teams"] for ban in team["bans"]
                         if ban["championId"] > 0}:
            counted[champion] = counted.get(champion, 0) + 1
    assert counted[banned] == 1 and len(set(bans)) >= 5
    for row in stats.iter_rows(named=True):
        assert row["queue_games"] == 2
        assert row["banned_games"] == counted.get(row["champion_id"], 0), row["champion_name"]
        assert row["ban_rate"] == row["banned_games"] / 2
        assert row["ban_rate_ci_low"] <= row["ban_rate"] <= row["ban_rate_ci_high"]
    [played] = stats.filter(champion_id=banned).to_dicts()
    assert (played["team_position"], played["games"], played["banned_games"]) == ("TOP", 1, 1)
