"""The lol domain run by Dagster for real: synthetic days backfilled in one run and published, a rerun that
duplicates nothing, real files dropped into a day's landing folder with GAMESTATS_SOURCE=files, run from
Python and from the standard `dagster asset materialize` command line, and real games of several queues and
patches published apart."""

import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from deltalake import DeltaTable

from gamestats_assets.definitions import build_definitions
from gamestats_assets.generator.emitters import lol
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.sources.riot import ddragon
from gamestats_assets_tests.lol import real_games
from gamestats_assets_tests.runs import execute_assets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "riot"
DAYS = [dt.date(2026, 2, 1), dt.date(2026, 2, 2)]
PUBLISHED = ("champion_stats", "item_build_stats", "skill_order_stats", "objective_stats", "vision_stats", "correlations",
             "discovered_patterns", "win_model", "lane_matchups", "length_win_rates", "patch_trend")


def lol_keys(defs, partitioned: bool):
    graph = defs.resolve_asset_graph()
    return [k for k in graph.materializable_asset_keys
            if k.path[0] == "lol" and (graph.get(k).partitions_def is not None) == partitioned]


def run(defs, keys, instance, **kwargs):
    return execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=keys, instance=instance, **kwargs)


def check_evaluation(result, name):
    """The run's evaluation of check `name`: over several days, the one of the whole run (each day has its own too)."""
    found = [e.asset_check_evaluation_data for e in result.all_events
             if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.asset_check_evaluation_data.asset_check_key.name == name]
    [evaluation] = [e for e in found if e.partition is None] if len(found) > 1 else found
    return evaluation


def check_metadata(result, name):
    return {k: v.value for k, v in check_evaluation(result, name).metadata.items()}


def lake_rows(data_dir: Path, table: str) -> int:
    return DeltaTable(str(data_dir / "lake" / "lol" / "etl" / table)).to_pyarrow_table().num_rows


def rows_by_day(data_dir: Path, table: str) -> dict:
    return dict(pl.read_delta(str(data_dir / "lake" / "lol" / "etl" / table)).group_by("date").len().iter_rows())


@pytest.fixture(scope="module")
def synthetic(migrated_pg_url, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        data_dir = tmp_path_factory.mktemp("lol") / "data"
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", migrated_pg_url)
        patch.setenv("GAMESTATS_USERS", "300")
        patch.setenv("GAMESTATS_START_DATE", DAYS[0].isoformat())
        defs = build_definitions(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        daily = run(defs, lol_keys(defs, partitioned=True), instance, tags={
            "dagster/asset_partition_range_start": DAYS[0].isoformat(),
            "dagster/asset_partition_range_end": DAYS[-1].isoformat()})
        snapshots = run(defs, lol_keys(defs, partitioned=False), instance)
        yield data_dir, defs, instance, daily, snapshots


def test_synthetic_days_are_published(synthetic, migrated_pg_url):
    data_dir, _, _, daily, snapshots = synthetic
    assert daily.success and snapshots.success
    assert lake_rows(data_dir, "matches") == 120
    with connect(migrated_pg_url) as conn:
        for table in PUBLISHED:
            assert conn.execute(f"SELECT count(*) FROM lol.{table}").fetchone()[0] > 0, table
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.sql("SELECT count(*) FROM lol.participant_facts").fetchall()[0][0] == 1200
    assert check_metadata(daily, "timelines_without_match") == {"timelines_without_match": 0, "games_checked": 120}
    assert all(check_evaluation(daily, name).passed for name in ("unknown_item_ids", "unknown_champion_ids"))
    excluded = check_metadata(daily, "excluded_games")
    assert (excluded["games"], excluded["excluded"]) == (120, 0) and check_evaluation(daily, "excluded_games").passed
    assert check_metadata(snapshots, "planted_patterns_found")["planted"] == len(lol.truth())
    [model] = [m for m in snapshots.asset_materializations_for_node("lol__cons__win_model")]
    assert 0 <= model.metadata["auc_15min"].value <= 1 and model.metadata["n_test_15min"].value > 0


def test_the_champion_table_counts_every_counted_player_once(synthetic, migrated_pg_url):
    """Every counted game has ten players, each in one (role, champion) row of its slices: a queue and patch's rows
    of all ranks hold ten times its games, and their pick rates sum to ten."""
    with connect(migrated_pg_url) as conn:
        totals = conn.execute("SELECT queue, patch, sum(games), max(queue_games), sum(pick_rate) "
                              "FROM lol.champion_stats WHERE tier = 'all' GROUP BY queue, patch").fetchall()
        games = dict(((queue, patch), n) for queue, patch, n in conn.execute(
            "SELECT queue, patch, count(*) FROM lol.participant_query_facts WHERE counted GROUP BY queue, patch").fetchall())
    assert totals and all(players == 10 * queue_games and abs(picks - 10) < 1e-9
                          for _, _, players, queue_games, picks in totals)
    assert {(queue, patch): players for queue, patch, players, _, _ in totals} == games


def test_synthetic_pick_rates_spread_as_a_ladders_do(synthetic, migrated_pg_url):
    """The tier list of the synthetic ladder: the patch's whole pool played (most of it in these 120 games), the
    most played champions picked in about a fifth of the games, none in nearly every other one, the median
    champion in under 5 % (a champion nobody picked: 0 %), a long tail under 2 %."""
    with connect(migrated_pg_url) as conn:
        rows = conn.execute("SELECT patch, champion_name, sum(pick_rate) FROM lol.champion_stats WHERE tier = 'all' "
                            "GROUP BY patch, champion_name").fetchall()
    [patch] = {patch for patch, _, _ in rows}
    picked = {champion: rate for _, champion, rate in rows}
    pool = ddragon.champions(patch)["champion_name"].to_list()
    assert set(picked) <= set(pool) and len(picked) >= 100
    rates = sorted((picked.get(champion, 0.0) for champion in pool), reverse=True)
    assert len(pool) > 150
    assert 0.10 <= rates[0] <= 0.40
    assert statistics.median(rates) < 0.05
    assert sum(rate < 0.02 for rate in rates) > len(pool) / 4


def test_rerunning_a_day_duplicates_nothing(synthetic, migrated_pg_url):
    data_dir, defs, instance, *_ = synthetic
    tables = ("matches", "participants", "timeline_events", "participant_frames")
    before = {t: rows_by_day(data_dir, t) for t in tables}
    assert run(defs, lol_keys(defs, partitioned=True), instance, partition_key=DAYS[1].isoformat()).success
    assert run(defs, lol_keys(defs, partitioned=False), instance).success
    assert {t: rows_by_day(data_dir, t) for t in tables} == before
    assert all(set(before[t]) == set(DAYS) for t in tables)
    assert all(DeltaTable(str(data_dir / "lake" / "lol" / "etl" / t)).metadata().partition_columns == []
               for t in tables)


def drop_real_files(folder: Path) -> None:
    """As a user would: a match with its timeline, a gzipped timeline without its match, and two bad files."""
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "ESPORTSTMNT01_2693492.json", folder)
    shutil.copy(FIXTURES / "ESPORTSTMNT01_2693492_timeline.json", folder)
    (folder / "JP1_323466834_timeline.json.gz").write_bytes(
        gzip.compress((FIXTURES / "match_v5_ranked_timeline.json").read_bytes()))
    (folder / "notes.txt").write_text("not a game")
    (folder / "EUW1_1.json").write_text("{broken")


def give_unknown_ids(folder: Path) -> None:
    """The dropped match's first champion and its timeline's first purchased item given ids Data Dragon does
    not know."""
    match_path, timeline_path = folder / "ESPORTSTMNT01_2693492.json", folder / "ESPORTSTMNT01_2693492_timeline.json"
    match, timeline = json.loads(match_path.read_bytes()), json.loads(timeline_path.read_bytes())
    match.get("info", match)["participants"][0]["championId"] = 99999
    purchases = [event for frame in timeline.get("info", timeline)["frames"] for event in frame["events"]
                 if event["type"] == "ITEM_PURCHASED"]
    purchases[0]["itemId"] = 999999
    match_path.write_text(json.dumps(match))
    timeline_path.write_text(json.dumps(timeline))


def test_real_files_dropped_into_a_day_are_processed_there(pg_url, data_dir, monkeypatch):
    day = "2026-02-10"
    folder = data_dir / "landing" / "lol" / day
    drop_real_files(folder)
    give_unknown_ids(folder)
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    monkeypatch.setenv("GAMESTATS_START_DATE", "2026-02-01")
    defs = build_definitions(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    result = run(defs, lol_keys(defs, partitioned=True), instance, partition_key=day)
    assert result.success
    assert lake_rows(data_dir, "matches") == 1
    events = DeltaTable(str(data_dir / "lake" / "lol" / "etl" / "timeline_events")).to_pyarrow_table()
    assert set(events.column("match_id").to_pylist()) == {"ESPORTSTMNT01_2693492", "JP1_323466834"}
    assert events.num_rows == 910 + 1280
    assert check_metadata(result, "timelines_without_match") == {"timelines_without_match": 1, "games_checked": 2}
    assert check_metadata(result, "unknown_champion_ids") == {"unknown_ids": 1, "unknown_rows": 1,
                                                              "ids_by_patch": "12.1: 99999", "games_checked": 2}
    assert check_metadata(result, "unknown_item_ids") == {"unknown_ids": 1, "unknown_rows": 1,
                                                          "ids_by_patch": "12.1: 999999", "games_checked": 2}
    assert not any(check_evaluation(result, name).passed
                   for name in ("unknown_champion_ids", "unknown_item_ids", "timelines_without_match"))
    etl = {m.asset_key.path[-1]: m.metadata for m in result.asset_materializations_for_node("etl_games")}
    assert {name: metadata["dagster/row_count"].value for name, metadata in etl.items()} == {
        name: lake_rows(data_dir, name) for name in ("matches", "participants", "timeline_events", "participant_frames")}
    assert all(metadata["files_quarantined"].value == 1 for metadata in etl.values())
    quarantined = sorted(p.name for p in (data_dir / "quarantine" / "lol" / day).iterdir())
    assert quarantined == ["EUW1_1.json", "EUW1_1.json.reason.json", "notes.txt", "notes.txt.reason.json"]
    assert not (folder / "planted_effects.json").exists()
    empty = run(defs, lol_keys(defs, partitioned=True), instance, partition_key="2026-02-11", raise_on_error=False)
    assert not empty.success


def test_dropped_files_are_processed_by_the_dagster_command_line(pg_url, tmp_path):
    """`dagster asset materialize` of a day's lol tables, in its own process on a Dagster home of its own,
    with GAMESTATS_SOURCE=files: the dropped files are parsed into that day and nothing is generated."""
    day = "2026-02-12"
    data_dir, home = tmp_path / "data", tmp_path / "dagster_home"
    home.mkdir()
    drop_real_files(data_dir / "landing" / "lol" / day)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_"))}
    env.update(GAMESTATS_DATA_DIR=str(data_dir), GAMESTATS_PG_URL=pg_url, GAMESTATS_SOURCE="files",
               GAMESTATS_START_DATE="2026-02-01", DAGSTER_HOME=str(home))
    defs = build_definitions(Settings.from_env())
    selection = ",".join("/".join(key.path) for key in lol_keys(defs, partitioned=True))
    result = subprocess.run([sys.executable, "-m", "dagster", "asset", "materialize", "-m", "gamestats_assets.definitions",
                             "--select", selection, "--partition", day],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    matches = DeltaTable(str(data_dir / "lake" / "lol" / "etl" / "matches")).to_pyarrow_table()
    assert matches.column("match_id").to_pylist() == ["ESPORTSTMNT01_2693492"]
    assert [d.isoformat() for d in matches.column("date").to_pylist()] == [day]
    assert lake_rows(data_dir, "timeline_events") == 910 + 1280
    players = DeltaTable(str(data_dir / "lake" / "lol" / "std" / "participant_games")).to_pyarrow_table()
    assert players.num_rows == 10
    assert not (data_dir / "landing" / "lol" / day / "planted_effects.json").exists()
    assert sorted(p.name for p in (data_dir / "landing" / "lol").iterdir()) == [day]


def gold_difference(game: real_games.Game, minute: int, player: int, opponent: int) -> int:
    """Total gold of `player` minus `opponent`'s in the participant frame of `minute` of the file itself."""
    frame = real_games.info(game[1])["frames"][minute]["participantFrames"]
    return frame[str(player)]["totalGold"] - frame[str(opponent)]["totalGold"]


def test_real_games_of_several_queues_and_patches_are_published_apart(pg_url, data_dir, monkeypatch):
    """As a new user would: real games (and cases built from them) of several queues and patches, a remake and
    a game with a player away dropped into one day, materialized and published. Every published table is
    split by queue and patch, counts no remake or AFK game, and keeps ARAM off the Summoner's Rift tables."""
    day = "2026-02-20"
    folder = data_dir / "landing" / "lol" / day
    folder.mkdir(parents=True)
    ranked = real_games.load()
    games = [ranked, real_games.variant(ranked, 1001, queue=450, map_id=12),
             real_games.variant(ranked, 1002, queue=440, version="12.21.474.6036"),
             real_games.variant(ranked, 1003, change=real_games.remake),
             real_games.variant(ranked, 1004, change=real_games.away_from(5)), real_games.load(real_games.TOURNAMENT)]
    real_games.dropped(folder, games)
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    monkeypatch.setenv("GAMESTATS_START_DATE", "2026-02-01")
    defs = build_definitions(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    daily = run(defs, lol_keys(defs, partitioned=True), instance, partition_key=day)
    assert daily.success
    excluded = check_metadata(daily, "excluded_games")
    assert (excluded["games"], excluded["remakes"], excluded["games_with_afk_player"]) == (6, 1, 1)
    assert not check_evaluation(daily, "excluded_games").passed, "a third of the day left out is more than a few"
    assert all(check_evaluation(daily, name).passed for name in ("unknown_item_ids", "unknown_champion_ids"))
    assert run(defs, lol_keys(defs, partitioned=False), instance).success
    counted = {("ranked_solo", "11.16"), ("aram", "11.16"), ("ranked_flex", "12.21"), ("other", "12.1")}
    with connect(pg_url) as conn:
        def groups(table: str) -> set[tuple[str, str]]:
            return set(conn.execute(f"SELECT DISTINCT queue, patch FROM lol.{table}").fetchall())
        assert groups("item_build_stats") == counted and groups("skill_order_stats") == counted
        assert groups("objective_stats") == groups("vision_stats") == counted - {("aram", "11.16")}
        assert conn.execute("SELECT max(champion_games) FROM lol.item_build_stats WHERE queue = 'ranked_solo'"
                            ).fetchone()[0] == 1, "the remake and the AFK copies of the ranked game are left out"
        assert conn.execute("SELECT count(*) FROM lol.item_build_stats WHERE champion_name IS NULL").fetchone()[0] == 0
        assert groups("lane_matchups") == counted - {("aram", "11.16")} and groups("length_win_rates") == counted
        assert conn.execute("SELECT games, gold_diff_10_mean FROM lol.lane_matchups WHERE queue = 'ranked_solo' "
                            "AND champion_name = 'Illaoi' AND opponent_champion_name = 'Gnar'").fetchall() == [
            (1, gold_difference(ranked, 10, 1, 6))]
        assert set(conn.execute("SELECT DISTINCT queue, patch FROM lol.patch_trend").fetchall()) == counted
