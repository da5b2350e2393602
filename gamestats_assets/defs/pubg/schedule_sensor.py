"""The sensor that rebuilds the tournament tables when an organiser changes the schedule (`build_schedule_sensor`):
each new row of `pubg.tournament_schedule_history` (a schedule, a delay, an undo) or new round edit requests one
run of the tables that read the edits and of everything built from them, published and in the warehouse."""

import dagster as dg

from gamestats_assets.defs.pubg.assets import TOURNAMENT_FRAME_ASSETS
from gamestats_assets.lib.authoring.domain import Wiring
from gamestats_assets.lib.publish.postgres import PostgresResource

EDIT_TAG = "gamestats/schedule_edit"
"""The tag of a rebuild run: the latest schedule edit it holds (`<edit_id>/<latest round edit>`)."""
EDITED_FRAMES = ("tournament_rounds", "tournament_schedule")
"""The tournament frames that read the admin's edits (`organisers.EDITED`)."""
LATEST = """
SELECT (SELECT max(edit_id) FROM pubg.tournament_schedule_history),
       (SELECT max(updated_at) FROM pubg.tournament_round_edits)
"""


def latest_edit(postgres: PostgresResource) -> str | None:
    """`<edit_id>/<updated_at>` of the latest schedule edit and round edit; None before any (or before the
    organisers' tables exist)."""
    with postgres.connection() as conn:
        if conn.execute("SELECT to_regclass('pubg.tournament_schedule_history')").fetchone()[0] is None:
            return None
        edit, rounds = conn.execute(LATEST).fetchone()
    return None if edit is None and rounds is None else f"{edit or 0}/{rounds.isoformat() if rounds else ''}"


def build_schedule_sensor(wiring: Wiring, minimum_interval_seconds: int = 30) -> dg.SensorDefinition:
    """`pubg_schedule_edits`: one run of the snapshot job's tables downstream of the edited tournament frames
    (`EDITED_FRAMES`) for each change of the latest edit; the cursor is the latest edit rebuilt."""
    frames = [key for name in EDITED_FRAMES for key in TOURNAMENT_FRAME_ASSETS[name].keys]
    snapshots = set(wiring.keys["snapshots"])

    @dg.sensor(name="pubg_schedule_edits", job=wiring.jobs["snapshots"],
               minimum_interval_seconds=minimum_interval_seconds, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Rebuilds and republishes the tournament tables when an organiser edits the schedule "
                           "(`pubg.tournament_schedule_history`, `pubg.tournament_round_edits`).")
    def _sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource):
        latest = latest_edit(postgres)
        if latest is None or latest == context.cursor:
            return dg.SensorResult(skip_reason="no new schedule edit", cursor=context.cursor)
        graph = context.repository_def.asset_graph
        selected = sorted(dg.AssetSelection.assets(*frames).downstream().resolve(graph) & snapshots,
                          key=lambda key: key.to_user_string())
        return dg.SensorResult(run_requests=[dg.RunRequest(run_key=latest, asset_selection=selected,
                                                           tags={EDIT_TAG: latest})], cursor=latest)

    return _sensor
