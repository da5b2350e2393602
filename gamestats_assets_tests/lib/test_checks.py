"""The check rules report what they measured and fail exactly when the property breaks."""

import dagster as dg
import polars as pl

from gamestats_assets.lib.authoring.checks import (
    frame_check,
    keys_valid,
    required_columns,
    row_count_between,
    values_between,
)
from gamestats_assets.lib.authoring.source_checks import reconciliation_check
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager

FRAME = pl.DataFrame({"id": [1, 2, 2, None], "level": [1, 5, 200, 3], "name": ["a", "b", "c", "d"]})


def test_required_columns_names_missing_and_mistyped():
    outcome = required_columns({"id": pl.Int64, "level": pl.Utf8, "guild": pl.Utf8})(FRAME)
    assert not outcome.passed
    assert outcome.metadata == {"missing_columns": "guild", "mistyped_columns": "level"}
    assert required_columns({"id": pl.Int64, "name": pl.Utf8})(FRAME).passed


def test_keys_valid_counts_nulls_and_duplicates():
    outcome = keys_valid(["id"])(FRAME)
    assert not outcome.passed
    assert outcome.metadata["nulls_id"] == 1 and outcome.metadata["duplicate_rows"] == 1
    assert keys_valid(["name"])(FRAME).passed
    assert keys_valid(["guild"])(FRAME).metadata == {"missing_columns": "guild"}


def test_bounds_and_row_counts():
    outcome = values_between("level", 1, 150)(FRAME)
    assert not outcome.passed and outcome.metadata["above_high"] == 1 and outcome.metadata["max"] == 200.0
    assert row_count_between(1, 4)(FRAME).passed
    assert not row_count_between(5)(FRAME).passed


def test_checks_run_on_assets_and_reconcile_two_tables(tmp_path):
    @dg.asset(io_manager_key="lake")
    def recharge_etl() -> pl.DataFrame:
        """Recharge rows as parsed."""
        return pl.DataFrame({"amount": [1.5, 2.5]})

    @dg.asset(io_manager_key="lake", deps=[recharge_etl])
    def recharge_cons() -> pl.DataFrame:
        """Recharge as consolidated, one row lost."""
        return pl.DataFrame({"amount": [1.5]})

    checks = [
        frame_check(recharge_etl, "has_rows", row_count_between(1), description="rows exist"),
        reconciliation_check(recharge_cons, recharge_etl, "amount_matches_etl", lambda f: f["amount"].sum(),
                             description="totals agree"),
    ]
    result = dg.materialize([recharge_etl, recharge_cons, *checks],
                            resources={"lake": DeltaLakeIOManager(root=str(tmp_path))})
    evaluations = {e.asset_check_evaluation_data.asset_check_key.name: e.asset_check_evaluation_data
                   for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert evaluations["has_rows"].passed
    assert not evaluations["amount_matches_etl"].passed
    assert evaluations["amount_matches_etl"].metadata["difference"].value == -2.5


def test_reject_share_check_blocks_a_day_where_most_records_were_rejected(data_dir, tmp_path):
    from gamestats_assets.lib.authoring.source_checks import reject_share_checks
    from gamestats_assets.lib.core.platform import PlatformResource
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets.lib.intake.quarantine import record_read

    daily = dg.DailyPartitionsDefinition(start_date="2026-01-01")

    @dg.asset(partitions_def=daily, io_manager_key="lake", metadata={"partition_column": "date"})
    def logins(context: dg.AssetExecutionContext) -> pl.DataFrame:
        """Two parsed logins a day."""
        import datetime as dt

        return pl.DataFrame({"date": [dt.date.fromisoformat(context.partition_key)] * 2, "user": ["a", "b"]})

    check = reject_share_checks("t_dom", {"logins": logins}, max_share=0.25)
    record_read(data_dir / "quarantine", "t_dom", "2026-01-02", "logins", {"lines": 5, "rejected": 3})
    record_read(data_dir / "quarantine", "t_dom", "2026-01-03", "logins", {"lines": 200, "rejected": 2})
    resources = {"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")),
                 "platform": PlatformResource.from_settings(Settings.from_env())}
    instance = dg.DagsterInstance.ephemeral()
    bad = dg.materialize([logins, check], resources=resources, instance=instance, partition_key="2026-01-02",
                         raise_on_error=False)
    good = dg.materialize([logins, check], resources=resources, instance=instance, partition_key="2026-01-03")
    [evaluation] = [e.asset_check_evaluation_data for e in bad.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert not evaluation.passed and evaluation.metadata["rejected_share"].value == 0.6
    assert evaluation.metadata["lines_read"].value == 5
    assert good.success
