"""Where each player's car was on the pitch, as a coarse grid (`position_cells`): the frames of a raw replay
summed into cells of the field, seen from the player's own goal, for a positional heatmap. ballchasing's JSON
and carball's analysis carry no positions, so only raw replays give one."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.movement import on_pitch

HALF_WIDTH, HALF_LENGTH = 4096.0, 5120.0
"""The standard pitch's half width (side walls at x = ±4096 uu) and half length (back walls at y = ±5120 uu)."""
CELL_UU = 1024.0
COLUMNS, ROWS = int(2 * HALF_WIDTH / CELL_UU), int(2 * HALF_LENGTH / CELL_UU)
"""The grid: 8 columns across the pitch and 10 rows along it, of 1024 uu (about 10 m) each."""
CELLS_SCHEMA = {"match_id": pl.String, "player_id": pl.String, "cell_x": pl.Int64, "cell_y": pl.Int64,
                "seconds": pl.Float64}


def _cell(coordinate: pl.Expr, half: float, cells: int) -> pl.Expr:
    """The cell (0 to `cells` - 1) of a coordinate from -`half` to `half`; cars on a wall, in a goal or past the
    pitch's edge are counted in the nearest edge cell."""
    return ((coordinate + half) / CELL_UU).floor().clip(0, cells - 1).cast(pl.Int64)


def position_cells(frames: ReplayFrames, match_id: str) -> pl.DataFrame:
    """Seconds each player's car spent in each cell of the pitch (`CELLS_SCHEMA`): one row per (match_id,
    player_id, cell_x, cell_y) the car visited, over its frames on the pitch (`movement.on_pitch`: a demolished
    car's resting frames left out, as the positioning stats read them) out of kickoff countdowns, each lasting
    its `dt`. Seen from the player's own
    goal: `cell_y` 0 is the row at their own back wall, `ROWS - 1` the opponents'; `cell_x` runs across the
    pitch (both axes are turned half a turn for the orange team, which defends +y, so that a column is the same
    side of the pitch for both teams as each sees it)."""
    own = pl.when(pl.col("team") == 0).then(1.0).otherwise(-1.0)
    return (
        on_pitch(frames)
        .filter(~pl.col("countdown") & pl.col("x").is_not_null() & pl.col("y").is_not_null())
        .select("player_id", "dt", _cell(pl.col("x") * own, HALF_WIDTH, COLUMNS).alias("cell_x"),
                _cell(pl.col("y") * own, HALF_LENGTH, ROWS).alias("cell_y"))
        .group_by("player_id", "cell_x", "cell_y").agg(pl.col("dt").sum().alias("seconds"))
        .select(pl.lit(match_id, pl.String).alias("match_id"), "player_id", "cell_x", "cell_y", "seconds")
        .sort("player_id", "cell_y", "cell_x")
    )
