"""The shape every answer shares: `metadata` (what was asked, when each table read was last published, when
the answer was made) around `data`, as JSON bytes.

An answer's data, validated against its route's model by the query layer when it was computed, is encoded once
and kept with the answer, which the reader caches under the publish ids it was read at: a cached answer costs only
the encoding of its small metadata. The encoding is pydantic's, as FastAPI's
own (datetimes in ISO 8601, decimals as strings)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pydantic_core
from starlette.responses import Response

from gamestats_assets.serve.core.fastpath import FRESH_UNTIL_HEADER, PUBLISHES_HEADER
from gamestats_assets.serve.core.reader import Answer


def iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class Enveloped(Response):
    media_type = "application/json"


def enveloped(answer: Answer, part: str | None = None, **metadata: Any) -> Enveloped:
    """`answer`'s data (its `part` when given) in the envelope, with `metadata` first, then `published_at` per table
    and `timestamp`; marked with its publish ids when it depends on the publishes alone (`fastpath`), and with
    when the clock changes it, if it does."""
    data = answer.encoded(part, pydantic_core.to_json)
    head = pydantic_core.to_json({**metadata, "published_at": {t: iso(m) for t, m in answer.published_at.items()},
                                  "timestamp": iso(dt.datetime.now(dt.UTC))})
    marked = {PUBLISHES_HEADER.decode(): json.dumps(sorted(answer.publish_ids.items()))} if answer.publish_ids else {}
    if answer.fresh_until is not None:
        marked[FRESH_UNTIL_HEADER.decode()] = str(answer.fresh_until.timestamp())
    return Enveloped(b'{"metadata":' + head + b',"data":' + data + b"}", headers=marked)
