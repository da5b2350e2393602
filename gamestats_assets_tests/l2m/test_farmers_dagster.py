"""Farmer detection run by Dagster: the planted-truth check on a dropped-in day (not evaluated) and on
synthetic days (scored per farm kind; a managed ring is found from its second day of logins), and the
flagged accounts with their farm, signals, score and ring evidence in the lake and in PostgreSQL
`l2m.l2m_farmers_snapshot`."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.l2m.operator_logs import OperatorGame
from gamestats_assets_tests.runs import execute_assets

DROPPED, FIRST_SYNTHETIC, SYNTHETIC = dt.date(2025, 6, 2), dt.date(2025, 6, 3), dt.date(2025, 6, 4)
DETECTED = dg.AssetKey(["l2m", "std", "farmers_detected"])
SNAPSHOT = dg.AssetKey(["l2m", "cons", "l2m_farmers_snapshot"])
TRUTH_CHECK = "bot_detection_precision_and_recall"


def check_of(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    return next(e for e in result.get_asset_check_evaluations() if e.check_name == TRUTH_CHECK)


@pytest.fixture(scope="module")
def runs(pg_url, tmp_path_factory):
    """A dropped-in day of operator logs, then two synthetic days, each detected in its own run; then the
    snapshot and its publish."""
    with pytest.MonkeyPatch.context() as patch:
        data_dir = tmp_path_factory.mktemp("farmers") / "data"
        for name, value in {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url,
                            "GAMESTATS_USERS": "600", "GAMESTATS_START_DATE": DROPPED.isoformat()}.items():
            patch.setenv(name, value)
        settings = Settings.from_env()
        OperatorGame(seed=3, players=600, start=DROPPED).write_day(settings.landing_dir("l2m"), DROPPED)
        defs = build_definitions(settings)
        graph = defs.resolve_asset_graph()
        upstream = dg.AssetSelection.assets(DETECTED).upstream().resolve(graph)
        job = defs.resolve_implicit_global_asset_job_def()
        instance = dg.DagsterInstance.ephemeral()
        days = {day: execute_assets(job, asset_selection=list(upstream), instance=instance,
                                    partition_key=day.isoformat())
                for day in (DROPPED, FIRST_SYNTHETIC, SYNTHETIC)}
        publish = next(k for k in graph.materializable_asset_keys if k.path == ["l2m", "postgres", SNAPSHOT.path[-1]])
        snapshot = execute_assets(job, asset_selection=[SNAPSHOT, publish], instance=instance)
        yield days, snapshot, data_dir


def test_a_day_without_planted_truth_is_not_evaluated(runs):
    days, _, _ = runs
    assert days[DROPPED].success
    evaluation = check_of(days[DROPPED])
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["evaluated"].value is False
    assert evaluation.description.startswith("not evaluated")


def test_a_planted_day_is_scored_per_farm_kind(runs):
    days, _, _ = runs
    evaluation = check_of(days[SYNTHETIC])
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert evaluation.passed or evaluation.severity == dg.AssetCheckSeverity.WARN, metadata
    assert metadata["evaluated"] is True and metadata["decoys_flagged"] == 0
    assert {metadata[f"decoy_{kind}_flagged"] for kind in ("all_day", "raid_guild", "nat_crowd")} == {0}
    for kind in ("subnet", "proxy_pool", "residential", "managed_ring"):
        assert metadata[f"{kind}_recall_n"] > 0
        assert metadata[f"{kind}_recall"] >= 0.9 and metadata[f"{kind}_precision"] >= 0.95
        assert {metadata[f"{kind}_recall_judgement"], metadata[f"{kind}_precision_judgement"]} <= {"meets", "undecided"}


def test_a_ring_on_its_first_day_of_logins_fails_the_check_for_its_kind_only(runs):
    days, _, _ = runs
    evaluation = check_of(days[FIRST_SYNTHETIC])
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert not evaluation.passed and metadata["managed_ring_recall"] == 0.0
    assert all(metadata[f"{kind}_recall"] >= 0.9 for kind in ("subnet", "proxy_pool", "residential"))


def test_flagged_accounts_carry_farm_signals_and_score_in_the_lake_and_postgres(runs, pg_url):
    _, snapshot, data_dir = runs
    assert snapshot.success
    lake = pl.read_delta(str(data_dir / "lake" / "l2m" / "std" / "farmers_detected"))
    assert set(lake["date"].unique()) == {DROPPED, FIRST_SYNTHETIC, SYNTHETIC}
    assert lake.filter(pl.col("date") == DROPPED)["user_id"].str.contains(r"^(dc|px|rs|v6|dp)_").all()
    with connect(pg_url) as conn:
        rows = conn.execute("SELECT user_id, farm_key, signals, score FROM l2m.l2m_farmers_snapshot").fetchall()
        rings = conn.execute("SELECT count(*), min(co_login_days), max(median_start_offset_seconds) "
                             "FROM l2m.l2m_farmers_snapshot WHERE signals LIKE '%co_login%'").fetchone()
    assert len(rows) == lake["user_id"].n_unique()
    assert all(farm.startswith("farm-") and signals and 0 < score <= 1 for _, farm, signals, score in rows)
    assert rings[0] > 0 and rings[1] >= 2 and rings[2] <= 30
