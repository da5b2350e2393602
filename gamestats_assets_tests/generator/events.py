"""Generated lines read back as an events frame, the way demo_data's etl reads a day."""

import polars as pl

from gamestats_assets.generator.api import RuleSet
from gamestats_assets.sources.taxonomy.log_format import property_types
from gamestats_assets.sources.thinkingdata import LineSchema, read_bytes


def events_frame(lines: list[str], rules: RuleSet) -> pl.DataFrame:
    """One row per line: root keys, `#time` typed, properties typed from the taxonomy; asserts none rejected."""
    read = read_bytes("\n".join(lines).encode() + b"\n", LineSchema(property_types(rules), raw_properties=True))
    assert read.rejects == [], read.rejects[:3]
    return read.frame
