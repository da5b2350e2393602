"""A PUBG run over several matches, one of whose telemetry disagrees with its match object, publishes the other
matches and holds that one back with the reason, its published rows as they were; a match whose telemetry was
cut short publishes its match-object rows and is held from the telemetry tables only."""

import datetime as dt
import gzip
import json
import shutil

import dagster as dg
import pytest

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg import domain
from gamestats_assets.defs.pubg.assets import ASSETS
from gamestats_assets.defs.pubg.tables import TELEMETRY_PUBLISHED
from gamestats_assets.defs.pubg.checks import CHECKS
from gamestats_assets.generator.emitters.pubg import (
    emit_match,
    public_match_plan,
    write_match,
)
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.held import HELD_PARTITIONS, held_rows, held_tag
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.pubg.conftest import MATCH_FILES, TELEMETRY_FILES

PUBLISH_ASSETS, PUBLISH_CHECKS = domain.publish_assets, domain.publish_checks
EVERYTHING = [*ASSETS, *PUBLISH_ASSETS, *CHECKS, *PUBLISH_CHECKS]
PER_MATCH = [key for asset in [*ASSETS, *PUBLISH_ASSETS] if asset.partitions_def is not None for key in asset.keys]
REAL = "f80126f4-9520-4c66-9198-57820d04bf00"
"""The real match of `MATCH_FILES[0]`: 91 participants."""
HELD_PREFIX = "4e1d7e57-"
"""The synthetic matches of this module: their ids (UUIDs, as PUBG's) start with it."""
SYNTHETIC = f"{HELD_PREFIX}0000-4000-8000-000000000000"
SUMMARY = "SELECT count(*), count(*) FILTER (WHERE has_telemetry) FROM pubg.match_summaries WHERE match_id = %s"
DISTRIBUTION = "SELECT count(*), sum(damage_dealt) FROM pubg.player_match_weapon_distribution WHERE match_id = %s"
MATCH_END = {"_T": "LogMatchEnd", "_D": "2019-10-23T00:40:00.000Z", "characters": [], "common": {"isGame": 99}}


def run_every_match(instance, resources):
    """One run over every match (a single-run backfill of the per-match assets)."""
    keys = instance.get_dynamic_partitions("pubg_match")
    return dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                          raise_on_error=False, tags={"dagster/asset_partition_range_start": keys[0],
                                                      "dagster/asset_partition_range_end": keys[-1],
                                                      "discovered_by": "landing"})


def rows(url, query, *params):
    with connect(url) as conn:
        return conn.execute(query, params).fetchall()


def foreign_telemetry(match_id: str) -> str:
    """The late-game telemetry excerpt of another real match, ended as a whole match ends, each event marked as
    `match_id`'s."""
    events = [json.loads(line) for line in TELEMETRY_FILES[-1].read_text().splitlines() if line.strip()]
    return "".join(json.dumps({**event, "common": {**event.get("common", {}), "matchId": match_id}}) + "\n"
                   for event in [*events, MATCH_END])


def cut_short(path) -> None:
    """Keep the first half of the telemetry in `path`, as a download that stopped there."""
    events = json.loads(gzip.decompress(path.read_bytes()))
    path.write_bytes(gzip.compress(json.dumps(events[:len(events) // 2]).encode()))


def held_now(url):
    with connect(url) as conn:
        return held_rows(conn, "pubg")


@pytest.fixture
def landed(tmp_path, pg_url, monkeypatch):
    """Two real match objects without telemetry and a synthetic public match with its telemetry, landed."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    landing = data_dir / "landing" / "pubg"
    (landing / "matches").mkdir(parents=True)
    for path in MATCH_FILES:
        shutil.copy(path, landing / "matches" / path.name)
    write_match(emit_match(public_match_plan(SYNTHETIC, dt.datetime.now(dt.UTC) - dt.timedelta(days=1), 3,
                                             teams=8, event_range=(0, 0)), 3), landing)
    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    keys = sorted(path.stem for path in (landing / "matches").glob("*.json"))
    instance.add_dynamic_partitions("pubg_match", [REAL, *[key for key in keys if key not in (REAL, SYNTHETIC)],
                                                   SYNTHETIC])
    with resources["postgres"].connection() as conn:
        conn.execute("DELETE FROM public.held_partitions WHERE domain = 'pubg'")
    return landing, instance, resources


def test_a_match_whose_telemetry_disagrees_is_held_and_the_others_publish(landed, pg_url):
    landing, instance, resources = landed
    first = run_every_match(instance, resources)
    assert first.success
    assert rows(pg_url, SUMMARY, REAL) == [(91, 0)]
    synthetic_before = rows(pg_url, SUMMARY, SYNTHETIC)
    assert synthetic_before[0][0] == 32

    (landing / "telemetry" / f"{REAL}.jsonl").write_text(foreign_telemetry(REAL))
    (landing / "telemetry" / f"{SYNTHETIC}.json.gz").unlink()
    second = run_every_match(instance, resources)

    assert second.success
    agreements = [e.asset_check_evaluation_data for e in second.all_events
                  if e.event_type_value == "ASSET_CHECK_EVALUATION"
                  and e.asset_check_evaluation_data.check_name == "telemetry_agrees_with_match_object"]
    [agreement] = [e for e in agreements if e.partition is None]
    assert {e.partition: e.passed for e in agreements if e.partition} == {
        key: key != REAL for key in instance.get_dynamic_partitions("pubg_match")}
    assert not agreement.passed and agreement.severity == dg.AssetCheckSeverity.WARN
    assert list(agreement.metadata[HELD_PARTITIONS].value) == [REAL]
    assert "telemetry disagrees with the match object" in agreement.metadata[HELD_PARTITIONS].value[REAL]
    assert rows(pg_url, SUMMARY, REAL) == [(91, 0)]
    assert rows(pg_url, SUMMARY, SYNTHETIC) == [(32, 0)] != synthetic_before
    assert instance.get_run_by_id(second.run_id).tags[held_tag("pubg")] == "1"
    held = held_now(pg_url)
    assert {(key, check) for _, key, check, _, _ in held} == {
        (REAL, "pubg/cons/advanced_stats:telemetry_agrees_with_match_object")}
    assert {table for table, *_ in held} >= {"pubg.match_summaries", "pubg.player_match_weapon_distribution"}
    assert all(run_id == second.run_id and "telemetry disagrees" in reason for *_, reason, run_id in held)


def test_a_match_whose_telemetry_was_cut_short_publishes_its_match_object_rows(landed, pg_url):
    """In a run over 8 matches."""
    landing, instance, resources = landed
    others = [f"{HELD_PREFIX}0000-4000-8000-{n + 1:012d}" for n in range(4)]
    for n, match_id in enumerate(others):
        write_match(emit_match(public_match_plan(match_id, dt.datetime.now(dt.UTC) - dt.timedelta(days=1), n,
                                                 teams=8, event_range=(0, 0)), n), landing)
    instance.add_dynamic_partitions("pubg_match", others)
    assert len(instance.get_dynamic_partitions("pubg_match")) == 8
    assert run_every_match(instance, resources).success
    whole = rows(pg_url, DISTRIBUTION, SYNTHETIC)
    assert rows(pg_url, SUMMARY, SYNTHETIC) == [(32, 32)] and whole[0][0] > 0

    cut_short(landing / "telemetry" / f"{SYNTHETIC}.json.gz")
    second = run_every_match(instance, resources)

    assert second.success
    assert rows(pg_url, SUMMARY, SYNTHETIC) == [(32, 0)]
    assert rows(pg_url, "SELECT DISTINCT telemetry FROM pubg.match_summaries WHERE match_id = %s", SYNTHETIC) == [
        ("partial",)]
    assert rows(pg_url, DISTRIBUTION, SYNTHETIC) == whole
    assert rows(pg_url, SUMMARY, REAL) == [(91, 0)]
    ours = f"match_id LIKE '{HELD_PREFIX}%%'"
    assert rows(pg_url, f"SELECT count(DISTINCT match_id) FROM pubg.match_summaries WHERE has_telemetry AND {ours}"
                ) == [(4,)]
    assert rows(pg_url, f"SELECT count(DISTINCT match_id) FROM pubg.player_match_weapon_distribution WHERE {ours}"
                ) == [(5,)]
    held = held_now(pg_url)
    assert {table for table, *_ in held} == set(TELEMETRY_PUBLISHED)
    assert {(key, check) for _, key, check, _, _ in held} == {
        (SYNTHETIC, "pubg/etl/telemetry_files:telemetry_read_whole")}
    assert all("cut short" in reason for *_, reason, _ in held)
    published = {m.asset_key.path[-1]: m.metadata for m in second.asset_materializations_for_node(
        "pubg__postgres__pubg_match")}
    assert published["match_summaries"]["partitions_held"].value == 0
    assert published["match_summaries"][HELD_PARTITIONS].value == {}
    assert published["player_match_weapon_distribution"]["partitions_held"].value == 1
    assert list(published["player_match_weapon_distribution"][HELD_PARTITIONS].value) == [SYNTHETIC]
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data for e in second.all_events
              if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks["telemetry_agrees_with_match_object"].passed
    assert all(check.passed for name, check in checks.items() if name == "postgres_matches_lake")
