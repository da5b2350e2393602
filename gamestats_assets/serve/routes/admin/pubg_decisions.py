"""The organisers' decisions as endpoints (the organiser role): the list of a season's, a round's or a match's
decisions with who made them, why, and how far each has taken effect (from the runs of the pipeline's sensor
`pubg_organiser_decisions`), and the undo of one, recorded as a decision of its own."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope, field, shape
from gamestats_assets.serve.core.pipeline import pipeline_state
from gamestats_assets.serve.crud import pubg_decisions as writes
from gamestats_assets.serve.deps import ORGANISERS, InstanceDep, Organiser, ReaderDep, SettingsDep
from gamestats_assets.serve.queries import pubg_decisions as queries
from gamestats_assets.serve.routes.admin.common import NEXT_RUN, PREFIX, TAGS, Decided, adapter, writing
from gamestats_assets.serve.routes.pubg.common import Offset, RoundId, SeasonId, named
from gamestats_assets.sources.pubg.decisions import DECISION_STEP_TAG, DECISION_TAG, TABLES_STEP

router = APIRouter(prefix=PREFIX, tags=TAGS, dependencies=ORGANISERS,
                   responses=unknown("the season or decision"))
ENDED_BADLY = ("FAILURE", "CANCELED")
AboutMatch = named("a match: the decisions on it alone")
Limit = Annotated[int, Query(ge=1, le=500, description="the most decisions of the page")]


def with_status(instance, found: list[dict], latest: int, running: bool) -> list[dict]:
    """`found` (decisions) each with its `status` and `applied_at`, from the runs tagged with the decisions taken
    up to `latest` (`DECISION_TAG`: the latest decision a run takes, so a run takes every decision up to its tag);
    without an instance, none is applied."""
    import dagster as dg

    if not found or instance is None:
        return [{**d, "status": "pipeline not running", "applied_at": None} for d in found]
    first = min(d["decision_id"] for d in found)
    records = instance.get_run_records(filters=dg.RunsFilter(tags={DECISION_TAG: [
        str(i) for i in range(first, latest + 1)]}))
    runs = [(int(r.dagster_run.tags[DECISION_TAG]), r.dagster_run.tags.get(DECISION_STEP_TAG),
             r.dagster_run.status.value, r.end_time) for r in records]
    for decision in found:
        later = [run for run in runs if run[0] >= decision["decision_id"]]
        applied = [end for _, step, status, end in later if step == TABLES_STEP and status == "SUCCESS" and end]
        covering = [run for run in later if run[0] == min(r[0] for r in later)] if later else []
        decision["applied_at"] = dt.datetime.fromtimestamp(min(applied), dt.UTC) if applied else None
        decision["status"] = ("applied" if applied
                              else "failed" if any(status in ENDED_BADLY for _, _, status, _ in covering)
                              else "applying" if covering
                              else "waiting" if running else "pipeline not running")
    return found


DecisionsAnswer = envelope("PubgDecisionsAnswer", queries.Decisions, round=str | None, match_id=str | None,
                           limit=int, offset=int,
                           pipeline_running=field(bool, "Dagster's daemon beats: decisions take effect"))


@router.get("/decisions", response_model=DecisionsAnswer,
            summary="The organisers' decisions, newest first: who, why, and whether each took effect")
def decisions(reader: ReaderDep, instance: InstanceDep, season_id: SeasonId = None, round: RoundId = None,
              match_id: AboutMatch = None, limit: Limit = 200, offset: Offset = 0) -> Response:
    """The organisers' decisions of a season, a round or a match, newest first, with who made them, why, and whether
    each took effect (from the runs of the pipeline's sensor): `limit` from `offset`, with `total_count`."""
    running = pipeline_state(instance).running

    def read(conn) -> dict:
        found = queries.decisions(conn, season_id, round, match_id, limit, offset)
        found["decisions"] = with_status(instance, found["decisions"], queries.latest_decision(conn), running)
        return adapter(queries.Decisions).validate_python(found)

    return enveloped(reader.uncached(read), round=round, match_id=match_id, limit=limit, offset=offset,
                     pipeline_running=running)


UndoneDecision = shape("PubgDecisionUndone", decision_id=field(int, "the undo, itself a decision"),
                       undoes=field(int, "the decision undone"), applied=field(str, "when it takes effect"))


@router.post("/decisions/{decision_id}/undo", response_model=UndoneDecision,
             summary="Undo a decision (the latest on its match, round or lobby), recorded as a decision itself")
def undo_decision(settings: SettingsDep, who: Organiser,
                  decision_id: Annotated[int, Path(ge=1, le=2**62, description="the decision undone")],
                  why: Decided) -> dict:
    """The decision undone, as a decision of its own with its reason: only the latest standing decision on its match
    or round (or its lobby's latest slot change) can be (422 otherwise); an unknown decision is a 404."""
    with writing(settings) as conn:
        undone = writes.undo(conn, decision_id, why.by(who))
    return {"decision_id": undone, "undoes": decision_id, "applied": NEXT_RUN}
