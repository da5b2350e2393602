"""Where the API's Rocket League files land and wait: the landing day of a game, the hidden folder uploads are
received in and wait in, parsed, to land (`landing/rocket/.uploads/`), the landing of an upload (a hard link into
`landing/rocket/<day>/`, the landing sensor's folder) and of the uploads a stopped server left, and the one-line
files a logged training session or a stated rank lands as; and the uploads not yet served."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from gamestats_assets.lib.intake.quarantine import quarantine_file
from gamestats_assets.serve.core.parse_ahead import AheadParser
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.queries import service
from gamestats_assets.sources.replays.claims import InconsistentReplay
from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone
from gamestats_assets.sources.replays.parsed import discard

DOMAIN = "rocket"


def landing_day(settings: ServeSettings, played_at: dt.datetime) -> str:
    """The landing folder's day of a game played at `played_at`: that day (UTC, the calendar's) when it is a day
    of the platform's history, today included (as the ballchasing discovery lands a replay), else today. The
    rocket calendar holds today, so the landing sensor runs the upload at once."""
    today = dt.datetime.now(dt.UTC).date()
    day = played_at.astimezone(dt.UTC).date() if played_at.tzinfo else played_at.date()
    return (day if dt.date.fromisoformat(settings.start_date) <= day <= today else today).isoformat()


def uploads_folder(settings: ServeSettings) -> Path:
    """Where uploads are received and wait, parsed, to land: a hidden folder the landing sensor does not read."""
    return settings.data_dir / "landing" / DOMAIN / ".uploads"


def landing_target(settings: ServeSettings, match_id: str, played_at: dt.datetime) -> Path:
    """Where the upload of `match_id` lands: where a file of that game already landed, else its day's folder."""
    return landed(settings, match_id) or (settings.data_dir / "landing" / DOMAIN / landing_day(settings, played_at)
                                          / f"{match_id}.replay")


def held_file(settings: ServeSettings, match_id: str, target: Path | None = None,
              staged: Path | None = None) -> Path | None:
    """The file that holds the game `match_id`: its landing file (`target` when known) or its upload waiting to
    land; None when neither is there."""
    for path in (target or landed(settings, match_id), staged or uploads_folder(settings) / f"{match_id}.replay"):
        if path is not None and path.exists():
            return path
    return None


async def land(ahead: AheadParser, staged: Path, target: Path, key: str | None) -> None:
    """Land the upload waiting at `staged` (parsed ahead under `key`, None when its parse failed) at `target`; a file
    of that game landed meanwhile is kept, and this parse discarded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(staged, target)
    except FileExistsError:
        discard(ahead.folder, [key] if key else [])
    staged.unlink(missing_ok=True)


async def land_waiting_uploads(settings: ServeSettings, ahead: AheadParser) -> None:
    """Land the uploads a stopped server answered but had not landed, parsed again, and remove uploads it was still
    receiving; one whose header its stream contradicts (a parse of an earlier version took it) goes to quarantine
    with the reason."""
    for path in sorted(uploads_folder(settings).glob("*")):
        if path.suffix != ".replay":
            path.unlink(missing_ok=True)
            continue
        try:
            played_at = read_header_alone(path).played_at
            key = await ahead.parse(path)
        except InconsistentReplay as forged:
            quarantine_file(settings.data_dir / "quarantine", path, DOMAIN, landing_day(settings, played_at),
                            str(forged))
            continue
        except ReplayParseError:
            path.unlink(missing_ok=True)
            continue
        await land(ahead, path, landing_target(settings, path.stem, played_at), key)


def landed(settings: ServeSettings, match_id: str) -> Path | None:
    """The landing file of the uploaded game `match_id`, None when none is there (an upload waiting to land is not
    there yet)."""
    return next((path for path in (settings.data_dir / "landing" / DOMAIN).glob(f"*/{match_id}.replay")
                 if not path.parent.name.startswith(".")), None)


def land_line(settings: ServeSettings, day: str, prefix: str, key: str, line: dict) -> str:
    """Land `line` as the one-line file `<prefix>_<key>.jsonl` of `day`'s landing folder, whole or not at all (a
    hidden partial file renamed), for the landing sensor to run as a dropped file; the folder, under the data
    folder."""
    folder = settings.data_dir / "landing" / DOMAIN / day
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{prefix}_{key}.jsonl"
    partial.write_text(json.dumps(line) + "\n")
    os.replace(partial, folder / f"{prefix}_{key}.jsonl")
    return str(Path("landing") / DOMAIN / day)


def waiting_uploads(settings: ServeSettings, reader: Reader) -> int:
    """Replays uploaded through the API not yet served: received and not landed, or landed under their match id and
    not yet in the published `rocket.matches`."""
    received = sum(1 for path in uploads_folder(settings).glob("*.replay"))
    landed = [path.stem for path in (settings.data_dir / "landing" / DOMAIN).glob("*/*.replay")
              if not path.parent.name.startswith(".")]
    if not landed:
        return received
    served = reader.uncached(lambda conn: service.published_matches(conn, landed)).data
    return received + len(landed) - served
