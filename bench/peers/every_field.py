"""What a lakehouse of ThinkingData logs cannot skip and a one-query script can: parsing every field of every line.

A peer script reads only the fields its result needs; the project keeps every line of a source in its lake, typed,
so it parses every field of the line. `read_every_field` is that parse alone, with the reader's own DuckDB settings:
every root key and every declared property (or the whole properties object) as text into Arrow, nothing typed,
checked or written. The project's reader does more on top of it (demo_data's typed properties parse each object a
second time). Timed beside both sides, it bounds from below what the project's parse costs."""

from collections.abc import Iterable
from pathlib import Path

from gamestats_assets.lib.core import duckdb_text
from gamestats_assets.sources.thinkingdata import LineSchema
from gamestats_assets.sources.thinkingdata.reader import MAX_LINE_BYTES


def read_every_field(sources: Iterable[tuple[Path, LineSchema]]) -> int:
    """Rows read from each file by DuckDB's JSON reader, every field its schema declares as text, as Arrow batches."""
    rows = 0
    with duckdb_text.connect() as connection:
        for path, schema in sources:
            read = connection.read_json(str(path), columns=schema.json_columns(), format="newline_delimited",
                                        records="true", maximum_object_size=MAX_LINE_BYTES)
            for batch in read.to_arrow_reader(1 << 18):
                rows += batch.num_rows
    return rows
