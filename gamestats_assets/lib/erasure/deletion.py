"""A player's data deleted at their own or an operator's request (`gamestats players delete`, `DELETE
/api/v1/players/{domain}/{player_id}`).

One deletion at a time, across the threads and processes of the platform (a lock on `state/deletions.lock`), for
the player of a domain that holds them (in its lake, its published tables, its landing or quarantine files, or its
register already): a deletion in a domain that holds nothing of the id is refused and changes nothing. Each step
leaves what it did done and can be done again, so a deletion a writer's conflict stopped (a run committing to the
same Delta table, the warehouse held by another writer) is done again from the start, a few times, and one that
still fails says so and is finished by asking again: the player stays in the register meanwhile.

In this order: the player is entered in the register with the names the lake and their files give them
(`state/deletions.json`, only keyed digests, so that from then on no run writes them to the lake again: a rerun, a
backfill, a file delivered again, a roster naming them); their landing and quarantine files are rewritten with
their token or retired (`landing`), and the uploads parsed ahead of their run dropped (their run parses
them again, under the register); every Delta table of the domain is redacted and its history dropped
(`lake`), the warehouse's views pointed at what is left; Dagster's instance loses their tracked-player
partition key, names their backfills and runs by the token and has their id and names replaced by it in every
text it stored (`instance`); PostgreSQL's tables of the domain are redacted, the accounts unlinked and the
deletion recorded in `gamestats_api.player_deletions`, in one transaction (`postgres`).

What is kept of shared data: the games. A game holds other players, whose figures are computed over it (a match's
score, same-rank peers, a champion's win rate), so the deleted player's rows in a game are kept under their token
(`deleted:<hex>`, the same in every table, tied to nothing but the register's SHA-256 of the id); the tables
whose grain is the player (their profile, skills, predictions, recommendations, sessions, roster rows) lose their
rows. The domains with players are those the caller names with their `Identity` (the columns that name a player);
the others' accounts are a synthetic population, with no players to delete."""

from __future__ import annotations

import datetime as dt
import fcntl
import itertools
import json
import re
import shutil
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import psycopg
from deltalake.exceptions import CommitFailedError
from psycopg import sql

from gamestats_assets.lib.core.landing_records import ahead_path
from gamestats_assets.lib.core.state_files import state_path
from gamestats_assets.lib.erasure.instance import erase_from_instance
from gamestats_assets.lib.erasure.lake import domain_tables, erase_from_lake, names_in_lake
from gamestats_assets.lib.erasure.landing import PlayersOf, Redaction, erase_from_landing, files_naming
from gamestats_assets.lib.erasure.postgres import erase_from_postgres, text_columns
from gamestats_assets.lib.erasure.register import Identity, deleted_ids, enter, id_digest, register_key, register_path
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.lib.publish.warehouse import refresh_views

PLAYER_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")
ATTEMPTS = 5
"""How many times a deletion a writer's conflict stopped is done again before it says so."""
CONFLICTS = (CommitFailedError, duckdb.IOException, duckdb.TransactionException,
             psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected, psycopg.errors.LockNotAvailable)
"""What another writer at the same moment raises: a Delta commit conflict, the warehouse or a row held."""


class DeletionRefused(ValueError):
    """A deletion that cannot be done as asked, with the reason."""


class NothingToDelete(DeletionRefused):
    """A deletion in a domain that holds nothing of the player id (another domain's id, say)."""


class DeletionIncomplete(RuntimeError):
    """A deletion stopped by other writers `ATTEMPTS` times: the player stays in the register, asking again finishes
    it."""


def check_request(players: Mapping[str, Identity], domain: str, player_id: str) -> None:
    """`DeletionRefused` unless `domain` has players (is one of `players`) and `player_id` can be one."""
    if domain not in players:
        raise DeletionRefused(f"domain {domain!r} has no players to delete (its accounts are a synthetic population); "
                              f"players are deleted in {', '.join(players)}")
    if not PLAYER_ID.match(player_id) or player_id.strip() != player_id:
        raise DeletionRefused("a player id is 1 to 128 characters, no control characters, no surrounding spaces")


@contextmanager
def one_at_a_time(data_dir: Path):
    """Hold the lock of deletions (`state/deletions.lock`) for the block: every other deletion, of any thread or
    process over the same data folder, waits for it."""
    lock = state_path(data_dir, "deletions.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def in_lake(lake_root: str, domain: str, identity: Identity, player_id: str) -> bool:
    """Whether a Delta table of `domain` has a row of `player_id` in a column naming players (`identity`'s)."""
    for uri in domain_tables(lake_root, domain):
        scan = pl.scan_delta(uri)
        schema = scan.collect_schema()
        columns = [c for c in identity.ids if schema.get(c) == pl.String]
        if columns and scan.filter(pl.any_horizontal(pl.col(c) == player_id for c in columns)).head(1).collect().height:
            return True
    return False


def in_postgres(pg_url: str, domain: str, identity: Identity, player_id: str) -> bool:
    """Whether a table of `domain`'s PostgreSQL schema has a row of `player_id` in a column naming players
    (`identity`'s)."""
    with connect(pg_url) as conn:
        for table, columns in text_columns(conn, domain).items():
            for column in (c for c in identity.ids if c in columns):
                if conn.execute(sql.SQL("SELECT 1 FROM {} WHERE {} = %s LIMIT 1").format(
                        sql.Identifier(domain, table), sql.Identifier(column)), (player_id,)).fetchone():
                    return True
    return False


def in_files(data_dir: Path, domain: str, player_id: str, players_of: PlayersOf) -> bool:
    """Whether a landing or quarantine file of `domain` names `player_id` (`files_naming`)."""
    return next(files_naming(data_dir, domain, player_id, players_of), None) is not None


def check_held(data_dir: Path, lake_root: str, pg_url: str, domain: str, identity: Identity, player_id: str,
               players_of: PlayersOf) -> None:
    """`NothingToDelete` unless `domain` holds `player_id`: in its register already, its lake, its published tables
    or its files."""
    if (deleted_ids(register_path(data_dir), domain, [player_id]) or in_lake(lake_root, domain, identity, player_id)
            or in_postgres(pg_url, domain, identity, player_id)
            or in_files(data_dir, domain, player_id, players_of)):
        return
    raise NothingToDelete(f"{domain} holds nothing of player {player_id!r} (no row, no file): nothing deleted")


def delete_player(data_dir: Path, lake_root: str, pg_url: str, domain: str, player_id: str, requested_by: str,
                  players: Mapping[str, Identity], players_of: PlayersOf, instance: dg.DagsterInstance) -> dict:
    """Delete `player_id` of `domain` from the landing files, the lake, Dagster's `instance` and PostgreSQL, as
    `requested_by` asked, one deletion at a time (`one_at_a_time`), done again when another writer's conflict
    stopped it: the deletion as recorded (its id, token, time and what it changed). `players` are the domains with
    players, each with the columns that name one; `players_of` reads the players of the files that cannot be
    rewritten. `NothingToDelete` when the domain holds nothing of the player, `DeletionIncomplete` when conflicts
    stopped it `ATTEMPTS` times."""
    check_request(players, domain, player_id)
    identity = players[domain]
    if "://" in lake_root:
        raise DeletionRefused(f"the lake at {lake_root} is on object storage: deleting a player there is not "
                              "supported yet")
    data_dir = Path(data_dir)
    with one_at_a_time(data_dir):
        check_held(data_dir, lake_root, pg_url, domain, identity, player_id, players_of)
        names: set[str] = set()
        for attempt in itertools.count(1):
            try:
                return erase(data_dir, lake_root, pg_url, domain, identity, player_id, requested_by, players_of,
                             instance, names)
            except CONFLICTS as conflict:
                if attempt == ATTEMPTS:
                    raise DeletionIncomplete(
                        f"the deletion of player {player_id!r} of {domain} was stopped by other writers {ATTEMPTS} "
                        f"times (last: {type(conflict).__name__}: {conflict}); they stay in the register, so that "
                        "nothing of them is written again: ask again to finish it") from conflict
                time.sleep(0.5 * 2 ** attempt)


def erase(data_dir: Path, lake_root: str, pg_url: str, domain: str, identity: Identity, player_id: str,
          requested_by: str, players_of: PlayersOf, instance: dg.DagsterInstance, names: set[str]) -> dict:
    """One pass of `delete_player`, each step of which can be done again; `names` gathers the names the player was
    found by, over the passes."""
    register = register_path(data_dir)
    names |= names_in_lake(lake_root, domain, identity, player_id)
    redaction = Redaction(player_id, enter(register, domain, player_id, names), domain, names)
    counts = erase_from_landing(data_dir, redaction, players_of)
    shutil.rmtree(ahead_path(data_dir, domain), ignore_errors=True)
    token = enter(register, domain, player_id, redaction.names)
    counts["lake_rows"] = erase_from_lake(lake_root, domain, identity, player_id, token, redaction.names)
    counts["warehouse_views_refreshed"] = refresh_views(data_dir / "warehouse.duckdb", lake_root, domain)
    counts["dagster"] = erase_from_instance(instance, domain, player_id, token, redaction.names)
    with connect(pg_url) as conn, conn.transaction():
        counts["published_rows"] = erase_from_postgres(conn, domain, identity, player_id, token, redaction.names)
        deletion_id, requested_at = conn.execute(
            "INSERT INTO gamestats_api.player_deletions (domain, id_sha256, token, requested_by, counts) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING deletion_id, requested_at",
            (domain, id_digest(domain, player_id, register_key(register)), token, requested_by,
             json.dumps(counts))).fetchone()
    return {"deletion_id": deletion_id, "domain": domain, "token": token, "requested_by": requested_by,
            "requested_at": requested_at.astimezone(dt.timezone.utc), "counts": counts}
