"""A `Table`'s function is bound to its inputs and givens by parameter name, a given's own parameters to the
resources: a declaration whose function cannot take them is refused where it is written, not when a run reaches
it."""

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.authoring.table import Measured, Table
from gamestats_assets.lib.authoring.table_assets import table_assets


def outcomes(context: pl.DataFrame, matches: pl.DataFrame, now: str | None = None) -> pl.DataFrame:
    return matches


def test_inputs_are_bound_to_the_function_s_parameters_by_name():
    Table("cons", "outcomes", outcomes, "d", {"context": "cons/a", "matches": "etl/b"}, kind="snapshot")
    Table("cons", "daily", lambda day, rows: rows, "d", {"rows": "etl/rows"})
    Table("cons", "carried", lambda yesterday, day, rows: rows, "d", {"rows": "etl/rows"}, kind="carried")

    with pytest.raises(TypeError, match=r"cons/outcomes: its function takes \['context', 'matches', 'now'\]"):
        Table("cons", "outcomes", outcomes, "d", {"match_context": "cons/a", "matches": "etl/b"}, kind="snapshot")
    with pytest.raises(TypeError, match="cons/daily"):
        Table("cons", "daily", lambda day, rows, extra: rows, "d", {"rows": "etl/rows"})


def test_how_an_input_is_read_names_one_of_the_inputs():
    with pytest.raises(TypeError, match=r"cons/daily: \['row'\] are not among its inputs"):
        Table("cons", "daily", lambda day, rows: rows, "d", {"rows": "etl/rows"}, whole=("row",))


def test_an_input_is_read_for_the_keys_of_another_read_whole():
    inputs = {"context": "cons/a", "matches": "etl/b"}
    Table("cons", "outcomes", outcomes, "d", inputs, kind="snapshot", read_for={"matches": ("context", "match_id")})
    with pytest.raises(TypeError, match=r"cons/outcomes: \['contexts'\] are not among its inputs"):
        Table("cons", "outcomes", outcomes, "d", inputs, kind="snapshot",
              read_for={"matches": ("contexts", "match_id")})
    with pytest.raises(TypeError, match="read for those of one read whole"):
        Table("cons", "outcomes", outcomes, "d", inputs, kind="snapshot",
              read_for={"matches": ("context", "match_id"), "context": ("matches", "match_id")})
    with pytest.raises(TypeError, match=r"a daily table reads no input with \['read_for'\]"):
        Table("cons", "daily", lambda day, context, matches: matches, "d", inputs,
              read_for={"matches": ("context", "match_id")})


class Held(dg.IOManager):
    """The frames written, by table name."""

    def __init__(self) -> None:
        self.frames: dict[str, pl.DataFrame] = {}

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        self.frames[context.asset_key.path[-1]] = obj

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        return self.frames[context.asset_key.path[-1]]


def test_givens_take_the_resources_their_parameters_name_and_measured_figures_are_recorded():
    table = Table("cons", "sized", lambda size: Measured(pl.DataFrame({"n": list(range(size))}), {"size": size}),
                  "The rows of a size given by a resource.", kind="run", given={"size": lambda settings: settings["n"]})
    [asset] = table_assets("demo", [table]).values()
    held = Held()
    result = dg.materialize([asset], resources={"lake": held, "settings": dg.ResourceDefinition.hardcoded_resource(
        {"n": 3})})
    assert held.frames["sized"]["n"].to_list() == [0, 1, 2]
    [materialization] = result.asset_materializations_for_node(asset.node_def.name)
    assert materialization.metadata["size"].value == 3


def test_a_daily_table_reads_its_whole_inputs_over_every_partition():
    table = Table("cons", "seen", lambda day, rows, history: rows, "d", {"rows": "etl/rows", "history": "std/history"},
                  whole=("history",))
    [asset] = table_assets("demo", [table]).values()
    assert isinstance(asset.get_partition_mapping(dg.AssetKey(["demo", "std", "history"])), dg.AllPartitionMapping)
    assert not isinstance(asset.get_partition_mapping(dg.AssetKey(["demo", "etl", "rows"])), dg.AllPartitionMapping)
