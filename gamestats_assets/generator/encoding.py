"""ThinkingData JSON lines built column-wise: every record of a day is encoded in one vectorized pass.

A line is assembled from pre-encoded JSON members (`"key":value` pieces without braces): the user's
identity, IP and preset properties are encoded once per population, the event's own properties once per
event type, and polars joins the pieces of all records at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
import pyarrow as pa

from gamestats_assets.generator.hashing import hash_keys
from gamestats_assets.sources.thinkingdata import POLARS_TIME_FORMAT

PRESETS = (
    "#os", "#os_version", "#device_model", "#manufacturer", "#app_version", "#network_type",
    "#country", "#country_code", "#zone_offset", "#lib", "#screen_width", "#screen_height",
)
MS_PER_DAY = 86_400_000
_EPOCH = date(1970, 1, 1).toordinal()
_UUID_GROUPS = ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))
_RECORD_HEADS = pl.Series(['{"#type":"user_set",', '{"#type":"track",'])
RECORD_COLUMNS = {
    "ms": pl.Int64, "position": pl.Int64, "user": pl.Int64, "track": pl.Boolean, "code": pl.Int64,
    "time": pl.String, "uuid": pl.String, "members": pl.String,
}


@dataclass(frozen=True)
class UserFragments:
    """Per user (by index), the JSON members every line of that user repeats."""

    identity: pl.Series
    ip: pl.Series
    presets: pl.Series


def json_members(frame: pl.DataFrame) -> pl.Series:
    """Each row of `frame` as JSON object members, `"column":value,...` without braces ("" if no columns)."""
    if frame.width == 0:
        return pl.Series("members", [""] * frame.height, dtype=pl.String)
    encoded = frame.select(pl.struct(pl.all()).struct.json_encode().alias("members")).to_series()
    return encoded.str.strip_prefix("{").str.strip_suffix("}")


def user_fragments(users: pl.DataFrame, with_carrier: bool) -> UserFragments:
    """The identity (account and distinct id), IP and preset-property members of every user.

    `with_carrier` adds the user's `carrier` as the `#carrier` preset.
    """
    identity = users.select(pl.col("account_id").alias("#account_id"), pl.col("distinct_id").alias("#distinct_id"))
    presets = users.select(PRESETS)
    if with_carrier and "carrier" in users.columns:
        presets = presets.with_columns(users["carrier"].alias("#carrier"))
    return UserFragments(
        identity=json_members(identity),
        ip=json_members(users.select(pl.col("ip").alias("#ip"))),
        presets=json_members(presets),
    )


def event_name_members(names: list[str]) -> pl.Series:
    """`"#event_name":"<name>"` for each event name, indexed by event code."""
    return json_members(pl.DataFrame({"#event_name": names}, schema={"#event_name": pl.String}))


def time_texts(day: date, ms: np.ndarray) -> pl.Series:
    """`#time` text (`yyyy-MM-dd HH:mm:ss.SSS`) of moments given in ms after the day's midnight."""
    midnight = (day.toordinal() - _EPOCH) * MS_PER_DAY
    return pl.Series("time", midnight + np.asarray(ms, dtype=np.int64)).cast(pl.Datetime("ms")).dt.strftime(
        POLARS_TIME_FORMAT
    )


def uuids(seed: int, day: date, count: int, purpose: str) -> pl.Series:
    """Deterministic UUID-shaped ids (`8-4-4-4-12` hex digits) for `count` records of one day and purpose."""
    high = hash_keys(seed, purpose, "high", day.toordinal(), np.arange(count))
    low = hash_keys(seed, purpose, "low", day.toordinal(), np.arange(count))
    raw = np.stack([high, low], axis=1).astype(">u8").view(np.uint8).reshape(count, 16)
    nibbles = np.empty((count, 32), dtype=np.uint8)
    nibbles[:, 0::2] = raw >> 4
    nibbles[:, 1::2] = raw & 15
    digits = nibbles + np.uint8(ord("0")) + (nibbles > 9).astype(np.uint8) * np.uint8(ord("a") - ord("9") - 1)
    text = np.full((count, 36), ord("-"), dtype=np.uint8)
    for group, (start, end) in enumerate(_UUID_GROUPS):
        text[:, start + group:end + group] = digits[:, start:end]
    return fixed_width_strings("uuid", text)


def fixed_width_strings(name: str, text: np.ndarray) -> pl.Series:
    """A string Series from an (n, width) array of ASCII codes, one row per string, without copying per row."""
    count, width = text.shape
    offsets = np.arange(0, width * (count + 1), width, dtype=np.int64)
    array = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(text)))
    return pl.Series(name, array)


def encode_lines(records: pl.DataFrame, users: UserFragments, events: pl.Series) -> pl.Series:
    """One ThinkingData line per record, in the records' order, built in a single pass.

    `records` has the columns of `RECORD_COLUMNS`: `track` records become track lines (identity,
    time, `events[code]`, IP, uuid, then the user's presets and `members` in properties); the others
    become user_set lines whose properties are `members`. Pieces a user_set line lacks are null, and
    nulls are skipped when the pieces are joined.
    """
    track = records["track"]
    user = records["user"]
    track_user = pl.select(pl.when(track).then(user)).to_series()
    members = records["members"]
    pieces = pl.DataFrame({
        "head": _RECORD_HEADS.gather(track.cast(pl.UInt32)),
        "identity": users.identity.gather(user),
        "time": records["time"],
        "event": (events + ",").gather(records["code"]),
        "ip": (users.ip + ",").gather(track_user),
        "uuid": records["uuid"],
        "presets": users.presets.gather(track_user),
        "members": pl.select(
            pl.when(track & (members.str.len_bytes() > 0)).then(pl.concat_str(pl.lit(","), members)).otherwise(members)
        ).to_series(),
    })
    column = pl.col
    line = pl.concat_str(
        column("head"), column("identity"), pl.lit(',"#time":"'), column("time"), pl.lit('",'), column("event"),
        column("ip"), pl.lit('"#uuid":"'), column("uuid"), pl.lit('","properties":{'), column("presets"),
        column("members"), pl.lit("}}"),
        ignore_nulls=True,
    )
    return pieces.select(line.alias("line")).to_series()
