"""Profiles as known on a day, from the days' account summaries (`std/accounts`), equal what every line up to that day
says."""

import datetime as dt
import json

import polars as pl
import pytest

from gamestats_assets.defs.demo_data.profiles import profiles_by_day
from gamestats_assets.defs.demo_data.profiles import accounts_of_days

D1, D2, D3 = dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3)
USERS = pl.DataFrame({"account_id": ["pop", "seen"], "segment": ["POWER", "NEW"],
                      "install_date": [dt.date(2026, 2, 1), dt.date(2026, 2, 2)]})


def line(day: dt.date, account: str | None, kind: str, time: str, number: int, segment: str | None = None) -> dict:
    return {"date": day, "#account_id": account, "#type": kind, "#time": dt.datetime.fromisoformat(time),
            "line_number": number, "properties": json.dumps({"segment": segment} if segment else {"level": 1})}


LINES = pl.DataFrame([
    line(D1, "seen", "track", "2026-03-01 09:00", 1),
    line(D1, "real", "user_set", "2026-03-01 10:00", 2, "WHALE"),
    line(D1, "real", "user_set", "2026-03-01 10:00", 3, "MINNOW"),
    line(D2, "real", "user_set", "2026-02-28 23:00", 1, "LATE"),
    line(D2, "real", "track", "2026-03-02 08:00", 2),
    line(D3, "newcomer", "track", "2026-03-03 12:00", 1),
    line(D3, "seen", "user_set", "2026-03-03 12:00", 2, "CHURNING"),
], schema_overrides={"#time": pl.Datetime("ms")})


def profiles_from_every_line(lines: pl.DataFrame, day: dt.date) -> dict[str, tuple]:
    """(segment, install date) of each account as the lines up to `day` say, read directly: the population's unless
    the account's own `user_set` lines set a segment (the last by time, then line number), and the day of its first
    line for an account not in the population; a line naming no account says nothing."""
    known = lines.filter((pl.col("date") <= day) & pl.col("#account_id").is_not_null())
    profiles = {row["account_id"]: (row["segment"], row["install_date"]) for row in USERS.iter_rows(named=True)}
    for account, rows in known.sort("#time", "line_number").group_by("#account_id", maintain_order=True):
        segments = [json.loads(p).get("segment") for p in rows.filter(pl.col("#type") == "user_set")["properties"]]
        own = [segment for segment in segments if segment]
        segment, installed = profiles.get(account[0], ("unknown", rows["date"].min()))
        profiles[account[0]] = (own[-1] if own else segment, installed)
    return profiles


@pytest.mark.parametrize("day", [D1, D2, D3])
def test_a_days_profiles_from_the_account_summaries_equal_what_every_line_up_to_it_says(day):
    history = accounts_of_days(LINES.lazy())
    assert history.height == 5, "one row per account and day"
    profiles = profiles_by_day(history.lazy(), USERS, [day])
    assert {row["account_id"]: (row["segment"], row["install_date"]) for row in profiles.iter_rows(named=True)} == (
        profiles_from_every_line(LINES, day))


def test_the_segment_set_last_wins_whichever_day_delivered_it():
    profiles = profiles_by_day(accounts_of_days(LINES.lazy()).lazy(), USERS, [D1, D2, D3])
    real = profiles.filter(pl.col("account_id") == "real").sort("date")
    assert real["segment"].to_list() == ["MINNOW", "MINNOW", "MINNOW"], "a later day's line of an earlier time"
    assert profiles.filter(pl.col("account_id") == "seen").sort("date")["segment"].to_list() == ["NEW", "NEW",
                                                                                                   "CHURNING"]


def test_a_day_whose_lines_name_no_account_adds_no_profile():
    anonymous = line(D3, None, "track", "2026-03-03 12:00", 1)
    lines = pl.concat([LINES.filter(pl.col("date") < D3), pl.DataFrame([anonymous], schema=LINES.schema)])
    history = accounts_of_days(lines.lazy())
    assert D3 not in history["date"]
    profiles = profiles_by_day(history.lazy(), USERS, [D3])
    assert {row["account_id"]: (row["segment"], row["install_date"]) for row in profiles.iter_rows(named=True)} == (
        profiles_from_every_line(lines, D3))
