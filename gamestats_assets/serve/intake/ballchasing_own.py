"""A player's own ballchasing.com games imported by themselves (issue 94): with their key in their profile (which
is written only after their consent), the replays they uploaded to ballchasing (`GET /replays?uploader=me`, paged,
with their key and its limits) are each landed as an import by id lands one (`routes/rocket/imports.py`):
`landing/rocket/<day>/ballchasing/<id>.json` with its raw replay beside it, or why that could not be had, noted for
`GET /replays/{id}`, for the landing sensor to run. As for an import by id, only a game one of the account's players
played, naming no player deleted at their request and not held for the operator as a conflict, lands; a replay
landed already, read before, or sent there from this server (`ballchasing_sends.py`) is not landed again. The
door's note `state/ballchasing_own/rocket/<digest of the account's name>` keeps when their uploads were last looked
at in full; a look cut short by ballchasing (429, 5xx, a replay it is still processing) or by `MAX_PER_PASS` is
taken again from the same time, the replays landed meanwhile skipped without asking ballchasing again."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from gamestats_assets.lib.core.inputs import UnreadableInput, UnsafePath
from gamestats_assets.lib.core.landing_records import Content
from gamestats_assets.lib.intake.door import LANDED, NamesDeletedPlayer
from gamestats_assets.lib.intake.http import ApiClient, ApiError, RetryableError
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.ballchasing_sends import SENT, notes
from gamestats_assets.serve.intake.held_games import conflicts
from gamestats_assets.serve.intake.rocket_landing import IMPORTS, door_of, landing_day
from gamestats_assets.sources.ballchasing.client import LANDING_FOLDER, replay_id_of, replay_json
from gamestats_assets.sources.ballchasing.own_key import own_client, own_replays
from gamestats_assets.sources.ballchasing.replay_file import land_replay_file, with_file_fate
from gamestats_assets.sources.ballchasing.replay_json import BallchasingFormatError, parse_replay_json

OWN = "ballchasing_own"
"""The kind of the door's notes of when an account's ballchasing uploads were last looked at in full."""
MAX_PER_PASS = 100
"""The replays one look fetches at most, so that a long history (ballchasing allows a regular key 500 requests an
hour) is landed over several passes rather than holding one for hours; the next look goes on where it stopped."""
LOG = logging.getLogger(__name__)


class Unsettled(Exception):
    """A replay to look at again on the next pass (ballchasing still processing it, or its game held as a
    conflict)."""


def looked_key(account: str) -> str:
    """The name of `account`'s note of its last full look (`OWN`): a digest of its name."""
    return hashlib.blake2b(account.encode(), digest_size=16).hexdigest()


def import_own(settings: ServeSettings, who: Principal, key: str) -> list[str]:
    """Land every replay `who` uploaded to ballchasing (with their `key`) since their last full look: the files
    landed, under the data folder. ballchasing's failures end the look early, to be taken again from the same time;
    a key it refuses raises `ApiError`."""
    door, started = door_of(settings), dt.datetime.now(dt.UTC)
    looked = looked_key(who.name)
    last = door.noted(OWN, looked)
    sent = {note.get("ballchasing_id") for note in notes(settings).values() if note["state"] == SENT}
    landed, whole, fetched = [], True, 0
    client = own_client(key)
    try:
        for entry in own_replays(client, dt.datetime.fromisoformat(last) if last else None):
            if fetched == MAX_PER_PASS:
                whole = False
                break
            try:
                replay_id = replay_id_of(entry)
            except UnsafePath as error:
                LOG.warning(f"skipped a replay ballchasing listed for account {who.name}: {error}")
                continue
            if replay_id in sent or door.found(f"*/{LANDING_FOLDER}/{replay_id}.json") is not None:
                continue
            fetched += 1
            try:
                if (where := land_own(settings, client, who, replay_id)) is not None:
                    landed.append(where)
            except Unsettled as why:
                LOG.info(f"replay {replay_id} of account {who.name} waits for the next pass: {why}")
                whole = False
    except RetryableError as error:
        LOG.warning(f"the look at account {who.name}'s ballchasing uploads stopped early: {error}")
        whole = False
    finally:
        client.close()
    if whole:
        door.note(OWN, looked, started.isoformat())
    return landed


def land_own(settings: ServeSettings, client: ApiClient, who: Principal, replay_id: str) -> str | None:
    """Land the ballchasing replay `replay_id` of `who` as an import by id lands it: where it landed, None when it
    is not theirs to land (no player of theirs, a deleted player named, no game said, read before); `Unsettled`
    when it is to be looked at again."""
    door = door_of(settings)
    try:
        document = client.get_json(f"/replays/{replay_id}")
    except RetryableError:
        raise
    except (ApiError, UnreadableInput, ValueError) as error:
        LOG.warning(f"ballchasing did not give replay {replay_id}: {error}")
        return None
    if not isinstance(document, dict) or document.get("status") == "pending":
        raise Unsettled("ballchasing is still processing it")
    try:
        game = parse_replay_json(document)
    except (BallchasingFormatError, KeyError, TypeError, ValueError) as error:
        LOG.warning(f"ballchasing replay {replay_id} does not say what game it is ({error})")
        return None
    if not who.acts_for_any((player.player_id, player.platform) for player in game.players):
        return None
    parts, text = (landing_day(settings, game.played_at), LANDING_FOLDER, f"{replay_id}.json"), replay_json(document)
    try:
        door.admit(parts, [player.player_id for player in game.players])
    except NamesDeletedPlayer:
        return None
    if any(game.match_id in (c.match_id, c.held_match_id) for c in conflicts(settings.data_dir)):
        raise Unsettled(f"its game {game.match_id} is held for the operator as a conflict")
    if door.copy_of(Content(text.encode())) is not None:
        return None
    missing = land_replay_file(client, door, parts[0], replay_id, game.match_id)
    done = door.land(parts, replay_json(with_file_fate(document, missing)))
    if done.outcome != LANDED:
        return None
    where = str(done.path.relative_to(settings.data_dir))
    door.note(IMPORTS, game.match_id, where)
    return where
