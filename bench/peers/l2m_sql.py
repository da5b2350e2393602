"""The L2M day's KPIs as one plain DuckDB SQL script over the landing files: what a data engineer who skips the
lakehouse writes. It reads each log type's files with the columns it needs, keeps the track lines of the day,
counts a repeated payment (`#uuid`) once, and writes the columns of `l2m.l2m_daily_kpis` to Parquet.

The day is the first of its history, as the project's run of it is: every payment of the day is its user's first
(NPU), and a user's profile is what the day's `user_set` lines say."""

import datetime as dt
from pathlib import Path

import duckdb

from gamestats_assets.defs.l2m.transforms.reference import KNOWN_COUNTRIES, OTHER_COUNTRY, REFERENCE_DIR
from gamestats_assets.defs.l2m.transforms.std import SOURCES

RATES = REFERENCE_DIR / "currency_rates.csv"
ACTIVE_PROPERTIES = "STRUCT(server_id BIGINT, level BIGINT)"
"""What the script reads of an activity line's properties."""


def lines(day_dir: Path, day: dt.date, stem: str, record_type: str, properties: str) -> str:
    """The day's lines of type `record_type` in the files of the log type `stem`, with the user, time, uuid and
    the `properties` (a DuckDB STRUCT type)."""
    event = f"""AND "#event_name" = '{stem}'""" if record_type == "track" else ""
    return f"""
        SELECT "#account_id" AS user_id, "#time" AS event_time, "#uuid" AS uuid, properties.*
        FROM read_json('{day_dir}/{stem}*.jsonl*', format = 'newline_delimited', columns = {{
            '#type': 'VARCHAR', '#account_id': 'VARCHAR', '#time': 'VARCHAR', '#event_name': 'VARCHAR',
            '#uuid': 'VARCHAR', 'properties': '{properties}'}})
        WHERE "#type" = '{record_type}' {event} AND starts_with("#time", '{day}') AND "#account_id" <> ''"""


def script(day_dir: Path, day: dt.date, out: Path) -> str:
    """The script: active users (any of the seven activity logs; server of the highest level, the smallest on ties),
    profile (latest country and registration date of the day), payments (in USD), then the KPIs per country and
    server."""
    activity = "\nUNION ALL ".join(
        f"SELECT user_id, server_id, level FROM ({lines(day_dir, day, stem, 'track', ACTIVE_PROPERTIES)})"
        for stem in SOURCES)
    profile = lines(day_dir, day, "user_profile", "user_set", "STRUCT(country_code VARCHAR, register_date VARCHAR)")
    recharge = lines(day_dir, day, "recharge", "track", "STRUCT(amount DOUBLE, currency VARCHAR)")
    countries = ", ".join(f"'{code}'" for code in KNOWN_COUNTRIES)
    return f"""
        COPY (
        WITH activity AS ({activity}),
        active AS (
            SELECT user_id, arg_max(server_id, [level, -server_id]) AS server_id
            FROM activity WHERE server_id IS NOT NULL AND level IS NOT NULL GROUP BY user_id),
        profile AS (
            SELECT user_id,
                   arg_max(country_code, event_time) FILTER (WHERE country_code IS NOT NULL) AS country_code,
                   arg_max(register_date, event_time) FILTER (WHERE register_date IS NOT NULL) AS register_date
            FROM ({profile}) GROUP BY user_id),
        payments AS (
            SELECT user_id, count(*) AS payments, sum(amount * usd_per_unit) AS revenue_usd
            FROM (SELECT DISTINCT ON (uuid) * FROM ({recharge}))
            JOIN read_csv('{RATES}') USING (currency) GROUP BY user_id),
        users AS (
            SELECT active.server_id,
                   CASE WHEN country_code IN ({countries}) THEN country_code ELSE '{OTHER_COUNTRY}' END AS country_code,
                   register_date = '{day}' AS is_new, payments.user_id IS NOT NULL AS paid,
                   coalesce(payments.revenue_usd, 0) AS revenue_usd
            FROM active LEFT JOIN profile USING (user_id) LEFT JOIN payments USING (user_id))
        SELECT DATE '{day}' AS date, country_code, server_id,
               count(*) AS dau,
               count(*) FILTER (WHERE is_new) AS nru,
               count(*) FILTER (WHERE paid) AS pu,
               count(*) FILTER (WHERE paid) AS npu,
               count(*) FILTER (WHERE paid AND is_new) AS nnpu,
               sum(revenue_usd) AS revenue_usd,
               sum(revenue_usd) / count(*) AS arpu_usd,
               CASE WHEN count(*) FILTER (WHERE paid) > 0 THEN sum(revenue_usd) / count(*) FILTER (WHERE paid) END
                   AS arppu_usd
        FROM users GROUP BY country_code, server_id
        ) TO '{out}' (FORMAT parquet)"""


def run(day_dir: Path, day: dt.date, out: Path) -> None:
    """Run the script with DuckDB's defaults (every core)."""
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(script(day_dir, day, out))
