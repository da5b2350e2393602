"""A small daily code location for the Celery test, built from the project's own pieces (lake assets, the
publish factory with its checks, the resources and executor chosen by the settings): four independent
source tables, a table combining them, and its PostgreSQL publish. Celery workers import this module by
the job's code pointer, as they would import `gamestats_assets.definitions`."""

import datetime as dt
import zlib

import dagster as dg
import polars as pl

from gamestats_assets.definitions import EXECUTORS, location_resources
from gamestats_assets.lib.authoring.assets import lake_asset
from gamestats_assets.lib.authoring.publish_steps import (
    PublishSpec,
    build_publish_definitions,
)
from gamestats_assets.lib.core.settings import Settings

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")
SOURCES = ("logins", "purchases", "quests", "trades")
TABLE = "scale_test.source_totals"
JOB = "scale_test_days"


def source_table(source: str) -> dg.AssetsDefinition:
    @lake_asset("scale_test", "etl", source, partitions_def=DAILY, partition_column="date")
    def _source(context: dg.AssetExecutionContext) -> pl.DataFrame:
        """Deterministic rows of one source: 200 per day of the run, keyed by (date, row)."""
        days = [dt.date.fromisoformat(key) for key in context.partition_keys]
        return pl.DataFrame({
            "date": [day for day in days for _ in range(200)],
            "row": [row for _ in days for row in range(200)],
            "value": [zlib.crc32(f"{source}/{day}/{row}".encode()) % 1000 for day in days for row in range(200)],
        })

    return _source


SOURCE_TABLES = [source_table(source) for source in SOURCES]


@lake_asset("scale_test", "cons", "source_totals", partitions_def=DAILY, partition_column="date",
            ins={source: dg.AssetIn(["scale_test", "etl", source]) for source in SOURCES})
def source_totals(**sources: pl.DataFrame) -> pl.DataFrame:
    """Rows and value total per day and source. Grain: (date, source)."""
    return pl.concat([
        frame.group_by("date").agg(rows=pl.len(), total=pl.col("value").sum()).with_columns(source=pl.lit(name))
        for name, frame in sources.items()
    ]).select("date", "source", "rows", "total")


PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(
    [PublishSpec(source_totals, TABLE, ("date", "source"), sum_column="total")]
)


def definitions() -> dg.Definitions:
    """The location on the resources and executor of the current settings."""
    settings = Settings.from_env()
    return dg.Definitions(
        assets=[*SOURCE_TABLES, source_totals, *PUBLISH_ASSETS],
        asset_checks=PUBLISH_CHECKS,
        jobs=[dg.define_asset_job(JOB, selection=dg.AssetSelection.groups("scale_test"))],
        resources=location_resources(settings),
        executor=EXECUTORS[settings.executor],
    )


def days_job() -> dg.JobDefinition:
    """The job over every table of the location, as a reconstructable target for Celery workers."""
    return definitions().resolve_job_def(JOB)
