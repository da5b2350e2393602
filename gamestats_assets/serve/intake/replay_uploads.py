"""A raw Rocket League replay uploaded, in two halves. Before its answer, what its header, its size and its
sections' CRCs decide (`accept`): a Rocket League replay (415), whole (422), of one of the account's players (403),
naming no player deleted at their request (422), not a game held already (the same file: 200; another file of the
game, or the same game under another match id: 409, held for the operator); the upload then waits in
`landing/rocket/.uploads/` and is answered 202. After its answer, what its full parse decides (`land_upload`): the
parse (kept for its day's run, which takes it instead of parsing again) refuses a header its stream contradicts, and
the door quarantines the file with the reason, which `GET /replays/{id}` answers as `refused`; else the door lands
it in its day's folder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from gamestats_assets.lib.core.landing_records import Content
from gamestats_assets.lib.intake.door import DUPLICATE, KEPT, QUARANTINED, Door, NamesDeletedPlayer, TooLarge
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.parse_ahead import AheadParser
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.held_games import GAMES, body_digest, hold
from gamestats_assets.serve.intake.rocket_landing import (
    UPLOADS,
    door_of,
    held_file,
    landing_parts,
    uploads_folder,
    waiting,
)
from gamestats_assets.sources.replays.claims import InconsistentReplay
from gamestats_assets.sources.replays.header import ReplayHeader, ReplayParseError, read_header_alone
from gamestats_assets.sources.replays.parsed import discard
from gamestats_assets.sources.replays.sections import DamagedReplay, check_sections

FOLLOW = "/api/v1/rocket/replays"
HEX_DIGITS = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Accepted:
    """An upload answered 202: its match id, its header and where it lands (inside the landing folder)."""

    match_id: str
    header: ReplayHeader
    parts: tuple[str, str]


async def accept(request: Request, settings: ServeSettings, who: Principal) -> Accepted | JSONResponse:
    """The upload of `request`'s body received and checked by what its header, size and CRCs decide: `Accepted`
    (it waits to land), a 200 answer (this very file is held), or the `HTTPException` refusing it."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise HTTPException(413, f"a replay is at most {settings.max_upload_bytes} bytes")
    door = door_of(settings)
    try:
        partial = await door.receive(request.stream(), settings.max_upload_bytes, UPLOADS)
    except TooLarge:
        raise HTTPException(413, f"a replay is at most {settings.max_upload_bytes} bytes") from None
    try:
        return checked(settings, door, partial, who)
    finally:
        partial.unlink(missing_ok=True)


def checked(settings: ServeSettings, door: Door, partial: Path, who: Principal) -> Accepted | JSONResponse:
    """What the header, the size and the CRCs of the upload received at `partial` decide (`accept`)."""
    try:
        header = read_header_alone(partial)
    except ReplayParseError as error:
        raise HTTPException(415, f"not a Rocket League replay: {str(error).split(': ', 1)[-1]}") from None
    match_id = header.match_id.lower()
    if len(match_id) != 32 or not set(match_id) <= HEX_DIGITS:
        raise HTTPException(415, "not a Rocket League replay: its header has no match id")
    if not who.acts_for_any((player.player_id, player.platform) for player in header.players):
        raise HTTPException(403, f"account {who.name} acts for none of this replay's players")
    data = partial.read_bytes()
    try:
        check_sections(data)
    except DamagedReplay as damage:
        raise HTTPException(422, f"not a whole replay of match {match_id}: {damage}; nothing landed") from None
    held = held_file(settings, match_id)
    if held is not None and held.read_bytes() == data:
        return already_held(str(held.relative_to(settings.data_dir)), match_id)
    if held is None and (copy := door.copy_of(Content(partial))) is not None:
        return already_held(copy, match_id)
    name, players = f"{match_id}.replay", [player.player_id for player in header.players]
    try:
        door.admit((UPLOADS, name), players)
    except NamesDeletedPlayer:
        raise HTTPException(422, f"match {match_id} names a player deleted at their request, whom no format lets "
                                 "a raw replay be written without; nothing landed") from None
    game = body_digest(data)
    other = door.noted(GAMES, game)
    if held is None and other not in (None, match_id) and (held_as := held_file(settings, other)) is not None:
        raise contended(settings, data, match_id, other, held_as,
                        f"the same game as match {other} (its stream, under another header)", who)
    if held is None:
        waits = door.land((UPLOADS, name), data, players=players)
        if waits.outcome == DUPLICATE:
            return already_held(str(waits.path.relative_to(settings.data_dir)), match_id)
        held = waits.path if waits.outcome == KEPT else None
    if held is not None:
        raise contended(settings, data, match_id, match_id, held, f"another file of match {match_id}", who)
    door.note(GAMES, game, match_id)
    return Accepted(match_id, header, landing_parts(settings, match_id, header.played_at))


def answered(settings: ServeSettings, accepted: Accepted) -> dict:
    """The 202's body of an upload accepted."""
    return {"id": accepted.match_id, "status": "processing",
            "landed": str(door_of(settings).place(*accepted.parts).relative_to(settings.data_dir)),
            "already_uploaded": False, "played_at": accepted.header.played_at.isoformat(),
            "players": len(accepted.header.players), "follow": f"{FOLLOW}/{accepted.match_id}"}


async def land_upload(settings: ServeSettings, ahead: AheadParser, match_id: str, day: str) -> None:
    """Parse the upload of `match_id` waiting to land (the parse kept for its day's run) and hand it to the door:
    a header its stream contradicts is quarantined with the reason (the game's note forgotten), else it lands in
    `day`'s folder; a file of that game landed meanwhile is kept, and this parse discarded."""
    door, path = door_of(settings), waiting(settings, match_id)
    game, key, reason = body_digest(path.read_bytes()), None, None
    try:
        key = await ahead.parse(path)
    except InconsistentReplay as forged:
        reason = f"refused when parsed after its upload: {forged}"
    done = door.land((day, path.name), path, check=lambda _: reason, partition=day)
    if done.outcome == QUARANTINED and door.noted(GAMES, game) == match_id:
        door.forget(GAMES, game)
    if not done.in_place:
        discard(ahead.folder, [key] if key else [])


async def land_waiting_uploads(settings: ServeSettings, ahead: AheadParser) -> None:
    """Land the uploads a stopped server answered but had not landed (parsed, then handed to the door as any
    upload is), and remove the uploads it was still receiving and files that are no replay."""
    for path in sorted(uploads_folder(settings).glob("*")):
        try:
            played_at = read_header_alone(path).played_at if path.suffix == ".replay" else None
        except ReplayParseError:
            played_at = None
        if played_at is None:
            path.unlink(missing_ok=True)
            continue
        await land_upload(settings, ahead, path.stem, landing_parts(settings, path.stem, played_at)[0])


def already_held(where: str, match_id: str) -> JSONResponse:
    """200: the upload of `match_id` is the very file held `where` (under the data folder, or retired), which
    nothing changes."""
    return JSONResponse({"id": match_id, "status": "already uploaded", "landed": where, "already_uploaded": True,
                         "follow": f"{FOLLOW}/{match_id}"}, status_code=200)


def contended(settings: ServeSettings, data: bytes, match_id: str, held_match_id: str, held: Path, reason: str,
              who: Principal) -> HTTPException:
    """The 409 to the upload of `match_id` (its bytes `data`) that is not the file holding its game (`held`, of
    `held_match_id`): the one held is kept, and the upload is kept for the operator to settle (`held_games.hold`)."""
    where = str(held.relative_to(settings.data_dir))
    conflict = hold(door_of(settings), data, match_id, held_match_id, where, reason, f"account:{who.name}",
                    dt.datetime.now(dt.UTC))
    return HTTPException(409, f"{reason} is already held ({where}); it is kept, not replaced, and this upload is held "
                              f"for the operator as conflict {conflict.conflict_id}: GET {FOLLOW}/{held_match_id} "
                              "follows the game held")
