"""Event rows placed in time: stage gating, order within sessions, gaps, session durations and moments."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.generator.context import DayContext
from gamestats_assets.generator.encoding import MS_PER_DAY
from gamestats_assets.generator.sessions import spaced_starts
from gamestats_assets.generator.units import REGION_TYPICAL

MEAN_GAP_MS = 25_000
MIN_GAP_MS = 1_000
ROW_ORDER = ["user", "session", "region", "key", "step", "unit"]


def allowed_rows(unit: np.ndarray, gated: np.ndarray) -> np.ndarray:
    """Which rows survive gating: a row is kept while no row of its unit up to it (in frame order) is gated out."""
    order = np.argsort(unit, kind="stable")
    blocked = (~gated[order]).astype(np.int64)
    sorted_unit = unit[order]
    starts = np.r_[True, sorted_unit[1:] != sorted_unit[:-1]]
    blocked_so_far = np.cumsum(blocked)
    before_unit = (blocked_so_far - blocked)[starts]
    allowed = np.empty(len(unit), dtype=bool)
    allowed[order] = blocked_so_far - before_unit[np.cumsum(starts) - 1] == 0
    return allowed


def gated_rows(context: DayContext, rows: pl.DataFrame, sessions: pl.DataFrame, stage: np.ndarray) -> pl.DataFrame:
    """The rows whose events the session's stage allows, in session order (see `ROW_ORDER`).

    Onboarding and session-start rows always pass; a unit stops at its first event the stage forbids.
    """
    session_stage = sessions.select("user", "session", pl.Series("session_stage", stage))
    rows = rows.join(session_stage, on=["user", "session"], how="left", maintain_order="left")
    event_stage = context.stages[rows["code"].to_numpy()]
    gated = (event_stage <= rows["session_stage"].to_numpy()) | (rows["region"].to_numpy() < REGION_TYPICAL)
    keep = allowed_rows(rows["unit"].to_numpy(), gated)
    return rows.filter(pl.Series(keep)).drop("session_stage").sort(ROW_ORDER)


def timed_rows(
    context: DayContext, rows: pl.DataFrame, sessions: pl.DataFrame, stage: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Gated rows with their moment `ms` (after midnight), session `duration` and a row number `seq`.

    Events of a session follow each other after exponential gaps; sessions of a user never overlap.
    """
    rows = gated_rows(context, rows, sessions, stage)
    gaps = rng.exponential(MEAN_GAP_MS, size=len(rows)).astype(np.int64) + MIN_GAP_MS
    session_key = ["user", "session"]
    rows = rows.with_columns(pl.Series("gap", gaps)).with_columns(
        (pl.col("gap").cum_sum().over(session_key) - pl.col("gap").first().over(session_key)).alias("offset")
    )
    durations = rows.group_by(session_key).agg(pl.col("offset").max().alias("duration"))
    sessions = (
        sessions.join(durations, on=session_key, how="left")
        .sort(session_key)
        .with_columns(pl.col("duration").fill_null(0))
    )
    sessions = sessions.with_columns(spaced_starts(sessions))
    rows = rows.join(
        sessions.select("user", "session", "start", "duration"), on=session_key, how="left", maintain_order="left"
    )
    return rows.with_columns(
        (pl.col("start") + pl.col("offset")).clip(0, MS_PER_DAY - 1).alias("ms")
    ).with_row_index("seq")
