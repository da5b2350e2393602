"""The lol CONS statistics published to PostgreSQL schema `lol` (snapshots), and every CONS table, the
participant fact table of compound queries among them, copied into the DuckDB warehouse."""

from gamestats_assets.defs.lol.assets import CONS, CONS_BY_NAME, participant_facts
from gamestats_assets.lib.publish import PublishMode, PublishSpec, build_publish_definitions
from gamestats_assets.lib.warehouse import build_warehouse_tables

KEYS = {
    "item_build_stats": ("queue", "patch", "champion_id", "depth", "core_path"),
    "skill_order_stats": ("queue", "patch", "champion_id", "max_order"),
    "objective_stats": ("queue", "patch", "objective"),
    "vision_stats": ("queue", "patch", "team_position", "vision_band"),
    "correlations": ("queue", "patch", "team_position", "variable_x", "variable_y"),
    "discovered_patterns": ("queue", "patch", "pattern_type", "subject", "condition"),
    "win_model": ("queue", "patch", "minute", "term"),
    "lane_matchups": ("queue", "patch", "team_position", "champion_id", "opponent_champion_id"),
    "length_win_rates": ("queue", "patch", "champion_id", "depth", "core_path", "length_from_min"),
    "patch_trend": ("queue", "champion_id", "patch"),
}
"""Each published table's grain: every statistic is computed within one queue and one patch (the patch trend
sets a queue's patches side by side)."""

SPECS = [PublishSpec(CONS_BY_NAME[name], f"lol.{name}", key, PublishMode.SNAPSHOT) for name, key in KEYS.items()]

PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(SPECS)

WAREHOUSE_ASSETS = build_warehouse_tables([*CONS, participant_facts])
