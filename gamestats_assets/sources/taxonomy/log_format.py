"""The demo_data logs' format: a day's file name and the type each property is read as."""

from __future__ import annotations

from datetime import date

import polars as pl

from gamestats_assets.sources.taxonomy.rules import RuleSet
from gamestats_assets.sources.thinkingdata import PRESET_PROPERTIES

POLARS_TYPES = {"string": pl.String, "boolean": pl.Boolean, "datetime": pl.String}


def day_file_name(day: date) -> str:
    """The landing file name of one day: `YYYYMMDD.jsonl`."""
    return f"{day:%Y%m%d}.jsonl"


def property_types(rules: RuleSet) -> dict[str, pl.DataType]:
    """The type each property is read as: ThinkingData's presets, and the taxonomy's properties (whole numbers
    as Int64, other numbers as Float64, booleans, and strings; datetimes stay as the text the source wrote),
    so every day has the same types."""
    return {
        **PRESET_PROPERTIES,
        **{name: (pl.Int64 if rule.integer else pl.Float64) if rule.type == "number" else POLARS_TYPES.get(rule.type, pl.String)
           for name, rule in rules.values.items()},
    }
