"""English names on each game's own patch (items, champions, runes, summoner spells), the reference rebuilt from
Data Dragon files, and the rune, spell, starting items and bot-lane duo statistics, on real games of several
patches."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from click.testing import CliRunner

from gamestats_assets.cli import main
from gamestats_assets.defs.lol.transforms import duos
from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.sources.riot import ddragon
from gamestats_assets_tests.lol.real_games import (
    FIXTURES,
    TOURNAMENT,
    dropped,
    info,
    load,
    purchases_replaced,
    tables_of,
    variant,
)
from gamestats_assets_tests.lol.test_pipeline import lol_keys, run

ENGLISH_TEXT = r"^[\x20-\x7e]+$"
FIRST_SHIPPED_IN_16_1 = [2510, 2512, 2517, 2520, 2522, 2523, 2524, 2525, 2530]
"""Items no Data Dragon file before 16.1 has (Dusk and Dawn, Fiendhunter Bolts, Endless Hunger, ...)."""


def played_on(game, game_id: int, version: str):
    """`game` played on `version`, buying that patch's core items (an 11.16 game's own purchases include items
    the later patch no longer sells)."""
    shop = ddragon.items(ddragon.short_patch(version)).filter("is_core")["item_id"].sort().to_list()
    return variant(game, game_id, version=version, change=purchases_replaced(shop))


def test_the_shipped_reference_is_english_small_and_covers_every_patch_from_14_12():
    every_patch = [f"14.{m}" for m in range(12, 25)] + [f"15.{m}" for m in range(1, 25)] + [
        f"16.{m}" for m in range(1, 17)]
    for name in (ddragon.ITEMS_FILE, ddragon.CHAMPIONS_FILE, ddragon.RUNES_FILE, ddragon.SPELLS_FILE):
        table = pl.read_parquet(ddragon.REFERENCE_DIR / name)
        assert set(table["language"]) == {ddragon.ENGLISH}, name
        assert set(every_patch) <= set(table["patch"]), f"{name} lacks a patch of 14.12..16.16"
    size = sum(path.stat().st_size for path in ddragon.REFERENCE_DIR.glob("*.parquet"))
    assert size < 1_000_000, f"the reference is {size} bytes"
    items = pl.read_parquet(ddragon.REFERENCE_DIR / ddragon.ITEMS_FILE)
    assert items["item_name"].str.contains(ENGLISH_TEXT).all()


def test_the_reference_command_rebuilds_it_from_data_dragon_files(tmp_path):
    """`gamestats lol reference --from` reads a folder of versions in Data Dragon's own layout into a new
    reference; a folder without any version is refused with what it needs."""
    files = tmp_path / "ddragon" / "14.10.1" / "data" / "en_US"
    files.mkdir(parents=True)
    for name in ddragon.DOCUMENT_NAMES:
        shutil.copy(FIXTURES / "ddragon" / f"14.10.1_{name}.json", files / f"{name}.json")
    reference = tmp_path / "reference"
    result = CliRunner().invoke(main, ["lol", "reference", "--from", str(tmp_path / "ddragon"), "--to", str(reference)])
    assert result.exit_code == 0, result.output
    assert "1 patches (14.10..14.10)" in result.output
    items, champions, runes, spells = ddragon.tables(reference)
    assert items.filter(item_id=6672)["item_name"].to_list() == ["Kraken Slayer"]
    assert champions.filter(champion_id=420)["champion_name"].to_list() == ["Illaoi"]
    assert runes.filter(perk_id=8010).select("perk_name", "style_name", "slot").row(0) == ("Conqueror", "Precision", 0)
    assert spells.filter(spell_id=4)["spell_name"].to_list() == ["Flash"]
    (tmp_path / "empty").mkdir()
    refused = CliRunner().invoke(main, ["lol", "reference", "--from", str(tmp_path / "empty"), "--to", str(reference)])
    assert refused.exit_code != 0 and "runesReforged.json" in refused.output


def test_ochrefox_items_read_like_data_dragon_ones():
    """A compiled item of OchreFox/league-custom-ddragon: list maps, categories, a mythic flag, no specialRecipe."""
    custom = {
        "3004": {"id": 3004, "name": "Manamune", "maps": [11], "gold": {"base": 775, "total": 2900, "purchasable": True},
                 "from": [3070, 1036], "into": [], "categories": ["Damage"], "mythic": False, "inStore": True},
        "3042": {"id": 3042, "name": " Muramana", "maps": [11], "gold": {"base": 3000, "total": 3000,
                                                                          "purchasable": False},
                 "from": [], "into": [], "categories": ["Damage"], "mythic": False, "inStore": False},
        "6672": {"id": 6672, "name": "Kraken Slayer", "maps": [11], "gold": {"base": 625, "total": 3400,
                                                                              "purchasable": True},
                 "from": [1038], "into": [7007], "categories": ["Damage"], "mythic": True, "inStore": True},
        "7007": {"id": 7007, "name": "Wyrmfallen Sacrifice", "maps": [], "gold": {"base": 0, "total": 3400,
                                                                                   "purchasable": False},
                 "from": [6672], "into": [], "categories": ["Damage"], "mythic": False, "inStore": False},
    }
    rows = ddragon.item_rows(ddragon.custom_item_document(custom, "13.1.1", {3042: 3004}))
    tiers = {row["item_id"]: (row["item_name"], row["tier"], row["upgrade_of"], row["maps"])
             for row in rows.iter_rows(named=True)}
    assert tiers == {3004: ("Manamune", "legendary", None, [11]), 3042: ("Muramana", "legendary", 3004, [11]),
                     6672: ("Kraken Slayer", "mythic", None, [11]),
                     7007: ("Wyrmfallen Sacrifice", "legendary", None, [])}, (
        "Ornn's upgrade, on no map, is named and completed, and leaves Kraken Slayer a completed item")


@pytest.mark.parametrize(("version", "item_id", "name", "named_on"), [
    ("14.24.1", 3172, "Zephyr", "14.24"), ("15.1.1", 3172, "Gunmetal Greaves", "15.1"),
    ("13.3.491.6222", 6653, "Liandry's Anguish", "13.3"), ("14.3.1", 6653, "Liandry's Torment", "14.2")])
def test_a_renamed_item_keeps_the_name_of_each_patch(version, item_id, name, named_on):
    """The real ranked game played on `version`, every purchase replaced by the renamed item: its name is the one
    Data Dragon gave on the game's patch (or the nearest earlier patch the reference has, which the row says)."""
    game = variant(load(), 20, version=version, change=purchases_replaced([item_id]))
    bought = tables_of([game])["item_purchases"].filter(item_id=item_id)
    assert not bought.is_empty()
    assert set(bought.select("item_name", "named_on").iter_rows()) == {(name, named_on)}


def test_every_purchase_of_real_games_from_11_to_16_is_named_in_english():
    """The two real games as recorded (11.16, 12.1), the ranked game played on 13.3 and 14.24 (buying those
    patches' core items), and the tournament game played on 16.1 buying the items first shipped in 16.1: every
    completed item has its English name, from the game's own patch."""
    ranked, tournament = load(), load(TOURNAMENT)
    games = [ranked, tournament, played_on(ranked, 31, "13.3.491.6222"), played_on(ranked, 32, "14.24.1"),
             variant(tournament, 33, version="16.1.1", change=purchases_replaced(FIRST_SHIPPED_IN_16_1))]
    tables = tables_of(games)
    bought = tables["item_purchases"].join(tables["participant_games"].select("match_id", "patch").unique(),
                                           on="match_id")
    assert bought["item_name"].null_count() == 0
    assert bought["item_name"].str.contains(ENGLISH_TEXT).all()
    named_on = bought.group_by("patch").agg(pl.col("named_on").unique().sort())
    assert dict(named_on.iter_rows()) == {"11.16": ["11.13"], "12.1": ["12.6"], "13.3": ["13.3"],
                                          "14.24": ["14.24"], "16.1": ["16.1"]}
    new = bought.filter(patch="16.1")
    assert set(new["item_id"]) == set(FIRST_SHIPPED_IN_16_1)
    assert {"Dusk and Dawn", "Endless Hunger", "Bastionbreaker"} <= set(new["item_name"])
    assert tables["participant_games"]["champion_name"].null_count() == 0


def test_runes_and_spells_are_named_on_the_games_patch():
    """The real ranked game as recorded (11.16: runes and spells named by 11.7's files) and played on 16.16:
    Illaoi's Conqueror page and Flash + Teleport, Karthus's Dark Harvest and Exhaust + Smite."""
    ranked = load()
    tables = tables_of([ranked, variant(ranked, 40, version="16.16.1")])
    pages = tables["loadouts"].join(tables["participant_games"].select("match_id", "participant_id", "patch",
                                                                       "champion_name"),
                                    on=["match_id", "participant_id"])
    assert pages["keystone_name"].null_count() == 0 and pages["rune_page"].null_count() == 0
    assert pages["spell_names"].null_count() == 0
    assert dict(pages.select("patch", "runes_named_on").unique().iter_rows()) == {"11.16": "11.7", "16.16": "16.16"}
    assert dict(pages.select("patch", "spells_named_on").unique().iter_rows()) == {"11.16": "11.7", "16.16": "16.16"}
    illaoi = pages.filter(champion_name="Illaoi", patch="16.16").row(0, named=True)
    assert (illaoi["keystone_name"], illaoi["primary_style_name"], illaoi["spell_pair"], illaoi["spell_names"]) == (
        "Conqueror", "Precision", "4+12", "Flash + Teleport")
    assert illaoi["rune_names"].startswith("Conqueror / ") and len(illaoi["rune_page"].split("-")) == 6
    karthus = pages.filter(champion_name="Karthus", patch="11.16").row(0, named=True)
    assert (karthus["keystone_name"], karthus["spell_names"]) == ("Dark Harvest", "Exhaust + Smite")


def test_starting_items_of_a_real_game_are_what_each_player_bought_in_the_fountain():
    """The real ranked game (11.16): each player's purchases of the first minute, named on its patch, the free
    trinket (Stealth Ward, bought by all) left out, a potion bought twice counted twice."""
    ranked = load()
    tables = tables_of([ranked])
    starting = tables["starting_items"].join(tables["participant_games"].select(
        "match_id", "participant_id", "champion_name"), on=["match_id", "participant_id"])
    by_champion = dict(starting.select("champion_name", "starting_item_names").iter_rows())
    assert by_champion["Illaoi"] == "Corrupting Potion"
    assert by_champion["Samira"] == "Doran's Blade + Health Potion"
    assert by_champion["Pyke"] == "Health Potion + Health Potion + Steel Shoulderguards"
    assert starting.height == 10 and not starting["starting_item_names"].str.contains("Ward|Totem|Lens").any()
    assert set(starting["items_named_on"]) == {"11.13"}


def test_rune_and_spell_statistics_carry_pick_rate_and_an_honest_interval(planted):
    """On the planted synthetic days: per champion the keystone, page, spell pair and starting items pick rates
    add up to one, every win rate lies in its Wilson interval and says when its sample is low."""
    from gamestats_assets.defs.lol.transforms.cons import MIN_SAMPLE
    for table in ("keystone_stats", "rune_page_stats", "spell_pair_stats", "starting_item_stats"):
        stats = planted.cons[table]
        assert not stats.is_empty(), table
        totals = stats.group_by("queue", "patch", "champion_id").agg(pl.col("pick_rate").sum())
        assert ((totals["pick_rate"] - 1).abs() < 1e-9).all(), table
        assert ((stats["win_rate_ci_low"] <= stats["win_rate"] + 1e-9)
                & (stats["win_rate"] <= stats["win_rate_ci_high"] + 1e-9)).all()
        assert (stats["low_sample"] == (stats["games"] < MIN_SAMPLE)).all()
    jungle_spells = planted.cons["spell_pair_stats"].filter(pl.col("spell_names") == "Flash + Smite")
    assert jungle_spells["games"].sum() == planted.std["participant_games"].filter(team_position="JUNGLE").height


def duo_games(adc: str, support: str, games: int, wins: int, first_match: int) -> list[dict]:
    """`games` bot lanes of `adc` and `support` on team 100, `wins` of them won."""
    rows = []
    for n in range(games):
        match = f"M{first_match + n}"
        for position, champion in (("BOTTOM", adc), ("UTILITY", support)):
            rows.append({"match_id": match, "team_id": 100, "team_position": position, "queue": "ranked_solo",
                         "patch": "16.1", "champion_id": sum(map(ord, champion)), "champion_name": champion,
                         "win": n < wins, "counted": True, "summoners_rift": True})
    return rows


def test_a_duo_is_compared_with_its_champions_win_rates_with_other_partners():
    """Jinx wins 60 of 100 with Thresh and 50 of 100 with Lulu; Lulu wins 50 of 100 with Jinx and 40 of 100 with
    Caitlyn. The Jinx + Thresh expectation takes Jinx's games with Lulu (51/102 smoothed) and Thresh's with
    others (none: untested); Jinx + Lulu's takes Jinx with Thresh and Lulu with Caitlyn."""
    players = pl.DataFrame(duo_games("Jinx", "Thresh", 100, 60, 0) + duo_games("Jinx", "Lulu", 100, 50, 1000)
                           + duo_games("Caitlyn", "Lulu", 100, 40, 2000) + duo_games("Caitlyn", "Thresh", 100, 50, 3000))
    stats = duos.bot_duo_stats(players)
    row = stats.filter(adc_champion_name="Jinx", support_champion_name="Lulu").row(0, named=True)
    adc, support = (60 + 1) / (100 + 2), (40 + 1) / (100 + 2)
    odds = adc / (1 - adc) * support / (1 - support)
    assert row["adc_win_rate"] == pytest.approx(adc) and row["support_win_rate"] == pytest.approx(support)
    assert row["expected_win_rate"] == pytest.approx(odds / (1 + odds))
    assert row["win_rate_vs_expected"] == pytest.approx(0.5 - odds / (1 + odds))
    assert row["win_rate_ci_low"] < 0.5 < row["win_rate_ci_high"]
    tested = stats.filter(pl.col("p_value").is_not_null())
    assert tested.height == 4 and (tested["q_value"] >= tested["p_value"]).all()
    assert stats["significant"].to_list() == (stats["q_value"] < duos.Q_THRESHOLD).to_list()


def test_a_strong_duo_is_found_and_an_ordinary_one_is_not():
    """Fault injection: five ADCs and five supports, every pair 50 wins in 100 games but Jinx + Thresh, 80: only
    that pair is significant after the correction (the others of Jinx and of Thresh sit a little below an
    expectation their strong games raised, within chance); a team with two supports is left out."""
    adcs, supports = ("Jinx", "Caitlyn", "Ezreal", "Kaisa", "Lucian"), ("Thresh", "Lulu", "Nami", "Leona", "Braum")
    rows = [row for n, (adc, support) in enumerate((a, s) for a in adcs for s in supports)
            for row in duo_games(adc, support, 100, 80 if (adc, support) == ("Jinx", "Thresh") else 50, 1000 * n)]
    two_supports = pl.DataFrame(duo_games("Varus", "Sona", 5, 5, 90_000)).with_columns(
        pl.lit("UTILITY").alias("team_position"))
    stats = duos.bot_duo_stats(pl.concat([pl.DataFrame(rows), two_supports]))
    assert stats.height == 25 and stats["p_value"].null_count() == 0
    flagged = stats.filter("significant").select("adc_champion_name", "support_champion_name").rows()
    assert flagged == [("Jinx", "Thresh")]
    strong = stats.filter(adc_champion_name="Jinx", support_champion_name="Thresh").row(0, named=True)
    assert strong["expected_win_rate"] == pytest.approx(0.5) and strong["win_rate_vs_expected"] == pytest.approx(0.3)
    assert {"Varus", "Sona"}.isdisjoint({*stats["adc_champion_name"], *stats["support_champion_name"]})


def test_real_games_of_several_patches_publish_runes_spells_and_duos(pg_url, data_dir, monkeypatch):
    """As a new user would: real games of 11.16, 12.1, 13.3, 14.24 and 16.1 (the last buying items first shipped
    in 16.1) dropped into one day, materialized by Dagster and published: every purchase is named in English,
    and the keystone, rune page, spell pair and bot duo tables are in PostgreSQL for each queue and patch."""
    day = "2026-02-21"
    folder = data_dir / "landing" / "lol" / day
    folder.mkdir(parents=True)
    ranked, tournament = load(), load(TOURNAMENT)
    games = [ranked, tournament, played_on(ranked, 51, "13.3.491.6222"), played_on(ranked, 52, "14.24.1"),
             variant(tournament, 53, version="16.1.1", change=purchases_replaced(FIRST_SHIPPED_IN_16_1))]
    dropped(folder, games)
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    monkeypatch.setenv("GAMESTATS_START_DATE", "2026-02-01")
    defs = build_definitions(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    assert run(defs, lol_keys(defs, partitioned=True), instance, partition_key=day).success
    assert run(defs, lol_keys(defs, partitioned=False), instance).success
    bought = pl.read_delta(str(Path(data_dir) / "lake" / "lol" / "std" / "item_purchases"))
    assert bought.height > 0 and bought["item_name"].null_count() == 0
    assert bought["item_name"].str.contains(ENGLISH_TEXT).all()
    patches = {("ranked_solo", "11.16"), ("other", "12.1"), ("ranked_solo", "13.3"), ("ranked_solo", "14.24"),
               ("other", "16.1")}
    with connect(pg_url) as conn:
        for table in ("keystone_stats", "rune_page_stats", "spell_pair_stats", "starting_item_stats", "bot_duo_stats"):
            assert set(conn.execute(f"SELECT DISTINCT queue, patch FROM lol.{table}").fetchall()) == patches, table
        assert conn.execute("SELECT count(*) FROM lol.keystone_stats WHERE keystone_name IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM lol.spell_pair_stats WHERE spell_names IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT spell_names, runes_named_on FROM lol.spell_pair_stats s JOIN lol.keystone_stats k "
                            "USING (queue, patch, champion_id) WHERE patch = '16.1' AND s.champion_name = 'Gragas'"
                            ).fetchall() == [(loadouts_spells(tournament, "Gragas"), "16.1")]
        assert conn.execute("SELECT games FROM lol.bot_duo_stats WHERE patch = '11.16' AND adc_champion_name = "
                            "'Samira' AND support_champion_name = 'Pyke'").fetchall() == [(1,)]


def loadouts_spells(game, champion: str) -> str:
    """The spell names of `champion` in the real `game` (a tournament server's `spell1Id` / `spell2Id`), lower id
    first, as `lol.spell_pair_stats` orders them."""
    [player] = [p for p in info(game[0])["participants"] if p["championName"] == champion]
    names = dict(ddragon.spells_by_patch(["16.1"]).select("spell_id", "spell_name").iter_rows())
    low, high = sorted(player.get(f"summoner{n}Id", player.get(f"spell{n}Id")) for n in (1, 2))
    return f"{names[low]} + {names[high]}"
