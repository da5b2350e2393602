"""`dg` on the project as a Dagster user runs it: from the project folder, on the gamestats instance that
`gamestats env` prepared (a real PostgreSQL), checking, listing and launching the code location; the
headline figures of a launched day read back from the instance equal the published table's; and the
superseded Dagster commands that `gamestats dagster` turns into `dg` commands."""

import datetime as dt
import json
import os
import shlex
import subprocess
import sys

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.definitions import defs
from gamestats_assets.lib.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

GAMESTATS = [sys.executable, "-c", "from gamestats_assets.cli import main; main()"]
DG = [sys.executable, "-m", "dagster_dg_cli.cli"]
DAY = "2026-03-01"
KPIS = dg.AssetKey(["l2m", "cons", "l2m_daily_kpis"])


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def instance_env(module_pg_url, tmp_path_factory) -> dict[str, str]:
    """The environment of a shell after `eval "$(gamestats env)"`: a tiny synthetic population starting
    on DAY, published to the module's own database (its day stays out of other modules' tables), which also holds the Dagster instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_"))}
    env.update(GAMESTATS_DATA_DIR=str(tmp_path_factory.mktemp("dg") / "data"), GAMESTATS_PG_URL=module_pg_url,
               GAMESTATS_USERS="40", GAMESTATS_START_DATE=DAY, GAMESTATS_SOURCE="synthetic")
    prepared = run([*GAMESTATS, "env"], env)
    assert prepared.returncode == 0, prepared.stderr
    for line in prepared.stdout.splitlines():
        name, value = line.removeprefix("export ").split("=", 1)
        env[name] = shlex.split(value)[0]
    assert {"DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL"} <= env.keys()
    return env


@pytest.fixture(scope="module")
def dg_commands(instance_env) -> dict[str, subprocess.CompletedProcess]:
    """`dg check defs`, `dg list defs --json` and `dg launch` of the L2M daily KPIs of DAY with
    everything upstream up to the published table (and the day's server performance), run side by side as
    three users of the instance would."""
    commands = {"check": ["check", "defs"], "list": ["list", "defs", "--json"],
                "launch": ["launch", "--assets", '+key:"l2m/postgres/l2m_daily_kpis",key:"l2m/cons/l2m_server_performance"',
                           "--partition", DAY]}
    started = {name: subprocess.Popen([*DG, *args], cwd=PROJECT_ROOT, env=instance_env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for name, args in commands.items()}
    completed = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=600)
        completed[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return completed


def test_dg_check_defs_loads_the_code_location(dg_commands):
    result = dg_commands["check"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def test_dg_list_defs_lists_every_asset_of_the_code_location(dg_commands):
    result = dg_commands["list"]
    assert result.returncode == 0, result.stderr[-3000:]
    listed = {asset["asset_key"] for asset in json.loads(result.stdout)["assets"]}
    expected = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert listed == expected
    assert "l2m/postgres/l2m_daily_kpis" in listed and "demo_data/cons/daily_activity" in listed


def test_dg_launch_of_a_day_publishes_it_on_the_gamestats_instance(dg_commands, instance_env, module_pg_url):
    launched = dg_commands["launch"]
    assert launched.returncode == 0, launched.stderr[-3000:]
    lake = pl.read_delta(os.path.join(instance_env["GAMESTATS_DATA_DIR"], "lake", "l2m", "cons", "l2m_daily_kpis"))
    with psycopg.connect(module_pg_url) as conn:
        published = conn.execute("SELECT count(*), sum(dau)::bigint FROM l2m.l2m_daily_kpis WHERE date = %s",
                                 (dt.date.fromisoformat(DAY),)).fetchone()
        [runs] = conn.execute("SELECT count(*) FROM dagster.runs WHERE status = 'SUCCESS' AND partition = %s", (DAY,)).fetchone()
    assert published[0] == lake.height > 0
    assert published[1] == lake["dau"].sum() > 0
    assert runs == 1


def latest_figures(instance_env, monkeypatch, key: dg.AssetKey) -> dict:
    """The metadata of the latest materialization of `key`'s DAY partition, read from the instance."""
    for name in ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL"):
        monkeypatch.setenv(name, instance_env[name])
    with dg.DagsterInstance.get() as instance:
        [record] = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, asset_partitions=[DAY]), limit=1).records
    return {name: value.value for name, value in record.asset_materialization.metadata.items()}


def test_the_kpi_figures_of_the_materialization_equal_the_published_table(dg_commands, instance_env, module_pg_url,
                                                                          monkeypatch):
    launched = dg_commands["launch"]
    assert launched.returncode == 0, launched.stderr[-3000:]
    figures = latest_figures(instance_env, monkeypatch, KPIS)
    with psycopg.connect(module_pg_url) as conn:
        dau, nru, pu, npu, revenue = conn.execute(
            "SELECT sum(dau)::bigint, sum(nru)::bigint, sum(pu)::bigint, sum(npu)::bigint, sum(revenue_usd)::float8 "
            "FROM l2m.l2m_daily_kpis WHERE date = %s",
            (dt.date.fromisoformat(DAY),)).fetchone()
    assert (figures["dau"], figures["nru"], figures["pu"], figures["npu"]) == (dau, nru, pu, npu)
    assert figures["revenue_usd"] == pytest.approx(float(revenue))
    assert figures["arpu_usd"] == pytest.approx(float(revenue) / dau)
    if pu:
        assert figures["arppu_usd"] == pytest.approx(float(revenue) / pu)
    else:
        assert "arppu_usd" not in figures



def test_the_server_figures_of_the_materialization_equal_the_lake_table(dg_commands, instance_env, monkeypatch):
    launched = dg_commands["launch"]
    assert launched.returncode == 0, launched.stderr[-3000:]
    figures = latest_figures(instance_env, monkeypatch, dg.AssetKey(["l2m", "cons", "l2m_server_performance"]))
    servers = pl.read_delta(os.path.join(instance_env["GAMESTATS_DATA_DIR"], "lake", "l2m", "cons",
                                         "l2m_server_performance"))
    assert figures["servers"] == servers.height > 0
    for column in ("dau", "paying_users", "diamonds_gained", "diamonds_spent"):
        assert figures[column] == servers[column].sum(), column
    assert figures["revenue_usd"] == pytest.approx(servers["revenue_usd"].sum())
    if figures["revenue_usd"]:
        top_share = servers["revenue_usd"].max() / servers["revenue_usd"].sum()
        assert figures["top_server_revenue_share"] == pytest.approx(top_share)

@pytest.mark.parametrize(("given", "run_as"), [
    (["asset", "materialize", "--select", "group:l2m", "--partition", DAY, "-m", "gamestats_assets.definitions"],
     ["launch", "--assets", "group:l2m", "--partition", DAY]),
    (["asset", "materialize", "--select", "l2m/landing/logs", "--partition-range", "2026-03-01...2026-03-02"],
     ["launch", "--assets", "l2m/landing/logs", "--partition-range", "2026-03-01...2026-03-02"]),
    (["job", "launch", "-j", "l2m_daily", "--partition", DAY], ["launch", "--job", "l2m_daily", "--partition", DAY]),
    (["definitions", "validate", "-m", "gamestats_assets.definitions"], ["check", "defs"]),
    (["asset", "list"], ["list", "defs"]),
    (["launch", "--assets", "group:l2m"], ["launch", "--assets", "group:l2m"]),
    (["list", "defs", "--json"], ["list", "defs", "--json"]),
])
def test_gamestats_dagster_runs_superseded_commands_as_their_dg_command(given, run_as):
    from gamestats_assets.cli import as_dg

    assert as_dg(given) == run_as
