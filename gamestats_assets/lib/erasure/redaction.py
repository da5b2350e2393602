"""Frames and texts without the deleted players of the register (`register`). Every table written to the lake
passes through `redacted` (`lake_writes`): a player id column holding a deleted player's id holds their token
instead, the name columns of that row too. So a rerun, a backfill or a file delivered again never brings a deleted
player back, and the lake keeps their rows under the token only, so that everything computed over several players (a
game's figures, same-rank peers, the rank model fitted on every player) stays as it was. What is published leaves
out, besides, the rows of the tables whose grain is the player (`Identity.own`: their profile, skills, predictions,
recommendations, sessions) under a token (`published_rows`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from gamestats_assets.lib.erasure.register import TOKEN_PREFIX, Identity, id_digest, name_tokens, register_key, tokens

Frame = pl.DataFrame | pl.LazyFrame


def redacted(frame: Frame, domain: str, identity: Identity | None, register: Path) -> Frame:
    """`frame` (or a lazy query), a table of `domain` whose columns naming a player are `identity`'s, with every
    deleted player's id and the names beside it replaced by their token, and their names among the words of a
    free-text column and as strings of a raw JSON column too; as it is without an identity."""
    if identity is None or not register.exists():
        return frame
    held = tokens(register, domain)
    key = register_key(register)
    schema = frame.collect_schema()
    columns = [c for c in identity.ids if schema.get(c) == pl.String]
    names = name_tokens(register, domain)
    for column in (c for c in identity.raws if schema.get(c) == pl.String and (held or names)):
        frame = without_strings(frame, column, domain, {**names, **held}, key)
    for column in (c for c in identity.texts if schema.get(c) == pl.String and names):
        mapping = {value: without_names(value, domain, names, key) for value in _distinct(frame, column)}
        frame = frame.with_columns(pl.col(column).replace({k: v for k, v in mapping.items() if k != v}))
    if not held or not columns:
        return frame
    for column in columns:
        values = _distinct(frame, column)
        mapping = {value: held[digest] for value in values if (digest := id_digest(domain, value, key)) in held}
        if not mapping:
            continue
        hit = pl.col(column).is_in(list(mapping))
        names = [n for n in identity.ids[column] if schema.get(n) == pl.String]
        frame = frame.with_columns(
            *(pl.when(hit).then(pl.col(column).replace(mapping)).otherwise(pl.col(n)).alias(n) for n in names),
            pl.col(column).replace(mapping))
    return frame


NAME_WORDS = 4
"""The most words a name written in a free text is looked for in."""


def without_names(text: str, domain: str, names: Mapping[str, str], key: bytes = b"") -> str:
    """`text` with every run of up to `NAME_WORDS` words that is a deleted player's name (`names`: digest under
    `key` → token) replaced by their token."""
    words = text.split(" ")
    start, kept = 0, []
    while start < len(words):
        for length in range(min(NAME_WORDS, len(words) - start), 0, -1):
            token = names.get(id_digest(domain, " ".join(words[start:start + length]), key))
            if token is not None:
                kept.append(token)
                start += length
                break
        else:
            kept.append(words[start])
            start += 1
    return " ".join(kept)


JSON_STRING = r'"(?:[^"\\]|\\.)*"'
"""A string of a JSON text, quotes included."""


def without_strings(frame: Frame, column: str, domain: str, digests: Mapping[str, str], key: bytes = b"") -> Frame:
    """`frame` with every string of the raw JSON `column` that is a deleted player's id or name (`digests`: digest
    under `key` → token) replaced by their token."""
    found = frame.select(pl.col(column).str.extract_all(JSON_STRING).explode().drop_nulls().unique())
    mapping = {}
    for quoted in (found.collect() if isinstance(found, pl.LazyFrame) else found).to_series().to_list():
        try:
            value = json.loads(quoted)
        except json.JSONDecodeError:
            continue
        token = digests.get(id_digest(domain, value, key))
        if token is not None:
            mapping[quoted] = json.dumps(token)
    if not mapping:
        return frame
    return frame.with_columns(pl.col(column).str.replace_many(list(mapping), list(mapping.values())))


def published_rows(frame: Frame, identity: Identity | None, table: str) -> Frame:
    """`frame`, a table `table` of a domain whose columns naming a player are `identity`'s, as it is published:
    without the deleted players' rows when the table is their own (`Identity.own`)."""
    if identity is None or table not in identity.own:
        return frame
    schema = frame.collect_schema()
    for column in (c for c in identity.ids if schema.get(c) == pl.String):
        frame = frame.filter(~pl.col(column).str.starts_with(TOKEN_PREFIX).fill_null(False))
    return frame


def _distinct(frame: Frame, column: str) -> list[str]:
    values = frame.select(pl.col(column).drop_nulls().unique())
    return (values.collect() if isinstance(values, pl.LazyFrame) else values).to_series().to_list()
