"""Checks of the demo_data domain: what was generated measured against what was asked."""

import math

import dagster as dg
import polars as pl

from gamestats_assets.defs.demo_data.assets import (
    DOMAIN,
    SYNTHETIC_PREFIX,
    cons_events,
    daily_activity,
    day_files,
    event_logs,
    event_rules,
    events,
    retention_by_segment,
    rules_of,
    users,
)
from gamestats_assets.defs.demo_data.transforms.measures import (
    constraint_columns,
    constraint_violations,
    lifecycle_violations,
    segment_mix,
    sequence_violations,
)
from gamestats_assets.lib.authoring.checks import (
    Outcome,
    asset_check,
    frame_check,
    judged_by_partition,
    required_columns,
)
from gamestats_assets.lib.authoring.source_checks import (
    one_source_check,
    quarantine_check,
    reconciliation_check,
    reject_share_checks,
)
from gamestats_assets.lib.intake.discovery import day_folder
from gamestats_assets.sources.taxonomy.population import PopulationConfig


@asset_check(asset=users, name="segment_mix_as_configured", additional_ins={"event_rules": dg.AssetIn(event_rules.key)})
def segment_mix_as_configured(users: pl.DataFrame, event_rules: pl.DataFrame) -> dg.AssetCheckResult:
    """Each segment's share of the population is within three standard errors (at least one user) of
    its configured ratio."""
    config = PopulationConfig(users=users.height, seed=int(users["seed"][0]), anchor=users["anchor_date"][0])
    mix = segment_mix(users, rules_of(event_rules), config)
    tolerance = mix.select(
        pl.max_horizontal(3 * (pl.col("target") * (1 - pl.col("target")) / users.height).sqrt(), pl.lit(1 / users.height))
    ).to_series()
    off = mix.filter(pl.col("difference") > tolerance)
    return dg.AssetCheckResult(
        passed=off.is_empty(),
        metadata={"users": users.height, **{f"share_{r['segment']}": round(r["realized"], 4) for r in mix.iter_rows(named=True)},
                  **{f"target_{r['segment']}": r["target"] for r in mix.iter_rows(named=True)}},
    )


CONSTRAINT_BATCH_ROWS = 100_000
"""Lines checked against the property constraints at a time."""
DAILY = events.partitions_def


@asset_check(
    asset=events,
    name="no_sequence_lifecycle_or_constraint_violations",
    blocking=True,
    partitions_def=events.partitions_def,
    additional_ins={"event_rules": dg.AssetIn(event_rules.key), "users": dg.AssetIn(users.key)},
)
def no_violations(context: dg.AssetCheckExecutionContext, events: pl.LazyFrame, event_rules: pl.DataFrame,
                  users: pl.DataFrame) -> dg.AssetCheckResult:
    """In the generated logs, no event comes before its prerequisite step, none is outside what the
    user's lifecycle stage allows, and no property breaks its constraint (e.g. a carrier of another
    country). Files a user dropped in are not held to the generator's rules. Read from the typed columns
    (the raw `properties` text is not needed): the users' event sequences from the four columns they need,
    the constraints, which hold line by line, from the columns they constrain, batch by batch. Judged day by
    day."""
    rules = rules_of(event_rules)

    def rule(day: pl.LazyFrame) -> Outcome:
        generated = day.filter(pl.col("source_file").str.starts_with(SYNTHETIC_PREFIX))
        sequences = generated.select("#type", "#account_id", "#time", "#event_name").collect()
        constrained = generated.select(sorted(constraint_columns(rules) & set(day.collect_schema())))
        counts = {
            "sequence_violations": sequence_violations(sequences, rules),
            "lifecycle_violations": lifecycle_violations(sequences, users, rules),
            "constraint_violations": sum(constraint_violations(batch, rules)
                                         for batch in constrained.collect_batches(chunk_size=CONSTRAINT_BATCH_ROWS)),
        }
        return Outcome(passed=not any(counts.values()),
                       metadata={"lines": day.select(pl.len()).collect().item(), "generated_lines": sequences.height,
                                 **counts})

    return judged_by_partition(context, rule, [(events, "date")], DAILY, totals=True)


@asset_check(asset=retention_by_segment, name="new_user_retention_near_target", additional_ins={"event_rules": dg.AssetIn(event_rules.key)})
def retention_near_target(retention_by_segment: pl.DataFrame, event_rules: pl.DataFrame) -> dg.AssetCheckResult:
    """NEW users' realized D1 and D7 retention: the configured target lies inside the 95 % Wilson interval of the
    realized rate (an error when it lies outside: the evidence says the generator missed it), judged on the lags
    whose cohort can be measured yet (a D7 cohort needs a week of history); a warning, with the cohorts' sizes,
    when none can."""
    rules = rules_of(event_rules)
    new = retention_by_segment.filter(pl.col("segment") == "NEW")
    metadata, outside, unmeasured = {}, [], []
    for lag, target in (("d1", rules.retention_d1), ("d7", rules.retention_d7)):
        row = new.row(0, named=True) if new.height else {f"cohort_{lag}": 0, lag: None, f"{lag}_ci_low": 0.0, f"{lag}_ci_high": 1.0}
        if not row[f"cohort_{lag}"]:
            unmeasured.append(lag)
        elif not row[f"{lag}_ci_low"] <= target <= row[f"{lag}_ci_high"]:
            outside.append(lag)
        metadata |= {f"{lag}_target": target, f"{lag}_realized": row[lag] if row[lag] is None or not math.isnan(row[lag]) else None,
                     f"{lag}_cohort": row[f"cohort_{lag}"], f"{lag}_ci": f"[{row[f'{lag}_ci_low']:.3f}, {row[f'{lag}_ci_high']:.3f}]"}
    return dg.AssetCheckResult(
        passed=not outside and len(unmeasured) < 2, metadata={**metadata, "not_measured_yet": ", ".join(unmeasured)},
        severity=dg.AssetCheckSeverity.ERROR if outside else dg.AssetCheckSeverity.WARN,
        description=(f"Target outside the interval: {', '.join(outside)}." if outside else
                     "No cohort to measure yet." if len(unmeasured) == 2 else None))


def active_accounts_per_day(etl_events: pl.DataFrame) -> pl.DataFrame:
    """The distinct accounts with at least one track event, per day (`date`, `accounts`)."""
    return (
        etl_events.filter((pl.col("#type") == "track") & pl.col("#account_id").is_not_null())
        .group_by("date").agg(pl.col("#account_id").n_unique().alias("accounts"))
    )


ROOT_KEYS = {"#type": pl.String, "#time": pl.Datetime("us"), "date": pl.Date, "source_file": pl.String,
             "line_number": pl.Int64}
"""The columns every etl/events row has, with their types."""

CHECKS = [
    segment_mix_as_configured,
    no_violations,
    retention_near_target,
    quarantine_check(events, DOMAIN),
    one_source_check(event_logs, DOMAIN, lambda platform, key: day_files(day_folder(platform, DOMAIN, key)),
                     generated=lambda path: path.name.startswith(SYNTHETIC_PREFIX)),
    reject_share_checks(DOMAIN, {"events": events}),
    frame_check(
        events, "root_keys_typed", required_columns(ROOT_KEYS), columns=list(ROOT_KEYS),
        blocking=True, description="Every line has its type, a parsed time, its day, file and line number.",
    ),
    reconciliation_check(
        daily_activity, events, "every_active_account_counted", lambda frame: frame["active_users"].sum(),
        other_measure=lambda frame: active_accounts_per_day(frame)["accounts"].sum(), blocking=True,
        columns=["active_users"], other_columns=["date", "#type", "#account_id"],
        description="Each day's active users over all segments equal the distinct accounts with a track "
        "event in etl/events: no user of the day, synthetic or from a dropped-in export, is left out.",
    ),
    reconciliation_check(
        cons_events, events, "every_line_kept", lambda frame: frame.height, blocking=True, columns=["line_number"],
        description="cons/events has exactly one row per line of etl/events.",
    ),
]
