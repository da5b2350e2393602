"""A table computed by key (`lib/refresh/by_key.py`) run again, materialized by Dagster into a real Delta lake from an
input whose games' tokens are recorded as an ETL records them (`lib/refresh/generations.py`): a day none of whose
games changed is neither computed nor written, a day with a game written again computes that game alone, and a day
whose game went loses that game's rows."""

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
from deltalake import DeltaTable

from gamestats_assets.lib.authoring.table import Table, by_game
from gamestats_assets.lib.authoring.table_assets import table_assets
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.refresh.generations import Generations, write_generations

DOMAIN, DAY = "arena", dt.date(2026, 3, 1)
ROWS = pl.DataFrame({"date": [DAY] * 4, "match_id": ["m1", "m1", "m2", "m2"], "value": [1, 2, 3, 4]})
computed: list[list[str]] = []
"""The games each computation of `per_game` was given, in order."""


def per_game(day: dt.date, rows: pl.DataFrame) -> pl.DataFrame:
    computed.append(sorted(set(rows["match_id"])))
    return rows


TABLES = [
    Table("std", "rows", lambda day, source: source.filter(pl.col("date") == day), "Every row of the day.", {},
          given={"source": lambda platform: pl.read_parquet(platform.landing_dir(DOMAIN) / "rows.parquet")}),
    by_game("std", "per_game", per_game, "Each game's rows, computed by game.", {"rows": "std/rows"}),
]
ASSETS = list({id(asset): asset for asset in table_assets(DOMAIN, TABLES).values()}.values())


def materialize(data_dir: Path, *names: str) -> None:
    """The day's tables `names` materialized by Dagster."""
    resources = {"lake": DeltaLakeIOManager(root=str(data_dir / "lake")),
                 "platform": PlatformResource(data_dir=str(data_dir), start_date=str(DAY), anchor_date=str(DAY))}
    selection = [key for asset in ASSETS for key in asset.keys if key.path[-1] in names]
    assert dg.materialize(ASSETS, partition_key=str(DAY), resources=resources, selection=selection).success


def deliver(data_dir: Path, rows: pl.DataFrame, tokens: dict[str, str]) -> None:
    """`rows` landed and written to `std/rows`, its games' tokens recorded as an ETL records those it wrote."""
    (data_dir / "landing" / DOMAIN).mkdir(parents=True, exist_ok=True)
    rows.write_parquet(data_dir / "landing" / DOMAIN / "rows.parquet")
    materialize(data_dir, "rows")
    write_generations(data_dir, dg.AssetKey([DOMAIN, "std", "rows"]), DAY, Generations.of(tokens))


def test_a_day_with_no_game_changed_is_neither_computed_nor_written_and_a_change_computes_its_game_alone(tmp_path):
    computed.clear()
    data_dir = tmp_path / "data"
    table = str(data_dir / "lake" / DOMAIN / "std" / "per_game")
    deliver(data_dir, ROWS, {"m1": "t1", "m2": "t1"})
    materialize(data_dir, "per_game")
    assert computed == [["m1", "m2"]]
    version = DeltaTable(table).version()

    materialize(data_dir, "per_game")
    assert computed == [["m1", "m2"]], "a day none of whose games changed is not computed"
    assert DeltaTable(table).version() == version, "nor written"

    changed = ROWS.with_columns(pl.when(pl.col("match_id") == "m2").then(pl.col("value") * 10)
                                .otherwise(pl.col("value")).alias("value"))
    deliver(data_dir, changed, {"m1": "t1", "m2": "t2"})
    materialize(data_dir, "per_game")
    assert computed[1:] == [["m2"]]
    assert pl.read_delta(table).sort("value")["value"].to_list() == [1, 2, 30, 40]

    deliver(data_dir, changed.filter(pl.col("match_id") == "m1"), {"m1": "t1"})
    materialize(data_dir, "per_game")
    assert computed[2:] == [[]], "a game gone is taken out with no game computed"
    assert pl.read_delta(table).sort("value")["value"].to_list() == [1, 2]
