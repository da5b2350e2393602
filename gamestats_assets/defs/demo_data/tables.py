"""The demo_data tables computed from the reference and ETL tables, declared once as `Table`s
(`lib/authoring/table.py`): each account's day summary, every event in a fixed shape, and the measures per segment.
Each is one function of `profiles` or `transforms` (whose docstring defines it)."""

import polars as pl

from gamestats_assets.published.demo_data import COLUMNS
from gamestats_assets.defs.demo_data.profiles import accounts_of_days
from gamestats_assets.defs.demo_data.transforms import cons
from gamestats_assets.lib.authoring.assets import Publish, PublishMode
from gamestats_assets.lib.authoring.headline import Figures, Headline, rate_figures, rate_meanings
from gamestats_assets.lib.authoring.table import Table
from gamestats_assets.lib.lake.rows import FrameStream

DAILY_ACTIVITY_HEADLINE = Headline({
    "active_users": "users with at least one track event on the day, every segment",
    "track_events": "track events of the day",
    "user_updates": "user_set updates of the day",
    "new_users": "users whose install date is the day (for a dropped-in export's users, the day of their first line)",
}, lambda day: {c: int(day.get_column(c).sum() or 0) for c in cons.COUNTS})


def retention_figures(by_segment: pl.DataFrame) -> Figures:
    """D1 and D7 retention over every segment, from the segments' cohorts and retained users."""
    return {name: value for lag in ("d1", "d7") for name, value in rate_figures(
        lag, int(by_segment.get_column(f"retained_{lag}").sum() or 0),
        int(by_segment.get_column(f"cohort_{lag}").sum() or 0)).items()}


RETENTION_HEADLINE = Headline({
    name: meaning for lag, days in (("d1", 1), ("d7", 7)) for name, meaning in rate_meanings(
        lag, f"D{days} retention over every segment: the share of the users installed on a measured day who are "
        f"active {days} day(s) later", "users installed on a day whose day " f"{days} is in the data",
        f"of those, users active {days} day(s) after installing").items()
}, retention_figures)

CONVERSION_HEADLINE = Headline(rate_meanings(
    "conversion", "conversion over every segment: the share of the active users who did the conversion event",
    "users active at least once", "of those, users who did the conversion event"),
    lambda by_segment: rate_figures("conversion", int(by_segment.get_column("converted_users").sum() or 0),
                                    int(by_segment.get_column("active_users").sum() or 0)))

LINES, ACCOUNTS, USERS = "etl/events", "std/accounts", "reference/users"
PROFILED = {"history": ACCOUNTS, "users": USERS}
"""The inputs of a table counting accounts with their profiles: every day's accounts and the population."""
WHOLE, COMPLETE = ("history", "users"), {"history": LINES}
"""How a daily table reads them: whole; and every day's accounts, refused while a day of lines has none."""

TABLES = [
    Table("std", "accounts", lambda day, lines: accounts_of_days(lines),
          "The accounts of the day's lines (key `date`, `account_id`): each with the last segment its own `user_set` "
          "lines of the day set, that line's `#time` and line number (null without one). Profiles as known on a day "
          "(`profiles_by_day`) read these rows of the days up to it, a small part of those days' lines.",
          {"lines": LINES}, read_as={"lines": pl.LazyFrame}),
    Table("cons", "events", cons.events, cons.events.__doc__, {"lines": LINES, **PROFILED},
          reads={"lines": cons.LINE_COLUMNS}, read_as={"lines": FrameStream, "history": pl.LazyFrame}, whole=WHOLE, complete=COMPLETE,
          columns=COLUMNS["events"],
          publish=Publish(("date", "source_file", "line_number"), sum_column="line_number", indexes=("account_id",))),
    Table("cons", "daily_activity", cons.daily_activity, cons.daily_activity.__doc__,
          {"day_events": "cons/events", **PROFILED},
          reads={"day_events": ("date", "segment", "account_id", "event_type")}, read_as={"history": pl.LazyFrame},
          whole=WHOLE, complete=COMPLETE, headline=DAILY_ACTIVITY_HEADLINE, columns=COLUMNS["daily_activity"],
          publish=Publish(("date", "segment"), sum_column="track_events")),
    Table("cons", "retention", cons.retention_by_segment, cons.retention_by_segment.__doc__,
          {"etl_events": LINES, **PROFILED}, kind="snapshot",
          read_as={"etl_events": pl.LazyFrame, "history": pl.LazyFrame}, complete=COMPLETE,
          headline=RETENTION_HEADLINE, columns=COLUMNS["retention"],
          publish=Publish(("segment",), PublishMode.SNAPSHOT, sum_column="cohort_d1")),
    Table("cons", "conversion", cons.conversion_by_segment, cons.conversion_by_segment.__doc__,
          {"etl_events": LINES, **PROFILED, "event_rules": "reference/event_rules"}, kind="snapshot",
          read_as={"etl_events": pl.LazyFrame, "history": pl.LazyFrame}, complete=COMPLETE,
          headline=CONVERSION_HEADLINE, columns=COLUMNS["conversion"],
          publish=Publish(("segment",), PublishMode.SNAPSHOT, sum_column="converted_users")),
]
"""Every demo_data table computed from other tables."""
