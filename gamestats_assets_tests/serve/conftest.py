"""Fixtures of the API tests: a database with the tables a real pubg run published (a synthetic season of two
rounds through landing, the lake and PostgreSQL, published once for the run and copied for each module), and the
app over it through FastAPI's TestClient."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
from fastapi.testclient import TestClient

from gamestats_assets.definitions import build_definitions, location_resources
from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.defs.pubg.assets import LANDING
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets.serve.app import create_app
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets_tests.conftest import built_once, database_url, fresh_database
from gamestats_assets_tests.pubg.test_pipeline import run_matches, run_snapshots
from gamestats_assets_tests.runs import execute_assets
from gamestats_assets_tests.serve.chromium import chromium_or_skip
from gamestats_assets_tests.serve.rocket_days import synthetic_days

DAY = dt.date(2026, 2, 1)
"""The day the LoL and L2M domains are published for."""
L2M_DAYS = 2
"""Days of L2M published from `DAY`: two, so that a D1 cohort returns."""
TOKEN = "test-token-5f2c"


def season_config(rounds: int, matches_per_round: int) -> dict:
    """The run config of a synthetic season of the Pro and Challenger divisions, with only their simulated events,
    to stay quick."""
    return {"ops": {"pubg__landing__synthetic_tournament": {"config": {
        "divisions": ["Pro", "Challenger"], "rounds": rounds, "matches_per_round": matches_per_round,
        "min_events": 0, "max_events": 0}}}}


SEASON = season_config(2, 1)
"""Two divisions of two rounds of one match."""
ONE_ROUND = season_config(1, 2)
"""Two divisions of one round of two matches, as the demo's season has one round."""


def _publish_season(data_dir: Path, pg_url: str, config: dict = SEASON) -> None:
    """Land a synthetic season (`config`) in `data_dir` and run it through the lake into `pg_url`, as a real run
    does."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in _environment(data_dir, pg_url).items():
            monkeypatch.setenv(name, value)
        apply_migrations(pg_url)
        resources = location_resources(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        assert dg.materialize([pubg.synthetic_tournament], instance=instance, resources=resources,
                              run_config=config).success
        instance.add_dynamic_partitions("pubg_match", sorted(LANDING.find(resources["platform"])))
        assert run_matches(instance, resources).success
        assert run_snapshots(instance, resources).success


def _environment(data_dir: Path, pg_url: str) -> dict[str, str]:
    return {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url,
            "GAMESTATS_ANCHOR_DATE": (dt.date.today() - dt.timedelta(days=20)).isoformat()}


def publish_days(data_dir: Path, pg_url: str, days: dict[str, int], users: int) -> None:
    """`days[domain]` days of each domain from `DAY`, for `users` synthetic users, and the domain's snapshots, run
    by Dagster into `data_dir` and published into `pg_url`: the days in one run, as the landing sensor runs the days
    delivered together (`day_range`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", pg_url)
        patch.setenv("GAMESTATS_USERS", str(users))
        patch.setenv("GAMESTATS_START_DATE", DAY.isoformat())
        apply_migrations(pg_url)
        defs = build_definitions(Settings.from_env())
        job = defs.resolve_implicit_global_asset_job_def()
        instance = dg.DagsterInstance.ephemeral()
        for domain, count in days.items():
            assert execute_assets(job, asset_selection=domain_keys(defs, domain, True), instance=instance,
                                  **day_range(count)).success
            assert execute_assets(job, asset_selection=domain_keys(defs, domain, False), instance=instance).success


def day_range(days: int) -> dict:
    """The arguments of one run over `days` days from `DAY`: its partition key, or the range of its partitions."""
    last = (DAY + dt.timedelta(days=days - 1)).isoformat()
    if days == 1:
        return {"partition_key": last}
    return {"tags": {"dagster/asset_partition_range_start": DAY.isoformat(), "dagster/asset_partition_range_end": last}}


def publish_lol_and_l2m(data_dir: Path, pg_url: str) -> None:
    """`DAY` of the LoL domain, `L2M_DAYS` days of the L2M domain from `DAY` (300 synthetic users), and their
    snapshots (`publish_days`)."""
    publish_days(data_dir, pg_url, {"lol": 1, "l2m": L2M_DAYS}, users=300)


FINDINGS_USERS = 5_000
"""Synthetic users of the LoL day the findings are read from: 1,000 games, enough that more than 30 teams took the
first dragon alone and more than 30 the first herald alone (`lol.dragon_vs_herald`), and that the most played
champions have core paths and skill n-grams on 30 games each side (`lol.item_build_stats`, `lol.skill_ngrams`);
300 users' 60 games are not."""


def publish_lol_findings(data_dir: Path, pg_url: str) -> None:
    """`DAY` of the LoL domain for `FINDINGS_USERS` synthetic users and its snapshots (`publish_days`)."""
    publish_days(data_dir, pg_url, {"lol": 1}, users=FINDINGS_USERS)


ROCKET_DAY = dt.date(2026, 3, 1)
"""The synthetic day the Rocket League domain is published for."""


def publish_rocket(data_dir: Path, pg_url: str) -> None:
    """`ROCKET_DAY` of the rocket domain and its snapshots, run by Dagster into `data_dir` and `pg_url`."""
    from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", pg_url)
        patch.setenv("GAMESTATS_USERS", "200")
        apply_migrations(pg_url)
        defs = build_definitions(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        run(defs, rocket_keys(defs, partitioned=True), instance, partition_key=ROCKET_DAY.isoformat())
        run(defs, rocket_keys(defs, partitioned=False), instance)


def publish_rocket_day(data_dir: Path, pg_url: str, day: str) -> None:
    """The rocket domain's day `day` (its landed files) run by Dagster into `data_dir` and `pg_url`."""
    from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", pg_url)
        defs = build_definitions(Settings.from_env())
        run(defs, rocket_keys(defs, partitioned=True), dg.DagsterInstance.ephemeral(), partition_key=day)


def domain_keys(defs, domain: str, partitioned: bool) -> list[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    return [k for k in graph.materializable_asset_keys
            if k.path[0] == domain and (graph.get(k).partitions_def is not None) == partitioned]


def copied_per_module(name: str, publish: Callable[[Path, str], None],
                      environment: Callable[[Path, str], dict[str, str]] = lambda *_: {}):
    """A module fixture: a copy of the data folder and database that `publish(data_dir, pg_url)` fills once for the
    whole run (`built_once`), of the module's own, with the settings `environment(data_dir, pg_url)` set while the
    module runs: {data_dir, pg_url}."""

    @pytest.fixture(scope="module")
    def copy(request, admin_url, tmp_path_factory):
        with built_once(request.config, admin_url, name) as (built_data, template, built):
            if not built:
                publish(built_data, database_url(admin_url, template))
        data_dir = tmp_path_factory.mktemp(name) / "data"
        shutil.copytree(built_data, data_dir)
        for pg_url in fresh_database(admin_url, template):
            with pytest.MonkeyPatch.context() as monkeypatch:
                for setting, value in environment(data_dir, pg_url).items():
                    monkeypatch.setenv(setting, value)
                yield {"data_dir": data_dir, "pg_url": pg_url}

    return copy


published = copied_per_module("pubg_season", _publish_season, _environment)
"""The pubg tables of a synthetic season as a real run published them, the module's settings pointing at them."""
published_one_round = copied_per_module(
    "pubg_one_round", lambda data_dir, pg_url: _publish_season(data_dir, pg_url, ONE_ROUND), _environment)
"""The pubg tables of a synthetic season of `ONE_ROUND` as a real run published them."""
lol_and_l2m = copied_per_module("lol_l2m", publish_lol_and_l2m)
"""`DAY` of LoL and `L2M_DAYS` of L2M as a real run of each domain published them."""
lol_findings = copied_per_module("lol_findings", publish_lol_findings)
"""`DAY` of LoL for `FINDINGS_USERS` users as a real run of the domain published it."""
rocket_day = copied_per_module("rocket_day", publish_rocket)
"""`ROCKET_DAY` of Rocket League as a real run of the domain published it."""
ROCKET_DAYS = [(ROCKET_DAY + dt.timedelta(days=n)).isoformat() for n in range(3)]
"""The synthetic days of the rocket domain the modules below start from, from `ROCKET_DAY`."""
rocket_one_day = copied_per_module("rocket_one_day", synthetic_days(ROCKET_DAYS[0]))
"""The rocket assets of `ROCKET_DAY` alone (no tables over every day), for the module to run its own days after."""
rocket_two_days = copied_per_module("rocket_two_days", synthetic_days(*ROCKET_DAYS[:2]))
"""The rocket assets of the first two `ROCKET_DAYS`, a run each (no tables over every day)."""
rocket_three_days = copied_per_module("rocket_three_days", synthetic_days((ROCKET_DAYS[0], ROCKET_DAYS[2])))
"""The rocket assets of the three `ROCKET_DAYS` in one run (no tables over every day)."""


def client_for(pg_url: str, **settings) -> TestClient:
    return TestClient(create_app(ServeSettings(pg_url=pg_url, **settings)))


@pytest.fixture(scope="module")
def client(published):
    """The API with the token set and a budget no test reaches."""
    with client_for(published["pg_url"], api_token=TOKEN, requests_per_minute=100_000) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's `chromium`, or the module skipped saying so: asked for first, before any data is built."""
    return chromium_or_skip()
