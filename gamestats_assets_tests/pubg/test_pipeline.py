"""The pubg code location end to end: a synthetic tournament and a dropped real match, from landing through
the lake to PostgreSQL, with real Dagster runs, real Delta tables and a real database."""

import datetime as dt
import gzip
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import dagster as dg
import polars as pl
import psycopg
import pytest
from deltalake import DeltaTable

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.defs.pubg import domain
from gamestats_assets.defs.pubg.assets import ASSETS, LANDING
from gamestats_assets.defs.pubg.checks import CHECKS
from gamestats_assets.defs.pubg.sensors import API_URL_ENV, TRACKED_TARGET
from gamestats_assets.defs.pubg.transforms.discovery import DISCOVERY_PRIORITY
from gamestats_assets.generator.emitters.pubg import (
    emit_match,
    public_match_plan,
    write_match,
)
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.sources.pubg.client import API_KEY_ENV
from gamestats_assets.sources.pubg.telemetry import EVENT_TABLES
from gamestats_assets_tests.pubg.conftest import MATCH_FILES, TELEMETRY_FILES

PUBLISH_ASSETS, PUBLISH_CHECKS, WAREHOUSE_ASSETS = domain.publish_assets, domain.publish_checks, domain.warehouse_assets
SENSORS = {sensor.name: sensor for sensor in domain.defs.sensors}
EVERYTHING = [*ASSETS, *PUBLISH_ASSETS, *CHECKS, *PUBLISH_CHECKS]
SMALL = {"ops": {"pubg__landing__synthetic_tournament": {"config": {
    "divisions": ["Pro"], "rounds": 1, "matches_per_round": 1, "min_events": 0, "max_events": 0}}}}
"""Three lobbies (a scheduled match, a remake, a warm-up) with only their simulated events, to stay quick;
the full-size stream is tested in test_emitter and measured in bench/pubg."""


PER_MATCH = [key for asset in [*ASSETS, *PUBLISH_ASSETS] if asset.partitions_def is not None for key in asset.keys]
LATE = "1a7e7e1e-0000-4000-8000-000000000001"
"""The match whose telemetry arrives later (PUBG match ids are UUIDs)."""


def run_matches(instance, resources):
    """One run over every match key (a single-run backfill of the per-match job)."""
    ordered = instance.get_dynamic_partitions("pubg_match")
    return dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                          tags={"dagster/asset_partition_range_start": ordered[0],
                                "dagster/asset_partition_range_end": ordered[-1], "discovered_by": "landing"},
                          raise_on_error=False)


def run_snapshots(instance, resources):
    selected = [key for asset in [*ASSETS, *PUBLISH_ASSETS] if asset.partitions_def is None for key in asset.keys
                if key.path[1] != "landing"]
    return dg.materialize(EVERYTHING, selection=selected, instance=instance, resources=resources, raise_on_error=False)


def failed_checks(result):
    return [e.asset_check_evaluation_data.asset_check_key.name for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
            and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR]


@pytest.fixture(scope="module")
def built(tmp_path_factory, pg_url):
    monkeypatch = pytest.MonkeyPatch()
    data_dir = tmp_path_factory.mktemp("pubg_data")
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    monkeypatch.setenv("GAMESTATS_ANCHOR_DATE", (dt.date.today() - dt.timedelta(days=20)).isoformat())
    monkeypatch.setattr(pubg, "OTHER_EVENTS_BATCH", 3)
    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    landing = data_dir / "landing" / "pubg"
    (landing / "matches").mkdir(parents=True)
    shutil.copy(MATCH_FILES[0], landing / "matches" / "dropped by a user.json")
    (landing / "matches" / "notes.json").write_text('{"hello": "not a match"}')

    root = dg.materialize([pubg.synthetic_tournament], instance=instance, resources=resources, run_config=SMALL)
    assert root.success
    context = dg.build_sensor_context(instance=instance, resources=resources)
    sensor_result = SENSORS["pubg_landing_sensor"](context)
    keys = sorted(LANDING.find(resources["platform"]))
    instance.add_dynamic_partitions("pubg_match", keys)
    matches_run = run_matches(instance, resources)
    snapshots_run = run_snapshots(instance, resources)
    yield {"data_dir": data_dir, "resources": resources, "instance": instance, "keys": keys, "sensor": sensor_result,
           "matches_run": matches_run, "snapshots_run": snapshots_run, "pg_url": pg_url}
    monkeypatch.undo()


def rows(pg_url, query, *params):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchall()


def test_landing_sensor_adds_a_partition_per_match_and_requests_one_run(built):
    result = built["sensor"]
    assert len(built["keys"]) == 4
    added = [key for request in result.dynamic_partitions_requests for key in request.partition_keys]
    assert sorted(added) == built["keys"]
    assert len(result.run_requests) == 1
    assert result.run_requests[0].tags["discovered_by"] == "landing"
    assert result.run_requests[0].tags["dagster/priority"] == str(DISCOVERY_PRIORITY["landing"])


def test_matches_runs_and_publishes_every_table(built):
    assert built["matches_run"].success, failed_checks(built["matches_run"])
    assert built["snapshots_run"].success, failed_checks(built["snapshots_run"])
    assert failed_checks(built["matches_run"]) == [] and failed_checks(built["snapshots_run"]) == []
    url = built["pg_url"]
    found_by = {(path, priority): n for path, priority, n in rows(
        url, "SELECT discovered_by, discovery_priority, count(*) FROM pubg.matches GROUP BY 1, 2")}
    assert found_by == {("landing", 0): 1, ("tournament", 10): 3}
    for table in ("match_summaries", "player_match_weapon_distribution", "player_weapon_accuracy",
                  "player_advanced_career_stats", "player_damage_stats", "player_weapon_stats",
                  "tournament_rounds", "tournament_scheduled_matches", "tournament_matches",
                  "tournament_match_outcomes", "tournament_team_standings_history", "team_leaderboards",
                  "player_leaderboards"):
        assert rows(url, f"SELECT count(*) FROM pubg.{table}")[0][0] > 0, table
    statuses = dict(rows(url, "SELECT status, count(*) FROM pubg.tournament_matches GROUP BY status"))
    assert statuses == {"confirmed": 1, "remake_candidate": 2}
    assert rows(url, "SELECT status, scored, count(*) FROM pubg.tournament_match_outcomes GROUP BY 1, 2 "
                     "ORDER BY 1") == [("confirmed", True, 1), ("remade", False, 1), ("remake_candidate", False, 1)]
    [(remake, original)] = rows(url, "SELECT match_id, original_match_id FROM pubg.tournament_match_outcomes "
                                     "WHERE is_remake")
    assert rows(url, "SELECT match_id, status, attempts, original_match_id FROM pubg.tournament_scheduled_matches"
                ) == [(remake, "remade", 2, original)]
    [(late, reason)] = rows(url, "SELECT match_id, reason FROM pubg.tournament_match_overrides")
    assert rows(url, "SELECT status, overridden FROM pubg.tournament_matches WHERE match_id = %s", late) == [
        ("confirmed", True)] and "late" in reason
    top = rows(url, "SELECT team_name, rank, points FROM pubg.team_leaderboards WHERE scope = 'group' "
                    "ORDER BY rank LIMIT 1")[0]
    assert top[1] == 1 and top[2] >= 10


def test_every_telemetry_event_is_in_the_lake_once_typed_or_raw(built):
    lake = built["data_dir"] / "lake" / "pubg" / "etl"
    counts = pl.read_delta(str(lake / "telemetry_event_counts"))
    typed = {table.name: pl.read_delta(str(lake / f"telemetry_{table.name}")) for table in EVENT_TABLES}
    other = pl.read_delta(str(lake / "telemetry_other_events"))
    assert sum(frame.height for frame in typed.values()) + other.height == counts["events"].sum()
    assert set(other["match_id"]) == set(counts["match_id"]) and len(set(counts["match_id"])) == 3
    events = pl.concat([frame.select("match_id", "event_index") for frame in [*typed.values(), other]])
    assert events.is_unique().all()
    assert other["raw"].str.json_path_match("$._T").equals(other["event_type"], check_names=False)


def test_a_dropped_real_match_without_telemetry_is_summarised_with_null_telemetry_columns(built):
    url = built["pg_url"]
    real_id = "f80126f4-9520-4c66-9198-57820d04bf00"
    count, with_telemetry, killsteals = rows(
        url, "SELECT count(*), count(*) FILTER (WHERE has_telemetry), count(killsteals) FROM pubg.match_summaries "
        "WHERE match_id = %s", real_id)[0]
    assert (count, with_telemetry, killsteals) == (91, 0, 0)
    quarantined = list((built["data_dir"] / "quarantine" / "pubg" / "unkeyed").glob("notes.json*"))
    assert len(quarantined) == 2


def test_rerunning_a_match_duplicates_nothing_and_the_first_discovery_stays(built):
    url, real_id = built["pg_url"], "f80126f4-9520-4c66-9198-57820d04bf00"
    before = rows(url, "SELECT count(*) FROM pubg.match_summaries")[0][0]
    again = dg.materialize(EVERYTHING, selection=PER_MATCH, instance=built["instance"], resources=built["resources"],
                           partition_key=real_id, tags={"discovered_by": "tournament"})
    assert again.success
    assert rows(url, "SELECT count(*) FROM pubg.match_summaries")[0][0] == before
    assert rows(url, "SELECT count(*) FROM pubg.matches")[0][0] == 4
    assert rows(url, "SELECT discovered_by FROM pubg.matches WHERE match_id = %s", real_id) == [("landing",)]
    assert rows(url, "SELECT count(*) FROM pubg.tournament_matches WHERE match_id = %s", real_id) == [(0,)]
    lake = pl.read_delta(str(built["data_dir"] / "lake" / "pubg" / "cons" / "match_summaries"))
    assert lake.height == before


def test_an_override_wins_on_the_next_run_of_the_match(built):
    url, instance, resources = built["pg_url"], built["instance"], built["resources"]
    remake = rows(url, "SELECT match_id FROM pubg.tournament_matches WHERE status = 'remake_candidate' "
                       "ORDER BY match_id LIMIT 1")[0][0]
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO pubg.tournament_match_overrides (match_id, status, is_tournament_match, reason, "
                     "admin_user) VALUES (%s, 'unscheduled', true, 'played as a full match', 'org')", (remake,))
    context = "SELECT status, is_tournament_match, overridden FROM pubg.tournament_matches WHERE match_id = %s"
    assert run_snapshots(instance, resources).success
    assert rows(url, context, remake) == [("remake_candidate", False, False)]
    assert dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                          partition_key=remake).success
    assert rows(url, context, remake) == [("unscheduled", True, True)]
    played = "SELECT matches, count(*) FROM pubg.tournament_team_standings_history GROUP BY matches ORDER BY 1"
    assert rows(url, played) == [(1, 16)]
    assert run_snapshots(instance, resources).success
    assert rows(url, played) == [(1, 10), (2, 6)]


def test_a_newly_tracked_player_is_backfilled_over_exactly_their_matches_without_duplicates(built):
    url, instance, resources = built["pg_url"], built["instance"], built["resources"]
    seeded = set(resources["platform"].roster_path("pubg").read_text().split()[1:])
    assert len(seeded) == 4 and rows(url, "SELECT count(DISTINCT account_id) FROM pubg.player_damage_events")[0][0] == 4
    player = rows(url, "SELECT account_id FROM pubg.match_summaries WHERE has_telemetry AND kills > 0 "
                       "AND NOT account_id = ANY(%s) ORDER BY account_id LIMIT 1", list(seeded))[0][0]
    played = sorted(r[0] for r in rows(url, "SELECT match_id FROM pubg.match_summaries WHERE account_id = %s", player))
    assert rows(url, "SELECT count(*) FROM pubg.player_damage_events WHERE account_id = %s", player)[0][0] == 0
    sensor = SENSORS["pubg_newly_tracked_players"]
    definitions = dg.Definitions(assets=[*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS], sensors=[sensor],
                                 resources=resources)
    first = sensor(dg.build_sensor_context(instance=instance, resources=resources, definitions=definitions))
    assert first.run_requests == [] and "history already built" in first.skip_reason.skip_message
    assert set(json.loads(first.cursor)) == seeded
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO pubg.players (player_id) VALUES (%s)", (player,))
    context = dg.build_sensor_context(instance=instance, resources=resources, definitions=definitions,
                                      cursor=first.cursor)
    [request] = sensor(context).run_requests
    partitions = {(ap.asset_key, ap.partition_key) for ap in request.asset_graph_subset.iterate_asset_partitions()}
    assert {key for _, key in partitions} == set(played) and {k for k, _ in partitions} == set(TRACKED_TARGET)

    ordered = [key for key in instance.get_dynamic_partitions("pubg_match") if key in played]
    for _ in range(2):
        assert dg.materialize([*EVERYTHING, *WAREHOUSE_ASSETS], selection=TRACKED_TARGET, instance=instance,
                              resources=resources,
                              tags={"dagster/asset_partition_range_start": ordered[0],
                                    "dagster/asset_partition_range_end": ordered[-1]}).success
    damage = rows(url, "SELECT account_id, count(*), count(DISTINCT (match_id, event_index, role)) "
                       "FROM pubg.player_damage_events WHERE account_id = %s GROUP BY account_id", player)
    lake = pl.read_delta(str(built["data_dir"] / "lake" / "pubg" / "etl" / "telemetry_damage"))
    expected = lake.filter((pl.col("attacker_account_id") == player)).height + lake.filter(
        pl.col("victim_account_id") == player).height
    assert damage == [(player, expected, expected)]
    assert rows(url, "SELECT count(DISTINCT account_id) FROM pubg.player_circle_positions")[0][0] == 5
    status = rows(url, "SELECT match_id, status FROM pubg.player_backfill_status WHERE player_id = %s ORDER BY 1", player)
    assert status == [(key, "extracted") for key in played]
    with resources["warehouse"].get_connection() as conn:
        copied = conn.execute("SELECT count(*) FROM pubg.tracked_damage_events WHERE account_id = ?", [player]).fetchone()
    assert copied == (expected,)


API_QUERIES = {
    "team_leaderboard": ("SELECT rank, rank_change, team_name, points, kills, wins, avg_placement, last_placements "
                         "FROM pubg.team_leaderboards WHERE scope = %s AND season_id = %s AND division_id = %s "
                         "AND group_id = %s AND round_id = %s ORDER BY rank, team_name"),
    "player_leaderboard": ("SELECT rank, rank_change, player_name, team_name, points, kills, weapon_kills "
                           "FROM pubg.player_leaderboards WHERE scope = %s AND season_id = %s AND division_id = %s "
                           "AND group_id = %s AND round_id = %s ORDER BY rank, player_name"),
    "recent_matches": ("SELECT m.match_id, m.created_at, m.map_name, s.placement, s.kills, s.damage_dealt "
                       "FROM pubg.match_summaries s JOIN pubg.matches m USING (match_id) WHERE s.account_id = %s "
                       "ORDER BY m.created_at DESC LIMIT 20"),
    "rounds": "SELECT round_id, name, date FROM pubg.tournament_rounds WHERE season_id = %s ORDER BY date",
    "schedule": ("SELECT slot_id, match_number, scheduled_at, map_name, match_id, status "
                 "FROM pubg.tournament_scheduled_matches WHERE round_id = %s ORDER BY scheduled_at"),
}
"""The API's responses, one SELECT each."""


def test_each_api_response_is_one_select(built):
    url = built["pg_url"]
    season, round_id = rows(url, "SELECT season_id, round_id FROM pubg.tournament_rounds LIMIT 1")[0]
    group = ("group", season, "Pro", "A", "all")
    assert len(rows(url, API_QUERIES["team_leaderboard"], *group)) == 16
    players = rows(url, API_QUERIES["player_leaderboard"], *group)
    assert len(players) == 64 and any(p[-1] for p in players)
    player = rows(url, "SELECT account_id FROM pubg.match_summaries WHERE has_telemetry LIMIT 1")[0][0]
    assert rows(url, API_QUERIES["recent_matches"], player)
    assert rows(url, API_QUERIES["rounds"], season) and rows(url, API_QUERIES["schedule"], round_id)


def test_telemetry_arriving_later_makes_the_landing_sensor_rerun_that_match(built):
    """Last but one in this module (the last two add files to the shared landing folder)."""
    instance, resources, url = built["instance"], built["resources"], built["pg_url"]
    landing = built["data_dir"] / "landing" / "pubg"
    emitted = emit_match(public_match_plan(LATE, dt.datetime.now(dt.UTC) - dt.timedelta(days=1), 7,
                                           event_range=(0, 0)), 7)
    match_path, telemetry_path = write_match(emitted, landing)
    held_back = telemetry_path.read_bytes()
    telemetry_path.unlink()
    first = SENSORS["pubg_landing_sensor"](dg.build_sensor_context(instance=instance, resources=resources))
    [request] = first.run_requests
    assert request.partition_key == LATE and first.dynamic_partitions_requests[0].partition_keys == [
        LATE]
    instance.add_dynamic_partitions("pubg_match", [LATE])
    assert dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                          partition_key=LATE).success
    summary = "SELECT count(*), bool_and(has_telemetry) FROM pubg.match_summaries WHERE match_id = %s"
    assert rows(url, summary, LATE) == [(100, False)]

    telemetry_path.write_bytes(held_back)
    later = SENSORS["pubg_landing_sensor"](dg.build_sensor_context(instance=instance, resources=resources, cursor=first.cursor))
    [request] = later.run_requests
    assert request.partition_key == LATE and later.dynamic_partitions_requests == []
    assert dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                          partition_key=LATE).success
    assert rows(url, summary, LATE) == [(100, True)]


def test_telemetry_of_another_match_is_blocked_before_publish(built):
    """The real match object gets telemetry of another real match under its id, ended as a whole match ends:
    the kills and damage of its players disagree, the blocking check fails and PostgreSQL keeps the rows it had."""
    instance, resources, url = built["instance"], built["resources"], built["pg_url"]
    real_id = "f80126f4-9520-4c66-9198-57820d04bf00"
    match_end = b'{"_T": "LogMatchEnd", "_D": "2019-10-23T00:40:00.000Z", "characters": [], "common": {}}\n'
    (built["data_dir"] / "landing" / "pubg" / "telemetry" / f"{real_id}.jsonl").write_bytes(
        TELEMETRY_FILES[-1].read_bytes() + match_end)
    result = dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                            partition_key=real_id, raise_on_error=False)
    assert not result.success and failed_checks(result) == ["telemetry_agrees_with_match_object"]
    summary = "SELECT count(*), bool_or(has_telemetry) FROM pubg.match_summaries WHERE match_id = %s"
    assert rows(url, summary, real_id) == [(91, False)]


API_MATCH = "5e1f0d00-0000-4000-8000-000000000001"
"""The synthetic public match the local API server answers with."""


class _SyntheticApi(BaseHTTPRequestHandler):
    """The PUBG API as the discovery and download sensors meet it: one tracked player's recent match, its match
    object (its telemetry URL pointed at this server) and its telemetry, gzip as the CDN sends it."""

    answers: dict[str, bytes] = {}

    def do_GET(self):
        body = self.answers.get(urlsplit(self.path).path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


def test_a_match_from_the_api_is_downloaded_apart_from_discovery_and_published(tmp_path, module_pg_url, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GAMESTATS_PG_URL", module_pg_url)
    monkeypatch.setenv(API_KEY_ENV, "secret-key")
    emitted = emit_match(public_match_plan(API_MATCH, dt.datetime.now(dt.UTC) - dt.timedelta(days=1), 11, teams=4,
                                           event_range=(0, 0)), 11)
    _, written = write_match(emitted, tmp_path / "emitted")
    events = gzip.decompress(written.read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SyntheticApi)
    base = f"http://127.0.0.1:{server.server_port}"
    document = json.loads(json.dumps(emitted.match_document))
    next(i for i in document["included"] if i["type"] == "asset")["attributes"]["URL"] = f"{base}/telemetry/x.json"
    player = emitted.plan.teams[0].players[0].account_id
    _SyntheticApi.answers = {
        "/shards/steam/players": json.dumps({"data": [{"type": "player", "id": player, "relationships": {
            "matches": {"data": [{"type": "match", "id": API_MATCH}]}}}]}).encode(),
        f"/shards/steam/matches/{API_MATCH}": json.dumps(document).encode(),
        "/telemetry/x.json": gzip.compress(events)}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(API_URL_ENV, base)
    resources = location_resources(Settings.from_env())
    platform, instance = resources["platform"], dg.DagsterInstance.ephemeral()
    platform.roster_path("pubg").parent.mkdir(parents=True)
    platform.roster_path("pubg").write_text(f"player_id\n{player}\n")
    try:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        assert not SENSORS["pubg_api_discovery"](context).run_requests
        assert not (platform.landing_dir("pubg") / "telemetry").exists()
        download = SENSORS["pubg_api_download"](dg.build_sensor_context(instance=instance, resources=resources))
    finally:
        server.shutdown()
    [request] = download.run_requests
    telemetry = platform.landing_dir("pubg") / "telemetry" / f"{API_MATCH}.raw.json.gz"
    assert gzip.decompress(telemetry.read_bytes()) == events
    instance.add_dynamic_partitions("pubg_match", [API_MATCH])
    result = dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                            partition_key=request.partition_key, tags=request.tags)
    assert result.success
    assert rows(module_pg_url, "SELECT discovered_by FROM pubg.matches WHERE match_id = %s", API_MATCH) == [("api",)]
    summary = "SELECT count(*), bool_and(has_telemetry) FROM pubg.match_summaries WHERE match_id = %s"
    assert rows(module_pg_url, summary, API_MATCH) == [(16, True)]


TOURNAMENT = ("tournament_match_outcomes", "tournament_scheduled_matches", "team_match_results",
              "player_match_results", "team_leaderboards", "tournament_team_standings_history", "player_leaderboards")
READ_PER_MATCH = ("etl/matches", "etl/participants", "etl/rosters", "cons/match_summaries",
                  "cons/player_match_weapon_distribution")
"""The per-match tables the tournament tables read."""


def test_the_tournament_tables_read_no_public_match(built):
    """Last in this module (it removes a public match's files from the lake): with the files of the public match
    `LATE` (discovered in landing, no tournament context) gone from every per-match table the tournament tables
    read, they build and publish what they published before, the lake skipping the match's files unopened."""
    instance, resources, url = built["instance"], built["resources"], built["pg_url"]
    tables = [pubg.TABLE_ASSETS[f"cons/{name}"].key for name in TOURNAMENT]
    selection = [*tables, *(dg.AssetKey(["pubg", "postgres", name]) for name in TOURNAMENT)]
    assert dg.materialize(EVERYTHING, selection=selection, instance=instance, resources=resources).success
    before = {name: sorted(rows(url, f"SELECT * FROM pubg.{name}"), key=repr) for name in TOURNAMENT}
    lake = built["data_dir"] / "lake" / "pubg"
    for ref in READ_PER_MATCH:
        actions = pl.DataFrame(DeltaTable(str(lake / ref)).get_add_actions(flatten=True))
        own = actions.filter((pl.col("min.match_id") == LATE) & (pl.col("max.match_id") == LATE))["path"]
        assert own.len() and all(pl.read_parquet(lake / ref / path)["match_id"].eq(LATE).all() for path in own), ref
        for path in own:
            (lake / ref / path).unlink()
    assert dg.materialize(EVERYTHING, selection=selection, instance=instance, resources=resources).success
    assert {name: sorted(rows(url, f"SELECT * FROM pubg.{name}"), key=repr) for name in TOURNAMENT} == before
    assert all(before.values())
