"""A tracked player's backfill runs in the background: Dagster's backfill daemon gives each of its runs the backfill's
low-priority tags, and the gamestats instance's run queue (`dagster.yaml`) starts a waiting live run before them and
never lets them hold more than one run slot, the last slot going to a live run."""

import contextlib
import logging
from collections.abc import Callable, Iterator

import dagster as dg
import pytest
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.test_utils import create_run_for_test, create_test_daemon_workspace_context
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.utils import make_new_backfill_id
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
from dagster._daemon.backfill import execute_backfill_iteration
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon
from dagster._daemon.sensor import _submit_backfill_request

from gamestats_assets.lib.core.lanes import BACKGROUND, LANE_TAG
from gamestats_assets.lib.intake.tracking import PLAYER_TAG, REQUEST_TAG
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets_tests.lib.test_tracking import SENSOR, player_games, tick, tracked  # noqa: F401 - fixture

DEFS = dg.Definitions(assets=[player_games], sensors=[SENSOR],
                      resources={"lake": DeltaLakeIOManager(root="unused")})
"""The code location Dagster's backfill daemon loads in this process."""
QUEUED, STARTED = dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTED


@pytest.fixture
def instance(own_instance):
    """The gamestats instance stored in this module's own database (`own_instance`): no other module's runs or
    backfills are on it."""
    return own_instance


@contextlib.contextmanager
def workspace(instance) -> Iterator:
    """The workspace of Dagster's daemons over `DEFS`, loaded in this process."""
    origin = InProcessCodeLocationOrigin(LoadableTargetOrigin(module_name=__name__, attribute="DEFS"),
                                         location_name="t_dom")
    with create_test_daemon_workspace_context(InProcessWorkspaceLoadTarget(origin), instance) as context:
        yield context


def backfill_daemon_iteration(instance) -> None:
    """One iteration of Dagster's backfill daemon over `DEFS`."""
    with workspace(instance) as context:
        assert [e for e in execute_backfill_iteration(context, logging.getLogger("backfill")) if e] == []


def test_each_run_of_a_tracked_players_backfill_carries_its_low_priority_tags(tracked, instance):
    """On the gamestats instance: the sensor's backfill of bob is submitted, and the backfill daemon's run of it is
    queued with the backfill's tags: the player, the background lane and priority -100."""
    platform, postgres = tracked
    platform.roster_path("t_dom").write_text("player_id\nbob\n")
    [request] = tick(instance, platform, postgres, None).run_requests
    assert {name: request.tags[name] for name in BACKGROUND} == BACKGROUND and REQUEST_TAG not in request.tags
    backfill_id = make_new_backfill_id()
    _submit_backfill_request(backfill_id, request, instance)
    backfill_daemon_iteration(instance)
    [run] = instance.get_runs(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert run.status == QUEUED
    assert {name: run.tags.get(name) for name in (*BACKGROUND, PLAYER_TAG)} == {**BACKGROUND, PLAYER_TAG: "bob"}


def dequeued(instance) -> list[str]:
    """The runs Dagster's queued-run daemon would launch now, in order, by their `name` tag."""
    daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
    runs = daemon._get_runs_to_dequeue(instance, instance.get_concurrency_config(), None)
    return [run.tags["name"] for run in runs]


def queue(instance) -> Callable[..., None]:
    """A function putting a run of `DEFS`'s asset job on `instance` (QUEUED or STARTED), named by its `name` tag,
    in the background lane or not."""
    with workspace(instance) as context:
        repository = context.create_request_context().get_code_location("t_dom").get_repository("__repository__")
        origin = repository.get_full_job("__ASSET_JOB").get_remote_origin()

    def put(name: str, status, background: bool = False) -> None:
        create_run_for_test(instance, job_name="__ASSET_JOB", status=status, remote_job_origin=origin,
                            tags={"name": name, **(BACKGROUND if background else {})})

    return put


def clear(instance) -> None:
    for record in instance.get_run_records():
        instance.delete_run(record.dagster_run.run_id)


def test_the_run_queue_starts_live_runs_first_and_one_background_run_at_most(instance):
    config = instance.get_concurrency_config().run_queue_config
    [lane] = [limit for limit in config.tag_concurrency_limits if limit["key"] == LANE_TAG]
    assert lane == {"key": LANE_TAG, "value": BACKGROUND[LANE_TAG], "limit": 1}
    assert config.max_concurrent_runs == 2
    clear(instance)
    run = queue(instance)

    run("backfill 1", QUEUED, background=True)
    run("backfill 2", QUEUED, background=True)
    run("landing", QUEUED)
    assert dequeued(instance) == ["landing", "backfill 1"], "a live run first, one background run at most"

    clear(instance)
    run("landing", STARTED)
    run("backfill", QUEUED, background=True)
    run("tournament", QUEUED)
    assert dequeued(instance) == ["tournament"], "the last slot goes to the live run queued after the backfill"

    clear(instance)
    run("backfill 1", STARTED, background=True)
    run("backfill 2", QUEUED, background=True)
    run("organiser", QUEUED)
    assert dequeued(instance) == ["organiser"], "never two background runs, the other slot kept for live runs"
