"""The uses of `gamestats dev` for new data, end to end under its daemon: a match file dropped into landing,
one whose telemetry download was cut, a day delivered and one of its files delivered again, a PUBG player
added to the roster."""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import pytest

from gamestats_assets.defs.pubg.assets import TELEMETRY_PUBLISHED
from gamestats_assets.generator.emitters import l2m
from gamestats_assets_tests.e2e.dev import wait_until
from gamestats_assets_tests.e2e.site import START, completed_backfill, execute, failed_ticks, finished_runs, rows
from gamestats_assets_tests.pubg.conftest import FIXTURES as PUBG_FIXTURES

pytestmark = pytest.mark.slow


def recent_match(path, target) -> str:
    """A real match object copied into landing as played yesterday (the tracked-player backfill looks back
    over recent matches only); its match id."""
    document = json.loads(path.read_text())
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    document["data"]["attributes"]["createdAt"] = yesterday.strftime("%Y-%m-%dT%H:%M:%SZ")
    target.mkdir(parents=True, exist_ok=True)
    (target / path.name).write_text(json.dumps(document))
    return document["data"]["id"]


@pytest.fixture(scope="module")
def delivered(site, dev):
    """One PUBG match object and one L2M day, dropped into landing while `gamestats dev` runs."""
    data, _ = site
    match_id = recent_match(PUBG_FIXTURES / "pubgkt_match_squad_response.json", data / "landing" / "pubg" / "matches")
    l2m.emit_day(data / "landing" / "l2m", START, seed=5, n_users=300)
    return match_id


@pytest.fixture(scope="module")
def cut_download(site, dev):
    """A second real match object and a telemetry download of it that stopped half way (built from a real
    telemetry excerpt), saved under the CDN's own name; its match id."""
    data, _ = site
    telemetry = data / "landing" / "pubg" / "telemetry"
    telemetry.mkdir(parents=True, exist_ok=True)
    match_id = json.loads((PUBG_FIXTURES / "pubg-python_match_response.json").read_text())["data"]["id"]
    excerpt = [json.loads(line) for line in (PUBG_FIXTURES / "part1_midgame_offset9000000.jsonl").read_text()
               .splitlines() if line.strip()]
    events = [{**event, "common": {**event.get("common", {}), "matchId": match_id}}
              for event in excerpt[:len(excerpt) // 2]]
    (telemetry / ".download").write_text("".join(json.dumps(event) + "\n" for event in events))
    recent_match(PUBG_FIXTURES / "pubg-python_match_response.json", data / "landing" / "pubg" / "matches")
    (telemetry / ".download").rename(telemetry / f"{match_id}-telemetry.jsonl")
    return match_id


def test_one_new_match_runs_once_and_reaches_postgresql(site, dev, delivered, module_pg_url):
    instance = dev.instance()
    wait_until(lambda: finished_runs(instance, discovered_by="landing", **{"dagster/partition": delivered}),
               300, "the match's run", dev)
    summaries = rows(module_pg_url, "SELECT count(*) FROM pubg.match_summaries WHERE match_id = %s", delivered)
    assert summaries[0][0] > 0
    assert len(instance.get_runs(filters=dg.RunsFilter(tags={"dagster/partition": delivered}))) == 1
    wait_until(lambda: rows(module_pg_url, "SELECT count(*) FROM pubg.player_advanced_career_stats")[0][0],
               300, "the career stats to follow the new match", dev)


def test_a_match_whose_telemetry_was_cut_publishes_its_match_object_and_holds_the_rest(dev, cut_download,
                                                                                      module_pg_url):
    instance = dev.instance()
    partition = {"dagster/partition": cut_download}
    wait_until(lambda: finished_runs(instance, **partition), 300, "the cut-download match's run", dev)
    assert len(instance.get_runs(filters=dg.RunsFilter(tags=partition))) == 1
    assert rows(module_pg_url, "SELECT DISTINCT telemetry, has_telemetry FROM pubg.match_summaries "
                "WHERE match_id = %s", cut_download) == [("partial", False)]
    held = rows(module_pg_url, "SELECT table_name, reason FROM public.held_partitions WHERE domain = 'pubg' "
                "AND partition_key = %s", cut_download)
    assert {table for table, _ in held} == set(TELEMETRY_PUBLISHED)
    assert all(f"telemetry {cut_download}-telemetry.jsonl cut short" in reason for _, reason in held)


def test_one_new_day_runs_once_and_a_redelivered_file_changes_no_figure(site, dev, delivered, module_pg_url):
    data, _ = site
    instance = dev.instance()
    day = {"dagster/partition": START.isoformat()}
    wait_until(lambda: finished_runs(instance, discovered_by="landing", **day), 300, "the day's run", dev)
    kpis = "SELECT * FROM l2m.l2m_daily_kpis WHERE date = %s ORDER BY country_code, server_id"
    before = rows(module_pg_url, kpis, START)
    assert before
    redelivered = sorted((data / "landing" / "l2m" / START.isoformat()).iterdir())[0]
    redelivered.write_bytes(redelivered.read_bytes())
    wait_until(lambda: len(finished_runs(instance, discovered_by="landing", **day)) == 2, 300,
               "the re-delivered day's run", dev)
    assert rows(module_pg_url, kpis, START) == before
    assert len(instance.get_runs(filters=dg.RunsFilter(tags=day))) == 2


def test_a_tracked_pubg_player_is_backfilled_once(site, dev, delivered, module_pg_url):
    instance = dev.instance()
    wait_until(lambda: finished_runs(instance, **{"dagster/partition": delivered}), 300, "the match's run", dev)
    match = json.loads((site[0] / "landing" / "pubg" / "matches" / "pubgkt_match_squad_response.json").read_text())
    player = next(i for i in match["included"] if i["type"] == "participant")["attributes"]["stats"]["playerId"]
    execute(module_pg_url, "INSERT INTO pubg.players (player_id) VALUES (%s)", player)
    wait_until(lambda: completed_backfill(instance, player), 400, f"the backfill of {player}", dev)
    status = rows(module_pg_url, "SELECT match_id FROM pubg.player_backfill_status WHERE player_id = %s", player)
    assert status == [(delivered,)]


def test_no_sensor_tick_failed(dev):
    assert not failed_ticks(dev)
