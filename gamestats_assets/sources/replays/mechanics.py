"""The mechanics the design names, measured from a replay's frames, per player (`mechanics_table`), and as the
player's stat rows (`mechanics_rows`): average place and spread, aerials, shots, saves, rotation and challenges."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.ballchasing.records import MECHANICS, PLACES, StatValue, missing, ratio
from gamestats_assets.sources.replays.aerials import aerial_stats
from gamestats_assets.sources.replays.challenges import challenge_stats
from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.rotation import rotation_stats
from gamestats_assets.sources.replays.saves import save_stats
from gamestats_assets.sources.replays.shooting import shot_stats
from gamestats_assets.sources.replays.spread import spread_stats
from gamestats_assets.sources.replays.touches import touch_outcomes

NEVER_IN_PLAY = "the car was never on the pitch in live play"
NO_TEAMMATE = "the player never had a teammate on the pitch"
COUNTS = ("aerial_attempts", "aerial_successes", "shot_attempts", "shots_on_target", "save_attempts", "saves_made",
          "contests", "contests_won", "contests_first")


def mechanics_table(frames: ReplayFrames) -> pl.DataFrame:
    """Per player who had a car: the columns of `spread.spread_stats`, `aerials.aerial_stats`,
    `shooting.shot_stats`, `saves.save_stats`, `challenges.challenge_stats` and `rotation.rotation_stats`,
    counts zero where the player had none. A mean (`rotation_timing`, `challenge_timing`) is kept as its total and
    count, as a rate is."""
    touches = touch_outcomes(frames)
    table = spread_stats(frames)
    for part in (aerial_stats(touches), shot_stats(touches), save_stats(touches), challenge_stats(frames.hits),
                 rotation_stats(frames)):
        table = table.join(part, on="player_id", how="left")
    return table.with_columns(pl.col(*COUNTS).fill_null(0), pl.col("challenge_lead_total").fill_null(0.0))


def mechanics_rows(row: dict) -> tuple[StatValue, ...]:
    """A player's `records.MECHANICS` rows from their `mechanics_table` row (a player whose car is in no frame has
    none: the caller gives `missing_rows`).

    - `avg_position_x/y/z`, `position_sd_x/y/z`: `spread.spread_stats`;
    - `aerial_attempts`, `aerial_success_rate` (successes per attempt): `aerials.aerial_stats`;
    - `shot_attempts`, `shot_on_target_rate` (shots on target per attempt), `shot_speed` (mean ball speed after an
      attempt): `shooting.shot_stats`;
    - `save_attempts`, `save_success_rate` (saves per attempt): `saves.save_stats`;
    - `rotation_timing` (mean seconds from a touch as first man to the next stretch as last man) and
      `rotation_efficiency` (the share of the player's time in their place in the rotation): `rotation.rotation_stats`;
    - `challenge_first_rate` (contests touched first per contest) and `challenge_timing` (mean seconds the player's
      touch came before the opponent's): `challenges.challenge_stats`."""
    team_cars = row.get("team_cars") or 0
    row = {**row, **{count: row.get(count) or 0 for count in COUNTS}}
    return (
        *(StatValue(name, row[name]) if row.get(name) is not None else missing(name, NEVER_IN_PLAY) for name in PLACES),
        StatValue("aerial_attempts", row["aerial_attempts"]),
        ratio("aerial_success_rate", row["aerial_successes"], row["aerial_attempts"], "the player tried no aerial"),
        StatValue("shot_attempts", row["shot_attempts"]),
        ratio("shot_on_target_rate", row["shots_on_target"], row["shot_attempts"], "the player tried no shot"),
        StatValue("shot_speed", row["shot_speed"], None, row["shot_attempts"]) if row["shot_attempts"]
        else missing("shot_speed", "the player tried no shot"),
        StatValue("save_attempts", row["save_attempts"]),
        ratio("save_success_rate", row["saves_made"], row["save_attempts"],
              "the player touched no ball headed into their goal"),
        ratio("rotation_timing", row.get("rotation_seconds"), row.get("rotations"),
              NO_TEAMMATE if team_cars < 2 else "the player never went back to last man after a touch as first man"),
        ratio("rotation_efficiency", row.get("in_place_seconds"), row.get("placed_seconds"),
              NO_TEAMMATE if team_cars < 2 else "the player's team was never complete in live play"),
        ratio("challenge_first_rate", row["contests_first"], row["contests"], "the player entered no contest"),
        ratio("challenge_timing", row.get("challenge_lead_total"), row["contests"], "the player entered no contest"),
    )


def missing_rows(reason: str) -> tuple[StatValue, ...]:
    """Every `records.MECHANICS` row null with `reason` (no frames, no car, a source without frames)."""
    return tuple(missing(stat, reason) for stat in MECHANICS)
