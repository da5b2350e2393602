"""A Rocket League player's rank outlook (`rocket.rank_outlook`): where their rank is heading over the next four
weeks from the trend of their own known ranks and, where it is shown to matter, their training progress, with its
interval, and how well the trend has predicted the published players' latest ranks against no change."""

from __future__ import annotations

import math

import psycopg

from gamestats_assets.lib.core.stats import Z_95
from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.core.models import columns_of, field, row, shape
from gamestats_assets.serve.queries import query
from gamestats_assets.serve.queries.rocket import rank_name, reasoned, without_rows

OUTLOOK_NEEDS = ("an outlook needs a known rank: a player known only from raw replays, which carry none, has none "
                 "until they state their rank or a ranked game of theirs comes from ballchasing")
Columns = row("RocketRankOutlookColumns", COLUMNS["rank_outlook"])
Backtest = shape("RocketRankTrendBacktest", "How well the trend has predicted ranks, against no change",
                 players=field(int, "the players it was tested on: each one's latest rank predicted from the trend "
                                    "over their days before it"),
                 trend_mae=field(float | None, "the trend's mean absolute error, divisions"),
                 no_change_mae=field(float | None, "no change's (the rank of the day before), divisions"),
                 difference_ci=field(list[float] | None, "the 95 % interval of the paired difference of the two "
                                                         "errors (negative: the trend errs less)"),
                 verdict=field(str, "`better` or `worse` where that interval excludes 0, else `not "
                                    "distinguishable` (`unjudged` under two players)"))
Outlook = row("RocketRankOutlook", COLUMNS["rank_outlook"], doc="A player's rank outlook",
              rank=field(str | None, "the latest rank by name"),
              backtest=field(Backtest, "how well the trend has predicted the published players' latest ranks"))
BACKTEST = """
SELECT count(*) AS players, avg(abs(tested_trend - rank_index)) AS trend_mae,
       avg(abs(tested_no_change - rank_index)) AS no_change_mae,
       avg(abs(tested_trend - rank_index) - abs(tested_no_change - rank_index)) AS difference,
       stddev_samp(abs(tested_trend - rank_index) - abs(tested_no_change - rank_index)) AS difference_sd
FROM rocket.rank_outlook WHERE tested_trend IS NOT NULL
"""


def backtest(conn: psycopg.Connection) -> dict:
    """`BACKTEST` with the difference's 95 % interval and verdict."""
    found = conn.execute(BACKTEST).fetchone()
    n, mean, sd = found.pop("players"), found.pop("difference"), found.pop("difference_sd")
    if n < 2 or sd is None:
        return {**found, "players": n, "difference_ci": None, "verdict": "unjudged"}
    half = Z_95 * sd / math.sqrt(n)
    verdict = "better" if mean + half < 0 else "worse" if mean - half > 0 else "not distinguishable"
    return {**found, "players": n, "difference_ci": [mean - half, mean + half], "verdict": verdict}


@query("rocket.rank_outlook", "rocket.player_stats", returns=reasoned("RocketRankOutlookFound", Outlook | None))
def rank_outlook(conn: psycopg.Connection, player_id: str) -> dict:
    """The player's outlook with the latest rank's name and the trend's backtest; empty with the reason for a player
    without a known rank (a 404 for one without published games)."""
    found = conn.execute(f"SELECT {columns_of(Columns)} FROM rocket.rank_outlook WHERE player_id = %s",
                         (player_id,)).fetchone()
    if found is None:
        return {"data": None, "reason": without_rows(conn, player_id, "rank outlook", OUTLOOK_NEEDS)}
    return {"data": {**found, "rank": rank_name(found["rank_index"]), "backtest": backtest(conn)}, "reason": None}
