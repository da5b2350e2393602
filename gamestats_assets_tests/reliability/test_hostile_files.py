"""One bad file never blocks a domain: a name that is not UTF-8, JSON nested 100 000 levels deep, a broken gzip, a
gzip expanding beyond `GAMESTATS_MAX_DECOMPRESSED_BYTES` or a symbolic link is quarantined with a reason that
names it, and every other file and day of the run goes on; the landing sensors keep ticking. A link's target is
never read: no line of it reaches quarantine, the lake or anywhere else.

Days are delivered from the real samples of `fixtures/` (or the L2M and Rocket League emitters' files) and run
through real Dagster over the Delta lake."""

import datetime as dt
import gzip
import json
import os
import random
import shutil
import string
import tracemalloc
import zlib
from pathlib import Path

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.defs.lol import domain as lol
from gamestats_assets.defs.pubg import domain as pubg
from gamestats_assets.defs.pubg.assets import landing_match_files
from gamestats_assets.generator.emitters.l2m import emit_day as emit_l2m
from gamestats_assets.generator.emitters.lol import emit_day as emit_lol
from gamestats_assets.lib.core.inputs import MAX_DECOMPRESSED_ENV
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.conftest import FIXTURES
from gamestats_assets_tests.lib.test_sensors import spans
from gamestats_assets_tests.runs import execute_assets

DAYS = ["2026-02-01", "2026-02-02"]
RIOT = FIXTURES / "riot"
DEEP = b"[" * 100_000 + b"]" * 100_000
SECRET = "root:x:0:0:root:/root:/bin/bash"


@pytest.fixture
def delivered(platform_env, monkeypatch):
    """Delivered files only, from the first day on."""
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    monkeypatch.setenv("GAMESTATS_START_DATE", DAYS[0])
    return PlatformResource.from_settings(Settings.from_env())


def run(domain: str, layers: tuple[str, ...], first: str, last: str) -> dg.ExecuteInProcessResult:
    """The `layers` assets of `domain` over the days `first` to `last`, in one run, as a backfill runs them."""
    defs = build_definitions(Settings.from_env())
    graph = defs.resolve_asset_graph()
    keys = [key for key in graph.materializable_asset_keys if key.path[0] == domain and key.path[1] in layers]
    return execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=keys, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last})


def reason_of(platform: PlatformResource, domain: str, key: str, name: str) -> str:
    record = json.loads((platform.quarantine_dir / domain / key / f"{name}.reason.json").read_text())
    assert record["file"] == name
    return record["reason"]


def lake(platform: PlatformResource, *path: str) -> pl.DataFrame:
    return pl.read_delta("/".join([Settings.from_env().lake_uri, *path]))


def everything_written(platform: PlatformResource) -> bytes:
    """Every byte of every regular file of the data folder (links not followed)."""
    return b"".join(p.read_bytes() for p in Path(platform.data_dir).rglob("*") if p.is_file() and not p.is_symlink())


def bad_lol_file(kind: str, folder, outside_dir) -> tuple[str, str]:
    """Write a bad file of `kind` into `folder`; its name and what its quarantine reason says."""
    good = (RIOT / "match_v5_ranked.json").read_bytes()
    if kind == "name_not_utf8":
        name = os.fsdecode(b"EUW1_\xff\xfe.json")
        (folder / name).write_bytes(good)
        return name, "not UTF-8"
    if kind == "nested_deep":
        (folder / "EUW1_9.json").write_bytes(b'{"metadata": {"matchId": "EUW1_9"}, "info": {"x": ' + DEEP + b"}}")
        return "EUW1_9.json", "nested too deep"
    if kind == "broken_gzip":
        (folder / "EUW1_10.json.gz").write_bytes(gzip.compress(good)[:-200])
        return "EUW1_10.json.gz", "EUW1_10.json.gz"
    if kind == "gzip_too_large":
        (folder / "EUW1_11.json.gz").write_bytes(gzip.compress(b" " * 3_000_000 + good))
        return "EUW1_11.json.gz", MAX_DECOMPRESSED_ENV
    secret = json.loads(good)
    secret["metadata"]["matchId"] = "JP1_999"
    (outside_dir / "secret.json").write_text(json.dumps(secret))
    (folder / "JP1_999.json").symlink_to(outside_dir / "secret.json")
    return "JP1_999.json", "symbolic link"


@pytest.mark.parametrize("kind", ["name_not_utf8", "nested_deep", "broken_gzip", "gzip_too_large", "symlink"])
def test_a_bad_lol_file_is_quarantined_naming_it_and_every_day_goes_on(delivered, tmp_path, monkeypatch, kind):
    monkeypatch.setenv(MAX_DECOMPRESSED_ENV, "2000000")
    platform = delivered
    folders = [platform.landing_dir("lol") / day for day in DAYS]
    for folder, stem in zip(folders, ("match_v5_ranked", "ESPORTSTMNT01_2693492"), strict=True):
        folder.mkdir(parents=True)
        for suffix in ("", "_timeline"):
            shutil.copy(RIOT / f"{stem}{suffix}.json", folder / f"{stem.replace('match_v5_ranked', 'JP1_323466834')}"
                                                                  f"{suffix}.json")
    name, said = bad_lol_file(kind, folders[0], tmp_path)

    ticked = lol.sensor("lol_landing_sensor")(dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(), resources={"platform": platform}))
    result = run("lol", ("landing", "etl"), *DAYS)

    assert spans(ticked.run_requests) == [tuple(DAYS)]
    assert result.success
    assert said in reason_of(platform, "lol", DAYS[0], name)
    matches = lake(platform, "lol", "etl", "matches")
    assert sorted(matches["match_id"].to_list()) == ["ESPORTSTMNT01_2693492", "JP1_323466834"]
    assert (tmp_path / "secret.json").exists() if kind == "symlink" else True


@pytest.mark.parametrize("kind", ["nested_deep", "gzip_too_large"])
def test_a_pubg_match_object_nested_deep_or_too_large_never_stops_the_landing_sensor(platform_env, monkeypatch,
                                                                                     kind):
    monkeypatch.setenv(MAX_DECOMPRESSED_ENV, "1000000")
    platform = PlatformResource.from_settings(Settings.from_env())
    matches = platform.landing_dir("pubg") / "matches"
    matches.mkdir(parents=True)
    good = FIXTURES / "pubg" / "pubg-python_match_response.json"
    shutil.copy(good, matches / "good.json")
    bad = b'{"data": {"type": "match", "id": ' + DEEP + b"}}" if kind == "nested_deep" else gzip.compress(
        b" " * 2_000_000 + good.read_bytes())
    (matches / "bad.json").write_bytes(bad)
    match_id = json.loads(good.read_text())["data"]["id"]
    instance = dg.DagsterInstance.ephemeral()

    result = pubg.sensor("pubg_landing_sensor")(dg.build_sensor_context(instance=instance,
                                                                         resources={"platform": platform}))

    assert [r.partition_key for r in result.run_requests] == [match_id]
    instance.add_dynamic_partitions("pubg_match", [match_id])
    assert dg.materialize([landing_match_files], partition_key=match_id, instance=instance,
                          resources={"platform": platform}).success
    reason = reason_of(platform, "pubg", "unkeyed", "bad.json")
    assert "bad.json" in reason and ("nested too deep" if kind == "nested_deep" else MAX_DECOMPRESSED_ENV) in reason


def test_a_rocket_league_json_nested_deep_is_quarantined_and_its_day_goes_on(delivered):
    platform = delivered
    folder = platform.landing_dir("rocket") / DAYS[0] / "ballchasing"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "rocketleague" / "ballchasing" / "replay.json", folder / "replay.json")
    (folder / "deep.json").write_bytes(b'{"rocket_league_id": ' + DEEP + b"}")

    result = run("rocket", ("landing", "etl"), DAYS[0], DAYS[0])

    assert result.success
    assert "nested too deep" in reason_of(platform, "rocket", DAYS[0], "deep.json")
    assert lake(platform, "rocket", "etl", "matches").height == 1


def test_a_link_named_like_an_l2m_log_is_quarantined_and_its_target_never_read(delivered, tmp_path):
    platform = delivered
    emit_l2m(platform.landing_dir("l2m"), dt.date.fromisoformat(DAYS[0]), seed=3, n_users=40)
    (tmp_path / "passwd").write_text(f"{SECRET}\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
    link = platform.landing_dir("l2m") / DAYS[0] / "login_extra.jsonl"
    link.symlink_to(tmp_path / "passwd")

    result = run("l2m", ("landing", "etl"), DAYS[0], DAYS[0])

    assert result.success
    assert "symbolic link" in reason_of(platform, "l2m", DAYS[0], "login_extra.jsonl")
    assert SECRET.encode() not in everything_written(platform)
    assert lake(platform, "l2m", "etl", "login").height > 0


LOL_STATISTICS = ("item_build_stats", "skill_order_stats", "objective_stats", "vision_stats", "correlations",
                  "discovered_patterns", "win_model", "lane_matchups", "length_win_rates", "patch_trend")


def test_a_lol_team_position_of_10_000_characters_never_stops_the_statistics_from_publishing(delivered, pg_url):
    platform = delivered
    written = emit_lol(platform.landing_dir("lol"), dt.date.fromisoformat(DAYS[0]), seed=5, n_matches=30)
    match_file = next(p for p in written if not p.name.endswith("_timeline.json"))
    document = json.loads(match_file.read_text())
    noise = random.Random(7)
    for participant in document["info"]["participants"][:2]:
        participant["teamPosition"] = "".join(noise.choices(string.ascii_letters, k=10_000))
    match_file.write_text(json.dumps(document))

    defs = build_definitions(Settings.from_env())
    graph, instance = defs.resolve_asset_graph(), dg.DagsterInstance.ephemeral()
    lol_keys = [k for k in graph.materializable_asset_keys if k.path[0] == "lol"]
    job = defs.resolve_implicit_global_asset_job_def()
    daily = execute_assets(job,
        asset_selection=[k for k in lol_keys if graph.get(k).partitions_def is not None], instance=instance,
        raise_on_error=False, tags={"dagster/asset_partition_range_start": DAYS[0],
                                    "dagster/asset_partition_range_end": DAYS[0]})
    snapshots = execute_assets(job, asset_selection=[k for k in lol_keys if graph.get(k).partitions_def is None],
                               instance=instance, raise_on_error=False)

    assert daily.success and snapshots.success
    with psycopg.connect(pg_url) as conn:
        for table in LOL_STATISTICS:
            conn.execute(f"SELECT count(*) FROM lol.{table}").fetchone()
        positions = {p for (p,) in conn.execute("SELECT DISTINCT team_position FROM lol.vision_stats").fetchall()}
    assert positions and positions <= {"TOP", "JUNGLE", "MIDDLE", "BOTTOM", "UTILITY"}
    participants = lake(platform, "lol", "etl", "participants").filter(pl.col("match_id") == document["metadata"]["matchId"])
    assert participants["team_position"].null_count() == 2


def test_a_gzip_bomb_in_landing_is_refused_without_ever_being_expanded_in_memory(platform_env, monkeypatch):
    monkeypatch.setenv(MAX_DECOMPRESSED_ENV, str(8 * 1024**2))
    platform = PlatformResource.from_settings(Settings.from_env())
    matches = platform.landing_dir("pubg") / "matches"
    matches.mkdir(parents=True)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with (matches / "bomb.json").open("wb") as handle:
        for _ in range(256):
            handle.write(squeeze.compress(b" " * 1024**2))
        handle.write(squeeze.flush())
    assert (matches / "bomb.json").stat().st_size < 1024**2

    tracemalloc.start()
    try:
        result = pubg.sensor("pubg_landing_sensor")(dg.build_sensor_context(
            instance=dg.DagsterInstance.ephemeral(), resources={"platform": platform}))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert not result.run_requests
    assert peak < 64 * 1024**2
