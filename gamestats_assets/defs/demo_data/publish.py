"""The demo_data tables published to PostgreSQL schema `demo_data`, and copied into
the DuckDB warehouse for ad-hoc SQL."""

from gamestats_assets.defs.demo_data.assets import ASSETS, conversion_by_segment, cons_events, daily_activity, retention_by_segment
from gamestats_assets.lib.publish import PublishMode, PublishSpec, build_publish_definitions
from gamestats_assets.lib.warehouse import build_warehouse_tables

SPECS = [
    PublishSpec(cons_events, "demo_data.events", ("date", "source_file", "line_number"), sum_column="line_number"),
    PublishSpec(daily_activity, "demo_data.daily_activity", ("date", "segment"), sum_column="track_events"),
    PublishSpec(retention_by_segment, "demo_data.retention", ("segment",), PublishMode.SNAPSHOT, sum_column="cohort_d1"),
    PublishSpec(conversion_by_segment, "demo_data.conversion", ("segment",), PublishMode.SNAPSHOT, sum_column="converted_users"),
]

PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(SPECS)

WAREHOUSE_ASSETS = build_warehouse_tables(ASSETS)
