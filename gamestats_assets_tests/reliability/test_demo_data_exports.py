"""demo_data with dropped-in exports: a rerun of an older day gives the same bytes whatever later days
added, and every active user of an export counts, with the export's own segment and install date."""

import datetime as dt
import json

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.runs import execute_assets

DAYS = ["2026-04-01", "2026-04-02"]


def keys(*names):
    return [dg.AssetKey(n.split("/")) for n in names]


REFERENCE = keys("demo_data/reference/event_rules", "demo_data/reference/users")
DAILY = keys("demo_data/landing/event_logs", "demo_data/etl/events", "demo_data/std/accounts", "demo_data/cons/events",
             "demo_data/cons/daily_activity", "demo_data/postgres/events", "demo_data/postgres/daily_activity")
SNAPSHOTS = keys("demo_data/cons/retention", "demo_data/cons/conversion")


@pytest.fixture
def defs(platform_env, monkeypatch):
    monkeypatch.setenv("GAMESTATS_USERS", "60")
    monkeypatch.setenv("GAMESTATS_ANCHOR_DATE", DAYS[0])
    definitions = build_definitions(Settings.from_env())
    assert run(definitions, REFERENCE).success
    return definitions


def run(defs, selection, partition_key=None):
    job = defs.resolve_implicit_global_asset_job_def()
    return execute_assets(job, asset_selection=selection, partition_key=partition_key,
                          instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def line(kind, account, day, hour, properties, event=None, number=0):
    record = {"#type": kind, "#account_id": account, "#time": f"{day} {hour:02d}:00:{number % 60:02d}.000",
              "#uuid": f"{account}-{day}-{hour}-{number}", "properties": properties}
    return json.dumps(record | ({"#event_name": event} if event else {}))


def deliver(data_dir, day, lines):
    folder = data_dir / "landing" / "demo_data" / day
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.jsonl").write_text("\n".join(lines) + "\n")


def published_day(pg_url, day):
    """Every published row of the day as PostgreSQL prints it (events), and the day's activity."""
    with connect(pg_url) as conn:
        events = conn.execute("SELECT e::text FROM demo_data.events e WHERE date = %s ORDER BY source_file, line_number",
                              (dt.date.fromisoformat(day),)).fetchall()
        activity = conn.execute("SELECT * FROM demo_data.daily_activity WHERE date = %s ORDER BY segment",
                                (dt.date.fromisoformat(day),)).fetchall()
    return events, activity


def lake_day(data_dir, day):
    frame = pl.read_delta(str(data_dir / "lake" / "demo_data" / "cons" / "events"))
    return frame.filter(pl.col("date") == dt.date.fromisoformat(day)).sort("source_file", "line_number")


def test_rerunning_an_older_day_after_a_day_with_other_properties_is_byte_stable(defs, platform_env, pg_url):
    assert run(defs, DAILY, DAYS[0]).success
    before_rows, before_lake = published_day(pg_url, DAYS[0]), lake_day(platform_env, DAYS[0])
    assert before_rows[0]
    later = [line("track", f"crm-{i}", DAYS[1], 9, {"user_name": f"n{i}", "email": f"{i}@x.test"},
                  "login", i) for i in range(150)]
    deliver(platform_env, DAYS[1], later)
    assert run(defs, DAILY, DAYS[1]).success

    assert run(defs, DAILY, DAYS[0]).success

    assert published_day(pg_url, DAYS[0]) == before_rows
    after_lake = lake_day(platform_env, DAYS[0])
    assert after_lake.write_csv() == before_lake.write_csv()
    assert not any("user_name" in properties for properties in after_lake["properties"])


def test_every_active_user_of_an_export_counts_with_its_own_segment_and_install_date(defs, platform_env, pg_url):
    day1 = [line("user_set", f"real-{i}", DAYS[0], 8, {"segment": "whale_real" if i < 2 else None, "level": i}, number=i)
            for i in range(5)]
    day1 += [line("track", f"real-{i}", DAYS[0], 9, {"#os": "iOS"}, "login", i) for i in range(6)]
    day1 += [line("track", f"real-{i}", DAYS[0], 10, {"#os": "iOS"}, "purchase", i) for i in range(150)]
    deliver(platform_env, DAYS[0], day1)
    day2 = [line("track", account, DAYS[1], 9, {"#os": "iOS"}, "login", i)
            for i, account in enumerate(["real-0", "real-5", "newcomer", *[f"real-{i}" for i in range(6, 150)]])]
    deliver(platform_env, DAYS[1], day2)

    first, second = run(defs, DAILY, DAYS[0]), run(defs, DAILY, DAYS[1])
    snapshots = run(defs, SNAPSHOTS)

    for result in (first, second):
        assert result.success
        checks = {e.asset_check_evaluation_data.asset_check_key.name: e.asset_check_evaluation_data.passed
                  for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
        assert checks["every_active_account_counted"]
    activity = {(row[0].isoformat(), row[1]): row[2:] for day in DAYS for row in published_day(pg_url, day)[1]}
    # (active_users, track_events, user_updates, new_users)
    assert activity[(DAYS[0], "whale_real")] == (2, 4, 2, 2)
    assert activity[(DAYS[0], "unknown")] == (148, 152, 3, 148)
    assert activity[(DAYS[1], "whale_real")] == (1, 1, 0, 0)
    assert activity[(DAYS[1], "unknown")] == (146, 146, 0, 1)
    assert sum(values[0] for (day, _), values in activity.items() if day == DAYS[0]) == 150

    assert snapshots.success
    retention = snapshots.output_for_node("demo_data__cons__retention")
    whale = retention.filter(pl.col("segment") == "whale_real").row(0, named=True)
    assert (whale["cohort_d1"], whale["retained_d1"]) == (2, 1)
    unknown = retention.filter(pl.col("segment") == "unknown").row(0, named=True)
    assert (unknown["cohort_d1"], unknown["retained_d1"]) == (148, 145)
    conversion = snapshots.output_for_node("demo_data__cons__conversion")
    assert conversion["active_users"].sum() == 151
