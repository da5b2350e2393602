"""A player's data deleted at their own or an operator's request (`gamestats players delete`, `DELETE
/api/v1/players/{domain}/{player_id}`).

In this order: the player is entered in the register with the names the lake and their files give them
(`state/deletions.json`, only digests, so that from then on no run writes them to the lake again: a rerun, a
backfill, a file delivered again, a roster naming them); their landing and quarantine files are rewritten with
their token or retired (`landing_erasure`), and the uploads parsed ahead of their run dropped (their run parses
them again, under the register); every Delta table of the domain is redacted and its history dropped
(`lake/erasure`), the warehouse's views pointed at what is left; Dagster's instance loses their tracked-player
partition key, names their backfills and runs by the token and has their id and names replaced by it in every
text it stored (`dagster_erasure`); PostgreSQL's tables of the domain are redacted, the accounts unlinked and the
deletion recorded in `gamestats_api.player_deletions`, in one transaction (`publish/erasure`).

What is kept of shared data: the games. A game holds other players, whose figures are computed over it (a match's
score, same-rank peers, a champion's win rate), so the deleted player's rows in a game are kept under their token
(`deleted:<hex>`, the same in every table, tied to nothing but the register's SHA-256 of the id); the tables
whose grain is the player (their profile, skills, predictions, recommendations, sessions, roster rows) lose their
rows. The domains of a synthetic population (`l2m`, `demo_data`) have no players to delete."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import dagster as dg

from gamestats_assets.lib.core.erasure import IDENTITIES, enter, id_digest, register_path
from gamestats_assets.lib.intake.dagster_erasure import erase_from_instance
from gamestats_assets.lib.intake.file_rows import ahead_path
from gamestats_assets.lib.intake.landing_erasure import PlayersOf, Redaction, erase_from_landing
from gamestats_assets.lib.lake.erasure import erase_from_lake, names_in_lake
from gamestats_assets.lib.publish.erasure import erase_from_postgres
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.lib.publish.warehouse import refresh_views

PLAYER_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")


class DeletionRefused(ValueError):
    """A deletion that cannot be done as asked, with the reason."""


def check_request(domain: str, player_id: str) -> None:
    """`DeletionRefused` unless `domain` has players and `player_id` can be one."""
    if domain not in IDENTITIES:
        raise DeletionRefused(f"domain {domain!r} has no players to delete (its accounts are a synthetic population); "
                              f"players are deleted in {', '.join(IDENTITIES)}")
    if not PLAYER_ID.match(player_id) or player_id.strip() != player_id:
        raise DeletionRefused("a player id is 1 to 128 characters, no control characters, no surrounding spaces")


def delete_player(data_dir: Path, lake_root: str, pg_url: str, domain: str, player_id: str, requested_by: str,
                  players_of: PlayersOf, instance: dg.DagsterInstance) -> dict:
    """Delete `player_id` of `domain` from the landing files, the lake, Dagster's `instance` and PostgreSQL, as
    `requested_by` asked: the deletion as recorded (its id, token, time and what it changed)."""
    check_request(domain, player_id)
    if "://" in lake_root:
        raise DeletionRefused(f"the lake at {lake_root} is on object storage: deleting a player there is not "
                              "supported yet")
    data_dir, register = Path(data_dir), register_path(Path(data_dir))
    names = names_in_lake(lake_root, domain, player_id)
    redaction = Redaction(player_id, enter(register, domain, player_id, names), domain, names)
    counts = erase_from_landing(data_dir, redaction, players_of)
    shutil.rmtree(ahead_path(data_dir, domain), ignore_errors=True)
    token = enter(register, domain, player_id, redaction.names)
    counts["lake_rows"] = erase_from_lake(lake_root, domain, player_id, token, redaction.names)
    counts["warehouse_views_refreshed"] = refresh_views(data_dir / "warehouse.duckdb", lake_root, domain)
    counts["dagster"] = erase_from_instance(instance, domain, player_id, token, redaction.names)
    with connect(pg_url) as conn, conn.transaction():
        counts["published_rows"] = erase_from_postgres(conn, domain, player_id, token, redaction.names)
        deletion_id, requested_at = conn.execute(
            "INSERT INTO gamestats_api.player_deletions (domain, id_sha256, token, requested_by, counts) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING deletion_id, requested_at",
            (domain, id_digest(domain, player_id), token, requested_by, json.dumps(counts))).fetchone()
    return {"deletion_id": deletion_id, "domain": domain, "token": token, "requested_by": requested_by,
            "requested_at": requested_at.astimezone(dt.timezone.utc), "counts": counts}
