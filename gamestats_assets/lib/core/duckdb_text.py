"""DuckDB connections that hand text to polars as Arrow string views.

polars keeps text as string views: plain Arrow strings it copies one by one into its own views, views it takes
as they are. DuckDB exports views only with both settings of `STRING_VIEWS` (the second alone is ignored).
"""

import duckdb

STRING_VIEWS = {"produce_arrow_string_view": True, "arrow_output_version": "1.4"}


def connect(**config) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with `config` whose Arrow exports carry text as string views."""
    return duckdb.connect(config={**config, **STRING_VIEWS})
