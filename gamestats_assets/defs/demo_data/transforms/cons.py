"""The CONS tables of demo_data: every event in a fixed shape, activity per day and segment, retention and
conversion per segment; each account counted with its profile as known (`profiles`)."""

import datetime as dt
import json

import polars as pl

from gamestats_assets.defs.demo_data.profiles import UNKNOWN_SEGMENT, profiles_by_day, user_profiles
from gamestats_assets.defs.demo_data.transforms.measures import conversion, retention
from gamestats_assets.lib.core.stats import with_wilson
from gamestats_assets.lib.lake.rows import FrameStream, mapped
from gamestats_assets.sources.taxonomy.rules import RuleSet

ROOT_COLUMNS = {
    "#type": "event_type",
    "#account_id": "account_id",
    "#distinct_id": "distinct_id",
    "#event_name": "event_name",
    "#time": "event_time",
    "#uuid": "uuid",
    "#ip": "ip",
}
"""The root keys of a line kept by `cons/events`, and their names there."""
LINE_COLUMNS = ("date", "source_file", "line_number", *ROOT_COLUMNS, "properties")
"""The columns of `etl/events` that `cons/events` reads."""


def rules_of(event_rules: pl.DataFrame) -> RuleSet:
    """The rule set of `reference/event_rules`."""
    return RuleSet.from_dict(json.loads(event_rules["rules_json"][0]))


def events(day: dt.date, lines: FrameStream, history: pl.LazyFrame, users: pl.DataFrame) -> FrameStream:
    """Every event of the day in a fixed shape for analysts: one row per record (key `date`,
    `source_file`, `line_number`) with the user's segment (the export's own `segment` user property,
    else the population's, else `unknown`, as known on that day) and the properties as delivered (one
    JSON object, exactly the keys the line had). The day's lines are read and written batch by batch: the day
    is never held whole."""
    profiles = profiles_by_day(history, users, [day]).select("date", "account_id", "segment")

    def shaped(batch: pl.DataFrame) -> pl.DataFrame:
        return (
            batch.select("date", "source_file", "line_number",
                         *[pl.col(c).alias(name) for c, name in ROOT_COLUMNS.items()],
                         pl.col("properties").fill_null("{}"))
            .with_columns(pl.col("event_time").cast(pl.Datetime("ms")))
            .join(profiles, on=["date", "account_id"], how="left", maintain_order="left")
            .with_columns(pl.col("segment").fill_null(UNKNOWN_SEGMENT))
            .select("date", "source_file", "line_number", *ROOT_COLUMNS.values(), "segment", "properties")
        )

    return mapped(lines, shaped)


COUNTS = ("active_users", "track_events", "user_updates", "new_users")
"""The counts of `daily_activity`, zero for a segment without them on a day."""


def daily_activity(day: dt.date, day_events: pl.DataFrame, history: pl.LazyFrame, users: pl.DataFrame) -> pl.DataFrame:
    """Activity per day and segment (key `date`, `segment`): active users (at least one track event),
    track events, user_set updates, and new users (whose install date is that day). Every account counts:
    users of a dropped-in export under their own `segment` user property, else `unknown`, installed on
    the day of their first line."""
    activity = day_events.group_by("date", "segment").agg(
        pl.col("account_id").filter(pl.col("event_type") == "track").drop_nulls().n_unique().alias("active_users"),
        (pl.col("event_type") == "track").sum().alias("track_events"),
        (pl.col("event_type") == "user_set").sum().alias("user_updates"),
    )
    days = day_events["date"].unique().sort().to_list()
    installs = (
        profiles_by_day(history, users, days).filter(pl.col("install_date") == pl.col("date"))
        .group_by("date", "segment").agg(pl.len().alias("new_users"))
    )
    segments = pl.concat([users.select("segment"), activity.select("segment"), installs.select("segment")]).unique()
    grid = pl.DataFrame({"date": days}, schema={"date": pl.Date}).join(segments, how="cross")
    return (
        grid.join(activity, on=["date", "segment"], how="left")
        .join(installs, on=["date", "segment"], how="left")
        .select("date", "segment", *[pl.col(c).fill_null(0).cast(pl.Int64) for c in COUNTS])
        .sort("date", "segment")
    )


def retention_by_segment(etl_events: pl.LazyFrame, history: pl.LazyFrame, users: pl.DataFrame) -> pl.DataFrame:
    """D1 and D7 retention per segment over every day in the lake (key `segment`): of the users who
    installed on a day whose day 1 (day 7) is in the data, the share active that day; with cohort sizes
    and 95 % Wilson intervals. Users of a dropped-in export count, with their own segment (else
    `unknown`) and the day of their first line as install date."""
    lines = etl_events.select("#type", "#account_id", "#time").collect()
    measured = retention(lines, user_profiles(history, users))
    for lag in ("d1", "d7"):
        if f"cohort_{lag}" not in measured.columns:
            measured = measured.with_columns(pl.lit(0, dtype=pl.UInt32).alias(f"cohort_{lag}"),
                                             pl.lit(None, dtype=pl.Float64).alias(lag))
        measured = measured.with_columns(
            pl.col(f"cohort_{lag}").fill_null(0).cast(pl.Int64),
            (pl.col(lag).fill_null(0.0) * pl.col(f"cohort_{lag}").fill_null(0)).round().cast(pl.Int64)
            .alias(f"retained_{lag}"),
        )
        measured = with_wilson(measured, f"retained_{lag}", f"cohort_{lag}", lag)
    return measured.select(
        "segment",
        *[c for lag in ("d1", "d7") for c in (f"cohort_{lag}", f"retained_{lag}", lag, f"{lag}_ci_low", f"{lag}_ci_high")],
    )


def conversion_by_segment(etl_events: pl.LazyFrame, history: pl.LazyFrame, users: pl.DataFrame,
                          event_rules: pl.DataFrame) -> pl.DataFrame:
    """Conversion per segment over every day in the lake (key `segment`): of the users active at least
    once, the share who did the conversion event (the last step of the last funnel), with a 95 % Wilson
    interval. Users of a dropped-in export count under their own segment, else `unknown`."""
    lines = etl_events.select("#type", "#account_id", "#event_name").collect()
    measured = conversion(lines, user_profiles(history, users), rules_of(event_rules)).with_columns(
        pl.col("active_users").cast(pl.Int64), pl.col("converted_users").cast(pl.Int64)
    )
    return with_wilson(measured, "converted_users", "active_users", "conversion")
