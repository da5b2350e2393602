"""A Rocket League player's rank outlook (`rocket.rank_outlook`): where their rank is heading over the next four
weeks from the trend of their own known ranks and, where it is shown to matter, their training progress, with its
interval, and how well the trend has predicted the players' latest ranks against no change (the backtest, computed
when the table was built: `transforms/outlook.with_backtest`)."""

from __future__ import annotations

import psycopg

from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.core.models import columns_of, field, row, shape
from gamestats_assets.serve.queries import query
from gamestats_assets.serve.queries.rocket import rank_name, reasoned, without_rows

OUTLOOK_NEEDS = ("an outlook needs a known rank: a player known only from raw replays, which carry none, has none "
                 "until they state their rank or a ranked game of theirs comes from ballchasing")
BACKTEST = ("backtest_players", "backtest_trend_mae", "backtest_no_change_mae", "backtest_difference_ci_low",
            "backtest_difference_ci_high", "backtest_verdict")
"""The trend's backtest as every row of `rocket.rank_outlook` publishes it."""
OUTLOOK_COLUMNS = tuple(name for name in COLUMNS["rank_outlook"] if name not in BACKTEST)
Columns = row("RocketRankOutlookColumns", COLUMNS["rank_outlook"], *OUTLOOK_COLUMNS)
Backtest = shape("RocketRankTrendBacktest", "How well the trend has predicted ranks, against no change",
                 players=field(int, "the players it was tested on: each one's latest rank predicted from the trend "
                                    "over their days before it"),
                 trend_mae=field(float | None, "the trend's mean absolute error, divisions"),
                 no_change_mae=field(float | None, "no change's (the rank of the day before), divisions"),
                 difference_ci=field(list[float] | None, "the 95 % interval of the paired difference of the two "
                                                         "errors (negative: the trend errs less)"),
                 verdict=field(str, "`better` or `worse` where that interval excludes 0, else `not "
                                    "distinguishable` (`unjudged` under two players)"))
Outlook = row("RocketRankOutlook", COLUMNS["rank_outlook"], *OUTLOOK_COLUMNS, doc="A player's rank outlook",
              rank=field(str | None, "the latest rank by name"),
              backtest=field(Backtest, "how well the trend has predicted the published players' latest ranks"))


def backtest(found: dict) -> dict:
    """The trend's backtest (`BACKTEST`, taken out of `found`, a row of `rocket.rank_outlook`) as the endpoint
    answers it."""
    figures = {name: found.pop(name) for name in BACKTEST}
    low, high = figures["backtest_difference_ci_low"], figures["backtest_difference_ci_high"]
    return {"players": figures["backtest_players"], "trend_mae": figures["backtest_trend_mae"],
            "no_change_mae": figures["backtest_no_change_mae"],
            "difference_ci": None if low is None or high is None else [low, high],
            "verdict": figures["backtest_verdict"]}


@query("rocket.rank_outlook", "rocket.player_stats", returns=reasoned("RocketRankOutlookFound", Outlook | None))
def rank_outlook(conn: psycopg.Connection, player_id: str) -> dict:
    """The player's outlook with the latest rank's name and the trend's backtest; empty with the reason for a player
    without a known rank (a 404 for one without published games)."""
    found = conn.execute(f"SELECT {columns_of(Columns)}, {', '.join(BACKTEST)} FROM rocket.rank_outlook "
                         "WHERE player_id = %s", (player_id,)).fetchone()
    if found is None:
        return {"data": None, "reason": without_rows(conn, player_id, "rank outlook", OUTLOOK_NEEDS)}
    tested = backtest(found)
    return {"data": {**found, "rank": rank_name(found["rank_index"]), "backtest": tested}, "reason": None}
