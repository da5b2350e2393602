"""The shape every answer shares: `metadata` (what was asked, when each table read was last published, when
the answer was made) around `data`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gamestats_assets.serve.reader import Answer


def iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def enveloped(answer: Answer, **metadata: Any) -> dict:
    """`answer` in the envelope, with `metadata` first, then `published_at` per table and `timestamp`."""
    return {
        "metadata": {**metadata, "published_at": {t: iso(m) for t, m in answer.published_at.items()},
                     "timestamp": iso(dt.datetime.now(dt.UTC))},
        "data": answer.data,
    }
