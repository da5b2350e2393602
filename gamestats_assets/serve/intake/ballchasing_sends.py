"""An upload sent on to ballchasing.com with its player's own key (issue 94): once an upload is answered 202 it is
noted as waiting (`offer`, the door's note `state/ballchasing_sends/rocket/<match id>`), and after its parse has
landed it (`land_upload`) it is sent with the key the uploading account's profile keeps (`send`), in the background
of the answer. The note then holds ballchasing's id and address (a 409 "duplicate" names the replay ballchasing held
already, which counts as sent), or why it was not sent: a failure of ballchasing's (429, 5xx, no answer) waits for
the next pass of `keep_in_step`, a refusal (a key it does not take) is kept as failed and tried again when the
profile is written; `GET /api/v1/rocket/replays/{id}/ballchasing` answers the note. An upload refused by its parse,
or of an account without a key, is not sent and its note dropped."""

from __future__ import annotations

import datetime as dt
import json
import logging

import psycopg

from gamestats_assets.lib.core.inputs import UnreadableInput
from gamestats_assets.lib.core.state_files import state_path
from gamestats_assets.lib.intake.http import ApiError, RetryableError
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.core.sealed import NoSecretKey, Sealer, Unreadable
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.rocket_landing import DOMAIN, door_of, landed, waiting
from gamestats_assets.serve.queries.users import keyed_accounts
from gamestats_assets.sources.ballchasing.own_key import own_client, upload

SENDS = "ballchasing_sends"
"""The kind of the door's notes of an upload sent, or to send, to ballchasing (`offer`)."""
WAITING, SENT, FAILED = "waiting", "sent", "failed"
TIMEOUT_SECONDS = 30.0
ATTEMPTS = 2
"""Tries of one send within a pass; a send still failing waits for the next pass."""
LOG = logging.getLogger(__name__)


def offer(settings: ServeSettings, account: str, match_id: str) -> None:
    """Note the upload of `match_id` by `account`, answered 202, as waiting to be sent (whether its profile keeps
    a key is asked once it landed, in the background)."""
    door_of(settings).note(SENDS, match_id, json.dumps({"account": account, "state": WAITING, "tries": 0}))


def sent_note(settings: ServeSettings, match_id: str) -> dict | None:
    """The note of the upload of `match_id` sent, or to send, to ballchasing; None when there is none."""
    text = door_of(settings).noted(SENDS, match_id)
    return json.loads(text) if text is not None else None


def notes(settings: ServeSettings) -> dict[str, dict]:
    """Every upload's note, by match id."""
    folder = state_path(settings.data_dir, SENDS, DOMAIN)
    return {path.name: json.loads(path.read_text()) for path in sorted(folder.glob("*")) if path.is_file()} \
        if folder.is_dir() else {}


def key_of(conn: psycopg.Connection, sealer: Sealer, account: str) -> str | None:
    """The account's own ballchasing key opened, None when its profile keeps none (or it has no consent in
    force); `Unreadable` or `NoSecretKey` when it keeps one no configured secret key opens."""
    found = keyed_accounts(conn, account)
    return sealer.open(found[0]["ballchasing_key_sealed"]) if found else None


def send(settings: ServeSettings, sealer: Sealer, match_id: str, key: str | None = None) -> dict | None:
    """Send the landed upload of `match_id` to ballchasing with its account's key (`key`, else the profile's) unless
    it was sent already: its note as it then stands, None when it is not (yet) to be sent: still waiting to land,
    or not at all (no note, refused by its parse, or its account keeps no key), its note dropped."""
    door, note = door_of(settings), sent_note(settings, match_id)
    if note is None or note["state"] == SENT:
        return note
    path = landed(settings, match_id)
    if path is None:
        if not waiting(settings, match_id).exists():
            door.forget(SENDS, match_id)
        return None
    try:
        if key is None:
            with connect(settings.pg_url) as conn:
                key = key_of(conn, sealer, note["account"])
    except (Unreadable, NoSecretKey) as error:
        return noted(settings, match_id, note, FAILED, why=f"the profile's ballchasing key cannot be opened: {error}")
    if key is None:
        door.forget(SENDS, match_id)
        return None
    client = own_client(key, timeout_s=TIMEOUT_SECONDS, max_attempts=ATTEMPTS)
    try:
        done = upload(client, path.name, path.read_bytes())
    except (RetryableError, UnreadableInput, ValueError) as error:  # a failure, or an answer that is no JSON
        return noted(settings, match_id, note, WAITING, why=f"ballchasing did not take it yet ({error}); "
                                                            "sent again on the next pass")
    except ApiError as error:
        return noted(settings, match_id, note, FAILED, why=f"ballchasing refused it ({error}); sent again when "
                                                           "the profile's key is written")
    finally:
        client.close()
    return noted(settings, match_id, note, SENT, ballchasing_id=done.ballchasing_id, location=done.location,
                 duplicate=done.duplicate)


def noted(settings: ServeSettings, match_id: str, note: dict, state: str, **fields) -> dict:
    """Keep the upload's note in `state` with `fields`, a try more, and when; the note kept."""
    kept = {"account": note["account"], "state": state, "tries": note.get("tries", 0) + 1,
            "at": dt.datetime.now(dt.UTC).isoformat(), **fields}
    door_of(settings).note(SENDS, match_id, json.dumps(kept))
    if state != SENT:
        LOG.warning(f"upload {match_id} not sent to ballchasing: {fields.get('why')}")
    return kept


def send_account(settings: ServeSettings, sealer: Sealer, account: str, key: str | None,
                 states: tuple[str, ...] = (WAITING,)) -> int:
    """Send every landed upload of `account` noted in one of `states` with its `key` (None: the profile's): how many
    were sent."""
    done = 0
    for match_id, note in notes(settings).items():
        if note["account"] == account and note["state"] in states:
            if (after := send(settings, sealer, match_id, key)) and after["state"] == SENT:
                done += 1
    return done
