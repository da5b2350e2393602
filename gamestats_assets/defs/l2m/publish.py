"""The l2m CONS tables, KPIs and snapshots published to PostgreSQL schema `l2m`, and copied into
the DuckDB warehouse for ad-hoc SQL."""

from gamestats_assets.defs.l2m.assets import ASSETS, TABLE_ASSETS
from gamestats_assets.lib.publish import PublishMode, PublishSpec, build_publish_definitions
from gamestats_assets.lib.warehouse import build_warehouse_tables


def spec(table: str, key_columns, sum_column=None, mode=PublishMode.PARTITION) -> PublishSpec:
    return PublishSpec(TABLE_ASSETS[f"cons/{table}"], f"l2m.{table}", key_columns, mode, sum_column)


SPECS = [
    spec("l2m_active", ("date", "user_id"), "level"),
    spec("l2m_recharge", ("date", "user_id"), "daily_rev_usd"),
    spec("l2m_cumulative_revenue", ("date", "user_id"), "cumulative_revenue_usd"),
    *[spec(table, ("date", "server_id", "country_code", "vip_tier", key)) for table, key in
      (("l2m_item_gain", "item_id"), ("l2m_item_spend", "item_id"), ("l2m_money_gain", "reason_id"),
       ("l2m_money_spend", "reason_id"))],
    spec("l2m_server_performance", ("date", "server_id")),
    spec("l2m_farmers_performance", ("date", "farm_key")),
    spec("l2m_daily_kpis", ("date", "country_code", "server_id"), "revenue_usd"),
    spec("l2m_retention", ("date", "day_n"), "cohort_size"),
    spec("l2m_guild_info", ("user_id",), mode=PublishMode.SNAPSHOT),
    spec("l2m_farmers_snapshot", ("user_id",), mode=PublishMode.SNAPSHOT),
]

PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(SPECS)

WAREHOUSE_ASSETS = build_warehouse_tables(ASSETS)
