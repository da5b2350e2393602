"""DuckDB connections that hand text to polars as Arrow string views.

polars keeps text as string views: plain Arrow strings it copies one by one into its own views, views it takes
as they are. DuckDB exports views only with both settings of `STRING_VIEWS` (the second alone is ignored).
"""

import threading

import duckdb

STRING_VIEWS = {"produce_arrow_string_view": True, "arrow_output_version": "1.4"}
_HELD = threading.local()


def connect(**config) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with `config` whose Arrow exports carry text as string views."""
    return duckdb.connect(config={**config, **STRING_VIEWS})


def held() -> duckdb.DuckDBPyConnection:
    """The calling thread's own `connect()`, opened at its first use and kept for the thread's life: opening an
    in-memory database costs about 25 ms of CPU, more than reading a small file. Its users leave it open and keep
    nothing in it."""
    connection = getattr(_HELD, "connection", None)
    if connection is None:
        connection = _HELD.connection = connect()
    return connection
