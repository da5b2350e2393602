"""Generations of a daily table's keys: for each key of a day (a game's `match_id`), a token that changes whenever
the table's rows of that key are written again. A table computed by key from other tables (`Table.by_key`) records,
per key, the tokens of its inputs it computed the key from (`combined`), and on its next run computes again only the
keys whose tokens changed or are gone (`stale`); the rows of the other keys stay as they are in the lake.

Each table's tokens of a day are recorded in `<data_dir>/state/generations/<asset key path>/<day>.json`, written
after the table's rows are (`write_generations`): a run that fails between the two computes its keys again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import dagster as dg


def generations_path(data_dir: str | Path, key: dg.AssetKey, day: dt.date) -> Path:
    """Where the tokens of `key`'s table for `day` are recorded."""
    return Path(data_dir, "state", "generations", *key.path, f"{day.isoformat()}.json")


def read_generations(data_dir: str | Path, key: dg.AssetKey, day: dt.date) -> dict[str, str] | None:
    """The tokens of `key`'s table for `day` (key → token); None when none were recorded."""
    path = generations_path(data_dir, key, day)
    return json.loads(path.read_text()) if path.exists() else None


def write_generations(data_dir: str | Path, key: dg.AssetKey, day: dt.date, generations: Mapping[str, str]) -> None:
    """Record `generations` as the tokens of `key`'s table for `day` (in place of the earlier ones, atomically)."""
    path = generations_path(data_dir, key, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(generations, sort_keys=True))
    temporary.replace(path)


def renewed(previous: Mapping[str, str] | None, keys: Iterable[str], written: Iterable[str]) -> dict[str, str]:
    """The tokens of a table holding `keys` after a write of the rows of the keys `written`: a new token for those
    and for keys `previous` lacks, the previous one for the others; keys not held are dropped."""
    previous, written = previous or {}, set(written)
    token = uuid.uuid4().hex[:16]
    return {key: token if key in written or key not in previous else previous[key] for key in keys}


def combined(inputs: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """The token of each key of any of `inputs` as a table computed from them records it: the input's own with one
    input, else a digest of the inputs' tokens in order (empty where an input lacks the key)."""
    if len(inputs) == 1:
        return dict(inputs[0])
    keys = set().union(*inputs)
    return {key: hashlib.blake2b("|".join(tokens.get(key, "") for tokens in inputs).encode(),
                                 digest_size=8).hexdigest() for key in keys}


def stale(recorded: Mapping[str, str], current: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The keys to compute again (new, or their inputs' tokens changed) and the keys gone from the inputs, sorted,
    of a table that `recorded` these tokens, its inputs now at `current`."""
    again = sorted(key for key, token in current.items() if recorded.get(key) != token)
    gone = sorted(set(recorded) - set(current))
    return again, gone
