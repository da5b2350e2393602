"""Ranked tiers through the pipeline, as a user drops them: the real 14.4 ranked game of a Challenger player beside
his real league-v4 answer (op.gg-style bundle, origin in `fixtures/riot/SOURCES.md`), and the real 13.24 ranked game
beside league answers written for its players (tiers chosen for the test, so the game's median tier is known),
materialized by Dagster and published: the tier list, builds, skill orders, matchups, keystones, rune pages and
spells hold each game in `all`, in its own tier and in every band it reaches, and in no other slice."""

from __future__ import annotations

import gzip
import json
import shutil

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.sources.riot.league import SLICES
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.lol.real_games import REAL_PATCH_FIXTURES, REAL_PATCHES
from gamestats_assets_tests.lol.test_league import LEAGUE, MATCH_ID
from gamestats_assets_tests.lol.test_pipeline import lol_keys, run

DAY = "2026-02-24"
FROM_MATCHES = ("champion_stats", "lane_matchups", "keystone_stats", "rune_page_stats", "spell_pair_stats",
                "patch_trend", "length_win_rates")
FROM_TIMELINES = ("item_build_stats", "skill_order_stats")
"""The tiered statistics of every game, and those of the games with a timeline (the 13.24 game's only)."""
WRITTEN = [("GOLD", "II"), ("GOLD", "I"), ("PLATINUM", "IV"), ("PLATINUM", "II"), ("PLATINUM", "I"),
           ("EMERALD", "IV"), ("EMERALD", "III"), ("DIAMOND", "IV")]
"""The solo tiers written for eight of the 13.24 game's ten players: their lower median is Platinum II."""


def drop_games(folder) -> str:
    """The two real games and their league files, dropped into `folder`; the 13.24 game's match id."""
    folder.mkdir(parents=True)
    shutil.copy(LEAGUE / f"{MATCH_ID}.json.gz", folder)
    shutil.copy(LEAGUE / "league_v4_entries_KR.json", folder / "hide_on_bush_league.json")
    older = REAL_PATCHES["13.24"]
    for path in REAL_PATCH_FIXTURES.glob(f"{older}*.json.gz"):
        shutil.copy(path, folder / path.name)
    players = json.loads(gzip.decompress((REAL_PATCH_FIXTURES / f"{older}.json.gz").read_bytes()))["info"]["participants"]
    entries = [{"puuid": player["puuid"], "queueType": "RANKED_SOLO_5x5", "tier": tier, "rank": division,
                "leaguePoints": 50} for player, (tier, division) in zip(players, WRITTEN)]
    (folder / f"{older}_league.json.gz").write_bytes(gzip.compress(json.dumps(entries).encode()))
    (folder / "broken_league.json").write_text('[{"tier": "WOOD", "puuid": "x"}]')
    return older


@pytest.fixture(scope="module")
def published(migrated_pg_url, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("tiers") / "data"
    older = drop_games(data_dir / "landing" / "lol" / DAY)
    publish_day(data_dir, migrated_pg_url, DAY)
    return data_dir, older


def publish_day(data_dir, pg_url: str, day: str) -> None:
    """The lol tables of `day`, and the statistics over every day, materialized by Dagster from the files in
    `data_dir`'s landing and published to `pg_url`."""
    with pytest.MonkeyPatch.context() as patched:
        for name, value in {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url,
                            "GAMESTATS_SOURCE": "files", "GAMESTATS_START_DATE": "2026-02-01"}.items():
            patched.setenv(name, value)
        defs = build_definitions(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        assert run(defs, lol_keys(defs, partitioned=True), instance, partition_key=day).success
        assert run(defs, lol_keys(defs, partitioned=False), instance).success


def slices_of(pg_url: str, table: str) -> dict[str, set[str]]:
    with connect(pg_url) as conn:
        found = conn.execute(f"SELECT DISTINCT tier, patch FROM lol.{table}").fetchall()
    by_tier: dict[str, set[str]] = {}
    for tier, patch in found:
        by_tier.setdefault(tier, set()).add(patch)
    return by_tier


def test_each_game_is_in_all_its_tier_and_the_bands_it_reaches(published, migrated_pg_url):
    for table in FROM_MATCHES:
        assert slices_of(migrated_pg_url, table) == {
            "all": {"13.24", "14.4"}, "platinum": {"13.24"}, "platinum_plus": {"13.24", "14.4"},
            "challenger": {"14.4"}, "emerald_plus": {"14.4"}, "diamond_plus": {"14.4"}, "master_plus": {"14.4"},
        }, table
    for table in FROM_TIMELINES:
        assert slices_of(migrated_pg_url, table) == {"all": {"13.24"}, "platinum": {"13.24"},
                                                   "platinum_plus": {"13.24"}}, table
        assert set(slices_of(migrated_pg_url, table)) <= set(SLICES)


def test_a_slice_counts_its_own_games_and_the_pick_rate_is_within_it(published, migrated_pg_url):
    with connect(migrated_pg_url) as conn:
        counts = dict(conn.execute("SELECT tier, sum(games) FROM lol.champion_stats GROUP BY tier").fetchall())
        rates = conn.execute("SELECT DISTINCT tier, queue_games FROM lol.champion_stats").fetchall()
        trend = dict(conn.execute("SELECT tier, sum(games) FROM lol.patch_trend GROUP BY tier").fetchall())
        trend_rates = conn.execute("SELECT DISTINCT tier, queue_games FROM lol.patch_trend").fetchall()
    assert counts == trend == {"all": 20, "platinum": 10, "platinum_plus": 20, "challenger": 10, "emerald_plus": 10,
                               "diamond_plus": 10, "master_plus": 10}
    for found in (rates, trend_rates):
        assert {tier: games for tier, games in found if tier in ("platinum", "challenger")} == {
            "platinum": 1, "challenger": 1}


def test_a_league_file_that_cannot_be_read_is_quarantined_with_its_reason(published):
    data_dir, _ = published
    reason = json.loads((data_dir / "quarantine" / "lol" / DAY / "broken_league.json.reason.json").read_text())
    assert "unknown tier 'WOOD'" in json.dumps(reason)
    assert not (data_dir / "landing" / "lol" / DAY / "broken_league.json").exists()
