"""Who created a PUBG schedule slot and why its match was remade, on the slot's row (`created_by`,
`remake_reason` of `pubg.tournament_slot_edits`): the upgrade adding them keeps every row; a slot created through the
API records the organiser's account, one of the organisers' file none; a remake placed on a slot records its
reason; the admin endpoint answers both and the admin page shows them on the schedule, on a desktop and a phone."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil

import psycopg
import pytest

from gamestats_assets.lib.publish.postgres import SQL_DIR, apply_migrations, connect
from gamestats_assets.serve.crud import accounts
from gamestats_assets_tests.conftest import fresh_database
from gamestats_assets_tests.serve.conftest import TOKEN
from gamestats_assets_tests.serve.pages import at_phone_width, check, clean_load, signed_in_admin
from gamestats_assets_tests.serve.running import serving

ADMIN = "/api/v1/admin/pubg"
UPGRADE = "190_pubg_slot_created_by.sql"
NEW_ROUND = "R-origin"


def rows(pg_url, query, *params):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchall()


def test_the_upgrade_keeps_every_slot_row(admin_url, tmp_path):
    before = tmp_path / "sql"
    shutil.copytree(SQL_DIR, before, ignore=shutil.ignore_patterns(UPGRADE))
    for url in fresh_database(admin_url):
        apply_migrations(url, before)
        with psycopg.connect(url) as conn:
            conn.execute("INSERT INTO pubg.tournament_slot_edits (slot_id, season_id, round_id, division_id, group_id, "
                         "match_number, planned_at, map_name, reason) VALUES ('S1', 'season', 'R1', 'Pro', 'A', 1, "
                         "'2026-05-01T18:00Z', 'Baltic_Main', 'set')")
        assert UPGRADE in apply_migrations(url)
        assert rows(url, "SELECT slot_id, map_name, reason, created_by, remake_reason FROM "
                         "pubg.tournament_slot_edits") == [("S1", "Baltic_Main", "set", None, None)]


@pytest.fixture(scope="module")
def server(published):
    with serving({"GAMESTATS_API_TOKEN": TOKEN, "GAMESTATS_API_REQUESTS_PER_MINUTE": "100000"}) as running:
        yield running
    assert "Traceback" not in running.output, running.output


@pytest.fixture(scope="module")
def organiser(published) -> str:
    with connect(published["pg_url"]) as conn:
        return accounts.create(conn, "org.origin", "organiser")


@pytest.fixture(scope="module")
def edited(server, organiser, published) -> dict:
    """A new round whose six Pro/A slots the organiser created, the first round's Pro/A slots set (the file's kept,
    the others created), and a remake placed on a slot of another lobby that only the file holds."""
    url, headers = published["pg_url"], {"Authorization": f"Bearer {organiser}"}
    [(season, last_end)] = rows(url, "SELECT season_id, max(ends_at) FROM pubg.tournament_rounds GROUP BY 1 "
                                     "ORDER BY 2 DESC LIMIT 1")
    starts = last_end + dt.timedelta(days=1)
    [(round_id, first)] = rows(url, "SELECT round_id, min(scheduled_at) FROM pubg.tournament_scheduled_matches "
                                    "WHERE division_id = 'Pro' GROUP BY 1 ORDER BY 2 LIMIT 1")
    [(original, slot)] = rows(url, "SELECT match_id, slot_id FROM pubg.tournament_match_outcomes WHERE slot_id IS NOT "
                                   "NULL AND status = 'confirmed' AND (round_id, division_id, group_id) <> (%s, 'Pro', "
                                   "'A') ORDER BY match_id LIMIT 1", round_id)
    [(remake,)] = rows(url, "SELECT match_id FROM pubg.tournament_matches WHERE match_id <> %s ORDER BY match_id "
                            "LIMIT 1", original)
    six = lambda at: [{"match_number": n, "scheduled_at": (at + dt.timedelta(minutes=40 * (n - 1))).isoformat(),  # noqa: E731
                       "map_name": "Baltic_Main"} for n in range(1, 7)]
    with server.client() as client:
        for method, path, body in (
                ("put", f"{ADMIN}/rounds/{NEW_ROUND}", {"reason": "an extra day", "name": "Extra",
                                                        "starts_at": starts.isoformat(),
                                                        "ends_at": (starts + dt.timedelta(hours=8)).isoformat()}),
                ("put", f"{ADMIN}/rounds/{NEW_ROUND}/schedule", {"division_id": "Pro", "group_id": "A",
                                                                 "reason": "new slots", "slots": six(starts)}),
                ("put", f"{ADMIN}/rounds/{round_id}/schedule", {"division_id": "Pro", "group_id": "A",
                                                                "reason": "moved", "slots": six(first)}),
                ("put", f"{ADMIN}/matches/{remake}/override", {"remake_of": original,
                                                               "reason": "server crash at 12 min"})):
            answer = client.request(method, path, json=body, headers=headers)
            assert answer.status_code == 200, (path, answer.text)
        shown = client.get(f"{ADMIN}/schedule", params={"season_id": season}, headers=headers).json()["data"]
    return {"season": season, "round": round_id, "slot": slot, "slots": shown["slots"]}


def test_the_slot_row_records_its_creator_and_its_remake(edited, published):
    url = published["pg_url"]
    created = rows(url, "SELECT DISTINCT created_by FROM pubg.tournament_slot_edits WHERE round_id = %s", NEW_ROUND)
    assert created == [("org.origin",)]
    origin = dict(rows(url, "SELECT e.slot_id, e.created_by FROM pubg.tournament_slot_edits e WHERE round_id = %s "
                            "AND division_id = 'Pro' AND group_id = 'A'", edited["round"]))
    filed = {s for (s,) in rows(url, "SELECT slot_id FROM pubg.tournament_scheduled_matches WHERE round_id = %s "
                                     "AND division_id = 'Pro' AND group_id = 'A'", edited["round"])}
    assert len(origin) == 6 and filed and filed < set(origin)
    assert origin == {s: None if s in filed else "org.origin" for s in origin}, "the file's slots have no creator"
    assert rows(url, "SELECT remake_reason FROM pubg.tournament_slot_edits WHERE slot_id = %s",
                edited["slot"]) == [("server crash at 12 min",)]
    assert rows(url, "SELECT count(*) FROM pubg.tournament_slot_edits WHERE remake_reason IS NOT NULL") == [(1,)]
    answered = {s["slot_id"]: s for s in edited["slots"]}
    assert answered[edited["slot"]]["remake_reason"] == "server crash at 12 min"
    assert {s["created_by"] for s in edited["slots"] if s["round"] == NEW_ROUND} == {"org.origin"}
    assert {s["slot_id"]: s["created_by"] for s in edited["slots"] if s["round"] == edited["round"]
            and (s["division"], s["group"]) == ("Pro", "A")} == origin


@pytest.mark.parametrize("phone", (False, True))
def test_the_admin_schedule_shows_who_created_a_slot_and_why_it_was_remade(chromium, server, organiser, edited,
                                                                            request, phone):
    with signed_in_admin(server.base, organiser) as page, check(page, request), \
            at_phone_width(page, "phone_admin_slot_origin") if phone else contextlib.nullcontext():
        clean_load(page, f"{server.base}/admin.html")
        page.wait_for("!document.getElementById('admin').hidden && document.getElementById('schedule').children.length")
        slot = next(s for s in edited["slots"] if s["slot_id"] == edited["slot"])
        choose(page, "round", slot["round"])
        choose(page, "lobby", json.dumps([slot["division"], slot["group"]], separators=(",", ":")))
        remade = f"document.querySelector('[data-slot={json.dumps(edited['slot'])}] [data-remake-reason]')"
        page.wait_for(f"!!{remade}")
        assert page.evaluate(f"{remade}.textContent") == "Remade: server crash at 12 min"
        choose(page, "round", NEW_ROUND)
        choose(page, "lobby", json.dumps(["Pro", "A"], separators=(",", ":")))
        page.wait_for("document.querySelectorAll('#schedule [data-created-by]').length === 6")
        assert set(page.evaluate("[...document.querySelectorAll('#schedule [data-created-by]')]"
                                 ".map((p) => p.textContent)")) == {"Slot created by org.origin"}


def choose(page, element_id: str, value: str) -> None:
    page.evaluate(f"(() => {{ const e = document.getElementById({json.dumps(element_id)});"
                  f" e.value = {json.dumps(value)}; e.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")
