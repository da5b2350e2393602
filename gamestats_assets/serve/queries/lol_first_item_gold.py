"""The first completed item against the gold a player has at 15 minutes, as the findings page lists it: the rows of
`lol.first_item_gold` (one per queue, patch, role, band of game length, band of gold at 15 and first item), each
with its win rate and Wilson interval, the other first items of its cell, the effect with Newcombe's interval, p, q
and `significant` exactly as published (none is computed here); significant ones first, then the other tested ones
by q, then the untested ones (under `min_games` players a side) by their games."""

from __future__ import annotations

import psycopg
from psycopg import sql

from gamestats_assets.published.lol import COLUMNS
from gamestats_assets.serve.core.models import columns_of, paged, row
from gamestats_assets.serve.queries import Query, page
from gamestats_assets.serve.queries.lol import KNOWN, known, optional
from gamestats_assets.sources.riot.league import ALL

TABLE = "lol.first_item_gold"
FirstItemGold = row("LolFirstItemGold", COLUMNS["first_item_gold"],
                    doc="A first completed item in a cell of role, game length and gold at 15, against the cell's "
                        "other first items")
FirstItemGoldPage = paged("LolFirstItemGoldPage", FirstItemGold)
ORDER = ("significant DESC NULLS LAST, q_value NULLS LAST, games DESC, team_position, length_from_min, gold_15_from, "
         "item_id, queue, patch")
"""Significant first, then the tested ones by q, then the untested ones by their games."""


def compute(conn: psycopg.Connection, queue: str | None, patch: str | None, role: str | None, sample: str | None,
            limit: int, offset: int) -> dict:
    """The rows of one queue, patch and role or all (a 404 for a queue or patch the published games do not hold),
    the tested ones or the untested ones when `sample` is `tested` or `untested`, in `ORDER`, `limit` from `offset`, with
    how many there are."""
    known(conn, optional(queue), optional(patch), ALL)
    select = sql.SQL(f"SELECT {columns_of(FirstItemGold)} FROM {TABLE} "
                     "WHERE (%(queue)s::text IS NULL OR queue = %(queue)s) "
                     "AND (%(patch)s::text IS NULL OR patch = %(patch)s) "
                     "AND (%(role)s::text IS NULL OR team_position = %(role)s) "
                     f"AND (%(tested)s::boolean IS NULL OR (q_value IS NOT NULL) = %(tested)s) ORDER BY {ORDER}")
    tested = None if sample is None else sample == "tested"
    return page(conn, select, {"queue": queue, "patch": patch, "role": role, "tested": tested}, limit, offset)


first_item_gold = Query((TABLE, KNOWN), FirstItemGoldPage, compute)
