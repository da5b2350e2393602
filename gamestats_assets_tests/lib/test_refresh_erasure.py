"""A deleted player's id is in no state of any refresh strategy: a domain of one table kept by each strategy, each
holding the player's id, is materialized by Dagster into a real Delta lake. Once the player is entered in the
register of deletions, the next state any strategy writes holds their token, not their id, even while its inputs
still do (every state is written through the lake's redaction). Once the lake is erased of them and a source naming
them is delivered again, no file of the lake and no record of `data/state/` holds the id, and each strategy's table
equals its computation over the redacted rows."""

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
from polars.testing import assert_frame_equal

from gamestats_assets.lib.authoring.table import Table, by_game, folded, of_every_day
from gamestats_assets.lib.authoring.table_assets import table_assets
from gamestats_assets.lib.core.partitions import daily_partitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.erasure.lake import erase_from_lake
from gamestats_assets.lib.erasure.lake_writes import ErasingLakeIOManager
from gamestats_assets.lib.erasure.register import Identity, enter, register_path
from gamestats_assets.lib.refresh.by_key import ByKey
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.lib.refresh.slices import Slicing
from gamestats_assets.lib.refresh.state import STATE_LAYER

DOMAIN, VICTIM = "arena", "victim-7f3a"
DAYS = [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
ROWS = pl.DataFrame({
    "date": [day for day in DAYS for _ in range(4)],
    "match_id": [f"m{d}{g}" for d in range(2) for g in (1, 1, 2, 2)],
    "patch": ["14.1", "14.1", "14.2", "14.2"] * 2,
    "player_id": [VICTIM, "p-2", "p-3", VICTIM, "p-2", "p-3", VICTIM, "p-4"],
    "value": [1, 2, 3, 4, 5, 6, 7, 8],
})
AGAIN = pl.concat([ROWS, pl.DataFrame({"date": [DAYS[1]] * 2, "match_id": ["m13"] * 2, "patch": ["14.2"] * 2,
                                       "player_id": [VICTIM, "p-5"], "value": [9, 10]})])
"""The rows delivered again, with a new game of the player's."""
IDENTITY = Identity(ids={"player_id": []})


def sums() -> Fold:
    return Fold({"player_id": pl.String, "value": pl.Int64}, ["player_id"],
                {"games": pl.lit(1, pl.Int64), "value": pl.col("value")}, lambda state: state.sort("player_id"))


def per_patch(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.group_by("patch", "player_id").agg(pl.col("value").sum()).sort("patch", "player_id")


FOLD = sums()
JOINED = JoinedFold(sums(), lambda rows: rows)


def delivered(platform: PlatformResource) -> pl.DataFrame:
    """The rows delivered to the domain's landing folder."""
    return pl.read_parquet(platform.landing_dir(DOMAIN) / "rows.parquet")


TABLES = [
    Table("std", "rows", lambda day, source: source.filter(pl.col("date") == day), "Every row of the day.", {},
          given={"source": delivered}),
    by_game("std", "per_game", lambda day, rows: rows, "Each game's rows, computed by game.", {"rows": "std/rows"}),
    folded("cons", "folded", FOLD, "The sums per player, folded from the rows' log.", "std/rows"),
    Table("cons", "joined", of_every_day(JOINED), "The sums per player, folded game by game.", {"rows": "std/rows"},
          kind="snapshot", refresh=JOINED),
    Table("cons", "sliced", of_every_day(per_patch), "The sums per patch and player, by slice.", {"rows": "std/rows"},
          kind="snapshot", refresh=Slicing(("patch",), "rows")),
]


def materialize(data_dir: Path, rows: pl.DataFrame) -> None:
    """Every table materialized by Dagster, each day's then the snapshots, `rows` delivered as the source."""
    (data_dir / "landing" / DOMAIN).mkdir(parents=True, exist_ok=True)
    rows.write_parquet(data_dir / "landing" / DOMAIN / "rows.parquet")
    lake = ErasingLakeIOManager(root=str(data_dir / "lake"), deleted_players=str(register_path(data_dir)),
                                players={DOMAIN: IDENTITY})
    platform = PlatformResource(data_dir=str(data_dir), start_date=str(DAYS[0]), anchor_date=str(DAYS[-1]))
    assets = list({id(asset): asset for asset in table_assets(DOMAIN, TABLES).values()}.values())
    for day in DAYS:
        daily = [asset for asset in assets if asset.partitions_def is not None]
        assert dg.materialize(daily, partition_key=str(day), resources={"lake": lake, "platform": platform}).success
    snapshots = [asset for asset in assets if asset.partitions_def is None]
    assert dg.materialize(snapshots, resources={"lake": lake, "platform": platform},
                          selection=snapshots).success


def files_holding(folder: Path, needle: str) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.is_file() and needle.encode() in path.read_bytes())


def test_every_strategy_is_declared_here():
    kept = {type(table.refresh) for table in TABLES if table.refresh is not None}
    assert kept == {ByKey, Fold, JoinedFold, Slicing}


def state_rows(data_dir: Path) -> dict[str, pl.DataFrame]:
    return {path.name: pl.read_delta(str(path)) for path in (data_dir / "lake" / DOMAIN / STATE_LAYER).iterdir()}


def test_a_deleted_player_is_in_no_state_of_any_strategy_and_no_lake_or_state_file(tmp_path):
    data_dir = tmp_path / "data"
    materialize(data_dir, ROWS)
    states = state_rows(data_dir)
    assert set(states) == {"folded", "joined", "sliced"}
    assert all(VICTIM in state["player_id"].to_list() for state in states.values())

    token = enter(register_path(data_dir), DOMAIN, VICTIM)
    materialize(data_dir, AGAIN)
    assert files_holding(data_dir / "lake" / DOMAIN / "std" / "rows", VICTIM), "the earlier day still names them"
    for name, state in state_rows(data_dir).items():
        held = state["player_id"].to_list()
        assert VICTIM not in held and token in held, f"the {name} state is written through the redaction"

    erase_from_lake(str(data_dir / "lake"), DOMAIN, IDENTITY, VICTIM, token)
    materialize(data_dir, AGAIN)
    assert files_holding(data_dir / "lake", VICTIM) == []
    assert files_holding(data_dir / "state", VICTIM) == []
    redacted = AGAIN.with_columns(pl.col("player_id").replace(VICTIM, token))
    lake = data_dir / "lake" / DOMAIN
    assert_frame_equal(pl.read_delta(str(lake / "cons" / "folded")), FOLD(rows=redacted), check_dtypes=False)
    assert_frame_equal(pl.read_delta(str(lake / "cons" / "joined")), JOINED(rows=redacted), check_dtypes=False)
    assert_frame_equal(pl.read_delta(str(lake / "cons" / "sliced")).sort("patch", "player_id"),
                       per_patch(redacted), check_dtypes=False)
    assert_frame_equal(pl.read_delta(str(lake / "std" / "per_game")).sort("date", "match_id", "value"),
                       redacted.sort("date", "match_id", "value"), check_dtypes=False, check_column_order=False)
