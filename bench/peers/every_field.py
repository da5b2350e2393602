"""What a lakehouse of ThinkingData logs cannot skip and a one-query script can: reading every field of every line.

A peer script reads only the fields its result needs; the project keeps every line of a source in its lake, typed,
so it parses every field the source's schema declares. `read_every_field` is that parse alone: DuckDB's JSON reader
(the project's) turning the same files into Arrow, every root key and declared property as text, nothing checked,
typed or written. Timed beside both sides, it tells how much of the project's time the parse it owes takes."""

from collections.abc import Iterable
from pathlib import Path

import duckdb

from gamestats_assets.sources.thinkingdata import LineSchema


def read_every_field(sources: Iterable[tuple[Path, LineSchema]]) -> int:
    """Rows read from each file by DuckDB's JSON reader, every field its schema declares, as Arrow batches."""
    rows = 0
    with duckdb.connect() as connection:
        for path, schema in sources:
            read = connection.read_json(str(path), columns=schema.json_columns(), format="newline_delimited")
            for batch in read.to_arrow_reader(1 << 18):
                rows += batch.num_rows
    return rows
