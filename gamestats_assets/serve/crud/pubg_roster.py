"""The PUBG roster table's writes (`pubg.players`): a player tracked, a player no longer."""

from __future__ import annotations

import psycopg


def add_to_roster(conn: psycopg.Connection, player_id: str) -> bool:
    """Add `player_id` to the roster table; whether they were not on it."""
    return bool(conn.execute("INSERT INTO pubg.players (player_id) VALUES (%s) ON CONFLICT DO NOTHING",
                             (player_id,)).rowcount)


def remove_from_roster(conn: psycopg.Connection, player_id: str) -> bool:
    """Take `player_id` off the roster table; whether they were on it."""
    return bool(conn.execute("DELETE FROM pubg.players WHERE player_id = %s", (player_id,)).rowcount)

