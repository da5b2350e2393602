"""The positional heatmap's table: where each player's car was, per game, from the raw replays' position
cells (`sources.replays.heatmap`)."""

from __future__ import annotations

import polars as pl


def position_heatmaps(cells: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """`position_heatmaps`: seconds each player's car spent in each cell of the pitch, per game (key `date,
    match_id, player_id, cell_x, cell_y`), seen from the player's own goal (`cell_y` 0 at their back wall), for
    the games of the day's `matches`. Only raw replays carry positions: a game known from ballchasing or
    carball JSON alone has no rows."""
    return (cells.join(matches.select("match_id"), on="match_id", how="semi")
            .select("date", "match_id", "player_id", "cell_x", "cell_y", "seconds")
            .sort("match_id", "player_id", "cell_y", "cell_x"))


def time_beyond_the_game(heatmaps: pl.DataFrame, matches: pl.DataFrame, tolerance_s: float) -> dict[str, int]:
    """How many (game, player) heatmaps hold more seconds than their game lasted (`duration`, plus
    `tolerance_s`): cells counted twice, or frames of another game. Games without a duration are not judged."""
    per_player = heatmaps.group_by("match_id", "player_id").agg(pl.col("seconds").sum())
    judged = per_player.join(matches.select("match_id", "duration"), on="match_id").filter(
        pl.col("duration").is_not_null())
    return {"player_games": per_player.height, "player_games_judged": judged.height,
            "player_games_over": judged.filter(pl.col("seconds") > pl.col("duration") + tolerance_s).height}
