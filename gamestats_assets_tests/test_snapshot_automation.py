"""Snapshots keep up while data keeps arriving: the automation condition of every snapshot (`snapshot_automation`)
evaluated by Dagster's own automation evaluation on an instance whose runs of the snapshot's inputs are in
progress, at evaluation times the test chooses."""

import datetime as dt

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions, snapshot_automation
from gamestats_assets.lib.core.settings import Settings

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")
DELAY = 2


@dg.asset(key=["t", "etl", "games"], partitions_def=DAILY)
def games() -> None:
    """A day's games."""


@dg.asset(key=["t", "cons", "leaderboard"], deps=[games],
          automation_condition=snapshot_automation(dg.AssetSelection.assets(["t", "cons", "leaderboard"]), DELAY))
def leaderboard() -> None:
    """Every day's games."""


GAMES_JOB = dg.define_asset_job("t_daily", selection=[games.key])
LEADERBOARD_JOB = dg.define_asset_job("t_snapshots", selection=[leaderboard.key])
DEFS = dg.Definitions(assets=[games, leaderboard], jobs=[GAMES_JOB, LEADERBOARD_JOB])


class Clock:
    """The automation evaluations of one instance in time order, each at `at` (hh:mm:ss of one day, UTC),
    carrying the cursor on."""

    def __init__(self, instance: dg.DagsterInstance):
        self.instance, self.cursor = instance, None

    def requested(self, at: str) -> bool:
        time = dt.datetime.fromisoformat(f"2026-03-10T{at}+00:00")
        result = dg.evaluate_automation_conditions(DEFS, self.instance, cursor=self.cursor, evaluation_time=time)
        self.cursor = result.cursor
        return result.get_num_requested(leaderboard.key) == 1


def run_in_progress(instance: dg.DagsterInstance, job_name: str, tags: dict[str, str]) -> dg.DagsterRun:
    """A run of `job_name` created as the run queue creates one (its materializations planned), and started."""
    return instance.create_run_for_job(DEFS.resolve_job_def(job_name), tags=tags, status=dg.DagsterRunStatus.STARTED)


def test_a_snapshot_is_rebuilt_at_once_when_its_inputs_are_quiet_and_at_the_latest_at_the_next_tick_under_load():
    instance = dg.DagsterInstance.ephemeral()
    clock = Clock(instance)
    assert not clock.requested("10:00:00")
    dg.materialize([games], instance=instance, partition_key="2026-03-01")
    assert clock.requested("10:00:10"), "no run of its inputs in progress: rebuilt at once"
    dg.materialize([leaderboard], instance=instance)
    assert not clock.requested("10:00:20")

    run_in_progress(instance, GAMES_JOB.name, {"dagster/partition": "2026-03-02"})
    dg.materialize([games], instance=instance, partition_key="2026-03-01")
    assert not clock.requested("10:00:30"), "its inputs are being written: it waits"
    dg.materialize([games], instance=instance, partition_key="2026-03-01")
    assert not clock.requested("10:01:50")
    assert clock.requested("10:02:05"), f"the {DELAY}-minute tick passed while its inputs were in progress"


def test_a_snapshot_waits_for_the_next_tick_after_its_inputs_were_first_updated_since_its_build():
    """A tick that passed before the inputs were updated does not count: the delay starts at the update."""
    instance = dg.DagsterInstance.ephemeral()
    clock = Clock(instance)
    assert not clock.requested("10:00:00")
    dg.materialize([leaderboard], instance=instance)
    assert not clock.requested("10:01:00")
    assert not clock.requested("10:02:30")
    run_in_progress(instance, GAMES_JOB.name, {"dagster/partition": "2026-03-02"})
    dg.materialize([games], instance=instance, partition_key="2026-03-01")
    assert not clock.requested("10:03:00")
    assert not clock.requested("10:03:50")
    assert clock.requested("10:04:01")


def test_a_snapshot_is_never_built_twice_at_once():
    instance = dg.DagsterInstance.ephemeral()
    clock = Clock(instance)
    assert not clock.requested("10:00:00")
    run_in_progress(instance, GAMES_JOB.name, {"dagster/partition": "2026-03-02"})
    run_in_progress(instance, LEADERBOARD_JOB.name, {})
    dg.materialize([games], instance=instance, partition_key="2026-03-01")
    for at in ("10:00:10", "10:02:10", "10:04:10", "10:06:10"):
        assert not clock.requested(at)


def test_the_delay_is_a_setting_of_whole_minutes_up_to_an_hour(monkeypatch):
    assert Settings.from_env().snapshot_delay_minutes == 2
    monkeypatch.setenv("GAMESTATS_SNAPSHOT_DELAY_MINUTES", "5")
    settings = Settings.from_env()
    spec = next(spec for spec in build_definitions(settings).resolve_all_asset_specs()
                if spec.key == dg.AssetKey(["rocket", "cons", "peer_stats"]))
    assert "*/5 * * * *" in str(spec.automation_condition)
    for wrong in ("0", "61", "two"):
        monkeypatch.setenv("GAMESTATS_SNAPSHOT_DELAY_MINUTES", wrong)
        with pytest.raises(ValueError, match="GAMESTATS_SNAPSHOT_DELAY_MINUTES"):
            Settings.from_env()


def test_a_quiet_instance_gives_the_same_evaluation_across_a_tick():
    """Dagster stores a snapshot's evaluation whenever it differs from the one before (every snapshot's tree of
    conditions, over its inputs' partitions): one that changed at every tick of the delay's clock would fill the
    instance's database while nothing happens."""
    instance = dg.DagsterInstance.ephemeral()
    dg.materialize([games], instance=instance, partition_key="2026-03-01")
    dg.materialize([leaderboard], instance=instance)
    cursor, hashes = None, []
    for at in ("10:01:30", "10:01:50", "10:02:05", "10:02:20", "10:04:10"):
        time = dt.datetime.fromisoformat(f"2026-03-10T{at}+00:00")
        result = dg.evaluate_automation_conditions(DEFS, instance, cursor=cursor, evaluation_time=time)
        cursor = result.cursor
        hashes.append(next(r.value_hash for r in result.results if r.key == leaderboard.key))
    assert len(set(hashes[1:])) == 1, f"changed after the first evaluation: {hashes}"
