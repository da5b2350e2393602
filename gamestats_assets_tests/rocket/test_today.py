"""A Rocket League game of today is run today: the domain's calendar holds the day in progress, so the landing
sensor runs a replay dropped (or uploaded) into today's folder at once, while the morning schedule still runs
yesterday, and the domains whose days are run once over keep ending yesterday."""

import datetime as dt
import shutil

import dagster as dg

from gamestats_assets.definitions import defs
from gamestats_assets.defs import l2m, rocket
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.rocket.conftest import REPLAYS


def test_a_replay_dropped_today_is_run_today_by_the_landing_sensor(data_dir):
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for domain in ("rocket", "l2m"):
        (data_dir / "landing" / domain / today).mkdir(parents=True)
    shutil.copy(REPLAYS / "XBOX_PARTY.replay", data_dir / "landing" / "rocket" / today / "game.replay")
    (data_dir / "landing" / "l2m" / today / "log.jsonl").write_text("{}\n")
    platform = PlatformResource.from_settings(Settings.from_env())
    assert list(l2m.domain.discoveries[0].find(platform)) == []

    sensor = rocket.domain.sensor("rocket_landing_sensor")
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), resources={"platform": platform},
                                      definitions=defs)
    [request] = sensor(context).run_requests
    assert request.partition_key == today


def test_the_morning_schedule_still_runs_yesterday():
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC),
                                        repository_def=defs.get_repository_def())
    for schedule in ("rocket_daily_schedule", "l2m_daily_schedule"):
        [request] = defs.resolve_schedule_def(schedule).evaluate_tick(context).run_requests
        assert request.partition_key == "2026-11-20", schedule
