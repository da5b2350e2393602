"""The first completed item against gold at 15 minutes (`lol.first_item_gold`): its counts on the real timelines of the
fixtures and on the planted synthetic days equal a recount made straight from the parsed files (gold at the
minute-15 frame, the role held once on each side, the first core item of the purchases), its tests equal statsmodels'
on the published rows, a planted item that wins more at the same gold is found while a raw difference that is only
gold is not, and its PostgreSQL checks refuse a row that breaks them."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import polars as pl
import psycopg
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from gamestats_assets.defs.lol.tables import STATISTICS, computed
from gamestats_assets.lib.core.settings import SQL_DIR
from gamestats_assets.published.lol import COLUMNS, MIN_GAMES
from gamestats_assets_tests.conftest import fresh_database
from gamestats_assets_tests.lol.real_games import TOURNAMENT, load, load_real, parsed, variant, winner_swapped

POSITIONS = ("TOP", "JUNGLE", "MIDDLE", "BOTTOM", "UTILITY")
FIRST_ITEM = [table for table in STATISTICS if table.name == "first_item_gold"]
KEY = ("queue", "patch", "team_position", "length_from_min", "gold_15_from", "item_id")


def recount(participants: pl.DataFrame, matches: pl.DataFrame, frames: pl.DataFrame, purchases: pl.DataFrame,
            games: pl.DataFrame) -> dict[tuple, list[int]]:
    """Games and wins by `KEY`, counted player by player from the ETL rows: counted Summoner's Rift games (`games`),
    a role held by one player of each team, a known result, the first core item bought (`core_rank` 1 of the
    purchases) and `total_gold` in the frame of minute 15."""
    game = {row["match_id"]: row for row in games.iter_rows(named=True)}
    minutes = {row["match_id"]: row["game_duration_s"] / 60 for row in matches.iter_rows(named=True)}
    gold = {(row["match_id"], row["participant_id"]): row["total_gold"]
            for row in frames.filter(pl.col("frame_index") == 15).iter_rows(named=True)}
    first = {(row["match_id"], row["participant_id"]): row["item_id"]
             for row in purchases.filter(pl.col("core_rank") == 1).iter_rows(named=True)}
    holders = Counter((row["match_id"], row["team_id"], row["team_position"])
                      for row in participants.iter_rows(named=True))
    counts: dict[tuple, list[int]] = {}
    for row in participants.iter_rows(named=True):
        match, player, position = row["match_id"], (row["match_id"], row["participant_id"]), row["team_position"]
        known = game.get(match)
        if (known is None or not known["counted"] or not known["summoners_rift"] or position not in POSITIONS
                or holders[(match, row["team_id"], position)] != 1
                or holders[(match, 300 - row["team_id"], position)] != 1
                or row["win"] is None or player not in gold or player not in first):
            continue
        length = 35 if minutes[match] >= 35 else 25 if minutes[match] >= 25 else 0
        key = (known["queue"], known["patch"], position, length, gold[player] // 1000 * 1000, first[player])
        count = counts.setdefault(key, [0, 0])
        count[0] += 1
        count[1] += int(row["win"])
    return counts


def published_counts(table: pl.DataFrame) -> dict[tuple, list[int]]:
    return {tuple(row[k] for k in KEY): [row["games"], row["wins"]] for row in table.iter_rows(named=True)}


def assert_tests_are_statsmodels(table: pl.DataFrame) -> None:
    """Every row's others, Wilson interval, effect, Newcombe's interval, z-test p and BH q as statsmodels makes them
    from the published counts; a row is tested with `MIN_GAMES` players on each side."""
    cells = table.group_by(KEY[:-1]).agg(pl.col("games", "wins").sum().name.prefix("cell_"))
    rows = table.join(cells, on=list(KEY[:-1])).to_dicts()
    tested = []
    for row in rows:
        n, wins = row["games"], row["wins"]
        assert row["other_games"] == row["cell_games"] - n and row["other_wins"] == row["cell_wins"] - wins
        low, high = proportion_confint(wins, n, method="wilson")
        assert row["win_rate_ci_low"] == pytest.approx(low, abs=1e-9)
        assert row["win_rate_ci_high"] == pytest.approx(high, abs=1e-9)
        if n < MIN_GAMES or row["other_games"] < MIN_GAMES:
            assert row["p_value"] is None and row["q_value"] is None and row["effect"] is None
            assert row["significant"] is False
            continue
        rest, rest_wins = row["other_games"], row["other_wins"]
        assert row["effect"] == pytest.approx(wins / n - rest_wins / rest, abs=1e-12)
        low, high = confint_proportions_2indep(wins, n, rest_wins, rest, method="newcomb", compare="diff")
        assert (row["effect_ci_low"], row["effect_ci_high"]) == pytest.approx((low, high), abs=1e-9)
        assert row["p_value"] == pytest.approx(proportions_ztest([wins, rest_wins], [n, rest])[1], rel=1e-9)
        tested.append(row)
    if tested:
        q = multipletests([row["p_value"] for row in tested], method="fdr_bh")[1]
        for row, expected in zip(tested, q, strict=True):
            assert row["q_value"] == pytest.approx(expected, rel=1e-9)
            assert row["significant"] is bool(expected < 0.05)
    assert set(table["measure"]) <= {"win_rate"}


def test_the_real_timelines_recount_to_the_table():
    """The real games with a timeline (11.16, 12.1, 13.24, 14.1) and a copy of 13.24 won by the other side (each of
    its cells twice as many players, half of them winners): every player's cell and first item recounted from the
    parsed files."""
    games = [load(), load(TOURNAMENT), load_real("13.24"), load_real("14.1"),
             variant(load_real("13.24"), 6857541972, change=winner_swapped)]
    matches, participants, events, frames = parsed(games)
    tables = computed({"matches": matches, "participants": participants, "timeline_events": events,
                       "participant_frames": frames})
    table = tables["first_item_gold"]
    expected = recount(participants, matches, frames, tables["item_purchases"], tables["games"])
    assert expected and published_counts(table) == expected
    copied = [counts for key, counts in expected.items() if key[1] == "13.24"]
    assert copied and all(games % 2 == 0 and wins * 2 == games for games, wins in copied)
    assert set(table.columns) == set(COLUMNS["first_item_gold"])
    assert_tests_are_statsmodels(table)


def test_the_planted_days_recount_to_the_table(planted):
    """The planted synthetic days: the same recount from their parsed files, and the tests as statsmodels'."""
    table = planted.cons["first_item_gold"]
    expected = recount(planted.matches.participants, planted.matches.matches, planted.timelines.frames,
                       planted.std["item_purchases"], planted.std["games"])
    assert published_counts(table) == expected
    assert table.filter(pl.col("p_value").is_not_null()).height > 0
    assert_tests_are_statsmodels(table)


def players(cells: list[tuple[int, int, int, int]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """STD `participant_games` and `lane_states` of mid players of 30-minute ranked games on one day: per
    `(item_id, gold at 15, players, wins)` of `cells`, that many players of that first item and gold, the first
    `wins` of them winners."""
    rows, lanes = [], []
    for item, gold, count, wins in cells:
        for i in range(count):
            match = f"PLANT_{item}_{gold}_{i}"
            rows.append({"match_id": match, "participant_id": 3, "team_position": "MIDDLE", "win": i < wins,
                         "core_1_id": item, "core_1": f"item {item}", "minutes": 30.0, "queue": "ranked_solo",
                         "patch": "14.1", "counted": True, "summoners_rift": True})
            lanes.append({"match_id": match, "participant_id": 3, "gold_15": gold})
    return pl.DataFrame(rows), pl.DataFrame(lanes)


def test_an_item_is_judged_against_the_others_at_the_same_gold():
    """Planted: at 5,000 gold item 1 wins 70 % and item 2 40 % (found, +30 points); items 3 and 4 win alike at each
    gold, item 3 being bought more by the rich (a raw difference of 6.7 points that is only gold: not found)."""
    participant_games, lane_states = players([(1, 5400, 120, 84), (2, 5600, 120, 48), (3, 7200, 80, 48),
                                              (4, 7500, 40, 24), (3, 3100, 40, 16), (4, 3300, 80, 32)])
    table = computed({"participant_games": participant_games, "lane_states": lane_states}, FIRST_ITEM,
                     dt.date(2024, 3, 1))["first_item_gold"]
    by_item = {(row["item_id"], row["gold_15_from"]): row for row in table.iter_rows(named=True)}
    planted = by_item[(1, 5000)]
    assert (planted["games"], planted["wins"], planted["other_games"], planted["other_wins"]) == (120, 84, 120, 48)
    assert planted["effect"] == pytest.approx(0.3) and planted["effect_ci_low"] > 0 and planted["significant"]
    assert by_item[(2, 5000)]["effect"] == pytest.approx(-0.3) and by_item[(2, 5000)]["significant"]
    for key in ((3, 7000), (4, 7000), (3, 3000), (4, 3000)):
        assert by_item[key]["effect"] == pytest.approx(0.0) and not by_item[key]["significant"]
    assert all(row["length_from_min"] == 25 and row["length_to_min"] == 35 for row in by_item.values())
    assert_tests_are_statsmodels(table)


ROW = {"queue": "'ranked_solo'", "patch": "'14.1'", "team_position": "'MIDDLE'", "length_from_min": "25",
       "length_to_min": "35", "gold_15_from": "5000", "gold_15_to": "6000", "item_id": "1", "item_name": "'x'",
       "games": "120", "wins": "84", "win_rate": "0.7", "win_rate_ci_low": "0.61", "win_rate_ci_high": "0.77",
       "low_sample": "false", "other_games": "120", "other_wins": "48", "other_win_rate": "0.4", "effect": "0.3",
       "effect_ci_low": "0.17", "effect_ci_high": "0.41", "p_value": "0.0000028", "q_value": "0.0000056",
       "significant": "true", "measure": "'win_rate'", "min_games": "30"}


@pytest.mark.parametrize("broken", [{"significant": "false"}, {"q_value": "0.2"}, {"wins": "130"},
                                    {"effect": "0.5"}, {"gold_15_to": "7000"}])
def test_the_checks_refuse_a_row_that_breaks_them(admin_url, broken):
    """The table's CHECKs as generated: a row meeting them is kept; one flagged significant above q 0.05 (or the
    reverse), with more wins than games, an effect outside its interval or a gold band of another width is
    refused."""
    for url in fresh_database(admin_url):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA lol")
            conn.execute((SQL_DIR / "generated" / "lol.first_item_gold.sql").read_text())
            insert = "INSERT INTO lol.first_item_gold ({}) VALUES ({})"
            conn.execute(insert.format(", ".join(ROW), ", ".join(ROW.values())))
            row = {**ROW, "item_id": "2", **broken}
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute(insert.format(", ".join(row), ", ".join(row.values())))
