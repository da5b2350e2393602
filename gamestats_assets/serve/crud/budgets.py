"""The request budgets' writes (`gamestats_api.request_budgets`, token buckets every worker shares): requests taken
from the buckets of some keys at once, and the buckets full again forgotten."""

from __future__ import annotations

import psycopg


async def take(conn: psycopg.AsyncConnection, asked: dict[str, int], capacity: float,
               per_second: float) -> dict[str, tuple[int, float]]:
    """Take `asked[key]` requests from each key's bucket (`gamestats_api.take_budgets`): per key, the requests
    granted and the seconds until the next one may go."""
    keys = list(asked)
    cursor = await conn.execute("SELECT key, granted, wait_seconds FROM gamestats_api.take_budgets(%s, %s, %s, %s)",
                                (keys, [asked[k] for k in keys], capacity, per_second))
    return {key: (granted, wait) for key, granted, wait in await cursor.fetchall()}


async def forget_untouched(conn: psycopg.AsyncConnection, seconds: float) -> None:
    """Remove the buckets untouched for `seconds` (as long as a bucket takes to fill again: they are as new)."""
    await conn.execute("DELETE FROM gamestats_api.request_budgets WHERE updated_at < "
                       "clock_timestamp() - make_interval(secs => %s)", (seconds,))
