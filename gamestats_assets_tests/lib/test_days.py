"""The daily calendar (`Days`): the keys Dagster's daily partitions list, at any moment, for a calendar ending
yesterday or today, listed once a day however often a run's steps and ticks ask."""

import datetime as dt

import dagster as dg
import pytest

from gamestats_assets.lib.core.partitions import Days

UTC = dt.timezone.utc
MOMENTS = [dt.datetime(2026, 3, 2, tzinfo=UTC), dt.datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC),
           dt.datetime(2026, 3, 3, tzinfo=UTC), dt.datetime(2019, 1, 1, 5, tzinfo=UTC),
           dt.datetime(2018, 12, 1, tzinfo=UTC), None]
"""Midnight, the second before and after it, the first day of the calendar, before it, and now."""


@pytest.mark.parametrize("end_offset", [0, 1])
def test_the_calendar_lists_the_keys_of_dagster_s_daily_partitions_at_any_moment(end_offset):
    days = Days(start_date="2019-01-01", end_offset=end_offset)
    dagster_days = dg.DailyPartitionsDefinition(start_date="2019-01-01", end_offset=end_offset)
    for moment in MOMENTS * 2:
        assert days.get_partition_keys(moment) == dagster_days.get_partition_keys(moment), moment
    assert days == dagster_days


DAYS = Days(start_date="2019-01-01")


@dg.asset(partitions_def=DAYS)
def day_table() -> None:
    """A table of a day."""


@dg.asset(deps=[day_table])
def every_day() -> None:
    """A table read over every day of `day_table`."""


def test_the_runs_of_a_table_read_over_every_day_list_the_calendar_once(monkeypatch):
    listed = []
    listing = dg.TimeWindowPartitionsDefinition.get_partition_keys

    def counted(self, *args, **kwargs):
        listed.append(1)
        return listing(self, *args, **kwargs)

    monkeypatch.setattr(dg.TimeWindowPartitionsDefinition, "get_partition_keys", counted)
    instance = dg.DagsterInstance.ephemeral()
    yesterday = DAYS.get_last_partition_key()
    assert dg.materialize([day_table], partition_key=yesterday, instance=instance).success
    for _ in range(3):
        assert dg.materialize([every_day, day_table.to_source_asset()], instance=instance).success
    assert len(listed) <= 1, "once a day, not once a run"
