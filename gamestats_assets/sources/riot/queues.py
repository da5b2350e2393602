"""Riot `queueId` → the queue players compare separately (Riot's queue constants, `queues.json`).

`ranked_solo` (420), `ranked_flex` (440), `normal` (draft 400, blind 430, quickplay 490), `swiftplay`
(480), `aram` (450), `clash` (700 on Summoner's Rift, 720 on the Howling Abyss); every other queue (custom
and tournament games, Arena, URF, bots, events) is `other`.
"""

from __future__ import annotations

import polars as pl

QUEUES = {420: "ranked_solo", 440: "ranked_flex", 400: "normal", 430: "normal", 490: "normal", 480: "swiftplay",
          450: "aram", 700: "clash", 720: "clash"}
OTHER = "other"
SUMMONERS_RIFT_MAP = 11


def queue_name(queue_id: pl.Expr) -> pl.Expr:
    """The queue of a `queueId` column (`OTHER` for a queue not listed or missing)."""
    return queue_id.replace_strict(QUEUES, default=OTHER, return_dtype=pl.String)
