"""The demo_data day's activity per segment as one plain DuckDB SQL script over the landing files and the
population: what a data engineer who skips the lakehouse writes. It reads the lines' type, account, time, uuid and
`segment` user property, counts a repeated record (`#uuid`) once, and writes the columns of
`demo_data.daily_activity` to Parquet.

The day is the first of the account history, as the project's run of it is: an account without an install date in
the population installed on the day of its first line, this day."""

import datetime as dt
from pathlib import Path

import duckdb

from gamestats_assets.defs.demo_data.profiles import SEGMENT_PROPERTY, UNKNOWN_SEGMENT


def script(files: list[Path], population: Path, day: dt.date, out: Path) -> str:
    """The script: each account's segment (its own last `segment` user property, else the population's, else
    unknown) and install date, then per segment the active accounts, track events, user updates and new users,
    every segment of the population listed."""
    paths = ", ".join(f"'{path}'" for path in files)
    return f"""
        COPY (
        WITH lines AS (
            SELECT "#type" AS type, "#account_id" AS account_id, "#time" AS time, "#uuid" AS uuid,
                   properties.{SEGMENT_PROPERTY} AS own_segment
            FROM read_json([{paths}], format = 'newline_delimited', columns = {{
                '#type': 'VARCHAR', '#account_id': 'VARCHAR', '#time': 'VARCHAR', '#uuid': 'VARCHAR',
                'properties': 'STRUCT({SEGMENT_PROPERTY} VARCHAR)'}})),
        population AS (SELECT account_id, segment, install_date FROM read_parquet('{population}')),
        seen AS (
            SELECT account_id, arg_max(own_segment, time) FILTER (WHERE type = 'user_set' AND own_segment IS NOT NULL)
                   AS own_segment
            FROM lines WHERE account_id IS NOT NULL GROUP BY account_id),
        accounts AS (
            SELECT account_id, coalesce(own_segment, segment, '{UNKNOWN_SEGMENT}') AS segment,
                   coalesce(install_date, DATE '{day}') AS install_date
            FROM population FULL JOIN seen USING (account_id)),
        activity AS (
            SELECT coalesce(accounts.segment, '{UNKNOWN_SEGMENT}') AS segment,
                   count(DISTINCT lines.account_id) FILTER (WHERE type = 'track') AS active_users,
                   count(DISTINCT uuid) FILTER (WHERE type = 'track') AS track_events,
                   count(DISTINCT uuid) FILTER (WHERE type = 'user_set') AS user_updates
            FROM lines LEFT JOIN accounts USING (account_id) GROUP BY ALL),
        installs AS (
            SELECT segment, count(*) AS new_users FROM accounts WHERE install_date = DATE '{day}' GROUP BY segment),
        segments AS (
            SELECT segment FROM population UNION SELECT segment FROM activity UNION SELECT segment FROM installs)
        SELECT DATE '{day}' AS date, segment, coalesce(active_users, 0) AS active_users,
               coalesce(track_events, 0) AS track_events, coalesce(user_updates, 0) AS user_updates,
               coalesce(new_users, 0) AS new_users
        FROM segments LEFT JOIN activity USING (segment) LEFT JOIN installs USING (segment)
        ) TO '{out}' (FORMAT parquet)"""


def run(files: list[Path], population: Path, day: dt.date, out: Path) -> None:
    """Run the script with DuckDB's defaults (every core)."""
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(script(files, population, day, out))
