"""Where the API's Rocket League files land and wait, all through the domain's door (`lib/intake/door.py`): the
landing day of a game, the hidden folder uploads are received in and wait in to land (`.uploads`, which no run
reads), the landing of an upload and of the uploads a stopped server left, and the one-line files a logged training
session or a stated rank lands as; and the uploads not yet served."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from gamestats_assets.lib.intake.door import Door, Landed
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.queries import service

DOMAIN = "rocket"
UPLOADS = ".uploads"
"""The hidden folder of the domain's landing folder where uploads are received and wait to land."""
IMPORTS = "imports"
"""The kind of the door's notes of which ballchasing file an import by id landed for a game (`imported`)."""


def door_of(settings: ServeSettings) -> Door:
    """The door of the Rocket League landing folder of the server's data folder."""
    return Door.of(settings.data_dir, DOMAIN)


def landing_day(settings: ServeSettings, played_at: dt.datetime) -> str:
    """The landing folder's day of a game played at `played_at`: that day (UTC, the calendar's) when it is a day
    of the platform's history, today included (as the ballchasing discovery lands a replay), else today. The
    rocket calendar holds today, so the landing sensor runs the upload at once."""
    today = dt.datetime.now(dt.UTC).date()
    day = played_at.astimezone(dt.UTC).date() if played_at.tzinfo else played_at.date()
    return (day if dt.date.fromisoformat(settings.start_date) <= day <= today else today).isoformat()


def uploads_folder(settings: ServeSettings) -> Path:
    """Where uploads are received and wait to land: a hidden folder the landing sensor does not read."""
    return door_of(settings).place(UPLOADS)


def waiting(settings: ServeSettings, match_id: str) -> Path:
    """Where the upload of `match_id` waits to land."""
    return door_of(settings).place(UPLOADS, f"{match_id}.replay")


def landing_parts(settings: ServeSettings, match_id: str, played_at: dt.datetime) -> tuple[str, str]:
    """Where (inside the landing folder) the upload of `match_id` lands: where a file of that game already landed,
    else its day's folder."""
    held = landed(settings, match_id)
    return (held.parent.name if held else landing_day(settings, played_at)), f"{match_id}.replay"


def held_file(settings: ServeSettings, match_id: str) -> Path | None:
    """The file that holds the game `match_id`: its landing file or its upload waiting to land; None when neither
    is there."""
    return landed(settings, match_id) or (path if (path := waiting(settings, match_id)).exists() else None)


def landed(settings: ServeSettings, match_id: str) -> Path | None:
    """The landing file of the uploaded game `match_id`, None when none is there (an upload waiting to land is not
    there yet)."""
    return door_of(settings).found(f"*/{match_id}.replay")


def imported(settings: ServeSettings, match_id: str) -> Path | None:
    """The landing file an import of `match_id` wrote (whether it is still there or not), None when no import did:
    its game answers `processing` until its day is published, `failed` when its run quarantined it."""
    where = door_of(settings).noted(IMPORTS, match_id)
    return settings.data_dir / where if where is not None else None


def land_line(settings: ServeSettings, day: str, prefix: str, key: str, line: dict,
              players: tuple[str, ...] = ()) -> str:
    """Land `line` as the one-line file `<prefix>_<key>.jsonl` of `day`'s landing folder through the door (whole
    or not at all; `NamesDeletedPlayer` when one of `players` was deleted at their request), for the landing
    sensor to run as a dropped file; the folder, under the data folder."""
    done: Landed = door_of(settings).land((day, f"{prefix}_{key}.jsonl"), json.dumps(line) + "\n", players=players)
    return str(done.path.parent.relative_to(settings.data_dir))


def waiting_uploads(settings: ServeSettings, reader: Reader) -> int:
    """Replays uploaded through the API not yet served: received and not landed, or landed under their match id and
    not yet in the published `rocket.matches`."""
    door = door_of(settings)
    received = sum(1 for _ in uploads_folder(settings).glob("*.replay"))
    landed_ids = [path.stem for path in door.folder.glob("*/*.replay") if not path.parent.name.startswith(".")]
    if not landed_ids:
        return received
    served = reader.uncached(lambda conn: service.published_matches(conn, landed_ids)).data
    return received + len(landed_ids) - served
