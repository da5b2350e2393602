"""A fold kept from its source's Delta log (`lib/refresh/fold.py`), on real Delta tables written as the by-game tables
are: after games arriving, a game's rows rewritten, a game removed and a player erased, the state equals a fold of
every row, reading only the files changed when the log allows, every row when it does not (the removed file
vacuumed, the log cleaned, another definition, a state written by the erasure); a state written out of order by a
slower refresh is continued from."""

import datetime as dt

import polars as pl
import pytest
from deltalake import DeltaTable
from polars.testing import assert_frame_equal

from gamestats_assets.lib.erasure.lake import erase_from_table
from gamestats_assets.lib.lake.merge import FANIN, merge_small_files
from gamestats_assets.lib.refresh.changes import FoldSourceError
from gamestats_assets.lib.refresh.fold import Fold, folded_rows, refresh, write_state
from gamestats_assets.lib.refresh.state import unredacted
from gamestats_assets.lib.lake.write import replace_file_rows, write_partitions
from gamestats_assets.published.players import PLAYERS

FOLD = Fold({"band": pl.String, "player_id": pl.String, "games": pl.Int64, "points": pl.Int64},
            ("band", "player_id"), {"rows": pl.lit(1, pl.Int64), "games": pl.col("games"), "points": pl.col("points")},
            lambda state: state.group_by("band").agg(players=pl.len(), games=pl.col("games").sum(),
                                                     points=pl.col("points").sum()).sort("band"), counted="rows")
DAY = dt.date(2026, 3, 1)


def game(match: str, players: list[str], day: dt.date = DAY, points: int = 1) -> pl.DataFrame:
    return pl.DataFrame({"date": [day] * len(players), "match_id": [match] * len(players),
                         "band": ["gold" if i % 2 else "silver" for i in range(len(players))], "player_id": players,
                         "games": [1] * len(players), "points": [points * (i + 1) for i in range(len(players))]})


@pytest.fixture
def lake(tmp_path):
    class Lake:
        source, state = str(tmp_path / "rocket" / "std" / "partials"), str(tmp_path / "rocket" / "state" / "counts")

        def land(self, rows: pl.DataFrame, day: dt.date = DAY) -> None:
            write_partitions(self.source, rows, "date", [day], physical_partitioning=True)

        def replace(self, rows: pl.DataFrame, matches: list[str], day: dt.date = DAY) -> None:
            replace_file_rows(self.source, rows, "date", day, matches, "match_id", physical_partitioning=True)

        def refresh(self, fold: Fold = FOLD) -> dict:
            state, figures = refresh(self.source, self.state, fold, None, unredacted)
            assert_frame_equal(state, fold.state(pl.read_delta(self.source)), check_row_order=True)
            return figures

    return Lake()


def test_the_state_follows_arrivals_rewrites_and_removals_reading_only_the_changed_files(lake):
    lake.land(game("m1", ["a", "b", "c"]))
    assert lake.refresh()["full_fold"], "no state yet: every row is folded"
    lake.land(game("m2", ["a", "d"], DAY + dt.timedelta(days=1)), DAY + dt.timedelta(days=1))
    figures = lake.refresh()
    assert (figures["full_fold"], figures["files_added"], figures["files_removed"], figures["rows_folded"]) == (
        False, 1, 0, 2), "a new day's file is the only one read"
    lake.replace(pl.concat([game("m1", ["a", "b", "c"]), game("m3", ["e"])]).filter(pl.col("match_id") == "m3"),
                 ["m3"])
    lake.replace(game("m1", ["a", "b", "x"], points=5), ["m1"])
    figures = lake.refresh()
    assert not figures["full_fold"] and figures["files_removed"] >= 1 and figures["files_added"] >= 1
    lake.replace(game("m1", [])[:0], ["m1"])
    figures = lake.refresh()
    assert not figures["full_fold"] and figures["files_removed"] >= 1, "a removed game is subtracted"
    assert lake.refresh() == {**figures, "files_added": 0, "files_removed": 0, "rows_folded": 0}, \
        "nothing new: nothing read"


def test_a_vacuumed_file_a_cleaned_log_or_another_definition_fold_every_row(lake):
    lake.land(game("m1", ["a", "b", "c"]))
    lake.refresh()
    lake.replace(game("m1", ["a", "b"]), ["m1"])
    DeltaTable(lake.source).vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    assert lake.refresh()["full_fold"], "the removed file is gone: every row is folded"

    lake.land(game("m4", ["f"], DAY + dt.timedelta(days=2)), DAY + dt.timedelta(days=2))
    table = DeltaTable(lake.source)
    table.alter.set_table_properties({"delta.logRetentionDuration": "interval 0 seconds"})
    table.create_checkpoint()
    table.cleanup_metadata()
    assert lake.refresh()["full_fold"], "the log since the state's version is gone: every row is folded"

    doubled = Fold(FOLD.reads, FOLD.by, {**FOLD.terms, "points": pl.col("points") * 2}, FOLD.finish)
    assert lake.refresh(doubled)["full_fold"], "another definition: every row is folded"
    assert lake.refresh(doubled)["files_added"] == 0


def test_an_erased_player_comes_out_as_a_recount_and_later_changes_are_read_alone(lake):
    lake.land(game("m1", ["a", "b", "c"]))
    lake.land(game("m2", ["b", "c"], DAY + dt.timedelta(days=1)), DAY + dt.timedelta(days=1))
    lake.refresh()
    before = FOLD.finish(pl.read_delta(lake.state))
    for uri in (lake.source, lake.state):
        erase_from_table(uri, "rocket", PLAYERS["rocket"], "b", "deleted:0123456789abcdef")
    figures = lake.refresh()
    assert figures["full_fold"], "the erasure forgets the log and the files it rewrote: every row is folded"
    assert "b" not in pl.read_delta(lake.state)["player_id"].to_list()
    assert_frame_equal(FOLD.finish(pl.read_delta(lake.state)), before), "a token counts as the player did"
    for day in range(2, 26, 2):
        for later in (day, day + 1):
            lake.land(game(f"n{later}", ["a"], DAY + dt.timedelta(days=later)), DAY + dt.timedelta(days=later))
        assert not lake.refresh()["full_fold"], "after the erasure the log is kept again: a refresh reads what changed"


def test_a_slower_refresh_landing_last_is_continued_from(lake):
    lake.land(game("m1", ["a", "b"]))
    earlier, _ = refresh(lake.source, lake.state, FOLD, None, unredacted)
    version = DeltaTable(lake.source).version()
    lake.land(game("m2", ["c"], DAY + dt.timedelta(days=1)), DAY + dt.timedelta(days=1))
    lake.refresh()
    write_state(lake.state, FOLD, earlier, version, None, lambda frame: frame)
    figures = lake.refresh()
    assert (figures["full_fold"], figures["files_added"]) == (False, 1), "the older state is brought up to date"


def test_a_source_file_without_a_column_the_fold_reads_is_refused_unless_the_fold_knows_it_absent(lake):
    lake.land(game("m1", ["a"]).drop("points"))
    lake.refresh(Fold({"band": pl.String, "player_id": pl.String, "games": pl.Int64}, FOLD.by,
                      {"games": pl.col("games")}, FOLD.finish))
    with pytest.raises(FoldSourceError, match="points"):
        lake.refresh()
    made_up = Fold(FOLD.reads, FOLD.by, {**FOLD.terms, "points": pl.col("points").fill_null(pl.col("games") * 7)},
                   FOLD.finish, absent=frozenset({"points"}))
    lake.land(game("m2", ["b"], DAY + dt.timedelta(days=1)), DAY + dt.timedelta(days=1))
    lake.refresh(made_up)
    assert pl.read_delta(lake.state).sort("player_id")["points"].to_list() == [7, 1], \
        "a column the fold knows older files lack is null there, and its terms make up for it"


def test_the_state_is_judged_against_the_sources_row_count_without_reading_a_row(lake):
    lake.land(game("m1", ["a", "b", "c"]))
    lake.land(game("m2", ["d"], DAY + dt.timedelta(days=1)), DAY + dt.timedelta(days=1))
    state, figures = refresh(lake.source, lake.state, FOLD, None, unredacted)
    assert folded_rows(lake.source, lake.state, FOLD) == {
        "source_version": figures["source_version"], "source_rows": 4, "rows_in_state": 4}
    write_state(lake.state, FOLD, state.filter(pl.col("player_id") != "d"), figures["source_version"], None,
                lambda frame: frame)
    assert folded_rows(lake.source, lake.state, FOLD)["rows_in_state"] == 3, "a state missing a file's rows is told"


def test_a_merge_of_small_files_changes_nothing_the_fold_reads_and_what_it_merged_stays_counted(lake):
    lake.land(game("m0", ["z"]))
    lake.refresh()
    for number in range(1, FANIN + 1):
        lake.replace(game(f"m{number}", [f"p{number}", "a"]), [f"m{number}"])
    assert lake.refresh()["files_added"] == FANIN
    for number in range(FANIN + 1, 2 * FANIN):
        lake.replace(game(f"m{number}", [f"p{number}"]), [f"m{number}"])
    lake.refresh()
    lake.replace(game(f"m{2 * FANIN}", ["q"]), [f"m{2 * FANIN}"])
    assert merge_small_files(lake.source, "date", DAY, "match_id") >= FANIN
    figures = lake.refresh()
    assert (figures["full_fold"], figures["files_added"], figures["files_removed"]) == (False, 1, 0), \
        "the merge is passed over: only the game written since the last refresh is read, from its own file"
    lake.replace(game("m3", ["a", "b"], points=4), ["m3"])
    figures = lake.refresh()
    assert not figures["full_fold"] and figures["files_removed"] >= 1, \
        "a merged file a later write replaces is subtracted: its rows were the table's"
