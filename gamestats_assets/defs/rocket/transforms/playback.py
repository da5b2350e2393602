"""The 3D replay viewer's and the goal timeline's tables: each raw replay's ball and cars at ten samples a second,
and its goals, from what the parse kept (`sources.replays.playback`, `sources.replays.goals`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.goals import GOALS_SCHEMA
from gamestats_assets.sources.replays.playback import PLAYBACK_SCHEMA


def replay_frames(frames: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """`replay_frames`: the ball's and every car's place at each sample of the games of the day's `matches` (key
    `date, match_id, sample, player_id`, the ball's rows `player_id` `ball`), with the clock and the score; a game
    landed twice keeps the rows of one file. Only raw replays carry frames: a game known from ballchasing or
    carball JSON alone has no rows."""
    return (frames.join(matches.select("match_id"), on="match_id", how="semi")
            .unique(["match_id", "sample", "player_id"], keep="first", maintain_order=True)
            .select("date", *PLAYBACK_SCHEMA)
            .sort("match_id", "sample", "player_id"))


def replay_goals(goals: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """`replay_goals`: the goals of the games of the day's `matches` in order (key `date, match_id, goal`), each with
    its moment in the game, team, scorer, assister and the score after it; a game landed twice keeps the rows of
    one file. Only raw replays give a goal's moment: a game known from ballchasing or carball JSON alone has no
    rows."""
    return (goals.join(matches.select("match_id"), on="match_id", how="semi")
            .unique(["match_id", "goal"], keep="first", maintain_order=True)
            .select("date", *GOALS_SCHEMA)
            .sort("match_id", "goal"))
