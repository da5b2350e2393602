"""The ThinkingData line: one JSON object whose root keys start with `#` (`#type`, `#account_id`/`#distinct_id`,
`#time`, `#event_name`, `#ip`, `#uuid`), the rest in `properties`; and how the emitters write one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

RECORD_TYPES = ("track", "user_set", "user_setOnce", "user_add", "user_unset", "user_append", "user_del")
ROOT_COLUMNS = ("#type", "#account_id", "#distinct_id", "#time", "#event_name", "#ip", "#uuid")
ID_COLUMNS = ("#account_id", "#distinct_id", "#uuid", "#ip", "#event_name")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
POLARS_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%.3f"
DUCKDB_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%g", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")
"""`#time` as read: seconds, with or without the milliseconds (or microseconds)."""

PRESET_PROPERTIES: dict[str, pl.DataType] = {
    **{name: pl.Utf8() for name in ("#os", "#os_version", "#device_model", "#manufacturer", "#app_version",
                                    "#network_type", "#carrier", "#country", "#country_code", "#province", "#city",
                                    "#lib", "#lib_version", "#browser", "#browser_version", "#device_id",
                                    "#system_language", "#bundle_id")},
    "#zone_offset": pl.Float64(),
    "#screen_width": pl.Int64(),
    "#screen_height": pl.Int64(),
}
"""ThinkingData's preset properties (inside `properties`, names starting with `#`) and their types."""


@dataclass(frozen=True)
class Identity:
    """Who a record is about: the account id and the device (distinct) id, and the client's IP."""

    account_id: str
    distinct_id: str
    ip: str = ""


def format_time(moment: datetime) -> str:
    """`#time` text for a moment: `yyyy-MM-dd HH:mm:ss.SSS`."""
    return moment.strftime(TIME_FORMAT)[:-3]


def track_record(
    identity: Identity, event_name: str, moment: datetime, properties: Mapping[str, Any], uuid: str
) -> dict[str, Any]:
    """A `track` record for one event, with the root keys first and the event's properties nested."""
    return {
        "#type": "track",
        "#account_id": identity.account_id,
        "#distinct_id": identity.distinct_id,
        "#time": format_time(moment),
        "#event_name": event_name,
        "#ip": identity.ip,
        "#uuid": uuid,
        "properties": dict(properties),
    }


def user_set_record(identity: Identity, moment: datetime, properties: Mapping[str, Any], uuid: str) -> dict[str, Any]:
    """A `user_set` record that overwrites the given user properties."""
    return {
        "#type": "user_set",
        "#account_id": identity.account_id,
        "#distinct_id": identity.distinct_id,
        "#time": format_time(moment),
        "#uuid": uuid,
        "properties": dict(properties),
    }


def encode_record(record: Mapping[str, Any]) -> str:
    """One JSONL line (without the newline) for a record, compact and UTF-8 friendly."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
