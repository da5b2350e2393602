"""Measurements of logs against what was asked: retention and conversion for the domain's tables, the
population's mix and the rules' violations for its checks and the generator's tests.

Each function reads an events frame (one row per line as `sources.thinkingdata.read_files` gives it,
properties as columns) and, where needed, the users frame and the rule set.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from gamestats_assets.sources.taxonomy.population import PopulationConfig, segment_ratios
from gamestats_assets.sources.taxonomy.rules import EventKind, RuleSet, Stage


def _tracks(events: pl.DataFrame) -> pl.DataFrame:
    """Track rows (account, time and event name) in user then time then line order, with their line number
    as `line`."""
    return (
        events.select("#type", "#account_id", "#time", "#event_name")
        .with_row_index("line")
        .filter(pl.col("#type") == "track")
        .sort(["#account_id", "#time", "line"])
    )


def segment_mix(users: pl.DataFrame, rules: RuleSet, config: PopulationConfig) -> pl.DataFrame:
    """Per segment: the asked share (`target`), the realized share of the population and the difference."""
    asked = pl.DataFrame({
        "segment": [str(s) for s in segment_ratios(rules, config)],
        "target": list(segment_ratios(rules, config).values()),
    })
    realized = users.group_by("segment").agg(pl.len().alias("users"))
    return (
        asked.join(realized, on="segment", how="left")
        .with_columns(pl.col("users").fill_null(0))
        .with_columns((pl.col("users") / pl.col("users").sum()).alias("realized"))
        .with_columns((pl.col("realized") - pl.col("target")).abs().alias("difference"))
    )


def active_days(events: pl.DataFrame) -> pl.DataFrame:
    """One row per (account_id, date) with at least one track event."""
    return (
        events.filter(pl.col("#type") == "track")
        .select(pl.col("#account_id").alias("account_id"), pl.col("#time").dt.date().alias("date"))
        .unique()
    )


def retention(events: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """D1 and D7 retention per segment: the share of users installed on a day who are active 1 and 7 days later.

    Only cohorts whose day 1 (for D1) or day 7 (for D7) lies within the events' dates count.
    """
    days = active_days(events)
    if days.is_empty():
        return pl.DataFrame(schema={"segment": pl.String, "cohort_d1": pl.UInt32, "d1": pl.Float64,
                                    "cohort_d7": pl.UInt32, "d7": pl.Float64})
    first, last = days["date"].min(), days["date"].max()
    cohort = users.filter(pl.col("install_date").is_between(first, last)).select("account_id", "segment", "install_date")
    active = set(zip(days["account_id"].to_list(), days["date"].to_list()))
    rows = []
    for account, segment, installed in cohort.iter_rows():
        for lag in (1, 7):
            if installed + timedelta(days=lag) <= last:
                rows.append((segment, lag, (account, installed + timedelta(days=lag)) in active))
    measured = pl.DataFrame(rows, schema={"segment": pl.String, "lag": pl.Int64, "retained": pl.Boolean}, orient="row")
    return (
        measured.group_by("segment", "lag")
        .agg(pl.len().alias("cohort"), pl.col("retained").mean().alias("rate"))
        .pivot(on="lag", index="segment", values=["cohort", "rate"])
        .rename({"cohort_1": "cohort_d1", "rate_1": "d1", "cohort_7": "cohort_d7", "rate_7": "d7"}, strict=False)
        .sort("segment")
    )


def conversion_event(rules: RuleSet) -> str | None:
    """The event that counts as a conversion: the last step of the last funnel, else the first planned event."""
    if rules.funnels:
        return rules.funnels[-1].steps[-1]
    return rules.updates[0].event if rules.updates else None


def conversion(events: pl.DataFrame, users: pl.DataFrame, rules: RuleSet) -> pl.DataFrame:
    """Per segment: active users, users who did the conversion event, and their share."""
    target = conversion_event(rules)
    per_user = (
        events.filter(pl.col("#type") == "track")
        .group_by("#account_id")
        .agg((pl.col("#event_name") == target).any().alias("converted"))
        .join(users.select("account_id", "segment"), left_on="#account_id", right_on="account_id")
    )
    return per_user.group_by("segment").agg(
        pl.len().alias("active_users"), pl.col("converted").sum().alias("converted_users"),
        pl.col("converted").mean().alias("conversion"),
    ).sort("segment")


def payer_share(events: pl.DataFrame, users: pl.DataFrame, rules: RuleSet) -> pl.DataFrame:
    """Per segment: active users, `payers` (active users who did a purchase event), their share
    (`realized`), the configured `target` payer share, and `unflagged_payers` (buyers whose population
    `payer` flag is false, which must be 0)."""
    targets = pl.DataFrame({
        "segment": [str(segment) for segment in rules.segments],
        "target": [profile.payer_share for profile in rules.segments.values()],
    })
    payer = pl.col("payer") if "payer" in users.columns else pl.lit(True).alias("payer")
    flags = users.select("account_id", "segment", payer)
    per_user = (
        events.filter(pl.col("#type") == "track")
        .group_by("#account_id")
        .agg(pl.col("#event_name").is_in(list(rules.purchase_events)).any().alias("bought"))
        .join(flags, left_on="#account_id", right_on="account_id")
    )
    return (
        per_user.group_by("segment")
        .agg(
            pl.len().alias("active_users"), pl.col("bought").sum().alias("payers"),
            pl.col("bought").mean().alias("realized"),
            (pl.col("bought") & ~pl.col("payer")).sum().alias("unflagged_payers"),
        )
        .join(targets, on="segment", how="left")
        .sort("segment")
    )


def sequence_violations(events: pl.DataFrame, rules: RuleSet) -> int:
    """Track events whose prerequisite (previous funnel or onboarding step) the same user had not done before."""
    counts = []
    for event, required in rules.prerequisites().items():
        step = pl.col("#event_name").is_in(list(required)).cast(pl.Int64)
        done_before = step.cum_sum().over("#account_id") - step
        counts.append(((pl.col("#event_name") == event) & (done_before == 0)).sum())
    if not counts:
        return 0
    return int(_tracks(events).select(pl.sum_horizontal(counts)).item())


def _entry_stages(rules: RuleSet) -> dict[str, int]:
    """The stage each onboarding milestone moves a user to, skipping stages that no event marks."""
    marked = {int(rules.events[e].stage) for e in rules.onboarding}
    session_start = next((n for n, r in rules.events.items() if r.kind == EventKind.SESSION_START), None)
    if session_start:
        marked.add(int(Stage.FIRST_SESSION))

    def collapse(stage: int) -> int:
        while stage + 1 <= Stage.ONBOARDING_COMPLETED and stage + 1 not in marked:
            stage += 1
        return stage

    entries = {event: collapse(int(rules.events[event].stage)) for event in rules.onboarding}
    if session_start:
        entries[session_start] = collapse(int(Stage.FIRST_SESSION))
    entries[""] = collapse(int(Stage.INSTALLED))
    return entries


def lifecycle_violations(events: pl.DataFrame, users: pl.DataFrame, rules: RuleSet) -> int:
    """Track events the user's lifecycle stage did not allow at that moment.

    Onboarding events are allowed only on the install day. Other events need their stage: on the install
    day the stage rises with each onboarding milestone; after it the user is ACTIVE, and ADVANCED from
    `advanced_date`; before install nothing is allowed.
    """
    entries = _entry_stages(rules)
    required = {name: int(rule.stage) for name, rule in rules.events.items()}
    onboarding = [n for n, r in rules.events.items() if r.kind == EventKind.ONBOARDING]
    tracks = _tracks(events).join(
        users.select(pl.col("account_id").alias("#account_id"), "install_date", "advanced_date"),
        on="#account_id", how="left",
    ).with_columns(pl.col("#time").dt.date().alias("date"))
    milestone = pl.col("#event_name").replace_strict(entries, default=entries[""], return_dtype=pl.Int64)
    install_day_stage = milestone.cum_max().over(["#account_id", "date"])
    stage = (
        pl.when(pl.col("install_date").is_null() | (pl.col("date") < pl.col("install_date"))).then(-1)
        .when(pl.col("date") == pl.col("install_date")).then(install_day_stage)
        .when(pl.col("date") >= pl.col("advanced_date")).then(int(Stage.ADVANCED))
        .otherwise(int(Stage.ACTIVE))
    )
    need = pl.col("#event_name").replace_strict(required, default=0, return_dtype=pl.Int64)
    is_onboarding = pl.col("#event_name").is_in(onboarding)
    violation = (
        pl.when(is_onboarding).then(pl.col("date") != pl.col("install_date")).otherwise(need > stage)
    )
    return int(tracks.select(violation.fill_null(True).sum()).item())


def constraint_columns(rules: RuleSet) -> set[str]:
    """The property columns `constraint_violations` reads."""
    columns = {name for name, rule in rules.values.items() if rule.generator in ("range", "choice")}
    for dependency in rules.dependencies:
        columns |= {dependency.source, dependency.target, "#country_code"}
        if dependency.target == "carrier":
            columns.add("#carrier")
    return columns


def constraint_violations(events: pl.DataFrame, rules: RuleSet) -> int:
    """Property values outside their constraint (range, whole numbers, choices) or inconsistent with a
    dependency (e.g. a carrier not of the user's country, in properties or in the `#carrier` preset)."""
    counts = []
    for name, rule in rules.values.items():
        if name not in events.columns:
            continue
        column, numeric = pl.col(name), events.schema[name].is_numeric()
        if rule.generator == "range":
            if not numeric:
                counts.append(column.is_not_null().sum())
                continue
            bad = (column < rule.low) | (column > rule.high)
            if rule.integer:
                bad = bad | (column.cast(pl.Float64) != column.cast(pl.Float64).floor())
            counts.append((column.is_not_null() & bad).sum())
        elif rule.generator == "choice":
            allowed = [str(choice) for choice in rule.choices]
            values = column.cast(pl.String)
            if numeric:
                allowed = [float(choice) for choice in rule.choices]
                values = column.cast(pl.Float64)
            counts.append((column.is_not_null() & ~values.is_in(allowed)).sum())
    violations = int(events.select(pl.sum_horizontal(counts)).item()) if counts else 0
    for dependency in rules.dependencies:
        pairs = [(dependency.source, dependency.target), ("#country_code", dependency.target)]
        if dependency.target == "carrier":
            pairs.append(("#country_code", "#carrier"))
        allowed = pl.DataFrame(
            [(source, target) for source, targets in dependency.mapping.items() for target in targets],
            schema={"source": pl.String, "target": pl.String}, orient="row",
        ).with_columns(pl.lit(True).alias("ok"))
        checked = set()
        for source, target in pairs:
            if source not in events.columns or target not in events.columns or target in checked:
                continue
            checked.add(target)
            rows = events.select(pl.col(source).cast(pl.String).alias("source"), pl.col(target).cast(pl.String).alias("target"))
            rows = rows.drop_nulls().join(allowed, on=["source", "target"], how="left")
            violations += rows.filter(pl.col("ok").is_null()).height
    return violations
