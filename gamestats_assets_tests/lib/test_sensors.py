"""Discovery: the day folders of landing and the files they show; the sensors: what they find in landing, the
partitions they add and the runs they request."""

import json
import threading

import dagster as dg
import pytest
from dagster._core.events import DagsterEvent, DagsterEventType
from dagster._core.remote_origin import GrpcServerCodeLocationOrigin, RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.utils import make_new_run_id

from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import (
    FINGERPRINTS_METADATA,
    day_folder,
    day_folders,
    keyed_files,
    land_and_claim,
    requested_keys,
    visible_files,
)
from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.intake.sensors import (
    LANDING_HELD,
    Discovered,
    build_discovery_sensor,
    build_landing_sensor,
    key_batches,
    landing_discover,
    partitions_in_progress,
)
from gamestats_assets.lib.core.settings import Settings

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")
MATCHES = dg.DynamicPartitionsDefinition(name="t_match")


@dg.asset(key=["t", "landing", "files"], partitions_def=DAILY)
def day_files() -> None:
    """A day's files."""


@dg.asset(key=["t", "landing", "matches"], partitions_def=MATCHES)
def match_files() -> None:
    """A match's files."""


DAY_JOB = dg.define_asset_job("t_daily", selection=[day_files.key])
MATCH_JOB = dg.define_asset_job("t_match", selection=[match_files.key])


def evaluate(sensor, instance, cursor=None):
    platform = PlatformResource.from_settings(Settings.from_env())
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"platform": platform},
                                      definitions=dg.Definitions(assets=[day_files, match_files],
                                                                 jobs=[DAY_JOB, MATCH_JOB], sensors=[sensor]))
    return sensor(context)


def spans(requests) -> list[tuple[str, str]]:
    """The (first, last) keys of each request; Dagster refuses a run with a partition key and range tags."""
    found = []
    for request in requests:
        has_range = "dagster/asset_partition_range_start" in request.tags
        assert (request.partition_key is None) == has_range, request
        found.append((request.partition_key, request.partition_key) if request.partition_key
                     else (request.partition_key_range.start, request.partition_key_range.end))
    return found


def test_a_day_folder_is_named_only_by_a_date(tmp_path):
    platform = PlatformResource(data_dir=str(tmp_path), start_date="2026-01-01", anchor_date="2026-01-01")
    assert day_folder(platform, "l2m", "2026-01-02") == tmp_path / "landing" / "l2m" / "2026-01-02"
    for key in ("../../etc", "2026-01-02/../x", ""):
        with pytest.raises(ValueError):
            day_folder(platform, "l2m", key)


def test_visible_files_leave_out_hidden_files_and_folders(tmp_path):
    for name in ("b.jsonl", ".a.jsonl.partial", "sub/c.replay", "sub/.d.replay", ".staged/e.replay"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert visible_files(tmp_path) == [tmp_path / "b.jsonl"]
    assert visible_files(tmp_path, recursive=True) == [tmp_path / "b.jsonl", tmp_path / "sub" / "c.replay"]
    assert visible_files(tmp_path / "missing") == []


def test_key_batches_cover_exactly_the_wanted_keys_in_bounded_ranges():
    ordered = list("abcdefgh")
    assert key_batches(ordered, ["b", "c", "d", "g"], 2) == [("b", "c"), ("d", "d"), ("g", "g")]
    assert key_batches(ordered, ["h", "a"], 10) == [("a", "a"), ("h", "h")]


def test_the_landing_sensor_runs_new_and_changed_days_once(data_dir):
    sensor = build_landing_sensor(day_folders("t", DAILY, day_files.key), DAY_JOB)
    instance = dg.DagsterInstance.ephemeral()
    (data_dir / "landing" / "t" / "2026-01-02").mkdir(parents=True)
    (data_dir / "landing" / "t" / "2026-01-03").mkdir(parents=True)
    (data_dir / "landing" / "t" / "not-a-day").mkdir(parents=True)
    (data_dir / "landing" / "t" / "not-a-day" / "x.jsonl").write_text("{}\n")
    (data_dir / "landing" / "t" / "2026-01-02" / "a.jsonl").write_text("{}\n")
    (data_dir / "landing" / "t" / "2026-01-03" / "a.jsonl").write_text("{}\n")

    first = evaluate(sensor, instance)
    assert spans(first.run_requests) == [("2026-01-02", "2026-01-03")]
    assert first.run_requests[0].tags["discovered_by"] == "landing"
    assert evaluate(sensor, instance, first.cursor).run_requests == []

    (data_dir / "landing" / "t" / "2026-01-03" / "b.jsonl").write_text("{}\n")
    changed = evaluate(sensor, instance, first.cursor)
    assert spans(changed.run_requests) == [("2026-01-03", "2026-01-03")]


def test_a_day_the_landing_asset_already_processed_as_it_is_is_not_run_again(data_dir):
    discovery = day_folders("t", DAILY, day_files.key)
    sensor = build_landing_sensor(discovery, DAY_JOB)
    instance = dg.DagsterInstance.ephemeral()
    (data_dir / "landing" / "t" / "2026-01-02").mkdir(parents=True)
    (data_dir / "landing" / "t" / "2026-01-02" / "a.jsonl").write_text("{}\n")
    found = discovery.find(PlatformResource.from_settings(Settings.from_env()))
    instance.report_runless_asset_event(dg.AssetMaterialization(
        day_files.key, partition="2026-01-02", metadata={FINGERPRINTS_METADATA: dg.MetadataValue.json(found)}))
    assert evaluate(sensor, instance).run_requests == []


def test_match_files_add_dynamic_partitions_and_runs_over_batches_of_keys(data_dir):
    folder = data_dir / "landing" / "t" / "matches"
    folder.mkdir(parents=True)
    for n in range(5):
        (folder / f"file{n}.json").write_text(json.dumps({"id": f"m{n}"}))
    (folder / "unknown.bin").write_bytes(b"\x00")

    def key_of(path):
        try:
            return json.loads(path.read_text())["id"]
        except (ValueError, UnicodeDecodeError):
            return None

    discovery = keyed_files("t", MATCHES, match_files.key, ["matches"], key_of)
    sensor = build_discovery_sensor("t_matches", landing_discover(discovery, MATCH_JOB.name), MATCH_JOB, MATCHES,
                                    description="test", batch=2)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("t_match", ["m0"])
    result = evaluate(sensor, instance)
    [addition] = result.dynamic_partitions_requests
    assert list(addition.partition_keys) == ["m1", "m2", "m3", "m4"]
    assert spans(result.run_requests) == [("m0", "m1"), ("m2", "m3"), ("m4", "m4")]


def test_an_api_sensor_without_its_key_skips_with_the_reason(data_dir, monkeypatch):
    monkeypatch.delenv("T_API_KEY", raising=False)
    sensor = build_discovery_sensor("t_api", lambda context, platform: None, MATCH_JOB, MATCHES,
                                    description="test", api_key_env="T_API_KEY")
    skipped = evaluate(sensor, dg.DagsterInstance.ephemeral())
    assert isinstance(skipped, dg.SkipReason) and "T_API_KEY is not set" in skipped.skip_message


def test_files_another_sensor_claimed_are_not_run_again_by_the_landing_sensor(data_dir):
    discovery = day_folders("t", DAILY, day_files.key)
    landing = build_landing_sensor(discovery, DAY_JOB)
    api = build_discovery_sensor("t_api", lambda context, platform: Discovered(["2026-01-02"], None), DAY_JOB, DAILY,
                                 description="test", landing=discovery)
    instance = dg.DagsterInstance.ephemeral()
    folder = data_dir / "landing" / "t" / "2026-01-02"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("{}\n")
    assert spans(evaluate(api, instance).run_requests) == [("2026-01-02", "2026-01-02")]
    assert evaluate(landing, instance).run_requests == []
    assert evaluate(api, instance).run_requests == []
    (folder / "b.jsonl").write_text("{}\n")
    assert spans(evaluate(landing, instance).run_requests) == [("2026-01-02", "2026-01-02")]


def test_an_api_error_skips_the_tick_with_the_error_and_keeps_the_cursor(data_dir, monkeypatch):
    monkeypatch.setenv("T_API_KEY", "wrong")

    def refused(context, platform):
        raise ApiError("t: 403 Forbidden on /matches: check the key", 403)

    sensor = build_discovery_sensor("t_api", refused, MATCH_JOB, MATCHES, description="test", api_key_env="T_API_KEY")
    result = evaluate(sensor, dg.DagsterInstance.ephemeral(), cursor="kept")
    assert "403 Forbidden" in result.skip_reason.skip_message and result.cursor == "kept"


def meanwhile(sensor, instance, cursor=None):
    """`sensor` evaluated by another thread, as the daemon evaluates sensors at once; a sensor that waited for
    the caller's claims instead of skipping fails the wait."""
    result = []
    thread = threading.Thread(target=lambda: result.append(evaluate(sensor, instance, cursor)), daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert result, f"{sensor.name} waited for the claims another sensor holds"
    return result[0]


def test_files_landed_for_a_backfill_are_its_own_even_when_the_landing_sensor_looks_meanwhile(data_dir):
    """A newly tracked player's backfill lands their days and claims them (`land_and_claim`); the landing sensor,
    evaluated while the files are being written, runs nothing and keeps its cursor, and evaluated afterwards
    finds the days claimed: they are the backfill's, whichever sensor ticks first. An API sensor of the domain
    evaluated meanwhile skips at once, its cursor unchanged."""
    discovery = day_folders("t", DAILY, day_files.key)
    landing = build_landing_sensor(discovery, DAY_JOB)
    instance = dg.DagsterInstance.ephemeral()
    platform = PlatformResource.from_settings(Settings.from_env())
    folder = data_dir / "landing" / "t" / "2026-01-02"
    api = build_discovery_sensor("t_api", lambda context, platform: Discovered(["2026-01-02"], "next"), DAY_JOB,
                                 DAILY, description="test", landing=discovery)
    seen = {}

    def land():
        folder.mkdir(parents=True)
        (folder / "a.jsonl").write_text("{}\n")
        seen["landing"] = meanwhile(landing, instance, cursor="{}")
        seen["api"] = meanwhile(api, instance, cursor="kept")
        (folder / "b.jsonl").write_text("{}\n")
        return ["2026-01-02"]

    assert land_and_claim(instance, platform, discovery, land) == ["2026-01-02"]
    assert seen["landing"].run_requests == [] and seen["landing"].cursor == "{}"
    assert seen["landing"].skip_reason.skip_message == LANDING_HELD
    assert not seen["api"].run_requests and seen["api"].cursor == "kept"
    assert seen["api"].skip_reason.skip_message == LANDING_HELD
    assert evaluate(landing, instance).run_requests == []


def test_files_an_api_sensor_lands_are_its_own_run_even_when_the_landing_sensor_looks_meanwhile(data_dir):
    """An API sensor lands its files and claims them holding the domain's claims (`holding_claims`): the landing
    sensor, evaluated while the files are written, skips; the API sensor runs the day, tagged as its own, and
    reads the claims again meanwhile (`requested_keys`) without waiting for itself."""
    discovery = day_folders("t", DAILY, day_files.key)
    landing = build_landing_sensor(discovery, DAY_JOB)
    instance = dg.DagsterInstance.ephemeral()
    folder = data_dir / "landing" / "t" / "2026-01-02"
    seen = {}

    def discover(context, platform):
        assert requested_keys(platform, "t") == set()
        folder.mkdir(parents=True)
        (folder / "a.jsonl").write_text("{}\n")
        seen["landing"] = meanwhile(landing, instance, cursor="{}")
        return Discovered(["2026-01-02"], "next", tags={"discovered_by": "api"})

    api = build_discovery_sensor("t_api", discover, DAY_JOB, DAILY, description="test", landing=discovery)
    result = evaluate(api, instance)
    assert spans(result.run_requests) == [("2026-01-02", "2026-01-02")]
    assert result.run_requests[0].tags["discovered_by"] == "api" and result.cursor == "next"
    assert seen["landing"].run_requests == [] and seen["landing"].skip_reason.skip_message == LANDING_HELD
    assert evaluate(landing, instance).run_requests == []


RANGE = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


def run_in_progress(instance, job, first, last=None, status=dg.DagsterRunStatus.STARTED) -> dg.DagsterRun:
    """A run of `job` over the keys `first` to `last` (`first` alone without `last`), recorded as the run queue
    and launcher record one (`status`)."""
    tags = {"dagster/partition": first} if last is None else dict(zip(RANGE, (first, last)))
    location = GrpcServerCodeLocationOrigin(host="127.0.0.1", port=4000, location_name="t")
    origin = RemoteJobOrigin(RemoteRepositoryOrigin(location, "__repository__"), job.name)
    run = dg.DagsterRun(job_name=job.name, run_id=make_new_run_id(), status=status, tags=tags,
                        remote_job_origin=origin)
    instance.add_run(run)
    return run


def end(instance, run, landing_key, fingerprints) -> None:
    """`run` ends as a run of the landing sensor's job ends: its landing asset recorded the `fingerprints` it saw,
    then the run succeeded."""
    for key, fingerprint in fingerprints.items():
        instance.report_runless_asset_event(dg.AssetMaterialization(
            landing_key, partition=key, metadata={FINGERPRINTS_METADATA: dg.MetadataValue.json({key: fingerprint})}))
    instance.report_dagster_event(DagsterEvent(DagsterEventType.RUN_SUCCESS.value, job_name=run.job_name),
                                  run_id=run.run_id)


def test_files_landing_while_their_day_runs_wait_for_one_run_after_it(data_dir):
    """While a run of a day is in progress, files that land in it request nothing and the cursor keeps the day's
    former fingerprint; another day is run meanwhile; when the run ends, one run takes every file that landed."""
    discovery = day_folders("t", DAILY, day_files.key)
    sensor = build_landing_sensor(discovery, DAY_JOB)
    instance = dg.DagsterInstance.ephemeral()
    platform = PlatformResource.from_settings(Settings.from_env())
    day = data_dir / "landing" / "t" / "2026-01-02"
    day.mkdir(parents=True)
    (day / "a.jsonl").write_text("{}\n")
    first = evaluate(sensor, instance)
    assert spans(first.run_requests) == [("2026-01-02", "2026-01-02")]
    processed = discovery.find(platform)
    run = run_in_progress(instance, DAY_JOB, "2026-01-02")

    (day / "b.jsonl").write_text("{}\n")
    waiting = evaluate(sensor, instance, first.cursor)
    assert waiting.run_requests == [] and waiting.cursor == first.cursor
    assert "2026-01-02 wait for the run in progress" in waiting.skip_reason.skip_message
    (data_dir / "landing" / "t" / "2026-01-03").mkdir()
    (data_dir / "landing" / "t" / "2026-01-03" / "a.jsonl").write_text("{}\n")
    (day / "c.jsonl").write_text("{}\n")
    other = evaluate(sensor, instance, waiting.cursor)
    assert spans(other.run_requests) == [("2026-01-03", "2026-01-03")]
    assert json.loads(other.cursor)["2026-01-02"] == json.loads(first.cursor)["2026-01-02"]
    assert evaluate(sensor, instance, other.cursor).run_requests == []

    end(instance, run, day_files.key, processed)
    after = evaluate(sensor, instance, other.cursor)
    assert spans(after.run_requests) == [("2026-01-02", "2026-01-02")]
    assert json.loads(after.cursor)["2026-01-02"] == discovery.find(platform)["2026-01-02"]
    assert evaluate(sensor, instance, after.cursor).run_requests == []


@pytest.mark.parametrize("status", [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING])
def test_a_queued_or_starting_run_over_a_range_is_never_joined_by_a_second_for_its_days(data_dir, status):
    """A run over a range of days covers every day in it: none of them gets a second run while it is queued or
    starting; a day outside it does, and so does a run of another job over the same days."""
    sensor = build_landing_sensor(day_folders("t", DAILY, day_files.key), DAY_JOB)
    instance = dg.DagsterInstance.ephemeral()
    for day in ("2026-01-02", "2026-01-03", "2026-01-04", "2026-01-06"):
        (data_dir / "landing" / "t" / day).mkdir(parents=True)
        (data_dir / "landing" / "t" / day / "a.jsonl").write_text("{}\n")
    run_in_progress(instance, DAY_JOB, "2026-01-01", "2026-01-03", status)
    run_in_progress(instance, MATCH_JOB, "2026-01-04")
    assert partitions_in_progress(instance, DAY_JOB.name, DAILY) == {"2026-01-01", "2026-01-02", "2026-01-03"}
    result = evaluate(sensor, instance)
    assert spans(result.run_requests) == [("2026-01-04", "2026-01-04"), ("2026-01-06", "2026-01-06")]
    assert set(json.loads(result.cursor)) == {"2026-01-04", "2026-01-06"}


def test_a_match_whose_run_is_in_progress_waits_and_new_matches_run_around_it(data_dir):
    """Dynamic keys: a run over the range `m0`..`m1` covers both; a changed file of `m1` waits for it, the new
    `m2` is added and run."""
    folder = data_dir / "landing" / "t" / "matches"
    folder.mkdir(parents=True)
    for n in range(2):
        (folder / f"file{n}.json").write_text(json.dumps({"id": f"m{n}"}))
    discovery = keyed_files("t", MATCHES, match_files.key, ["matches"], lambda path: json.loads(path.read_text())["id"])
    sensor = build_landing_sensor(discovery, MATCH_JOB)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("t_match", ["m0", "m1"])
    first = evaluate(sensor, instance)
    assert spans(first.run_requests) == [("m0", "m1")]
    run_in_progress(instance, MATCH_JOB, "m0", "m1")
    (folder / "file1.json").write_text(json.dumps({"id": "m1", "more": True}))
    (folder / "file2.json").write_text(json.dumps({"id": "m2"}))
    result = evaluate(sensor, instance, first.cursor)
    assert [list(a.partition_keys) for a in result.dynamic_partitions_requests] == [["m2"]]
    assert spans(result.run_requests) == [("m2", "m2")]
    assert json.loads(result.cursor)["m1"] == json.loads(first.cursor)["m1"]


def test_an_api_sensor_leaves_a_day_in_progress_to_the_landing_sensor_after_the_run(data_dir):
    """Files an API sensor lands in a day whose run is in progress are not claimed: the landing sensor runs them
    once the run ended, in one run."""
    discovery = day_folders("t", DAILY, day_files.key)
    landing = build_landing_sensor(discovery, DAY_JOB)
    folder = data_dir / "landing" / "t" / "2026-01-02"

    def discover(context, platform):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "api.jsonl").write_text("{}\n")
        return Discovered(["2026-01-02"], "next", tags={"discovered_by": "api"})

    api = build_discovery_sensor("t_api", discover, DAY_JOB, DAILY, description="test", landing=discovery)
    instance = dg.DagsterInstance.ephemeral()
    run = run_in_progress(instance, DAY_JOB, "2026-01-02")
    result = evaluate(api, instance)
    assert result.run_requests == [] and result.cursor == "next"
    assert evaluate(landing, instance).run_requests == []
    end(instance, run, day_files.key, {})
    assert spans(evaluate(landing, instance).run_requests) == [("2026-01-02", "2026-01-02")]
