"""The PUBG roster of the admin: every tracked player listed (the roster file's too), added and removed; the preview
of a backfill against the lake; matches without telemetry left out of a backfill with their reason; the queue of
backfills, Dagster's cancel of a running one and the re-trigger the pipeline's sensor takes up; over a published
season with the real sensor and Dagster's backfill daemon (the admin page's roster: `test_pages_admin_roster.py`)."""

from __future__ import annotations

import logging

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.definitions import defs, location_resources
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.core.lanes import BACKGROUND
from gamestats_assets.lib.intake.tracking import PLAYER_TAG, REQUEST_TAG
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets_tests.pubg.test_pipeline import EVERYTHING, PER_MATCH
from gamestats_assets_tests.serve.conftest import TOKEN

ADMIN = "/api/v1/admin/pubg"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SENSOR = "pubg_newly_tracked_players"


def rows(pg_url, query, *params):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchall()


def file_players(published) -> list[str]:
    """The players of the season's roster file (the synthetic tournament tracks its first team's)."""
    text = (published["data_dir"] / "reference" / "pubg" / "players.csv").read_text()
    return sorted(line.strip() for line in text.splitlines()[1:] if line.strip())


def tick(instance, cursor=None):
    """One evaluation of the pipeline's newly-tracked-players sensor, as the daemon evaluates it."""
    resources = {"platform": PlatformResource.from_settings(Settings.from_env()), "postgres": PostgresResource()}
    context = dg.build_sensor_context(instance=instance, definitions=defs, resources=resources, cursor=cursor)
    return defs.get_sensor_def(SENSOR)(context)


def submitted(instance, request) -> str:
    """The backfill the sensor daemon makes of `request` (its id)."""
    from dagster._core.utils import make_new_backfill_id
    from dagster._daemon.sensor import _submit_backfill_request

    backfill_id = make_new_backfill_id()
    _submit_backfill_request(backfill_id, request, instance)
    return backfill_id


def backfill_daemon_iteration(instance) -> None:
    """One iteration of Dagster's backfill daemon over the project's code location, loaded in this process."""
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.test_utils import create_test_daemon_workspace_context
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
    from dagster._daemon.backfill import execute_backfill_iteration

    origin = InProcessCodeLocationOrigin(LoadableTargetOrigin(module_name="gamestats_assets.definitions",
                                                              attribute="defs"), location_name="gamestats")
    with create_test_daemon_workspace_context(InProcessWorkspaceLoadTarget(origin), instance) as context:
        errors = [error for error in execute_backfill_iteration(context, logging.getLogger("backfill")) if error]
    assert errors == []


def test_the_roster_lists_every_tracked_player_the_roster_files_included(client, published):
    listed = {p["player_id"]: p for p in client.get(f"{ADMIN}/players", headers=AUTH).json()["data"]}
    from_file = file_players(published)
    assert len(from_file) == 4 and set(from_file) <= set(listed)
    assert all(listed[p]["in_roster_file"] and not listed[p]["on_roster_table"] and listed[p]["added_at"] is None
               for p in from_file)
    names = dict(rows(published["pg_url"], "SELECT DISTINCT account_id, player_name FROM pubg.match_summaries "
                                           "WHERE account_id = ANY(%s)", from_file))
    assert {p: listed[p]["player_name"] for p in from_file} == names
    refused = client.delete(f"{ADMIN}/players/{from_file[0]}", headers=AUTH)
    assert refused.status_code == 409 and "roster file" in refused.json()["detail"]
    assert from_file[0] in [p["player_id"] for p in client.get(f"{ADMIN}/players", headers=AUTH).json()["data"]]


def test_roster_add_and_remove_are_rows_of_pubg_players(client, published):
    url = published["pg_url"]
    added = client.post(f"{ADMIN}/players", json={"player_id": "account.newpro"}, headers=AUTH)
    assert added.status_code == 201 and added.json()["added"] is True
    assert added.json()["player"]["on_roster_table"] and not added.json()["player"]["in_roster_file"]
    assert client.post(f"{ADMIN}/players", json={"player_id": "account.newpro"}, headers=AUTH).json()["added"] is False
    assert rows(url, "SELECT player_id FROM pubg.players WHERE player_id = 'account.newpro'") == [("account.newpro",)]
    listed = client.get(f"{ADMIN}/players", headers=AUTH).json()["data"]
    assert "account.newpro" in [p["player_id"] for p in listed]
    assert client.delete(f"{ADMIN}/players/account.newpro", headers=AUTH).status_code == 200
    assert client.delete(f"{ADMIN}/players/account.newpro", headers=AUTH).status_code == 404
    assert "account.newpro" not in [p["player_id"] for p in client.get(f"{ADMIN}/players", headers=AUTH).json()["data"]]


def test_a_player_added_through_the_api_gets_one_background_backfill_whose_progress_it_reports(client, published):
    """The roster row the API writes is what the pubg newly-tracked-players sensor reads: a tick requests one
    backfill tagged with the player and the low priority, and the API reports it from the Dagster instance."""
    [(player,)] = rows(published["pg_url"], "SELECT s.account_id FROM pubg.match_summaries s JOIN "
                                            "pubg.tournament_matches t USING (match_id) WHERE t.division_id = "
                                            "'Challenger' AND NOT s.account_id = ANY(%s) ORDER BY 1 DESC LIMIT 1",
                       file_players(published))
    instance = dg.DagsterInstance.ephemeral()
    client.app.state.dagster_instance = lambda: instance
    assert client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).status_code == 404
    assert client.post(f"{ADMIN}/players", json={"player_id": player}, headers=AUTH).status_code == 201
    waiting = client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).json()
    assert waiting["tracked"] and waiting["backfill"] is None and "sensor" in waiting["status"]
    [request] = [r for r in tick(instance).run_requests if r.tags[PLAYER_TAG] == player]
    assert {name: request.tags[name] for name in BACKGROUND} == BACKGROUND
    backfill_id = submitted(instance, request)
    assert instance.get_backfill(backfill_id).tags[REQUEST_TAG] == request.tags[REQUEST_TAG]
    reported = client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).json()
    backfill = reported["backfill"]
    assert (backfill["backfill_id"], backfill["status"], backfill["status_label"]) == (backfill_id, "REQUESTED",
                                                                                        "Running")
    assert backfill["matches_total"] == len(rows(published["pg_url"], "SELECT DISTINCT match_id FROM "
                                                 "pubg.match_summaries WHERE account_id = %s", player))
    assert backfill["partitions_total"] >= backfill["matches_total"] >= 1
    assert backfill["partitions_done"] == 0 and backfill["progress"] == 0 and backfill["can_cancel"]
    assert reported["request"]["requested_by"] == "roster" and reported["request"]["partitions"] == backfill[
        "matches_total"]
    [listed] = [p for p in client.get(f"{ADMIN}/players", headers=AUTH).json()["data"] if p["player_id"] == player]
    assert listed["backfill"]["backfill_id"] == backfill_id


def player_of(pg_url, division: str, leaving_out: list[str]) -> tuple[str, list[str]]:
    """A player of `division` not in `leaving_out` who played two matches or more with their whole telemetry, and
    their matches."""
    [(player, matches)] = rows(pg_url, "SELECT s.account_id, array_agg(DISTINCT s.match_id ORDER BY s.match_id) "
                                       "FROM pubg.match_summaries s JOIN pubg.tournament_matches t USING (match_id) "
                                       "WHERE t.division_id = %s AND s.telemetry = 'complete' "
                                       "AND NOT s.account_id = ANY(%s) GROUP BY 1 HAVING count(DISTINCT s.match_id) "
                                       ">= 2 ORDER BY 1 LIMIT 1", division, leaving_out)
    return player, matches


@pytest.fixture(scope="module")
def gated(published):
    """A Pro player whose first match lost its telemetry file from landing, and a Challenger player whose first
    match's telemetry download was cut (its gzip stream's end missing), each match then rerun as the landing sensor
    reruns a match: {"missing": (player, matches, match), "failed": (player, matches, match)}."""
    url, landing = published["pg_url"], published["data_dir"] / "landing" / "pubg" / "telemetry"
    missing = player_of(url, "Pro", file_players(published))
    failed = player_of(url, "Challenger", file_players(published))
    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("pubg_match", [missing[1][0], failed[1][0]])
    [lost] = landing.glob(f"{missing[1][0]}*")
    lost.unlink()
    [broken] = landing.glob(f"{failed[1][0]}*")
    assert broken.suffix == ".gz"
    broken.write_bytes(broken.read_bytes()[:-40])
    for match in (missing[1][0], failed[1][0]):
        assert dg.materialize(EVERYTHING, selection=PER_MATCH, instance=instance, resources=resources,
                              partition_key=match, raise_on_error=False).success
    return {"missing": (*missing, missing[1][0]), "failed": (*failed, failed[1][0])}


def lake_count(published, player: str) -> dict[str, int]:
    """A recount from the lake of `player`'s matches: found, and by what their telemetry became."""
    lake = published["data_dir"] / "lake" / "pubg" / "etl"
    played = pl.read_delta(str(lake / "participants")).filter(pl.col("account_id") == player).select("match_id")
    files = pl.read_delta(str(lake / "telemetry_files")).select("match_id", "status")
    states = played.unique().join(files, on="match_id", how="left")["status"].fill_null("missing").to_list()
    return {"found": len(states), "missing": states.count("missing"), "failed": states.count("failed"),
            "parsed": states.count("parsed")}


def test_the_preview_counts_the_players_matches_with_and_without_telemetry_as_the_lake_holds_them(
        client, published, gated):
    for state, (player, matches, match) in gated.items():
        answer = client.get(f"{ADMIN}/players/preview", params={"player_id": player}, headers=AUTH)
        assert answer.status_code == 200, answer.text
        preview, recount = answer.json()["data"], lake_count(published, player)
        assert recount[state] == 1 and recount["found"] == len(matches) >= 2
        assert (preview["matches_found"], preview["with_telemetry"], preview["telemetry_missing"],
                preview["telemetry_failed"]) == (recount["found"], recount["parsed"], recount["missing"],
                                                 recount["failed"])
        assert (preview["already_built"], preview["to_build"], preview["tracked"]) == (0, recount["parsed"], False)
        assert preview["window_days"] == 180 and state in preview["left_out_reasons"]
    tracked = file_players(published)[0]
    by_name = client.get(f"{ADMIN}/players/preview", headers=AUTH, params={"player_name": rows(
        published["pg_url"], "SELECT player_name FROM pubg.match_summaries WHERE account_id = %s", tracked)[0][0]})
    built = by_name.json()["data"]
    assert built["player_id"] == tracked and built["tracked"] and built["already_built"] == built["with_telemetry"] > 0
    assert built["to_build"] == 0
    assert client.get(f"{ADMIN}/players/preview", headers=AUTH).status_code == 422
    assert client.get(f"{ADMIN}/players/preview", params={"player_name": "nobody-here"},
                      headers=AUTH).status_code == 404


@pytest.fixture(scope="module")
def sensed(client, gated):
    """The gated players added through the API, and one tick of the sensor after it: its result."""
    for _, (player, _, _) in gated.items():
        assert client.post(f"{ADMIN}/players", json={"player_id": player}, headers=AUTH).status_code == 201
    return tick(dg.DagsterInstance.ephemeral())


def test_matches_without_telemetry_are_left_out_of_the_backfill_with_their_reason(client, published, gated, sensed):
    instance = dg.DagsterInstance.ephemeral()
    client.app.state.dagster_instance = lambda: instance
    requested = {r.tags[PLAYER_TAG]: r for r in sensed.run_requests}
    for state, (player, matches, match) in gated.items():
        request = requested[player]
        covered = {ap.partition_key for ap in request.asset_graph_subset.iterate_asset_partitions()}
        assert covered == set(matches) - {match}
        backfill_id = submitted(instance, request)
        answer = client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).json()
        [left_out] = answer["request"]["left_out"]
        assert left_out["match_id"] == match and left_out["reason"].startswith(f"telemetry {state}: ")
        assert answer["request"]["partitions"] == len(matches) - 1 == answer["backfill"]["matches_total"]
        assert answer["backfill"]["backfill_id"] == backfill_id
        assert answer["backfill"]["request_id"] == answer["request"]["request_id"] == int(request.tags[REQUEST_TAG])
    [(why,)] = rows(published["pg_url"], "SELECT left_out ->> %s FROM pubg.player_backfill_requests WHERE "
                                         "request_id = %s", gated["failed"][2],
                    int(requested[gated["failed"][0]].tags[REQUEST_TAG]))
    assert "quarantined" in why and "gzip" in why


def test_a_backfill_is_cancelled_as_dagster_cancels_it_and_triggered_again_through_the_sensor(client, gated, sensed):
    """Cancel marks the backfill `CANCELING` and Dagster's backfill daemon ends it `CANCELED`; the re-trigger is a
    request row that the sensor takes up at its next tick, finding the player's history as it is then."""
    player, matches, match = gated["missing"]
    with dg.instance_for_test() as instance:
        client.app.state.dagster_instance = lambda: instance
        cancel_and_trigger_again(client, instance, sensed, player, matches, match)


def cancel_and_trigger_again(client, instance, sensed, player: str, matches: list[str], match: str) -> None:
    [request] = [r for r in sensed.run_requests if r.tags[PLAYER_TAG] == player]
    backfill_id = submitted(instance, request)
    queue = client.get(f"{ADMIN}/backfills", headers=AUTH).json()
    assert queue["metadata"]["pipeline_running"] is False
    [listed] = queue["data"]["backfills"]
    assert (listed["backfill_id"], listed["status_label"], listed["can_cancel"], listed["matches_done"]) == (
        backfill_id, "Running", True, 0)
    assert queue["data"]["running"] == 1
    busy = client.post(f"{ADMIN}/players/{player}/backfill", headers=AUTH)
    assert busy.status_code == 409 and "running" in busy.json()["detail"]

    cancelling = client.post(f"{ADMIN}/backfills/{backfill_id}/cancel", headers=AUTH)
    assert cancelling.status_code == 200, cancelling.text
    assert (cancelling.json()["status"], cancelling.json()["status_label"]) == ("CANCELING", "Cancelling")
    backfill_daemon_iteration(instance)
    assert instance.get_backfill(backfill_id).status.value == "CANCELED"
    ended = client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).json()
    assert (ended["status"], ended["status_label"], ended["can_retrigger"]) == ("CANCELED", "Cancelled", True)
    assert client.post(f"{ADMIN}/backfills/{backfill_id}/cancel", headers=AUTH).status_code == 409
    assert client.post(f"{ADMIN}/backfills/unknown/cancel", headers=AUTH).status_code == 404

    asked = client.post(f"{ADMIN}/players/{player}/backfill", headers=AUTH)
    assert asked.status_code == 202, asked.text
    waiting = asked.json()["request"]
    assert waiting["handled_at"] is None and waiting["requested_by"] not in ("roster", "")
    assert asked.json()["backfill"]["backfill_id"] == backfill_id and not asked.json()["can_retrigger"]
    assert client.post(f"{ADMIN}/players/{player}/backfill", headers=AUTH).status_code == 409
    assert [r["request_id"] for r in client.get(f"{ADMIN}/backfills", headers=AUTH).json()["data"]["waiting"]] == [
        waiting["request_id"]]

    again = tick(instance, sensed.cursor)
    [retriggered] = again.run_requests
    assert retriggered.tags[PLAYER_TAG] == player and retriggered.tags[REQUEST_TAG] == str(waiting["request_id"])
    assert {ap.partition_key for ap in retriggered.asset_graph_subset.iterate_asset_partitions()} == set(
        matches) - {match}
    new_id = submitted(instance, retriggered)
    answer = client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).json()
    assert (answer["backfill"]["backfill_id"], answer["status_label"]) == (new_id, "Running")
    assert answer["request"]["request_id"] == waiting["request_id"] and answer["request"]["handled_at"]
    assert [left["match_id"] for left in answer["request"]["left_out"]] == [match]
    queue = client.get(f"{ADMIN}/backfills", headers=AUTH).json()["data"]
    assert [(b["backfill_id"], b["status_label"]) for b in queue["backfills"]] == [(new_id, "Running"),
                                                                                   (backfill_id, "Cancelled")]
    assert queue["waiting"] == [] and tick(instance, again.cursor).run_requests == []
