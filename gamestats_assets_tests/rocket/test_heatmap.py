"""The positional heatmap of a real raw replay: every car's time on the pitch in cells, never more than the game
lasted, the orange team seen from its own goal; and the check's rule catching a heatmap that lasts too long."""

import polars as pl

from gamestats_assets.defs.rocket.transforms.heatmaps import time_beyond_the_game
from gamestats_assets.sources.replays.heatmap import COLUMNS, ROWS, position_cells
from gamestats_assets.sources.replays.movement import on_pitch


def test_a_replays_cells_hold_each_cars_time_on_the_pitch_seen_from_its_own_goal(parsed_replay):
    frames = parsed_replay("XBOX_PARTY")
    cells = position_cells(frames, frames.header.match_id)
    assert cells["cell_x"].is_between(0, COLUMNS - 1).all() and cells["cell_y"].is_between(0, ROWS - 1).all()
    per_player = cells.group_by("player_id").agg(pl.col("seconds").sum())
    duration = float(frames.ball["dt"].sum())
    assert per_player.height == 4 and per_player["seconds"].is_between(0.5 * duration, duration).all()
    raw = on_pitch(frames).filter(~pl.col("countdown")).with_columns(
        own_half=pl.when(pl.col("team") == 0).then(pl.col("y") < 0).otherwise(pl.col("y") > 0))
    expected = raw.group_by("player_id").agg(pl.col("dt").filter("own_half").sum().alias("expected"))
    found = cells.group_by("player_id").agg(pl.col("seconds").filter(pl.col("cell_y") < ROWS // 2).sum().alias("found"))
    both = expected.join(found, on="player_id")
    assert both.height == 4 and ((both["expected"] - both["found"]).abs() < 1e-6).all()
    assert set(frames.roster["team"]) == {0, 1}
    matches = pl.DataFrame({"match_id": [frames.header.match_id], "duration": [duration]})
    judged = time_beyond_the_game(cells, matches, 1.0)
    assert judged == {"player_games": 4, "player_games_judged": 4, "player_games_over": 0}
    doubled = pl.concat([cells, cells.filter(pl.col("player_id") == cells["player_id"][0])])
    assert time_beyond_the_game(doubled, matches, 1.0)["player_games_over"] == 1
