"""A `Table`'s function is bound to its inputs by parameter name: a declaration whose function cannot take
them is refused where it is written, not when a run reaches it."""

import polars as pl
import pytest

from gamestats_assets.lib.authoring.table import Table


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
