"""Rocket League's snapshots over every game (`peer_stats`, `peer_value_counts`) are folds of the games' partials
kept from their Delta log (`lib/refresh/fold.py`), run by Dagster for real: after games landing over days, a file
delivered again, a changed file and a removed file, the rows they publish equal those of a run from scratch over
the same files to the last bit, each refresh reading only the partials' files that changed; after a player erased,
those of a full fold of the same partials (the erasure leaves no log to read: every row is folded); a refresh that
fails before or after writing its state leaves the next one right."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import polars as pl
import pytest

from gamestats_assets.lib.erasure.deletion import delete_player
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.lib.refresh import fold as fold_module
from gamestats_assets.lib.refresh.state import STATE_LAYER
from gamestats_assets.published.players import PLAYERS
from gamestats_assets.sources.held_players import PLAYERS_OF
from gamestats_assets_tests.reliability.test_new_files import (  # noqa: F401 - the fixtures
    DAY,
    Lake,
    ballchasing_game,
    lakes,
)
from gamestats_assets_tests.rocket.conftest import CARBALL, REPLAYS

pytestmark = pytest.mark.long

NEXT = DAY + dt.timedelta(days=1)
FOLDED = ("peer_stats", "peer_value_counts")


def published(lake: Lake) -> dict[str, list[tuple]]:
    """Every row of the folded snapshots in PostgreSQL, sorted, floats as stored."""
    with connect(lake.pg_url) as conn:
        return {table: sorted(conn.execute(f"SELECT * FROM rocket.{table}").fetchall(), key=repr) for table in FOLDED}


def assert_same_as_from_scratch(lakes, lake: Lake, step: str) -> None:
    """The folded snapshots `lake` published equal those of a new data folder given the same landing files and run
    for each day, then its snapshots once (folding every row)."""
    scratch = lakes(f"scratch-{step}")
    shutil.copytree(lake.data_dir / "landing" / "rocket", scratch.data_dir / "landing" / "rocket")
    for day in (DAY, NEXT):
        scratch.run("rocket", day=day, snapshots=False)
    assert scratch.run_snapshots("rocket")
    assert scratch.folded and all(figures["full_fold"] for figures in scratch.folded.values())
    incremental, whole = published(lake), published(scratch)
    assert incremental["peer_stats"] and incremental["peer_value_counts"], f"{step}: nothing published"
    assert incremental == whole, f"{step}: the folded snapshots differ from a run from scratch"


SOURCES = {"peer_stats": "peer_partials", "peer_value_counts": "peer_value_partials"}


def day_rows(lake: Lake, day: dt.date) -> dict[str, int]:
    """The rows of `day` in each fold's source, by fold."""
    return {table: pl.read_delta(str(lake.data_dir / "lake" / "rocket" / "std" / source))
            .filter(pl.col("date") == day).height for table, source in SOURCES.items()}


def assert_read_only_changes(lake: Lake, step: str, before: dict[str, int], day: dt.date, removed: bool) -> None:
    """The last refresh of each fold read the files the day's run wrote (and those it replaced, when `removed`), no
    other day's: at most the day's rows `before` it and after it."""
    after = day_rows(lake, day)
    for table, figures in lake.folded.items():
        assert not figures["full_fold"], f"{step}: {table} folded every row"
        assert figures["files_added"] and bool(figures["files_removed"]) == removed, (step, figures)
        assert 0 < figures["rows_folded"] <= before[table] + after[table], (step, table, figures, before, after)


def test_the_folds_follow_arrivals_changes_removals_and_an_erasure_as_a_run_from_scratch(lakes):
    lake = lakes("incremental")
    first, second = lake.folder("rocket"), lake.folder("rocket", NEXT)
    (first / "ballchasing").mkdir(parents=True)
    shutil.copy(REPLAYS / "0_SAVES.replay", first)
    (first / "ballchasing" / "a.json").write_text(json.dumps(ballchasing_game(1)))
    lake.run("rocket")
    assert set(lake.folded) == set(FOLDED) and all(f["full_fold"] for f in lake.folded.values()), "no state yet"

    (second / "ballchasing").mkdir(parents=True)
    (second / "ballchasing" / "b.json").write_text(json.dumps(ballchasing_game(2)))
    shutil.copy(CARBALL / "015827654AB94CC4973A30897DACCAB3game.json", second)
    lake.run("rocket", day=NEXT)
    assert_read_only_changes(lake, "a day landed", dict.fromkeys(SOURCES, 0), NEXT, removed=False)
    assert_same_as_from_scratch(lakes, lake, "landed")

    shutil.copy(REPLAYS / "0_SAVES.replay", first / "0_SAVES (1).replay")
    lake.run("rocket")
    assert lake.quarantined() and all(f["files_added"] == f["files_removed"] == 0 for f in lake.folded.values()), \
        "a game delivered again changes no partial: nothing is read"

    changed = ballchasing_game(1)
    changed["blue"]["stats"]["core"]["goals"] = changed["blue"]["stats"]["core"].get("goals", 0) + 1
    (first / "ballchasing" / "a.json").write_text(json.dumps(changed))
    before = day_rows(lake, DAY)
    lake.run("rocket")
    assert_read_only_changes(lake, "a file changed", before, DAY, removed=True)
    assert_same_as_from_scratch(lakes, lake, "changed")

    (second / "ballchasing" / "b.json").unlink()
    lake.run("rocket", day=NEXT)
    assert all(not f["full_fold"] and f["files_removed"] for f in lake.folded.values()), lake.folded
    assert_same_as_from_scratch(lakes, lake, "removed")

    player = pl.read_delta(str(lake.data_dir / "lake" / "rocket" / "std" / "peer_partials"))["player_id"].sort()[0]
    delete_player(lake.data_dir, str(lake.data_dir / "lake"), lake.pg_url, "rocket", player, "test", PLAYERS,
                  PLAYERS_OF, lake.instance)
    assert lake.run_snapshots("rocket")
    assert lake.folded["peer_stats"]["full_fold"], "the erasure leaves no log of the partials it rewrote"
    assert lake.folded["peer_value_counts"]["files_added"] == 0, "the value partials name no player: unchanged"
    state = pl.read_delta(str(lake.data_dir / "lake" / "rocket" / STATE_LAYER / "peer_stats"))
    assert player not in state["player_id"].to_list(), "the fold's state keeps no deleted player"
    assert_same_as_a_full_fold(lake, "erased")


def assert_same_as_a_full_fold(lake: Lake, step: str) -> None:
    """The folded snapshots `lake` published equal those its snapshots publish folding every row of the same
    partials again (their states dropped): an erasure rewrites the landing files otherwise than the lake (a raw
    replay is retired, its rows kept under the token), so a run from scratch is not over the same games."""
    incremental = published(lake)
    shutil.rmtree(lake.data_dir / "lake" / "rocket" / STATE_LAYER)
    assert lake.run_snapshots("rocket") and all(f["full_fold"] for f in lake.folded.values())
    assert incremental == published(lake), f"{step}: the folded snapshots differ from a full fold"


@pytest.mark.parametrize("crash", ["before_the_state", "after_the_state"])
def test_a_refresh_failing_before_or_after_its_state_leaves_the_next_right(lakes, monkeypatch, crash):
    lake = lakes(f"crash-{crash}")
    first, second = lake.folder("rocket"), lake.folder("rocket", NEXT)
    (first / "ballchasing").mkdir(parents=True)
    (first / "ballchasing" / "a.json").write_text(json.dumps(ballchasing_game(1)))
    lake.run("rocket")
    (second / "ballchasing").mkdir(parents=True)
    (second / "ballchasing" / "b.json").write_text(json.dumps(ballchasing_game(2)))

    def crashed(*args, **kwargs):
        if crash == "after_the_state":
            refresh(*args, **kwargs)
        raise RuntimeError("the refresh's process died")

    refresh = fold_module.refresh
    with monkeypatch.context() as patch:
        patch.setattr(fold_module, "refresh", crashed)
        with pytest.raises(AssertionError):
            lake.run("rocket", day=NEXT)
    assert lake.run_snapshots("rocket")
    figures = lake.folded["peer_stats"]
    assert not figures["full_fold"] and bool(figures["files_added"]) == (crash == "before_the_state"), figures
    assert_same_as_from_scratch(lakes, lake, crash)
