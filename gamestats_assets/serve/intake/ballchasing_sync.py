"""What a player's own ballchasing.com key does, kept in step by the server (issue 94): their uploads sent there
(`ballchasing_sends.py`) and their uploads there imported (`ballchasing_own.py`). Right after an upload lands, and
right after a profile's key is written (its failed sends tried again, its games looked at), then on every pass of
`keep_in_step` (every `SYNC_INTERVAL_SECONDS`, the sends ballchasing did not take yet and every keyed account's new
games). The server holds the secret keys that open a profile's key, and its background runs never delay an answer;
the landed files are run by the landing sensor as any import's are."""

from __future__ import annotations

import asyncio
import logging
import threading

from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.sealed import NoSecretKey, Sealer, Unreadable
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.ballchasing_own import import_own
from gamestats_assets.serve.intake.ballchasing_sends import FAILED, WAITING, notes, send, send_account
from gamestats_assets.serve.queries.users import keyed_accounts

SYNC_INTERVAL_SECONDS = 600
"""How often the server sends what waits and looks at every keyed account's ballchasing uploads."""
PASSES = threading.Lock()
"""One pass at a time in this process: a profile's write and the loop's pass never send or land the same twice."""
LOG = logging.getLogger(__name__)


def sync(settings: ServeSettings, sealer: Sealer, account: str | None = None) -> None:
    """One pass over every keyed account (or `account` alone, its failed sends tried again too): its sends that
    wait sent, its new ballchasing games landed; the waiting sends of accounts that keep no key any more dropped."""
    with PASSES:
        one_pass(settings, sealer, account)


def one_pass(settings: ServeSettings, sealer: Sealer, account: str | None) -> None:
    """`sync`'s pass, the process's only one."""
    with connect(settings.pg_url) as conn:
        keyed = keyed_accounts(conn, account)
    for row in keyed:
        try:
            key = sealer.open(row["ballchasing_key_sealed"])
        except (Unreadable, NoSecretKey) as error:
            LOG.warning(f"account {row['name']}'s ballchasing key cannot be opened: {error}")
            continue
        send_account(settings, sealer, row["name"], key, (WAITING, FAILED) if account else (WAITING,))
        try:
            import_own(settings, Principal(row["name"], row["role"], tuple(row["player_ids"])), key)
        except ApiError as error:
            LOG.warning(f"account {row['name']}'s ballchasing uploads were not looked at: {error}")
    if account is None:
        names = {row["name"] for row in keyed}
        for match_id, note in notes(settings).items():
            if note["account"] not in names and note["state"] == WAITING:
                send(settings, sealer, match_id)


async def keep_in_step(settings: ServeSettings, sealer: Sealer) -> None:
    """Run `sync` every `SYNC_INTERVAL_SECONDS` in a worker thread, a failed pass logged, until cancelled."""
    while True:
        await asyncio.sleep(SYNC_INTERVAL_SECONDS)
        try:
            await asyncio.to_thread(sync, settings, sealer)
        except Exception:  # a pass that fails is taken again on the next; the server keeps serving
            LOG.exception("the ballchasing pass failed")
