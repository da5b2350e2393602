"""The rocket domain run by Dagster for real: a synthetic day and a day of dropped real files in one
single-run backfill, the snapshots, PostgreSQL's tables, a rerun that changes nothing, and a files-only
day that generates nothing."""

import datetime as dt
import json
import shutil

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions, location_resources
from gamestats_assets.defs.rocket.assets import landing_replays
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.sources.ballchasing.records import BOUNDED_RATES, MECHANICS
from gamestats_assets_tests.rocket.conftest import BALLCHASING, CARBALL, REPLAYS
from gamestats_assets_tests.runs import execute_assets

SYNTHETIC_DAY, FILES_DAY = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
SAVES_MATCH_ID = "aed9f119430be68d4b9d829d8cb0af8a"
TABLES = ("users", "matches", "player_stats", "training_sessions", "training_packs", "player_weaknesses",
          "rank_predictions", "recommendations", "position_heatmaps")


def rocket_keys(defs, partitioned: bool):
    graph = defs.resolve_asset_graph()
    return [k for k in graph.materializable_asset_keys
            if k.path[0] == "rocket" and (graph.get(k).partitions_def is not None) == partitioned]


def run(defs, keys, instance, **kwargs):
    result = execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=keys, instance=instance, **kwargs)
    assert result.success
    return result


def published(pg_url, query, params=()):
    with connect(pg_url) as conn:
        return conn.execute(query, params).fetchall()


def drop_real_files(folder):
    """The real samples as a user would drop them: a raw replay, and again as a browser names a second download
    of it, the same game as ballchasing JSON, other ballchasing and carball files, and a file that is not a
    replay."""
    folder.mkdir(parents=True)
    shutil.copy(REPLAYS / "0_SAVES.replay", folder)
    shutil.copy(REPLAYS / "0_SAVES.replay", folder / "0_SAVES (1).replay")
    same_game = json.loads((BALLCHASING / "replay.json").read_text())
    same_game["rocket_league_id"] = SAVES_MATCH_ID.upper()
    del same_game["match_guid"]
    (folder / "ballchasing").mkdir()
    (folder / "ballchasing" / "same_game.json").write_text(json.dumps(same_game))
    shutil.copy(BALLCHASING / "replay-summary-w-bot.json", folder / "ballchasing")
    shutil.copy(CARBALL / "015827654AB94CC4973A30897DACCAB3game.json", folder)
    (folder / "readme.txt").write_text("not a replay")


@pytest.fixture(scope="module")
def backfilled(pg_url, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        data_dir = tmp_path_factory.mktemp("rocket") / "data"
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", pg_url)
        patch.setenv("GAMESTATS_USERS", "200")
        drop_real_files(data_dir / "landing" / "rocket" / FILES_DAY.isoformat())
        defs = build_definitions(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        result = run(defs, rocket_keys(defs, partitioned=True), instance, tags={
            "dagster/asset_partition_range_start": SYNTHETIC_DAY.isoformat(),
            "dagster/asset_partition_range_end": FILES_DAY.isoformat()})
        snapshots = run(defs, rocket_keys(defs, partitioned=False), instance)
        yield data_dir, defs, instance, result, snapshots


def failed_checks(result, severity=None):
    return {e.asset_check_evaluation_data.asset_check_key.name for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
            and severity in (None, e.asset_check_evaluation_data.severity)}


def test_both_days_and_the_snapshots_publish_every_table(backfilled, pg_url):
    _, _, _, result, snapshots = backfilled
    # the real carball sample credits two goals to a team whose score is 1, and a file was quarantined
    assert failed_checks(result) == {"team_scores_equal_player_goals", "nothing_quarantined"}
    # one day of 200 players, a few games each, is too little history to judge the planted truth or the rank
    # model: warnings at most, not errors
    assert failed_checks(snapshots, dg.AssetCheckSeverity.ERROR) == set()
    for table in TABLES:
        assert published(pg_url, f"SELECT count(*) FROM rocket.{table}")[0][0] > 0, table
    days = published(pg_url, "SELECT DISTINCT date FROM rocket.player_stats ORDER BY 1")
    assert [d for (d,) in days] == [SYNTHETIC_DAY, FILES_DAY]


def test_real_files_make_one_match_per_game_and_the_bad_file_is_quarantined(backfilled, pg_url):
    data_dir, *_ = backfilled
    rows = published(pg_url, "SELECT match_id, source, sources, ballchasing_id FROM rocket.matches WHERE date = %s "
                             "ORDER BY match_id", (FILES_DAY,))
    by_id = {match_id: (source, sources) for match_id, source, sources, _ in rows}
    assert len(rows) == 3
    assert by_id[SAVES_MATCH_ID] == ("replay", "ballchasing,replay")
    assert by_id["532ec8a04eac87d42fdb0f89d698f53d"] == ("ballchasing", "ballchasing")
    assert by_id["015827654ab94cc4973a30897daccab3"] == ("carball", "carball")
    goals = published(pg_url, "SELECT value FROM rocket.player_stats WHERE match_id = %s AND player_id = %s "
                              "AND stat_type = 'goals'", (SAVES_MATCH_ID, "bot:Roundhouse"))
    assert goals == [(1.0,)]
    quarantined = list((data_dir / "quarantine" / "rocket" / FILES_DAY.isoformat()).glob("readme.txt*"))
    assert len(quarantined) == 2
    [copy] = [path for path in (data_dir / "quarantine" / "rocket" / FILES_DAY.isoformat()).glob("*.reason*")
              if "0_SAVES" in path.name]
    assert f"duplicate of 0_SAVES (1).replay (match {SAVES_MATCH_ID})" in copy.read_text()
    cells = published(pg_url, "SELECT count(*), count(DISTINCT (player_id, cell_x, cell_y)) "
                              "FROM rocket.position_heatmaps WHERE match_id = %s", (SAVES_MATCH_ID,))
    assert cells[0][0] == cells[0][1] > 0, "the copy's position cells are not counted again"


def test_a_replays_mechanics_reach_postgresql_by_name_with_the_rates_intervals(backfilled, pg_url):
    """Every player of the real replay has each frame mechanic in `rocket.player_stats`, a value or the reason there
    is none, and a rate with a value has its trials and 95 % interval."""
    rows = published(pg_url, "SELECT stat_type, count(*), count(value) + count(null_reason), "
                             "bool_and(value IS NULL OR NOT stat_type = ANY(%s) "
                             "OR (sample_size = denominator AND ci_low <= value AND value <= ci_high)) "
                             "FROM rocket.player_stats WHERE match_id = %s AND stat_type = ANY(%s) GROUP BY 1",
                     (list(BOUNDED_RATES), SAVES_MATCH_ID, list(MECHANICS)))
    assert {stat for stat, *_ in rows} == set(MECHANICS)
    players = {n for _, n, _, _ in rows}
    assert len(players) == 1 and all(known == n and intervals for _, n, known, intervals in rows)
    positions = published(pg_url, "SELECT count(value) FROM rocket.player_stats WHERE match_id = %s "
                                  "AND stat_type = 'avg_position_y'", (SAVES_MATCH_ID,))
    assert positions[0][0] == players.pop() > 0


def test_every_synthetic_game_has_a_winner_overtime_deciding_a_tied_regulation(backfilled, pg_url):
    """Ranked Rocket League has no draw: a game tied after five minutes goes to overtime, which the next goal
    ends, so a published synthetic game is won by one team, and one that went to overtime by one goal."""
    games = published(pg_url, "SELECT result, overtime, duration, score_team_0, score_team_1 FROM rocket.matches "
                              "WHERE date = %s", (SYNTHETIC_DAY,))
    assert len(games) > 30
    assert [game for game in games if game[0] == "draw"] == []
    overtime = [game for game in games if game[1]]
    assert overtime, "some regulations end tied, as a fifth of real ones do"
    assert all(abs(blue - orange) == 1 and duration > 300 for _, _, duration, blue, orange in overtime)
    assert all(duration == 300 for _, ended_in_overtime, duration, _, _ in games if not ended_in_overtime)


def test_a_synthetic_players_goals_against_are_the_other_teams_goals(backfilled, pg_url):
    """A player's `goals_against` is what their team conceded: in each synthetic game the players who conceded
    the orange team's score are the blue team, whose goals make the blue score, and the other way round."""
    rows = published(pg_url, """
        SELECT m.match_id, m.score_team_0, m.score_team_1, against.value AS goals_against, scored.value AS goals
        FROM rocket.matches m
        JOIN rocket.player_stats against ON against.match_id = m.match_id AND against.stat_type = 'goals_against'
        JOIN rocket.player_stats scored ON scored.match_id = m.match_id AND scored.player_id = against.player_id
                                        AND scored.stat_type = 'goals'
        WHERE m.date = %s""", (SYNTHETIC_DAY,))
    assert rows
    conceded: dict[tuple[str, float], float] = {}
    for match_id, blue, orange, goals_against, goals in rows:
        assert goals_against in (blue, orange), match_id
        conceded[(match_id, goals_against)] = conceded.get((match_id, goals_against), 0) + goals
    scores = {match_id: (blue, orange) for match_id, blue, orange, _, _ in rows}
    assert all(conceded.get((match_id, orange), 0) == blue and conceded.get((match_id, blue), 0) == orange
               for match_id, (blue, orange) in scores.items())
    assert any(goals_against > 0 for *_, goals_against, _ in rows)


def test_daily_tables_are_partitioned_by_day_in_postgresql(backfilled, pg_url):
    for table in ("users", "matches", "player_stats", "training_sessions", "position_heatmaps"):
        kind = published(pg_url, "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = 'rocket' AND c.relname = %s", (table,))
        assert kind == [("p",)], table
    holders = published(pg_url, "SELECT DISTINCT tableoid::regclass::text FROM rocket.player_stats ORDER BY 1")
    assert holders == [("rocket_partitions.player_stats_p20260301",), ("rocket_partitions.player_stats_p20260302",)]


def test_a_days_rows_reach_postgresql_before_its_warehouse_copy_and_the_checks_that_hold_nothing(backfilled):
    """What serves an upload sooner: once the tables and the blocking checks are done, the publish runs first."""
    _, _, _, result, _ = backfilled
    started = [event.step_key for event in result.all_events if event.event_type_value == "STEP_START"]
    publish = started.index("rocket__postgres__daily")
    later = {"rocket__warehouse__daily", "rocket__cons__matches_team_scores_equal_player_goals"}
    assert later <= set(started[publish + 1:]), "\n".join(started)
    assert "rocket__cons__player_stats_publish_keys_unique_and_not_null" in started[:publish]


def test_rerunning_a_day_changes_nothing(backfilled, pg_url):
    _, defs, instance, _, _ = backfilled
    totals = ("SELECT (SELECT count(*) FROM rocket.matches), (SELECT count(*) FROM rocket.player_stats), "
              "(SELECT sum(value) FROM rocket.player_stats), (SELECT count(*) FROM rocket.users)")
    (matches, stats, total, seen), = published(pg_url, totals)
    run(defs, rocket_keys(defs, partitioned=True), instance, partition_key=FILES_DAY.isoformat())
    (matches_after, stats_after, total_after, seen_after), = published(pg_url, totals)
    assert (matches_after, stats_after, seen_after) == (matches, stats, seen)
    assert total_after == pytest.approx(total)


def test_with_files_only_a_day_is_read_as_dropped_and_nothing_is_generated(platform_env, monkeypatch):
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    settings = Settings.from_env()
    day = dt.date(2026, 3, 3)
    folder = settings.landing_dir("rocket") / day.isoformat()
    folder.mkdir(parents=True)
    shutil.copy(REPLAYS / "0_SAVES.replay", folder)
    context = dg.build_asset_context(partition_key=day.isoformat(), resources=location_resources(settings))
    landing_replays(context)
    assert [p.name for p in folder.rglob("*") if p.is_file()] == ["0_SAVES.replay"]
    empty_day = dt.date(2026, 3, 4)
    with pytest.raises(dg.Failure, match="GAMESTATS_SOURCE=files"):
        landing_replays(dg.build_asset_context(partition_key=empty_day.isoformat(), resources=location_resources(settings)))
