"""Deleted players: the register every write of the lake consults, and which columns name a player.

A deleted player is recorded in `<data_dir>/state/deletions.json` by domain and the keyed SHA-256 (HMAC) of their
id (never the id itself) under a secret key of the data folder (`state/deletions.key`, made once, readable by its
owner only), so that the register cannot be reversed by hashing every id a platform gives out (Steam ids are a few
billion numbers); with the token that stands for them from then on (`deleted:<16 hex digits>`). Every table written to
the lake passes through `redacted`: a player id column holding a deleted player's id holds their token instead,
the name columns of that row too. So a rerun, a backfill or a file delivered again never brings a deleted player
back, and the lake keeps their rows under the token only, so that everything computed over several players (a
game's figures, same-rank peers, the rank model fitted on every player) stays as it was. What is published leaves
out, besides, the rows of the tables whose grain is the player (`Identity.own`: their profile, skills, predictions,
recommendations, sessions) under a token (`published_rows`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.lib.core.state_files import state_path, write_state_file

TOKEN_PREFIX = "deleted:"
REGISTER = "deletions.json"
"""The register's name in the state folder (`state_path`)."""
KEY = "deletions.key"
"""The register's secret key, beside it."""


class Identity(dg.Config):
    """The columns of a domain's tables that name a player, as the domain declares them: each id column with the
    name columns of the same player beside it, the tables (by name) whose rows are the player's own (their grain is
    the player), the free-text columns where a player's name may be written among other words (a replay's title),
    and the columns holding an event's raw JSON text, any string of which may be a player's id or name (a telemetry
    event kept raw). A domain without one names accounts of a synthetic population only. A `dg.Config`, so that
    the lake's IO manager takes the domains' identities as its configuration."""

    ids: dict[str, list[str]]
    own: list[str] = []
    texts: list[str] = []
    raws: list[str] = []


def id_digest(domain: str, player_id: str, key: bytes = b"") -> str:
    """The SHA-256 of the domain and a player's id (or name), keyed by `key` (HMAC-SHA-256) when given: what the
    register keeps of it (`register_key`); unkeyed, a digest held in memory only, to find names in a text."""
    text = f"{domain}\0{player_id}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest() if key else hashlib.sha256(text).hexdigest()


def register_path(data_dir: str | Path) -> Path:
    return state_path(data_dir, REGISTER)


def register_key(register: Path) -> bytes:
    """The secret key of `register`'s digests, made the first time (32 random bytes, the file readable by its owner
    only); empty for a register written before registers were keyed, whose digests stay unkeyed."""
    if register.exists() and not json.loads(register.read_text()).get("keyed"):
        return b""
    path = register.with_name(KEY)
    register.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def entries(register: Path) -> list[dict]:
    return json.loads(register.read_text())["players"] if register.exists() else []


def tokens(register: Path, domain: str) -> dict[str, str]:
    """The deleted players of `domain` in `register`: id digest → token (none when the file does not exist)."""
    return {entry["id_sha256"]: entry["token"] for entry in entries(register) if entry["domain"] == domain}


def name_tokens(register: Path, domain: str) -> dict[str, str]:
    """The names of the deleted players of `domain`: name digest → token."""
    return {name: entry["token"] for entry in entries(register) if entry["domain"] == domain
            for name in entry.get("names_sha256", [])}


def deleted_ids(register: Path, domain: str, ids: list[str]) -> set[str]:
    """Those of `ids` that name a deleted player of `domain`."""
    held = tokens(register, domain)
    if not held:
        return set()
    key = register_key(register)
    return {value for value in ids if id_digest(domain, value, key) in held}


def enter(register: Path, domain: str, player_id: str, names: Iterable[str] = ()) -> str:
    """Record `player_id` of `domain` as deleted, with the `names` they were known by (each once): their token,
    new or the one they already had. The caller writes the register alone (`deletion.delete_player` holds its
    lock)."""
    key = register_key(register)
    held = entries(register)
    digest = id_digest(domain, player_id, key)
    entry = next((e for e in held if e["domain"] == domain and e["id_sha256"] == digest), None)
    if entry is None:
        entry = {"domain": domain, "id_sha256": digest, "token": f"{TOKEN_PREFIX}{secrets.token_hex(8)}"}
        held.append(entry)
    entry["names_sha256"] = sorted({*entry.get("names_sha256", []), *(id_digest(domain, n, key) for n in names if n)})
    write_state_file(register, json.dumps({"keyed": bool(key), "players": held}, indent=1, sort_keys=True) + "\n")
    return entry["token"]


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
