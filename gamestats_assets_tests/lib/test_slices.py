"""A sliced table (`lib/refresh/slices.py`) on real Delta tables: a refresh computes only the slices of the days whose
files changed, equals a computation over every slice after arrivals, changes, removals and days held back, and
computes every slice again when it cannot tell what changed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
from deltalake import DeltaTable

from gamestats_assets.lib.refresh.slices import Slicing, Source, refresh
from gamestats_assets.lib.refresh.state import unredacted

DAYS = [dt.date(2026, 5, 1) + dt.timedelta(days=n) for n in range(4)]
SLICING = Slicing(("patch",), "games", across=lambda state: state.with_columns(
    (pl.col("wins") / pl.col("wins").sum()).alias("share_of_wins")).sort("patch"))
"""Slices by patch; `across`, each patch's share of every win (a step over every slice)."""


def per_patch(games: pl.DataFrame, players: pl.DataFrame) -> pl.DataFrame:
    """Each patch's games and wins: a statistic of one patch's games alone."""
    return (players.join(games.select("match_id", "patch"), on="match_id").group_by("patch")
            .agg(pl.col("match_id").n_unique().alias("games"), pl.col("win").sum().alias("wins")))


def write(lake: Path, day: dt.date, games: list[tuple[str, str]], mode: str = "append") -> None:
    """`games` (match id, patch) of `day`, each with two players, one winning, in their tables' day partitions."""
    frames = {"games": pl.DataFrame({"date": [day] * len(games), "match_id": [g for g, _ in games],
                                     "patch": [p for _, p in games]}, schema_overrides={"date": pl.Date}),
              "players": pl.DataFrame({"date": [day] * 2 * len(games), "match_id": [g for g, _ in games for _ in "ab"],
                                       "win": [True, False] * len(games)}, schema_overrides={"date": pl.Date})}
    for name, frame in frames.items():
        frame.write_delta(lake / name, mode=mode, delta_write_options={
            "partition_by": ["date"], **({"predicate": f"date = '{day}'"} if mode == "overwrite" else {})})


def refreshed(lake: Path, held: list[dt.date] = (), definition: str = "one") -> tuple[pl.DataFrame, dict]:
    sources = {name: Source(str(lake / name)) for name in ("games", "players")}
    state, figures = refresh(sources, SLICING, per_patch, str(lake / "state"), definition, held, None, unredacted)
    return SLICING.across(state), figures


def from_scratch(lake: Path, held: list[dt.date] = ()) -> pl.DataFrame:
    frames = {name: pl.read_delta(str(lake / name)).filter(~pl.col("date").is_in(list(held)))
              for name in ("games", "players")}
    return SLICING.across(per_patch(**frames))


def test_a_refresh_computes_only_the_changed_days_slices_and_equals_every_slice_computed(tmp_path):
    write(tmp_path, DAYS[0], [("a1", "1.1"), ("a2", "1.1")])
    write(tmp_path, DAYS[1], [("b1", "1.2")])
    table, figures = refreshed(tmp_path)
    assert figures["full_refresh"] and figures["slices_computed"] == 2
    assert table.equals(from_scratch(tmp_path))

    write(tmp_path, DAYS[2], [("c1", "1.3")])
    table, figures = refreshed(tmp_path)
    assert (figures["full_refresh"], figures["slices_computed"], figures["games_read"]) == (False, 1, 1)
    assert table.equals(from_scratch(tmp_path))

    write(tmp_path, DAYS[1], [("b1", "1.1")], mode="overwrite")
    table, figures = refreshed(tmp_path)
    assert (figures["slices_computed"], figures["games_read"]) == (2, 3), \
        "a game moved to another patch: its old patch (from the removed file) and its new one"
    assert table.equals(from_scratch(tmp_path)) and "1.2" not in table["patch"].to_list()

    table, figures = refreshed(tmp_path)
    assert figures["slices_computed"] == 0 and table.equals(from_scratch(tmp_path))

    table, figures = refreshed(tmp_path, held=[DAYS[2]])
    assert (figures["full_refresh"], figures["slices_computed"]) == (False, 1), "a day newly held back"
    assert table.equals(from_scratch(tmp_path, held=[DAYS[2]]))


def test_every_slice_is_computed_again_when_what_changed_cannot_be_told(tmp_path):
    write(tmp_path, DAYS[0], [("a1", "1.1")])
    write(tmp_path, DAYS[1], [("b1", "1.2")])
    refreshed(tmp_path)

    _, figures = refreshed(tmp_path, definition="two")
    assert figures["full_refresh"], "another definition (the code changed)"

    write(tmp_path, DAYS[1], [("b1", "1.3")], mode="overwrite")
    DeltaTable(str(tmp_path / "games")).vacuum(retention_hours=0, enforce_retention_duration=False,
                                               dry_run=False)
    table, figures = refreshed(tmp_path, definition="two")
    assert figures["full_refresh"], "the removed index file was vacuumed: its game's old patch is unknown"
    assert table.equals(from_scratch(tmp_path))

    write(tmp_path, DAYS[3], [("d1", "1.3")])
    players = DeltaTable(str(tmp_path / "players"))
    players.alter.set_table_properties({"delta.logRetentionDuration": "interval 0 seconds"})
    players.create_checkpoint()
    players.cleanup_metadata()
    table, figures = refreshed(tmp_path, definition="two")
    assert figures["full_refresh"], "the log between the versions is gone"
    assert table.equals(from_scratch(tmp_path))


def test_a_crash_before_the_state_is_written_leaves_the_next_refresh_right(tmp_path):
    write(tmp_path, DAYS[0], [("a1", "1.1")])
    refreshed(tmp_path)
    saved = tmp_path / "saved"
    shutil.copytree(tmp_path / "state", saved)
    write(tmp_path, DAYS[1], [("b1", "1.2")])
    refreshed(tmp_path)
    shutil.rmtree(tmp_path / "state")
    shutil.copytree(saved, tmp_path / "state")
    table, figures = refreshed(tmp_path)
    assert (figures["full_refresh"], figures["slices_computed"]) == (False, 1)
    assert table.equals(from_scratch(tmp_path))
