"""Checks between the l2m layers; the ones that guard the publish are blocking, and judge each day of the run on
its own: a day that fails is held back from publishing while the others publish."""

import datetime as dt

import dagster as dg
import polars as pl

from gamestats_assets.defs.l2m.assets import DOMAIN, ETL, TABLE_ASSETS, landing_logs
from gamestats_assets.defs.l2m.transforms import checks, farm_truth
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import day_folder, visible_files
from gamestats_assets.sources.l2m import TRUTH_FILE
from gamestats_assets.lib.authoring.checks import (
    Outcome,
    asset_check,
    frame_check,
    judged_by_partition,
    planted_truth_result,
    row_count_between,
    values_between,
)
from gamestats_assets.lib.authoring.source_checks import one_source_check, quarantine_check, reject_share_checks

std_active = TABLE_ASSETS["std/active"]
farmers_detected = TABLE_ASSETS["std/farmers_detected"]
l2m_active = TABLE_ASSETS["cons/l2m_active"]
l2m_recharge = TABLE_ASSETS["cons/l2m_recharge"]
l2m_daily_kpis = TABLE_ASSETS["cons/l2m_daily_kpis"]
l2m_retention = TABLE_ASSETS["cons/l2m_retention"]
l2m_server_retention = TABLE_ASSETS["cons/l2m_server_retention"]
l2m_farmers_performance = TABLE_ASSETS["cons/l2m_farmers_performance"]
l2m_server_farms = TABLE_ASSETS["cons/l2m_server_farms"]
l2m_farmer_types = TABLE_ASSETS["cons/l2m_farmer_types"]
DAILY = l2m_daily_kpis.partitions_def
ECONOMY = [TABLE_ASSETS[f"cons/l2m_{source}"] for source in ("item_gain", "item_spend", "money_gain", "money_spend")]


@asset_check(asset=l2m_recharge, name="recharge_totals_equal_etl", blocking=True,
             partitions_def=l2m_recharge.partitions_def, additional_ins={"etl_recharge": dg.AssetIn(ETL["recharge"].key)})
def recharge_totals_equal_etl(context: dg.AssetCheckExecutionContext, l2m_recharge: pl.DataFrame,
                              etl_recharge: pl.DataFrame) -> dg.AssetCheckResult:
    """CONS l2m_recharge holds every ETL payment and the same USD revenue (to a billionth of the total)."""
    def rule(cons: pl.DataFrame, etl: pl.DataFrame) -> Outcome:
        numbers = checks.recharge_reconciliation(etl, cons)
        return Outcome(passed=numbers["payment_gap"] == 0
                       and numbers["revenue_gap_usd"] <= numbers["revenue_tolerance_usd"], metadata=numbers)

    return judged_by_partition(context, rule, [(l2m_recharge, "date"), (etl_recharge, "date")], DAILY)


@asset_check(asset=l2m_daily_kpis, name="dau_equals_std_active_users", blocking=True,
             partitions_def=l2m_daily_kpis.partitions_def, additional_ins={"std_active": dg.AssetIn(std_active.key)})
def dau_equals_std_active_users(context: dg.AssetCheckExecutionContext, l2m_daily_kpis: pl.DataFrame,
                                std_active: pl.DataFrame) -> dg.AssetCheckResult:
    """Each day, DAU summed over countries and servers equals the distinct users of STD active."""
    def rule(kpis: pl.DataFrame, active: pl.DataFrame) -> Outcome:
        numbers = checks.dau_reconciliation(active, kpis)
        return Outcome(passed=numbers["gap"] == 0, metadata=numbers)

    return judged_by_partition(context, rule, [(l2m_daily_kpis, "date"), (std_active, "date")], DAILY)


def sums_to_the_whole(split: dg.AssetsDefinition, whole: dg.AssetsDefinition, keys: tuple[str, ...],
                      columns: tuple[str, ...]) -> dg.AssetChecksDefinition:
    """The blocking check that the per-server table `split`, summed over servers, gives `whole`'s `columns` for
    every group of `keys`, day by day; a day where it does not is held from the split table's copy only (the
    page's "every server" view reads `whole`)."""
    name = split.key.path[-1]

    @asset_check(asset=split, name="servers_sum_to_the_whole", blocking=True, partitions_def=DAILY,
                 additional_ins={"whole": dg.AssetIn(whole.key)},
                 description=f"Each day, {', '.join(f'`{c}`' for c in columns)} of `{name}` summed over servers equal "
                 f"`{whole.key.path[-1]}`'s "
                 f"for every ({', '.join(keys)}); a day where it does not is held from `l2m.{name}`.")
    def _check(context: dg.AssetCheckExecutionContext, frame: pl.DataFrame, whole: pl.DataFrame) -> dg.AssetCheckResult:
        def rule(parts: pl.DataFrame, totals: pl.DataFrame) -> Outcome:
            numbers = checks.split_sum_gaps(parts, totals, keys, columns)
            return Outcome(passed=numbers["groups_disagreeing"] == 0, metadata=numbers,
                           reason=f"{numbers['groups_disagreeing']} of {numbers['groups']} groups disagree")

        return judged_by_partition(context, rule, [(frame, "date"), (whole, "date")], DAILY, tables=(f"l2m.{name}",))

    return _check


@asset_check(asset=l2m_farmer_types, name="farmer_types_add_up_to_the_farms", blocking=True, partitions_def=DAILY,
             additional_ins={"performance": dg.AssetIn(l2m_farmers_performance.key)})
def farmer_types_add_up_to_the_farms(context: dg.AssetCheckExecutionContext, l2m_farmer_types: pl.DataFrame,
                                     performance: pl.DataFrame) -> dg.AssetCheckResult:
    """Each day, the farmer accounts, key items and diamonds gained and revenue of `l2m_farmer_types` summed over
    countries and types equal `l2m_farmers_performance`'s, its PU accounts equal the farms' paying accounts, and no
    non-PU row has revenue; a day where they do not is held from `l2m.l2m_farmer_types`."""
    def rule(types: pl.DataFrame, farms: pl.DataFrame) -> Outcome:
        numbers = checks.farmer_type_gaps(types, farms)
        gaps = ("account_gap", "pu_account_gap", "items_gap", "diamonds_gap", "non_pu_rows_with_revenue")
        return Outcome(passed=not any(numbers[name] for name in gaps)
                       and numbers["revenue_gap_usd"] <= numbers["revenue_tolerance_usd"], metadata=numbers)

    return judged_by_partition(context, rule, [(l2m_farmer_types, "date"), (performance, "date")], DAILY,
                               tables=("l2m.l2m_farmer_types",))


TRAILING_WEEK = dg.TimeWindowPartitionMapping(start_offset=-7, end_offset=-1, allow_nonexistent_upstream_partitions=True)
DAU_DROP_FLOOR = 0.5
"""A day's DAU below half the median of the seven days before it is flagged."""


@asset_check(asset=l2m_daily_kpis, name="dau_not_halved", partitions_def=l2m_daily_kpis.partitions_def,
             additional_ins={"trailing": dg.AssetIn(std_active.key, partition_mapping=TRAILING_WEEK)})
def dau_not_halved(l2m_daily_kpis: pl.DataFrame, trailing: pl.DataFrame) -> dg.AssetCheckResult:
    """Each day's DAU is at least half the median DAU of the seven days before it (when at least three of
    them are known): a sudden drop usually means missing or broken logs, not a game event."""
    history = pl.concat([
        trailing.group_by("date").agg(pl.len().alias("dau")),
        l2m_daily_kpis.group_by("date").agg(pl.col("dau").sum()),
    ], how="vertical_relaxed").unique("date", keep="last")
    flagged, metadata = [], {}
    for day, dau in l2m_daily_kpis.group_by("date").agg(pl.col("dau").sum()).sort("date").iter_rows():
        prior = history.filter(pl.col("date").is_between(day - dt.timedelta(days=7), day - dt.timedelta(days=1)))["dau"]
        median = prior.median() if prior.len() >= 3 else None
        metadata[f"dau_{day}"] = int(dau)
        metadata[f"trailing_median_{day}"] = float(median) if median is not None else None
        if median is not None and dau < DAU_DROP_FLOOR * median:
            flagged.append(day.isoformat())
    return dg.AssetCheckResult(passed=not flagged, severity=dg.AssetCheckSeverity.WARN,
                               metadata={**metadata, "days_flagged": ", ".join(flagged)})


@asset_check(asset=farmers_detected, name="bot_detection_precision_and_recall", partitions_def=farmers_detected.partitions_def,
             additional_ins={"active": dg.AssetIn(l2m_active.key)})
def bot_detection_precision_and_recall(context: dg.AssetCheckExecutionContext, platform: PlatformResource,
                                       farmers_detected: pl.DataFrame, active: pl.DataFrame) -> dg.AssetCheckResult:
    """On days with planted truth (synthetic logs), the detected farmers against it (`farm_truth`): for every
    farm kind recall at least 0.9 and precision at least 0.95, judged by their intervals (`planted_truth_result`:
    an error when the evidence says a rate is below, a warning when too few accounts are planted to say), and no
    planted decoy flagged; the decoys flagged are reported per decoy kind. A managed ring needs two days of logins: on a day whose day
    before was never delivered (the first of a history) its accounts are not scored.
    Days without planted truth (real logs) are not evaluated: the check reports so as a warning, never
    as a pass."""
    paths = farm_truth.truth_paths([day_folder(platform, DOMAIN, key) for key in context.partition_keys], TRUTH_FILE)
    if paths is None:
        return dg.AssetCheckResult(
            passed=False, severity=dg.AssetCheckSeverity.WARN, description="not evaluated: no planted truth",
            metadata={"evaluated": False, "days": len(context.partition_keys)})
    farms = pl.concat([farm_truth.planted_farm_accounts(path) for path in paths]).unique("user_id")
    decoys = pl.concat([farm_truth.planted_decoy_accounts(path) for path in paths]).unique("user_id")
    first_days = [day for day in map(dt.date.fromisoformat, context.partition_keys)
                  if not day_folder(platform, DOMAIN, (day - dt.timedelta(days=1)).isoformat()).is_dir()]
    farmers_detected, active = (farm_truth.without_unscorable(frame, farms, first_days)
                                for frame in (farmers_detected, active))
    scores = farm_truth.detection_scores(farmers_detected, farms, decoys, active)
    metadata = {f"decoy_{kind}_flagged": flagged for kind, flagged
                in farm_truth.decoys_flagged_by_kind(farmers_detected, decoys, active).items()}
    return planted_truth_result(
        farm_truth.detection_rates(scores),
        {"evaluated": True, "days_without_the_day_before": len(first_days), **metadata},
        failures={"decoys_flagged": int(scores["decoys_flagged"][0])})


def no_duplicate_users(frame: pl.DataFrame) -> Outcome:
    duplicates = checks.duplicate_active_users(frame)
    return Outcome(passed=duplicates == 0, metadata={"rows": frame.height, "duplicate_user_days": duplicates})


def country_known(frame: pl.DataFrame) -> Outcome:
    unknown = checks.unknown_country_rows(frame)
    return Outcome(passed=unknown == 0, metadata={"rows": frame.height, "unknown_country_rows": unknown})


COUNTRY_CHECKS = [
    frame_check(asset, "country_known_or_other", country_known, blocking=True,
                description="Every row's country_code is TH, VN, ID, PH, SG, MY or 'Other'.")
    for asset in (l2m_active, l2m_recharge, *ECONOMY, l2m_daily_kpis, l2m_farmer_types)
]

CHECKS = [
    recharge_totals_equal_etl,
    sums_to_the_whole(l2m_server_retention, l2m_retention, ("date", "day_n"), ("cohort_size", "retained_users")),
    sums_to_the_whole(l2m_server_farms, l2m_farmers_performance, ("date", "farm_key"),
                      ("accounts", "paying_accounts", "items_gained", "diamonds_gained")),
    dau_equals_std_active_users,
    farmer_types_add_up_to_the_farms,
    bot_detection_precision_and_recall,
    frame_check(std_active, "no_user_twice_a_day", no_duplicate_users, blocking=True,
                description="STD active has one row per user and day."),
    frame_check(std_active, "has_active_users", row_count_between(1), blocking=True,
                description="The day has at least one active user: an empty day is never published."),
    frame_check(l2m_recharge, "revenue_never_negative", values_between("daily_rev_usd", 0, None), blocking=True,
                description="No user's daily revenue in USD is negative."),
    dau_not_halved,
    reject_share_checks(DOMAIN, ETL),
    *COUNTRY_CHECKS,
    quarantine_check(std_active, DOMAIN),
    one_source_check(landing_logs, DOMAIN, lambda platform, key: visible_files(day_folder(platform, DOMAIN, key))),
]
