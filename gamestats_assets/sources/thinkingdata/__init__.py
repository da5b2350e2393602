"""ThinkingData JSONL, the line format the emitters write (`records`), and the one reader every domain reads it
with (`reader`: `read_files` whole, `stream_files` batch by batch), typed and checked as `schema.LineSchema` says."""

from gamestats_assets.sources.thinkingdata.reader import (
    ReadResult,
    ReadStats,
    RecordStream,
    read_bytes,
    read_files,
    stream_files,
)
from gamestats_assets.sources.thinkingdata.records import (
    POLARS_TIME_FORMAT,
    PRESET_PROPERTIES,
    ROOT_COLUMNS,
    Identity,
    encode_record,
    format_time,
    track_record,
    user_set_record,
)
from gamestats_assets.sources.thinkingdata.schema import MAX_ID_CHARS, LineSchema, Rule

__all__ = [
    "MAX_ID_CHARS", "POLARS_TIME_FORMAT", "PRESET_PROPERTIES", "ROOT_COLUMNS", "Identity", "LineSchema", "ReadResult",
    "ReadStats", "RecordStream", "Rule", "encode_record", "format_time", "read_bytes", "read_files", "stream_files",
    "track_record", "user_set_record",
]
