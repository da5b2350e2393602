"""Ranked tiers on real NA ranked games of 15.1–15.4 (riftoracle, origin in `fixtures/riot/SOURCES.md`): one game
from each Iron division's folder beside the league entries of the player crawled for it (the tier and division its
folder names, `fixtures/riot/riftoracle/README.md`), and a Bronze game whose crawled player cannot be told, dropped
into one day as a user drops files and materialized by Dagster: the published statistics hold each Iron game in
`all` and `iron` on its own patch, and the Bronze game in `all` only."""

from __future__ import annotations

import shutil

import pytest

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.lol.real_games import FIXTURES
from gamestats_assets_tests.lol.test_tiers import publish_day

DAY = "2026-02-25"
RIFTORACLE = FIXTURES / "riftoracle"
TABLES = ("champion_stats", "lane_matchups", "keystone_stats", "rune_page_stats", "spell_pair_stats")
"""The tiered statistics of games without a timeline."""
PATCHES = {"15.1", "15.2", "15.3", "15.4"}


@pytest.fixture(scope="module")
def published(migrated_pg_url, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("riftoracle") / "data"
    day = data_dir / "landing" / "lol" / DAY
    day.mkdir(parents=True)
    for path in (*RIFTORACLE.glob("*.json.gz"), RIFTORACLE / "crawled_players_league.json"):
        shutil.copy(path, day / path.name)
    publish_day(data_dir, migrated_pg_url, DAY)
    return data_dir


def test_each_iron_game_is_in_all_and_iron_on_its_patch_the_bronze_game_in_all_only(published, migrated_pg_url):
    with connect(migrated_pg_url) as conn:
        for table in TABLES:
            found = conn.execute(f"SELECT tier, array_agg(DISTINCT patch ORDER BY patch) FROM lol.{table} "
                                 "GROUP BY tier").fetchall()
            assert {tier: set(patches) for tier, patches in found} == {"all": PATCHES, "iron": PATCHES}, table
        games = dict(conn.execute("SELECT tier || ' ' || patch, max(queue_games) FROM lol.champion_stats "
                                  "GROUP BY tier, patch").fetchall())
        players = dict(conn.execute("SELECT tier, sum(games) FROM lol.champion_stats GROUP BY tier").fetchall())
    assert games == {"all 15.1": 1, "all 15.2": 1, "all 15.3": 1, "all 15.4": 2,
                     "iron 15.1": 1, "iron 15.2": 1, "iron 15.3": 1, "iron 15.4": 1}
    assert players == {"all": 50, "iron": 40}
