"""The PUBG admin endpoints: schedule slots, the validation list, overrides the next run applies, the roster."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.conftest import TOKEN

ADMIN = "/api/v1/admin/pubg"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def rows(pg_url, query, *params):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchall()


def test_schedule_slots_show_the_linked_match(client):
    slots = client.get(f"{ADMIN}/schedule", params={"division": "Pro"}, headers=AUTH).json()["data"]["slots"]
    assert len(slots) == 2 and all(s["match_id"] and s["actual_map"] for s in slots)
    assert {s["status"] for s in slots} == {"remade", "confirmed"}


def test_validation_lists_matches_by_status(client, published):
    every = client.get(f"{ADMIN}/validation", headers=AUTH).json()["data"]
    statuses = dict(rows(published["pg_url"], "SELECT coalesce(o.status, t.status), count(*) FROM "
                         "pubg.tournament_matches t LEFT JOIN pubg.tournament_match_outcomes o USING (match_id) GROUP BY 1"))
    assert every["total_count"] == sum(statuses.values())
    for status, count in statuses.items():
        if status in ("confirmed", "unscheduled", "remake_candidate", "mixed_division", "remake_failed"):
            listed = client.get(f"{ADMIN}/validation", params={"status": status}, headers=AUTH).json()["data"]
            assert listed["total_count"] == count and {m["validation_status"] for m in listed["matches"]} == {status}
    assert client.get(f"{ADMIN}/validation", params={"status": "bogus"}, headers=AUTH).status_code == 422


def test_overrides_are_written_for_the_next_run(client, published):
    url = published["pg_url"]
    [(match_id,)] = rows(url, "SELECT match_id FROM pubg.tournament_match_outcomes WHERE status = 'remake_candidate' "
                              "LIMIT 1") or rows(url, "SELECT match_id FROM pubg.tournament_matches LIMIT 1")
    response = client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH,
                          json={"is_tournament_match": False, "reason": "warm-up lobby"})
    assert response.status_code == 200
    assert rows(url, "SELECT is_tournament_match, reason FROM pubg.tournament_match_overrides WHERE match_id = %s",
                match_id) == [(False, "warm-up lobby")]
    [(original, slot)] = rows(url, "SELECT match_id, slot_id FROM pubg.tournament_match_outcomes "
                                   "WHERE slot_id IS NOT NULL AND status = 'confirmed' LIMIT 1")
    assert client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH,
                      json={"remake_of": original, "reason": "remade after a crash"}).status_code == 200
    assert rows(url, "SELECT slot_id, is_tournament_match FROM pubg.tournament_match_overrides WHERE match_id = %s",
                match_id) == [(slot, None)]
    assert client.put(f"{ADMIN}/matches/no-such-match/override", headers=AUTH,
                      json={"round_id": "R1", "reason": "x"}).status_code == 404
    assert client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH, json={"reason": "nothing"}).status_code == 422


def test_roster_add_and_remove_are_rows_of_pubg_players(client, published):
    url = published["pg_url"]
    added = client.post(f"{ADMIN}/players", json={"player_id": "account.newpro"}, headers=AUTH)
    assert added.status_code == 201 and added.json()["added"] is True
    assert client.post(f"{ADMIN}/players", json={"player_id": "account.newpro"}, headers=AUTH).json()["added"] is False
    assert rows(url, "SELECT player_id FROM pubg.players WHERE player_id = 'account.newpro'") == [("account.newpro",)]
    listed = client.get(f"{ADMIN}/players", headers=AUTH).json()["data"]
    assert "account.newpro" in [p["player_id"] for p in listed]
    assert client.delete(f"{ADMIN}/players/account.newpro", headers=AUTH).status_code == 200
    assert client.delete(f"{ADMIN}/players/account.newpro", headers=AUTH).status_code == 404
    assert "account.newpro" not in [p["player_id"] for p in client.get(f"{ADMIN}/players", headers=AUTH).json()["data"]]


def test_a_player_added_through_the_api_gets_one_backfill_whose_progress_it_reports(client, published):
    """The roster row the API writes is what the pubg newly-tracked-players sensor reads: a tick requests one
    backfill tagged with the player, and the API reports it from the Dagster instance (partitions done of all)."""
    import dagster as dg
    from dagster._core.utils import make_new_backfill_id
    from dagster._daemon.sensor import _submit_backfill_request

    from gamestats_assets.definitions import defs
    from gamestats_assets.lib.core.platform import PlatformResource
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets.lib.publish.postgres import PostgresResource

    player = rows(published["pg_url"], "SELECT account_id FROM pubg.match_summaries ORDER BY account_id LIMIT 1")[0][0]
    instance = dg.DagsterInstance.ephemeral()
    client.app.state.dagster_instance = lambda: instance
    assert client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).status_code == 404
    assert client.post(f"{ADMIN}/players", json={"player_id": player}, headers=AUTH).status_code == 201
    waiting = client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).json()
    assert waiting["tracked"] and waiting["backfill"] is None and "sensor" in waiting["status"]
    sensor = defs.get_sensor_def("pubg_newly_tracked_players")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(published["data_dir"]))
        patch.setenv("GAMESTATS_PG_URL", published["pg_url"])
        context = dg.build_sensor_context(instance=instance, definitions=defs, resources={
            "platform": PlatformResource.from_settings(Settings.from_env()), "postgres": PostgresResource()})
        result = sensor(context)
    requests = [r for r in result.run_requests if r.tags.get("gamestats/tracked_player") == player]
    assert len(requests) == 1
    _submit_backfill_request(make_new_backfill_id(), requests[0], instance)
    reported = client.get(f"{ADMIN}/players/{player}/backfill", headers=AUTH).json()
    backfill = reported["backfill"]
    assert backfill["status"] == "REQUESTED" and backfill["partitions_total"] >= 1
    assert backfill["partitions_done"] == 0 and backfill["progress"] == 0
