"""DuckDB connections of the readers hand text to polars as Arrow string views."""

import pyarrow as pa

from gamestats_assets.lib.core import duckdb_text


def test_text_is_exported_as_string_views_and_other_settings_are_kept():
    with duckdb_text.connect(preserve_insertion_order=False) as connection:
        exported = connection.sql("SELECT 'ITEM_PURCHASED' AS type").to_arrow_table()
        [(kept,)] = connection.execute("SELECT current_setting('preserve_insertion_order')").fetchall()
    assert exported.schema.field("type").type == pa.string_view()
    assert exported.column("type").to_pylist() == ["ITEM_PURCHASED"]
    assert kept is False
