"""The uploads that contend with a game held, for the operator (base `/api/v1/rocket/conflicts`): listed, and settled
by keeping one of the two files (`held_games` says what a conflict is).

Keeping the file held drops the upload. Keeping the upload moves the file held to quarantine with the reason, so
that the next run of its day takes its rows out, and lands the upload through the door in its day's folder, parsed
ahead (its run takes that parse), its header found to agree with its stream first."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path as PathParam
from pydantic import Field

from gamestats_assets.lib.intake.quarantine import quarantine_file
from gamestats_assets.serve.core.bodies import Body
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.deps import AheadDep, Operator, SettingsDep
from gamestats_assets.serve.intake.held_games import GAMES, body_digest, conflict_of, conflicts, drop
from gamestats_assets.serve.intake.rocket_landing import DOMAIN, door_of, landing_day, landing_parts
from gamestats_assets.sources.replays.claims import InconsistentReplay
from gamestats_assets.sources.replays.header import read_header_alone

router = APIRouter(prefix="/api/v1/rocket/conflicts", tags=["rocket league"])
ConflictId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}-[0-9a-f]{16}$",
                                      description="the conflict (`GET /api/v1/rocket/conflicts`)")]

ConflictRow = shape(
    "RocketConflict", "An upload kept for the operator beside the game it contends with",
    conflict_id=field(str, "the conflict: the upload's match id and a digest of its bytes"),
    match_id=field(str, "the match id the upload's header gives"),
    held_match_id=field(str, "the match id of the game held"),
    held=field(str, "where the game is held, under the data folder (`retired, its rows kept` for a file retired)"),
    reason=field(str, "another file of the match, or the same game (its stream) under another header"),
    received_at=field(str, "when the upload came, ISO 8601"), uploaded_by=field(str, "the account that sent it"))
Conflicts = shape("RocketConflicts", "The conflicts waiting",
                  data=field(list[ConflictRow], "the conflicts, oldest first"))
Settled = shape("RocketConflictSettled", "A conflict settled", conflict_id=field(str, "the conflict"),
                kept=field(str, '"held" or "upload"'),
                landed=field(str | None, "where the upload lands, when kept"),
                quarantined=field(str | None, "where the file held went, when the upload was kept"))


class Settlement(Body):
    """Which of the two files stays: the one `held`, or the `upload`."""

    keep: Literal["held", "upload"] = Field(description="the file that stays: the one `held`, or the `upload`")


@router.get("", response_model=Conflicts, summary="The uploads contending with a game held, oldest first")
def listed(settings: SettingsDep, who: Operator) -> dict:
    """The uploads kept in `landing/rocket/.conflicts/` beside the game each contends with (another file of its match,
    or the same game under another header), oldest first, for the operator to settle."""
    return {"data": [asdict(conflict) for conflict in conflicts(settings.data_dir)]}


@router.post("/{conflict_id}/settle", response_model=Settled,
             summary="Keep the file held, or the upload, of a conflict",
             responses={404: {"description": "no such conflict waits"},
                        422: {"description": "the upload kept is refused by its parse; nothing changed"}})
async def settle(settings: SettingsDep, ahead: AheadDep, who: Operator, conflict_id: ConflictId,
                 settlement: Settlement) -> dict:
    """The file held kept (the upload dropped), or the upload kept: the file held goes to quarantine with the reason
    and the upload lands as any upload lands, its day's run taking the held file's rows out; an upload its parse
    refuses changes nothing (422)."""
    found = conflict_of(settings.data_dir, conflict_id)
    if found is None:
        raise HTTPException(404, f"conflict {conflict_id} does not wait for a settlement")
    conflict, upload = found
    if settlement.keep == "held":
        drop(settings.data_dir, conflict_id)
        return {"conflict_id": conflict_id, "kept": "held", "landed": None, "quarantined": None}
    try:
        await ahead.parse(upload)
    except InconsistentReplay as forged:
        raise HTTPException(422, f"the upload of conflict {conflict_id} is refused: {forged}") from None
    quarantined, held = None, settings.data_dir / conflict.held
    if held.is_file():
        day = (held.parent.name if not held.parent.name.startswith(".")
               else landing_day(settings, read_header_alone(held).played_at))
        quarantined = quarantine_file(settings.data_dir / "quarantine", held, DOMAIN, day,
                                      f"replaced by the upload of conflict {conflict_id}, kept by account "
                                      f"{who.name}: {conflict.reason}")
    data = upload.read_bytes()
    parts = landing_parts(settings, conflict.match_id, read_header_alone(upload).played_at)
    door = door_of(settings)
    done = door.land(parts, data)
    door.note(GAMES, body_digest(data), conflict.match_id)
    drop(settings.data_dir, conflict_id)
    return {"conflict_id": conflict_id, "kept": "upload", "landed": str(done.path.relative_to(settings.data_dir)),
            "quarantined": str(Path(quarantined).relative_to(settings.data_dir)) if quarantined else None}
