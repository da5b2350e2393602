"""The register of deleted players, which every writer consults, and the columns of a domain that name a player.

A deleted player is recorded in `<data_dir>/state/deletions.json` by domain and the keyed SHA-256 (HMAC) of their
id (never the id itself) under a secret key of the data folder (`state/deletions.key`, made once, readable by its
owner only), so that the register cannot be reversed by hashing every id a platform gives out (Steam ids are a few
billion numbers); with the token that stands for them from then on (`deleted:<16 hex digits>`). What a writer does
with it, a frame or a text without them, is `redaction`'s."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

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
