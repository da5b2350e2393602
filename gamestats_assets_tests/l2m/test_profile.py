"""The user profile carried forward: user_set arrives only when a property changes, yet every active user
keeps their country and registration date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import etl, std
from gamestats_assets.defs.l2m.tables import run_in_memory

DAYS = [dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2024, 3, 3)]


def _profile(day: dt.date, rows: list[tuple[str, int | None, str | None, str | None]]) -> pl.DataFrame:
    """ETL user_profile lines of `day`, one per row, all at noon."""
    frame = pl.DataFrame(rows, schema={"user_id": pl.Utf8, "server_id": pl.Int64, "country_code": pl.Utf8,
                                       "register_date": pl.Utf8}, orient="row")
    return frame.select(pl.lit(day).alias("date"), pl.lit(dt.datetime.combine(day, dt.time(12))).alias("event_time"),
                        "user_id", "server_id", "country_code", pl.col("register_date").str.to_date(),
                        pl.lit("user_profile.jsonl").alias("source_file"))


def _write_lines(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def _login(day: dt.date, user: str, time: str = "10:00:00.000") -> dict:
    return {"#type": "track", "#account_id": user, "#distinct_id": "d", "#time": f"{day} {time}",
            "#event_name": "login", "#ip": "1.2.3.4", "#uuid": f"login-{user}-{day}",
            "properties": {"server_id": 1001, "level": 5, "device_id": "d", "#os": "android",
                           "#device_model": "SM-G991B"}}


def _user_set(day: dt.date, user: str, time: str = "10:00:00.000", **properties) -> dict:
    return {"#type": "user_set", "#account_id": user, "#distinct_id": "d", "#time": f"{day} {time}",
            "#ip": "1.2.3.4", "#uuid": f"set-{user}-{day}-{time}", "properties": properties}


def test_yesterday_carries_forward_and_today_s_non_null_values_win():
    first = std.std_user_profile(None, _profile(DAYS[0], [("a", 1001, "TH", "2024-03-01"),
                                                          ("b", 1002, "VN", "2023-01-05")]), DAYS[0])
    second = std.std_user_profile(first, _profile(DAYS[1], [("b", 1003, None, None),
                                                            ("c", None, "SG", "2024-03-02")]), DAYS[1])
    assert second.rows() == [
        (DAYS[1], "a", 1001, "TH", dt.date(2024, 3, 1)),
        (DAYS[1], "b", 1003, "VN", dt.date(2023, 1, 5)),
        (DAYS[1], "c", None, "SG", dt.date(2024, 3, 2)),
    ]
    assert second.schema == {"date": pl.Date, **std.PROFILE_SCHEMA}


def test_previous_profile_must_be_yesterday():
    first = std.std_user_profile(None, _profile(DAYS[0], [("a", 1001, "TH", "2024-03-01")]), DAYS[0])
    with pytest.raises(ValueError, match="previous user profile"):
        std.std_user_profile(first, _profile(DAYS[2], []), DAYS[2])


def test_a_user_set_line_with_some_properties_keeps_the_latest_value_of_each(tmp_path):
    day = DAYS[0]
    _write_lines(tmp_path / "user_profile.jsonl", [
        _user_set(day, "a", "09:00:00.000", country_code="VN", register_date="2023-01-05", server_id=1001),
        _user_set(day, "a", "12:00:00.000", server_id=1002),
        _user_set(day, "a", "11:00:00.000", country_code="TH"),
        _user_set(day, "b", "10:00:00.000", register_date="01/03/2024"),
    ])
    parsed = etl.etl_user_profile(tmp_path, day)
    assert parsed.frame.height == 3
    assert std.day_profiles(parsed.frame).rows() == [("a", 1002, "TH", dt.date(2023, 1, 5))]
    assert [(r.line, r.reason) for r in parsed.rejects] == [(4, "register_date not yyyy-MM-dd")]


def test_a_profile_seen_only_on_day_one_still_describes_the_user_on_day_three(tmp_path):
    for day in DAYS:
        _write_lines(tmp_path / day.isoformat() / "login.jsonl", [_login(day, "a"), _login(day, "b")])
    _write_lines(tmp_path / DAYS[0].isoformat() / "user_profile.jsonl", [
        _user_set(DAYS[0], "a", country_code="TH", register_date=DAYS[0].isoformat(), server_id=1001)])
    _write_lines(tmp_path / DAYS[1].isoformat() / "user_profile.jsonl", [
        _user_set(DAYS[1], "b", country_code="PH", register_date="2022-06-30", server_id=1001)])
    computed = run_in_memory(tmp_path, DAYS)
    active = {day: computed.days[day]["l2m_active"].sort("user_id") for day in DAYS}
    columns = ["user_id", "country_code", "register_date", "is_new_user"]
    assert active[DAYS[0]].select(columns).rows() == [("a", "TH", DAYS[0], True), ("b", "Other", None, False)]
    assert active[DAYS[1]].select(columns).rows() == [("a", "TH", DAYS[0], False),
                                                      ("b", "PH", dt.date(2022, 6, 30), False)]
    assert active[DAYS[2]].select(columns).rows() == [("a", "TH", DAYS[0], False),
                                                      ("b", "PH", dt.date(2022, 6, 30), False)]
    assert computed.days[DAYS[2]]["l2m_daily_kpis"]["nru"].sum() == 0
    assert computed.days[DAYS[0]]["l2m_daily_kpis"]["nru"].sum() == 1
