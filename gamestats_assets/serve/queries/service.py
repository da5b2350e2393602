"""The service's own reads: whether PostgreSQL answers, how many of the uploaded games are published, and the
pipeline's partitions held back and tables' ages, for the health check, the metrics and the alerts."""

from __future__ import annotations

import psycopg


def answers(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT true AS ok").fetchone()["ok"]


def published_matches(conn: psycopg.Connection, match_ids: list[str]) -> int:
    """How many of the Rocket League games `match_ids` `rocket.matches` holds."""
    return conn.execute("SELECT count(*) AS n FROM rocket.matches WHERE match_id = ANY(%s)",
                        (match_ids,)).fetchone()["n"]


def held_and_ages(conn: psycopg.Connection) -> tuple[list[dict], list[dict]]:
    """The partitions held back per published table, and each published table's seconds since its last publish."""
    return (conn.execute("SELECT table_name, count(*) AS n FROM public.held_partitions GROUP BY 1").fetchall(),
            conn.execute("SELECT table_name, extract(epoch FROM now() - published_at) AS age "
                         "FROM public.publish_log").fetchall())
