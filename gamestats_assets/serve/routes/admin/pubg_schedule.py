"""The PUBG admin interface as endpoints (the organiser role): the season's rounds, lobbies and maps; the schedule
(a round's window, its six slots per division and group, delays) with the design's validation; the validation
list by status, division, round and date; and match overrides that the match's next run applies (the roster of
tracked players is `pubg_roster.py`'s).

The writes are the rows the platform reads (`pubg.tournament_round_edits`, `pubg.tournament_slot_edits`,
`pubg.tournament_match_overrides`), written over the platform's own connection; the reads see them as they are now
(`queries/pubg_admin.py`; the writes `crud/pubg_schedule.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field, model_validator
from starlette.responses import Response

from gamestats_assets.serve.core.bodies import Body, Whole, any_given, not_both, rules
from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.models import envelope, field, shape
from gamestats_assets.serve.crud import pubg_schedule as writes
from gamestats_assets.serve.deps import ORGANISERS, Organiser, ReaderDep, SettingsDep
from gamestats_assets.serve.queries import pubg_admin as queries
from gamestats_assets.serve.routes.admin.common import (
    NEXT_RUN,
    PREFIX,
    TAGS,
    Decided,
    Instant,
    Name,
    identifier,
    now,
    writing,
)
from gamestats_assets.serve.routes.pubg.common import PRINTABLE, Division, Group, RoundId, SeasonId

router = APIRouter(prefix=PREFIX, tags=TAGS, dependencies=ORGANISERS,
                   responses=unknown("the season, round, edit or match asked"))


RoundPath = identifier("the round")
MatchPath = identifier("the match (the PUBG API's id)")


@router.get("/season", response_model=envelope("PubgAdminSeasonAnswer", queries.AdminSeason),
            summary="A season's rounds (as the organiser set them), lobbies and the maps a slot can name")
def season(reader: ReaderDep, season_id: SeasonId = None) -> Response:
    """The season's rounds as the organiser set them (edits included), its divisions and groups, and the maps a slot
    can name; an unknown season is a 404."""
    return now(reader, queries.AdminSeason, queries.season, season_id)


@router.get("/schedule", response_model=envelope("PubgAdminSlotsAnswer", queries.AdminSlots,
                                                 division=str | None, group=str | None, round=str | None),
            summary="The schedule slots as the organiser set them, with the match linked to each")
def schedule_slots(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, group: Group = None,
                   round: RoundId = None) -> Response:
    """The season's slots as the organiser set them, edits and delays included, each with the match linked to it and
    whether the published schedule holds the edit yet."""
    return now(reader, queries.AdminSlots, queries.slots, season_id, division, group, round,
               division=division, group=group, round=round)


Status = Literal[(*queries.VALIDATION_STATUSES, "needs_override")]


@router.get("/validation",
            response_model=envelope("PubgValidationAnswer", queries.Validation,
                                    status=field(Status | None, "the status asked for"),
                                    division=str | None, round=str | None, played_from=dt.datetime | None,
                                    played_to=dt.datetime | None),
            summary="Matches by validation status, division, round and time played, with why and any override")
def validation(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, round: RoundId = None,
               status: Annotated[Status | None, Query(description="the validation status listed")] = None,
               played_from: Annotated[Instant | None, Query(description="played at or after")] = None,
               played_to: Annotated[Instant | None, Query(description="played before")] = None) -> Response:
    """The season's matches with a tournament context, by status, division, round and time played, each with why it
    has its status, any override, and whether it needs an organiser's decision."""
    return now(reader, queries.Validation, queries.validation, season_id, division, round, status, played_from,
               played_to, status=status, division=division, round=round, played_from=played_from,
               played_to=played_to)


class RoundWindow(Decided):
    """A round's name and window: a match started in `[starts_at, ends_at)` belongs to it."""

    season_id: Name | None = Field(None, description="the season (default: the latest)")
    name: Name = Field(description="the round's name")
    starts_at: Instant = Field(description="when its window opens")
    ends_at: Instant = Field(description="when it closes: a match started before belongs to the round")


AdminRoundAnswer = shape("PubgAdminRoundWritten", "A round written", season_id=field(str, "its season"),
                         round=field(queries.AdminRound, "the round as written"),
                         applied=field(str, "when it takes effect"))


@router.put("/rounds/{round_id}", response_model=AdminRoundAnswer, summary="Create or edit a round's name and window")
def put_round(settings: SettingsDep, who: Organiser, round_id: RoundPath, window: RoundWindow) -> dict:
    """A round's name and window written, recorded as a decision with its reason; the pipeline's sensor reruns the
    matches it can move. A window the rules refuse is a 422 saying which rule."""
    with writing(settings) as conn:
        written = writes.write_round(conn, window.season_id, round_id, window.name, window.starts_at, window.ends_at,
                                      window.by(who))
        season_id = queries.latest_season(conn, window.season_id)[0]
    return {"season_id": season_id, "round": written, "applied": NEXT_RUN}


class PlannedSlot(Body):
    match_number: Whole = Field(ge=1, le=queries.SLOTS_PER_ROUND, description="the slot's number in the round")
    scheduled_at: Instant = Field(description="when it starts")
    map_name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$",
                          description="a map id of the PUBG dictionary (`Baltic_Main`)")


class RoundSchedule(Decided):
    """The six slots of a round for a division and group: each match number once, each time with its offset."""

    model_config = rules(*({"properties": {"slots": {"contains": {"properties": {"match_number": {"const": n}}}}}}
                           for n in range(1, queries.SLOTS_PER_ROUND + 1)))

    season_id: Name | None = Field(None, description="the season (default: the latest)")
    division_id: Name = Field(description="the division")
    group_id: Name = Field(description="the group")
    slots: list[PlannedSlot] = Field(min_length=queries.SLOTS_PER_ROUND, max_length=queries.SLOTS_PER_ROUND,
                                     description="the round's slots, each match number once")

    @model_validator(mode="after")
    def each_match_once(self) -> RoundSchedule:
        numbers = sorted(s.match_number for s in self.slots)
        if numbers != list(range(1, queries.SLOTS_PER_ROUND + 1)):
            raise ValueError(f"the slots are matches 1 to {queries.SLOTS_PER_ROUND}, each once, not {numbers}")
        return self


SlotsWritten = shape("PubgAdminSlotsWritten", "A lobby's slots written", season_id=field(str, "their season"),
                     slots=field(list[queries.AdminSlot], "the lobby's slots as written"),
                     applied=field(str, "when it takes effect"))


@router.put("/rounds/{round_id}/schedule", response_model=SlotsWritten,
            summary="Set a round's six match slots (times and maps) for a division and group")
def put_schedule(settings: SettingsDep, who: Organiser, round_id: RoundPath, schedule: RoundSchedule) -> dict:
    """A round's six slots for a division and group written (times and maps), recorded as a decision; a schedule the
    rules refuse is a 422 saying which rule."""
    planned = [{"match_number": s.match_number, "planned_at": s.scheduled_at, "map_name": s.map_name}
               for s in schedule.slots]
    with writing(settings) as conn:
        written = writes.write_schedule(conn, schedule.season_id, round_id, schedule.division_id, schedule.group_id,
                                         planned, schedule.by(who))
    return {"season_id": written["season_id"], "slots": written["slots"], "applied": NEXT_RUN}


class Delay(Decided):
    """A delay of a round's slots for a division and group, from one match on (a negative one brings them
    forward)."""

    model_config = rules({"properties": {"minutes": {"not": {"const": 0}}}})

    season_id: Name | None = Field(None, description="the season (default: the latest)")
    division_id: Name = Field(description="the division")
    group_id: Name = Field(description="the group")
    from_match: Whole = Field(ge=1, le=queries.SLOTS_PER_ROUND, description="the first slot moved (and every later one)")
    minutes: Whole = Field(ge=-queries.MAX_DELAY_MINUTES, le=queries.MAX_DELAY_MINUTES,
                         description="how far to move them (negative: earlier)")

    @model_validator(mode="after")
    def moves(self) -> Delay:
        if self.minutes == 0:
            raise ValueError("a delay moves the slots by at least one minute")
        return self


@router.post("/rounds/{round_id}/delay", response_model=SlotsWritten,
             summary="Delay a round's slots for a division and group from one match on")
def post_delay(settings: SettingsDep, who: Organiser, round_id: RoundPath, delay: Delay) -> dict:
    """The slots of a round's lobby from one match on moved by some minutes, recorded as a decision; a delay the
    rules refuse is a 422 saying which rule."""
    with writing(settings) as conn:
        written = writes.write_delay(conn, delay.season_id, round_id, delay.division_id, delay.group_id,
                                      delay.from_match, delay.minutes, delay.by(who))
    return {"season_id": written["season_id"], "slots": written["slots"], "applied": NEXT_RUN}


History = envelope("PubgScheduleHistoryAnswer", queries.ScheduleHistory, round=str, division=str | None,
                   group=str | None)


@router.get("/rounds/{round_id}/schedule/history", response_model=History,
            summary="The latest changes of a round's slots, newest first, each with the slots before it")
def schedule_history(reader: ReaderDep, round_id: RoundPath, season_id: SeasonId = None, division: Division = None,
                     group: Group = None) -> Response:
    """The latest changes of a round's slots for a division and group, newest first, each with the slots before it
    and whether it can be undone."""
    return now(reader, queries.ScheduleHistory, queries.history, season_id, round_id, division, group,
               round=round_id, division=division, group=group)


Undone = shape("PubgScheduleUndone", "A change of a round's slots undone", season_id=field(str, "its season"),
               edit_id=field(int, "the undo, itself an edit of the history"),
               slots=field(list[queries.AdminSlot], "the lobby's slots as restored"),
               applied=field(str, "when it takes effect"))


@router.post("/schedule/edits/{edit_id}/undo", response_model=Undone,
             summary="Undo a change of a round's slots (its lobby's latest): restore the slots before it")
def undo_edit(settings: SettingsDep, who: Organiser,
              edit_id: Annotated[int, Path(ge=1, le=2**62, description="the edit (`GET .../schedule/history`)")],
              why: Decided) -> dict:
    """The lobby's slots as they were before the edit, restored and recorded as an edit and a decision; only the
    lobby's latest edit can be undone (422 otherwise), an unknown edit is a 404."""
    with writing(settings) as conn:
        written = writes.undo(conn, edit_id, why.by(who))
    return {"season_id": written["season_id"], "edit_id": written["edit_id"], "slots": written["slots"],
            "applied": NEXT_RUN}


CONTEXT = ("division_id", "group_id", "round_id", "slot_id", "remake_of", "status", "is_tournament_match")
"""The fields of an override that change a match's context: at least one given."""


class Override(Decided):
    """An organiser's correction of a match: assign it to a round and slot, mark it as the remake of another
    match (it takes that match's slot and counts as a confirmed tournament match), mark it as not a tournament
    match, or set its status. Unset fields keep the automatic value."""

    model_config = rules(any_given(*CONTEXT), not_both("remake_of", "slot_id"))

    division_id: Name | None = Field(None, description="the division it was played in")
    group_id: Name | None = Field(None, description="the group")
    round_id: Name | None = Field(None, description="the round")
    slot_id: str | None = Field(None, min_length=1, max_length=128, pattern=PRINTABLE,
                                description="the schedule slot it was played for")
    remake_of: str | None = Field(None, min_length=1, max_length=128, pattern=PRINTABLE,
                                  description="the match it remakes: it takes that match's slot and counts instead")
    status: Literal[queries.VALIDATION_STATUSES] | None = Field(None, description="its validation status")
    is_tournament_match: bool | None = Field(None, strict=True, description="whether it counts as a tournament match")

    @model_validator(mode="after")
    def one_change(self) -> Override:
        if self.remake_of and self.slot_id:
            raise ValueError("give remake_of or slot_id, not both")
        if all(getattr(self, f) is None for f in CONTEXT):
            raise ValueError("an override changes at least one of the match's context fields")
        return self


Overridden = shape("PubgOverridden", "An override written", match_id=field(str, "the match"),
                   override=field(dict[str, Any], "the fields written, a remade match's slot included"),
                   decision_id=field(int, "the decision recorded (`GET /decisions` follows it)"),
                   applied=field(str, "when it takes effect"))


@router.put("/matches/{match_id}/override", response_model=Overridden,
            summary="Correct a match's tournament context; the pipeline reruns the match and republishes")
def override_match(settings: SettingsDep, who: Organiser, match_id: MatchPath, override: Override) -> dict:
    """The organiser's correction of a match's tournament context written and recorded as a decision; the match's
    next run applies it and republishes the tournament tables."""
    fields = override.model_dump(exclude={"remake_of", "reason", "notes"})
    with writing(settings) as conn:
        written = writes.write_override(conn, match_id, fields, override.remake_of, override.by(who))
    return {"match_id": match_id, "override": written["fields"], "decision_id": written["decision_id"],
            "applied": NEXT_RUN}
