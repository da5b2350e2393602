"""The sensor that makes an organiser's decision take effect (`build_decisions_sensor`): each new row of
`pubg.tournament_decisions` (an override, a round's window, a schedule, a delay, an undo) reruns the tournament
context of exactly the matches it can move, then rebuilds and republishes the tournament tables built from them."""

from __future__ import annotations

import json

import dagster as dg
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES

from gamestats_assets.defs.pubg.assets import TOURNAMENT_FRAME_ASSETS, tournament_match_context
from gamestats_assets.defs.pubg.partitions import pubg_match_partitions
from gamestats_assets.lib.authoring.domain import Wiring
from gamestats_assets.lib.intake.sensors import DEFAULT_BATCH, batch_request, key_batches, ordered_keys
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.pubg.decisions import DECISION_STEP_TAG, DECISION_TAG, MATCHES_STEP, TABLES_STEP

EDITED_FRAMES = ("tournament_rounds", "tournament_schedule")
"""The tournament frames that read the organisers' edits (`organisers.EDITED`)."""
NEW_DECISIONS = """
SELECT decision_id, season_id, round_id, division_id, match_id FROM pubg.tournament_decisions
WHERE decision_id > %s ORDER BY decision_id
"""
MOVED_MATCHES = """
SELECT DISTINCT match_id FROM pubg.tournament_matches
WHERE season_id = %(season)s AND (%(round)s::text IS NULL OR round_id = %(round)s OR round_id IS NULL)
  AND (%(division)s::text IS NULL OR division_id = %(division)s OR division_id IS NULL)
"""
"""The matches a schedule decision can move: the season's (a round's window), those of its round and those placed
in none (a lobby's slots: of its division, or of none)."""


def moved_matches(conn, decision: tuple) -> set[str]:
    """The matches whose tournament context `decision` (a row of `NEW_DECISIONS`) can change: an override's (or its
    undo's) match; a schedule change's lobby in its round; a round window's season (`MOVED_MATCHES`)."""
    _, season_id, round_id, division_id, match_id = decision
    if match_id is not None:
        return {match_id}
    if conn.execute("SELECT to_regclass('pubg.tournament_matches')").fetchone()[0] is None:
        return set()
    scope = {"season": season_id, "round": round_id if division_id else None, "division": division_id}
    return {match for (match,) in conn.execute(MOVED_MATCHES, scope).fetchall()}


def build_decisions_sensor(wiring: Wiring, minimum_interval_seconds: int = 5) -> dg.SensorDefinition:
    """`pubg_organiser_decisions`: for the decisions made since its cursor, runs of the match job's tournament
    context tables over the matches they can move (`moved_matches`), then, once no run of a decision it took is
    unfinished, one run of the snapshot tables downstream of the context and of the edited frames. Its cursor
    holds the last decision taken and the decisions whose tables wait for their matches' runs; a decision made
    while runs are in flight is taken by the next tick, once."""
    match_job, snapshot_job = wiring.jobs[pubg_match_partitions.name], wiring.jobs["snapshots"]
    context_keys = list(tournament_match_context.keys)
    frames = [key for name in EDITED_FRAMES for key in TOURNAMENT_FRAME_ASSETS[name].keys]

    @dg.sensor(name="pubg_organiser_decisions", jobs=[match_job, snapshot_job],
               minimum_interval_seconds=minimum_interval_seconds, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Makes an organiser's decision (`pubg.tournament_decisions`: an override, a round, a "
                           "schedule, a delay, an undo) take effect: reruns the tournament context of the matches "
                           "it can move, then republishes the tournament tables.")
    def _sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource):
        state = json.loads(context.cursor) if context.cursor else {"taken": 0, "waiting": []}
        graph = context.repository_def.asset_graph
        selection = dg.AssetSelection.assets(*context_keys, *frames).downstream().resolve(graph)
        in_matches = sorted(selection & set(wiring.keys[pubg_match_partitions.name]), key=dg.AssetKey.to_user_string)
        in_tables = sorted(selection & set(wiring.keys["snapshots"]), key=dg.AssetKey.to_user_string)
        with postgres.connection() as conn:
            exists = conn.execute("SELECT to_regclass('pubg.tournament_decisions')").fetchone()[0] is not None
            new = conn.execute(NEW_DECISIONS, (state["taken"],)).fetchall() if exists else []
            moved = set().union(*(moved_matches(conn, decision) for decision in new))
        requests = []
        if new:
            latest = str(new[-1][0])
            keys = ordered_keys(context.instance, pubg_match_partitions)
            tags = {DECISION_TAG: latest, DECISION_STEP_TAG: MATCHES_STEP}
            for first, last in key_batches(keys, sorted(moved & set(keys)), DEFAULT_BATCH):
                request = batch_request(first, last, tags)
                requests.append(request.with_replaced_attrs(
                    job_name=match_job.name, asset_selection=in_matches, run_key=f"decision-{latest}-{first}"))
            state = {"taken": new[-1][0], "waiting": [*state["waiting"], latest]}
        elif state["waiting"]:
            unfinished = context.instance.get_runs(filters=dg.RunsFilter(
                tags={DECISION_TAG: state["waiting"], DECISION_STEP_TAG: MATCHES_STEP}, statuses=NOT_FINISHED_STATUSES),
                limit=1)
            if unfinished:
                return dg.SensorResult(skip_reason=f"decision {state['waiting'][-1]} waits for its matches' runs",
                                       cursor=json.dumps(state))
            latest = state["waiting"][-1]
            requests.append(dg.RunRequest(run_key=f"decision-{latest}-tables", job_name=snapshot_job.name,
                                          asset_selection=in_tables,
                                          tags={DECISION_TAG: latest, DECISION_STEP_TAG: TABLES_STEP}))
            state = {"taken": state["taken"], "waiting": []}
        if not requests:
            return dg.SensorResult(skip_reason="no new decision", cursor=json.dumps(state))
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(state))

    return _sensor
