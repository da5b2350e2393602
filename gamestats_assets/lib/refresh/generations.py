"""Generations of a daily table's keys: for each key of a day (a game's `match_id`), a token that changes whenever
the table's rows of that key are written again. A table computed by key from other tables (`ByKey`) records,
per key, the tokens of its inputs it computed the key from (`combined`), and on its next run computes again only the
keys whose tokens changed or are gone (`stale`); the rows of the other keys stay as they are in the lake.

A token names a write, so the keys of a day share few tokens: a day's tokens are held grouped, each token with the
keys that hold it (`Generations`), and a table computed from others records with each of its tokens the inputs' tokens
it digests. Records are then compared and combined group by group with set arithmetic, key by key only for the keys
whose inputs changed, so that a run after one new game costs little more on a day of many games than on a day of few.

Each table's tokens of a day are recorded in `<data_dir>/state/generations/<asset key path>/<day>.json`, written
after the table's rows are (`write_generations`): a run that fails between the two computes its keys again."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import dagster as dg
import msgspec

from gamestats_assets.lib.core.allocation import bulk_allocation
from gamestats_assets.lib.core.state_files import state_path, write_state_file


@dataclass(frozen=True)
class Generations:
    """The tokens of a day's keys of a table: each token with the keys that hold it (`groups`, disjoint), and for a
    token that digests the tokens of the table's inputs, those (`sources`, in the inputs' order)."""

    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        """Every key of the day."""
        return frozenset().union(*self.groups.values())

    def __len__(self) -> int:
        return len(self.keys)

    def tokens_of(self, keys: Iterable[str]) -> dict[str, str]:
        """The token of each of `keys` held (key → token)."""
        wanted = set(keys)
        return {key: token for token, held in self.groups.items() for key in held & wanted}

    def by_key(self) -> dict[str, str]:
        """Every key's token (key → token)."""
        return {key: token for token, held in self.groups.items() for key in held}

    @staticmethod
    def of(tokens: Mapping[str, str]) -> Generations:
        """The generations of keys given one by one (key → token)."""
        groups: dict[str, set[str]] = {}
        for key, token in tokens.items():
            groups.setdefault(token, set()).add(key)
        return Generations({token: frozenset(keys) for token, keys in groups.items()})


def generations_path(data_dir: str | Path, key: dg.AssetKey, day: dt.date) -> Path:
    """Where the tokens of `key`'s table for `day` are recorded."""
    return state_path(data_dir, "generations", *key.path, f"{day.isoformat()}.json")


@bulk_allocation()
def read_generations(data_dir: str | Path, key: dg.AssetKey, day: dt.date) -> Generations | None:
    """The tokens of `key`'s table for `day`; None when none were recorded. A record of the earlier form (key →
    token) is read too."""
    path = generations_path(data_dir, key, day)
    if not path.exists():
        return None
    recorded = msgspec.json.decode(path.read_bytes())
    if "groups" not in recorded:
        return Generations.of(recorded)
    return Generations({token: frozenset(keys) for token, keys in recorded["groups"].items()},
                       {token: tuple(tokens) for token, tokens in recorded["sources"].items()})


def write_generations(data_dir: str | Path, key: dg.AssetKey, day: dt.date, generations: Generations) -> None:
    """Record `generations` as the tokens of `key`'s table for `day` (in place of the earlier ones, atomically)."""
    write_state_file(generations_path(data_dir, key, day),
                     msgspec.json.encode({"groups": generations.groups, "sources": generations.sources}))


def renewed(previous: Generations | None, keys: Iterable[str], written: Iterable[str]) -> Generations:
    """The tokens of a table holding `keys` after a write of the rows of the keys `written`: a new token for those
    and for keys `previous` lacks, the previous one for the others; keys not held are dropped."""
    previous, keys = previous or Generations(), frozenset(keys)
    fresh = (keys - previous.keys) | (keys & frozenset(written))
    groups = {token: held & keys - fresh for token, held in previous.groups.items()}
    if fresh:
        groups[uuid.uuid4().hex[:16]] = fresh
    return Generations({token: held for token, held in groups.items() if held})


def combined(inputs: Sequence[Generations], recorded: Generations | None = None) -> Generations:
    """The token of each key of any of `inputs` as a table computed from them records it: the input's own with one
    input, else a digest of the inputs' tokens in order (empty where an input lacks the key). The keys whose inputs'
    tokens are those a group of `recorded` (the table's own record) digests keep that group's token without a look at
    each; the others are digested key by key."""
    if len(inputs) == 1:
        return inputs[0]
    keys = frozenset().union(*(tokens.keys for tokens in inputs))
    groups: dict[str, frozenset[str]] = {}
    sources: dict[str, tuple[str, ...]] = {}
    for token, held in (recorded.groups.items() if recorded else ()):
        digested = recorded.sources.get(token)
        if digested is None or len(digested) != len(inputs):
            continue
        same = held & keys
        for source, tokens in zip(digested, inputs, strict=True):
            same = same & tokens.groups.get(source, frozenset()) if source else same - tokens.keys
        if same:
            groups[token], sources[token] = same, digested
    rest = list(keys.difference(*groups.values()))
    columns = [map(tokens.tokens_of(rest).get, rest, repeat("")) for tokens in inputs]
    digested_rest: dict[tuple[str, ...], list[str]] = {}
    for key, tokens in zip(rest, zip(*columns), strict=True):
        digested_rest.setdefault(tokens, []).append(key)
    for tokens, held in digested_rest.items():
        token = hashlib.blake2b("|".join(tokens).encode(), digest_size=8).hexdigest()
        groups[token], sources[token] = groups.get(token, frozenset()) | frozenset(held), tokens
    return Generations(groups, sources)


def stale(recorded: Generations, current: Generations) -> tuple[list[str], list[str]]:
    """The keys to compute again (new, or their inputs' tokens changed) and the keys gone from the inputs, sorted,
    of a table that `recorded` these tokens, its inputs now at `current`."""
    again = set().union(*(held - recorded.groups.get(token, frozenset())
                          for token, held in current.groups.items()))
    return sorted(again), sorted(recorded.keys - current.keys)
