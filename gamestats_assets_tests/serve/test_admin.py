"""The PUBG admin: its endpoints (schedule slots, rounds, delays, the validation list, overrides the next run applies;
the roster's are `test_admin_roster`'s) by role and over hostile input, against a running `gamestats serve` over a
published season; the admin page in Chromium doing the organiser's job; and a delay entered through the API placing
a match by the rules on the pipeline's next run."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import dagster as dg
import psycopg
import pytest

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg.assets import LANDING
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.crud import accounts
from gamestats_assets.sources.pubg.reference import REFERENCE_DIR
from gamestats_assets_tests.pubg.test_pipeline import run_matches, run_snapshots
from gamestats_assets_tests.serve.chromium import DESKTOP
from gamestats_assets_tests.serve.conftest import TOKEN
from gamestats_assets_tests.serve.pages import SCREENSHOTS, check, clean_load, signed_in_admin
from gamestats_assets_tests.serve.running import serving

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
    assert rows(url, "SELECT slot_id, is_tournament_match, status FROM pubg.tournament_match_overrides "
                     "WHERE match_id = %s", match_id) == [(slot, True, "confirmed")], "a remake counts"
    assert client.put(f"{ADMIN}/matches/no-such-match/override", headers=AUTH,
                      json={"round_id": "R1", "reason": "x"}).status_code == 404
    assert client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH, json={"reason": "nothing"}).status_code == 422


OVERRIDE_ROW = "SELECT status, is_tournament_match, reason, admin_user, admin_notes FROM pubg.tournament_match_overrides " \
               "WHERE match_id = %s"


def test_every_decision_records_who_why_and_what_it_replaced_and_one_can_be_undone(client, published):
    """An override records its author (the account of the key), its required reason, its notes and the override it
    replaced; `remake_failed` is a status an organiser can set; the decisions of a match are listed with their
    authors, the latest one alone undoable; its undo puts the replaced override back and is a decision itself."""
    url = published["pg_url"]
    [(match_id, round_id)] = rows(url, "SELECT match_id, round_id FROM pubg.tournament_matches WHERE round_id IS NOT "
                                       "NULL ORDER BY match_id LIMIT 1")
    before = rows(url, OVERRIDE_ROW, match_id)
    assert client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH,
                      json={"status": "remake_failed"}).status_code == 422, "a decision without a reason is refused"
    first = client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH,
                       json={"status": "remake_failed", "reason": "remake never started", "notes": "lobby closed"})
    assert first.status_code == 200, first.text
    assert rows(url, OVERRIDE_ROW, match_id) == [("remake_failed", None, "remake never started", "operator",
                                                  "lobby closed")]
    second = client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH,
                        json={"is_tournament_match": False, "reason": "warm-up after all"})
    listed = client.get(f"{ADMIN}/decisions", params={"match_id": match_id}, headers=AUTH).json()["data"]["decisions"]
    assert [(d["decision_id"], d["kind"], d["made_by"], d["reason"], d["notes"], d["can_undo"]) for d in listed[:2]] == [
        (second.json()["decision_id"], "override", "operator", "warm-up after all", None, True),
        (first.json()["decision_id"], "override", "operator", "remake never started", "lobby closed", False)]
    assert all(d["status"] == "pipeline not running" for d in listed[:2])
    by_round = client.get(f"{ADMIN}/decisions", params={"round": round_id}, headers=AUTH).json()["data"]["decisions"]
    assert second.json()["decision_id"] in {d["decision_id"] for d in by_round}
    refused = client.post(f"{ADMIN}/decisions/{first.json()['decision_id']}/undo", headers=AUTH,
                          json={"reason": "oops"})
    assert refused.status_code == 422 and "a later decision" in str(refused.json()["detail"])
    undone = client.post(f"{ADMIN}/decisions/{second.json()['decision_id']}/undo", headers=AUTH,
                         json={"reason": "it was a real match", "notes": "checked the VOD"})
    assert undone.status_code == 200, undone.text
    assert rows(url, OVERRIDE_ROW, match_id) == [("remake_failed", None, "remake never started", "operator",
                                                  "lobby closed")]
    [(kind, undoes, reason, notes)] = rows(url, "SELECT kind, undoes, reason, notes FROM pubg.tournament_decisions "
                                                "WHERE decision_id = %s", undone.json()["decision_id"])
    assert (kind, undoes, reason, notes) == ("undo", second.json()["decision_id"], "it was a real match",
                                             "checked the VOD")
    again = client.post(f"{ADMIN}/decisions/{second.json()['decision_id']}/undo", headers=AUTH, json={"reason": "x"})
    assert again.status_code == 422 and "undone already" in str(again.json()["detail"])
    assert client.post(f"{ADMIN}/decisions/{undone.json()['decision_id']}/undo", headers=AUTH,
                       json={"reason": "x"}).status_code == 422
    assert client.post(f"{ADMIN}/decisions/999999999/undo", headers=AUTH, json={"reason": "x"}).status_code == 404
    client.post(f"{ADMIN}/decisions/{first.json()['decision_id']}/undo", headers=AUTH, json={"reason": "restore"})
    assert rows(url, OVERRIDE_ROW, match_id) == before


def test_the_health_answer_says_the_pipeline_is_not_running_without_its_daemon(client):
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200
    assert answer.json()["database"] is True and answer.json()["status"] == "degraded"
    assert answer.json()["pipeline"]["running"] is False
    assert set(answer.json()["pipeline"]["missing"]) == {"SENSOR", "QUEUED_RUN_COORDINATOR", "BACKFILL"}


# ---- the schedule endpoints and the admin page, against a running `gamestats serve`

SEASON, SCHEDULE = f"{ADMIN}/season", f"{ADMIN}/schedule"


@pytest.fixture(scope="module")
def server(published):
    with serving({"GAMESTATS_API_TOKEN": TOKEN, "GAMESTATS_API_REQUESTS_PER_MINUTE": "100000"}) as running:
        yield running
    assert "Traceback" not in running.output, running.output


@pytest.fixture(scope="module")
def keys(published) -> dict[str, str]:
    """An organiser's and a player's API key, created as `gamestats accounts create` creates them."""
    with connect(published["pg_url"]) as conn:
        return {"organiser": accounts.create(conn, "org.admin", "organiser"),
                "player": accounts.create(conn, "pat.player", "player", ("account.pat",))}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def round_one(pg_url) -> dict:
    """The first round of the published season that has Pro slots, its first Pro slot and its window (rounds the
    tests add through the API, with no slots, may start earlier)."""
    [(season, round_id, starts, ends)] = rows(pg_url, "SELECT season_id, round_id, starts_at, ends_at FROM "
                                                      "pubg.tournament_rounds r WHERE EXISTS (SELECT FROM "
                                                      "pubg.tournament_scheduled_matches s WHERE s.season_id = "
                                                      "r.season_id AND s.round_id = r.round_id AND s.division_id = "
                                                      "'Pro') ORDER BY starts_at LIMIT 1")
    [(slot, first)] = rows(pg_url, "SELECT slot_id, scheduled_at FROM pubg.tournament_scheduled_matches WHERE "
                                   "round_id = %s AND division_id = 'Pro' ORDER BY match_number LIMIT 1", round_id)
    return {"season": season, "round": round_id, "starts": starts, "ends": ends, "slot": slot, "first": first}


def six(first: dt.datetime, gap_minutes: int = 40, maps=("Baltic_Main", "Desert_Main", "Tiger_Main")) -> list[dict]:
    return [{"match_number": n, "scheduled_at": (first + dt.timedelta(minutes=gap_minutes * (n - 1))).isoformat(),
             "map_name": maps[(n - 1) % len(maps)]} for n in range(1, 7)]


def test_the_schedule_endpoints_are_the_organisers_and_not_a_players(server, keys, published):
    r1 = round_one(published["pg_url"])
    body = {"division_id": "Pro", "group_id": "A", "reason": "slots set", "slots": six(r1["first"])}
    delay = {"division_id": "Pro", "group_id": "A", "from_match": 2, "minutes": 5, "reason": "lobby restart"}
    window = {"reason": "window", "name": "Round 1", "starts_at": r1["starts"].isoformat(), "ends_at": r1["ends"].isoformat()}
    calls = (("get", SEASON, None), ("get", SCHEDULE, None), ("put", f"{ADMIN}/rounds/{r1['round']}", window),
             ("put", f"{ADMIN}/rounds/{r1['round']}/schedule", body),
             ("post", f"{ADMIN}/rounds/{r1['round']}/delay", delay))
    untouched = rows(published["pg_url"], "SELECT * FROM pubg.tournament_slot_edits ORDER BY slot_id")
    with server.client() as client:
        for method, path, json in calls:
            kwargs = {"json": json} if json else {}
            assert client.request(method, path, **kwargs).status_code == 401, path
            refused = client.request(method, path, headers=bearer(keys["player"]), **kwargs)
            assert refused.status_code == 403 and "organiser" in str(refused.json()["detail"]), path
        assert rows(published["pg_url"], "SELECT * FROM pubg.tournament_slot_edits ORDER BY slot_id") == untouched
        for method, path, json in calls:
            kwargs = {"json": json} if json else {}
            answer = client.request(method, path, headers=bearer(keys["organiser"]), **kwargs)
            assert answer.status_code == 200, (path, answer.text)
    edits = rows(published["pg_url"], "SELECT match_number, delay_minutes, map_name FROM pubg.tournament_slot_edits "
                                      "WHERE round_id = %s AND division_id = 'Pro' ORDER BY match_number", r1["round"])
    assert edits == [(n, 0 if n == 1 else 5, ("Baltic_Main", "Desert_Main", "Tiger_Main")[(n - 1) % 3])
                     for n in range(1, 7)]
    slots = rows(published["pg_url"], "SELECT slot_id FROM pubg.tournament_slot_edits WHERE match_number = 1 "
                                      "AND round_id = %s AND division_id = 'Pro'", r1["round"])
    assert slots == [(r1["slot"],)], "match 1 keeps the id of the slot the organisers' file gave it"


REFUSED = [
    ("five slots", lambda r: {"slots": six(r["first"])[:5]}, "at least 6"),
    ("a match twice", lambda r: {"slots": [*six(r["first"])[:5], {**six(r["first"])[0]}]}, "each once"),
    ("a time without its offset", lambda r: {"slots": [{**s, "scheduled_at": s["scheduled_at"][:19]}
                                                       for s in six(r["first"])]}, "timezone"),
    ("slots out of order", lambda r: {"slots": [{**s, "match_number": 7 - s["match_number"]} for s in six(r["first"])]},
     "at least 30 min apart, in match order"),
    ("slots 20 minutes apart", lambda r: {"slots": six(r["first"], 20)},
     "after match 1: slots are at least 30 min apart"),
    ("a slot outside the round", lambda r: {"slots": six(r["ends"] - dt.timedelta(hours=1))}, "outside round"),
    ("an unknown map", lambda r: {"slots": six(r["first"], maps=("Atlantis_Main",))}, "not a PUBG map id"),
    ("a division the season lacks", lambda r: {"slots": six(r["first"]), "division_id": "Amateur"},
     "not one of the season's (Challenger/A, Pro/A)"),
]


@pytest.mark.parametrize("what,change,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_a_schedule_the_design_refuses_is_a_422_that_says_why_and_writes_nothing(server, keys, published, what,
                                                                                  change, message):
    r1 = round_one(published["pg_url"])
    before = rows(published["pg_url"], "SELECT * FROM pubg.tournament_slot_edits ORDER BY slot_id")
    body = {"division_id": "Pro", "group_id": "A", "reason": "slots set", **change(r1)}
    with server.client() as client:
        answer = client.put(f"{ADMIN}/rounds/{r1['round']}/schedule", json=body, headers=bearer(keys["organiser"]))
    assert answer.status_code == 422, answer.text
    assert message in str(answer.json()["detail"]), answer.text
    assert rows(published["pg_url"], "SELECT * FROM pubg.tournament_slot_edits ORDER BY slot_id") == before


def test_rounds_and_delays_the_design_refuses_are_422s_that_say_why(server, keys, published):
    r1 = round_one(published["pg_url"])
    organiser = bearer(keys["organiser"])
    day = dt.timedelta(days=1)
    with server.client() as client:
        assert client.put(f"{ADMIN}/rounds/{r1['round']}/schedule", headers=organiser, json={
            "division_id": "Pro", "group_id": "A", "reason": "slots set", "slots": six(r1["first"])}).status_code == 200

        def refused(method, path, body, message, status=422):
            answer = client.request(method, path, json=body, headers=organiser)
            assert answer.status_code == status and message in str(answer.json()["detail"]), answer.text

        refused("put", f"{ADMIN}/rounds/{r1['round']}", {"reason": "window", "name": "R", "starts_at": r1["ends"].isoformat(),
                                                         "ends_at": r1["starts"].isoformat()}, "before it starts")
        refused("put", f"{ADMIN}/rounds/R9", {"reason": "window", "name": "Round 9", "starts_at": r1["starts"].isoformat(),
                                              "ends_at": (r1["starts"] + 2 * day).isoformat()}, "at most one day")
        refused("put", f"{ADMIN}/rounds/R9", {"reason": "window", "name": "Round 9", "starts_at": (r1["starts"] + day / 2).isoformat(),
                                              "ends_at": (r1["ends"] + day / 2).isoformat()},
                f"overlaps round {r1['round']!r}")
        refused("put", f"{ADMIN}/rounds/{r1['round']}", {"reason": "window", "name": "Round 1", "starts_at": r1["starts"].isoformat(),
                                                         "ends_at": r1["first"].isoformat()},
                "would fall outside round")
        refused("put", f"{ADMIN}/rounds/R9/schedule",
                {"division_id": "Pro", "group_id": "A", "reason": "slots set", "slots": six(r1["first"])}, "round 'R9' not found", 404)
        delay = {"division_id": "Pro", "group_id": "A", "from_match": 1, "reason": "restart"}
        refused("post", f"{ADMIN}/rounds/{r1['round']}/delay", {**delay, "minutes": 0}, "at least one minute")
        refused("post", f"{ADMIN}/rounds/{r1['round']}/delay", {**delay, "minutes": 241}, "less than or equal to 240")
        refused("post", f"{ADMIN}/rounds/{r1['round']}/delay", {**delay, "group_id": "Z", "minutes": 5},
                "has 0 of its 6 slots")
        refused("post", f"{ADMIN}/rounds/{r1['round']}/delay", {**{k: v for k, v in delay.items() if k != "reason"},
                                                               "minutes": 5}, "Field required")
        refused("post", f"{ADMIN}/rounds/{r1['round']}/delay", {**delay, "minutes": 230}, "outside round")


HOSTILE = ("<img src=x onerror=window.pwned=1>", "'; DROP TABLE pubg.players; --", "Ünïcødé 🏆 round")


def test_hostile_strings_are_refused_or_kept_as_the_text_they_are(server, keys, published):
    r1 = round_one(published["pg_url"])
    organiser = bearer(keys["organiser"])
    day = dt.timedelta(days=1)
    with server.client() as client:
        for n, name in enumerate(HOSTILE, start=1):
            window = {"reason": "window", "name": name, "starts_at": (r1["starts"] - (n + 5) * day).isoformat(),
                      "ends_at": (r1["starts"] - (n + 5) * day + dt.timedelta(hours=6)).isoformat()}
            assert client.put(f"{ADMIN}/rounds/H{n}", json=window, headers=organiser).status_code == 200
            assert rows(published["pg_url"], "SELECT name FROM pubg.tournament_round_edits WHERE round_id = %s",
                        f"H{n}") == [(name,)]
        assert {r["name"] for r in client.get(SEASON, headers=organiser).json()["data"]["rounds"]} >= set(HOSTILE)
        for path in ("../../etc/passwd", "a b", "x" * 200, "%00"):
            answer = client.put(f"{ADMIN}/rounds/{quote(path, safe='')}", headers=organiser,
                                json={"reason": "window", "name": "x", "starts_at": r1["starts"].isoformat(),
                                      "ends_at": r1["ends"].isoformat()})
            assert answer.status_code in (404, 422), (path, answer.status_code)
        for body in ({"reason": "window", "name": "nul\x00name"}, {"reason": "window", "name": "x" * 65}, {"reason": "window", "name": ""}):
            answer = client.put(f"{ADMIN}/rounds/H9", headers=organiser,
                                json={"starts_at": r1["starts"].isoformat(), "ends_at": r1["ends"].isoformat(), **body})
            assert answer.status_code == 422, body
        answer = client.post(f"{ADMIN}/rounds/{r1['round']}/delay", headers=organiser,
                             json={"division_id": "Pro\x00", "group_id": "A", "from_match": 1, "minutes": 5,
                                   "reason": "r"})
        assert answer.status_code == 422
    assert rows(published["pg_url"], "SELECT count(*) FROM pubg.tournament_round_edits WHERE round_id = 'H9'") == [(0,)]
    assert rows(published["pg_url"], "SELECT to_regclass('pubg.players') IS NOT NULL") == [(True,)]


@pytest.fixture(scope="module")
def page(chromium, server, keys):
    """The admin page in Chromium (times shown in UTC), signed in with the organiser's key."""
    with signed_in_admin(server.base, keys["organiser"]) as opened:
        yield opened


def open_admin(page, server) -> None:
    """The admin page loaded afresh, its schedule, validation and roster shown, with no error."""
    clean_load(page, f"{server.base}/admin.html")
    page.wait_for("!document.getElementById('admin').hidden && document.getElementById('validation').children.length"
                  " && document.getElementById('roster').children.length")


def change(page, element_id: str, value: str) -> None:
    page.evaluate(f"(() => {{ const e = document.getElementById({json.dumps(element_id)});"
                  f" e.value = {json.dumps(value)}; e.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")


def find(selector: str) -> str:
    """The page's expression of the first element `selector` matches."""
    return f"document.querySelector({json.dumps(selector)})"


MIXED = "SELECT match_id FROM pubg.tournament_matches t LEFT JOIN pubg.tournament_match_outcomes o USING (match_id) " \
        "WHERE coalesce(o.status, t.status) = 'mixed_division'"
CARDS = "[...document.querySelectorAll('#validation article')].map(a => a.dataset.match).sort()"


def listed(page, expected: list[str]) -> list[str]:
    """The matches the validation list shows once it is no longer stale and shows `expected`'s count (it redraws
    after a filter; the stale list of the filters before may have that count too)."""
    page.wait_for("!document.getElementById('validation').classList.contains('stale')"
                  f" && document.querySelectorAll('#validation article').length === {len(expected)}")
    return page.evaluate(CARDS)


def needing_a_decision(pg_url) -> list[str]:
    return [m for (m,) in rows(pg_url, "SELECT t.match_id FROM pubg.tournament_matches t "
                                       "LEFT JOIN pubg.tournament_match_outcomes o USING (match_id) "
                                       "LEFT JOIN pubg.tournament_match_overrides w USING (match_id) "
                                       "WHERE coalesce(o.status, t.status) IN "
                                       "('unscheduled', 'remake_candidate', 'mixed_division', 'remake_failed') "
                                       "AND NOT t.overridden AND w.match_id IS NULL ORDER BY 1")]


def test_every_match_needing_a_decision_is_listed_whatever_round_is_chosen(page, server, published, request):
    """The mixed-division lobby is placed in no round: it is listed by default, under the round chosen for the
    schedule, and under a round filter."""
    [(mixed,)] = rows(published["pg_url"], MIXED)
    expected = needing_a_decision(published["pg_url"])
    with check(page, request):
        open_admin(page, server)
        assert mixed in expected and listed(page, expected) == expected
        rounds = page.evaluate("[...document.getElementById('round').options].map(o => o.value)")
        for round_id in rounds:
            change(page, "round", round_id)
            change(page, "filter-round", round_id)
            assert mixed in listed(page, expected)
        card = find(f"#validation article[data-match='{mixed}']")
        assert "Mixed divisions" in page.evaluate(f"{card}.innerText")
        assert page.evaluate(f"{card}.querySelectorAll('select, button').length") >= 4


def test_the_validation_list_filters_by_status_division_and_day(page, server, published, request):
    url = published["pg_url"]
    every = "SELECT t.match_id FROM pubg.tournament_matches t LEFT JOIN pubg.tournament_match_outcomes o " \
            "USING (match_id) JOIN pubg.matches m USING (match_id) WHERE {} ORDER BY 1"
    with check(page, request):
        open_admin(page, server)
        change(page, "filter-status", "mixed_division")
        assert listed(page, rows(url, every.format("coalesce(o.status, t.status) = 'mixed_division'"))) == [
            m for (m,) in rows(url, every.format("coalesce(o.status, t.status) = 'mixed_division'"))]
        change(page, "filter-status", "")
        change(page, "filter-division", "Challenger")
        challenger = [m for (m,) in rows(url, every.format("t.division_id = 'Challenger' OR t.division_id IS NULL"))]
        assert listed(page, challenger) == challenger
        assert not set(challenger) & {m for (m,) in rows(url, every.format("t.division_id = 'Pro'"))}
        change(page, "filter-division", "")
        [(day,)] = rows(url, "SELECT min(m.created_at)::date FROM pubg.tournament_matches t JOIN pubg.matches m "
                             "USING (match_id)")
        change(page, "filter-date", day.isoformat())
        on_day = [m for (m,) in rows(url, every.format("m.created_at >= %s AND m.created_at < %s"), day,
                                     day + dt.timedelta(days=1))]
        assert listed(page, on_day) == on_day and len(on_day) < len(rows(url, every.format("true")))
        change(page, "filter-date", (day - dt.timedelta(days=30)).isoformat())
        page.wait_for("document.getElementById('validation').innerText.includes('No match here')")
        change(page, "filter-date", "")
        change(page, "filter-status", "needs_override")


def inside(page, selector: str, container: str) -> list[str]:
    """The elements of `selector` whose right edge passes `container`'s (or the window's) right edge."""
    return page.evaluate(f"""(() => {{
        const edge = {container!r} ? document.querySelector({container!r}).getBoundingClientRect().right
                                   : window.innerWidth;
        return [...document.querySelectorAll({selector!r})].filter(e => e.getBoundingClientRect().right > edge + 1)
               .map(e => e.outerHTML.slice(0, 80)); }})()""")


def test_the_actions_fit_their_card_at_desktop_and_phone_width_and_are_usable(page, server, published, request):
    [(mixed,)] = rows(published["pg_url"], MIXED)
    with check(page, request):
        page.viewport(1400, 900)
        open_admin(page, server)
        change(page, "filter-status", "")
        page.wait_for("document.querySelectorAll('#validation article').length > 1")
        section = "#validation"
        assert page.evaluate("(() => { const s = document.getElementById('validation').closest('section');"
                             " return s.scrollWidth <= s.clientWidth; })()")
        assert inside(page, "#validation select, #validation button, #validation input", section) == []
        page.screenshot(SCREENSHOTS / "pages" / "admin_1400.png")
        page.viewport(390, 844)
        open_admin(page, server)
        change(page, "filter-status", "")
        page.wait_for("document.querySelectorAll('#validation article').length > 1")
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
        assert inside(page, "#validation select, #validation button, #validation input, #schedule li", "") == []
        assert page.evaluate("document.querySelectorAll('#roster td').length") >= 1
        assert inside(page, "#roster td, #login", "") == []
        assert page.evaluate("document.getElementById('login').getBoundingClientRect().height") == 0
        page.screenshot(SCREENSHOTS / "pages" / "admin_390.png")
        card = find(f"#validation article[data-match='{mixed}']")
        page.evaluate(f"{card}.querySelector('input').value = 'a show match of both divisions'")
        page.evaluate(f"[...{card}.querySelectorAll('button')]"
                      ".find(b => b.innerText === 'Not a tournament match').click()")
        page.wait_for("document.getElementById('status').innerText.includes('marked as not a tournament match')")
    assert rows(published["pg_url"], "SELECT is_tournament_match, reason FROM pubg.tournament_match_overrides "
                                     "WHERE match_id = %s", mixed) == [(False, "a show match of both divisions")]
    page.viewport(*DESKTOP)


def test_slot_choices_name_their_division_round_and_map(page, server, published, request):
    slots = {slot: (division, name, map_name) for slot, division, name, map_name in rows(
        published["pg_url"], "SELECT s.slot_id, s.division_id, r.name, s.map_name FROM "
                             "pubg.tournament_scheduled_matches s "
                             "JOIN pubg.tournament_rounds r USING (season_id, round_id)")}
    names = json.loads((REFERENCE_DIR / "mapName.json").read_text())
    with check(page, request):
        open_admin(page, server)
        change(page, "filter-status", "")
        page.wait_for("document.querySelectorAll('#validation article').length > 1")
        choices = page.evaluate("[...document.querySelector('#validation article .slot-choice').options]"
                                ".filter(o => o.value).map(o => [o.value, o.textContent, o.parentElement.label])")
        assert {value for value, _, _ in choices} >= set(slots)
        labels = [label for _, label, _ in choices]
        assert len(labels) == len(set(labels)), "two choices read the same"
        for value, label, group in choices:
            if value in slots:
                division, round_name, map_name = slots[value]
                assert label.startswith(f"{division} · {round_name} · #") and names[map_name] in label, label
                assert group == f"{division} · {round_name}"
                assert map_name not in label and value.rsplit("-", 3)[0] not in label, label


def test_an_organiser_sets_a_rounds_six_slots_and_a_delay_on_the_page(page, server, published, request):
    url = published["pg_url"]
    [(round_id, round_name)] = rows(url, "SELECT round_id, name FROM pubg.tournament_rounds "
                                         "ORDER BY starts_at DESC LIMIT 1")
    edits = "SELECT match_number, map_name, delay_minutes FROM pubg.tournament_slot_edits WHERE round_id = %s " \
            "AND division_id = 'Challenger' ORDER BY match_number"
    with check(page, request):
        open_admin(page, server)
        change(page, "round", round_id)
        change(page, "lobby", json.dumps(["Challenger", "A"], separators=(",", ":")))
        assert page.evaluate("document.getElementById('slot-inputs').querySelectorAll('fieldset').length") == 6
        page.evaluate("document.getElementById('edit-slots').open = true")
        page.evaluate("document.querySelector('#slots-form [name=map-2]').value = 'Desert_Main';"
                      "document.getElementById('slots-reason').value = 'map pool'")
        page.evaluate("document.getElementById('slots-form').requestSubmit()")
        page.wait_for("document.getElementById('status').innerText.includes('Six slots of Challenger')")
        assert [(n, m) for n, m, _ in rows(url, edits, round_id)][1] == (2, "Desert_Main")
        assert len(rows(url, edits, round_id)) == 6
        page.wait_for("document.querySelectorAll('#schedule li').length === 6")
        assert "Match 2:" in page.evaluate("document.querySelectorAll('#schedule li')[1].innerText")
        assert "Miramar" in page.evaluate("document.querySelectorAll('#schedule li')[1].innerText")
        assert round_name in page.evaluate("document.getElementById('round-window').innerText")
        before = rows(url, edits, round_id)
        page.evaluate("(() => { const f = document.getElementById('slots-form');"
                      " f.elements['time-3'].value = f.elements['time-2'].value; f.requestSubmit(); })()")
        page.wait_for("document.getElementById('errors').innerText.includes('slots are at least 30 min apart')")
        assert rows(url, edits, round_id) == before
        page.evaluate("document.getElementById('errors').replaceChildren()")
        page.evaluate("document.getElementById('delay').open = true")
        change(page, "delay-from", "4")
        page.evaluate("document.getElementById('delay-minutes').value = '20';"
                      "document.getElementById('delay-reason').value = 'server restart';"
                      "document.getElementById('delay-form').requestSubmit()")
        page.wait_for("document.getElementById('status').innerText.includes('moved by 20 min')")
        assert [d for _, _, d in rows(url, edits, round_id)] == [0, 0, 0, 20, 20, 20]
        page.wait_for("document.querySelectorAll('#schedule li')[3].innerText"
                      ".includes('delayed +20 min (server restart)')")
        assert [e for e in page.errors if "status of 422" not in e] == []


def test_a_hostile_round_name_is_shown_as_its_text(page, server, keys, published, request):
    with check(page, request):
        open_admin(page, server)
        shown = page.evaluate("[...document.getElementById('round').options].map(o => o.textContent)")
        assert any(HOSTILE[0] in text for text in shown), shown
        assert page.evaluate("window.pwned === undefined && !document.querySelector('#round img')")


def test_a_delay_stored_through_the_api_places_the_late_match_by_the_rules(server, keys, published):
    """The late lobby of round 1 started 40 minutes after its slot, so the rules leave it without one (an override
    placed it). Delayed by 40 minutes through the API, the slot is where the pipeline's next build publishes it, and
    the match's next run places the match on it by the rules."""
    url = published["pg_url"]
    r1 = round_one(url)
    [(late, started)] = rows(url, "SELECT t.match_id, m.created_at FROM pubg.tournament_matches t JOIN pubg.matches m "
                                  "USING (match_id) WHERE t.overridden AND t.slot_id = %s", r1["slot"])
    assert "no slot of round" in rows(url, "SELECT reason FROM pubg.tournament_matches WHERE match_id = %s", late)[0][0]
    minutes = round((started - r1["first"]).total_seconds() / 60)
    with server.client() as client:
        assert client.put(f"{ADMIN}/rounds/{r1['round']}/schedule", headers=bearer(keys["organiser"]), json={
            "division_id": "Pro", "group_id": "A", "reason": "slots set", "slots": six(r1["first"], 30)}).status_code == 200
        delayed = client.post(f"{ADMIN}/rounds/{r1['round']}/delay", headers=bearer(keys["organiser"]), json={
            "division_id": "Pro", "group_id": "A", "from_match": 1, "minutes": minutes - 1, "reason": "server restart"})
        assert delayed.status_code == 200, delayed.text
        assert [s["applied"] for s in delayed.json()["slots"]] == [False] * 6
    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("pubg_match", sorted(LANDING.find(resources["platform"])))
    assert run_matches(instance, resources).success and run_snapshots(instance, resources).success
    [(reason, slot)] = rows(url, "SELECT reason, slot_id FROM pubg.tournament_matches WHERE match_id = %s", late)
    assert slot == r1["slot"] and f"by the rules: slot {r1['slot']}: on its map, 1 min from its time" in reason
    published_slots = rows(url, "SELECT match_number, scheduled_at FROM pubg.tournament_scheduled_matches "
                                "WHERE round_id = %s AND division_id = 'Pro' ORDER BY match_number", r1["round"])
    assert published_slots == [(s["match_number"], dt.datetime.fromisoformat(s["scheduled_at"]))
                               for s in delayed.json()["slots"]]
    assert published_slots[0][1] == r1["first"] + dt.timedelta(minutes=minutes - 1)
    with server.client() as client:
        answer = client.get(SCHEDULE, params={"round": r1["round"], "division": "Pro"},
                            headers=bearer(keys["organiser"]))
    assert [s["applied"] for s in answer.json()["data"]["slots"]] == [True] * 6


VALIDATION_API = "*/api/v1/admin/pubg/validation*"


def test_changing_a_filter_marks_the_old_list_stale_and_drops_a_superseded_answer(page, server, published, request):
    url = published["pg_url"]
    with check(page, request):
        open_admin(page, server)
        before = page.evaluate(CARDS)
        with page.holding(VALIDATION_API):
            change(page, "filter-status", "confirmed")
            late = page.held("status=confirmed")
            assert page.evaluate("(e => e.getAttribute('aria-busy') === 'true' && e.classList.contains('stale'))"
                                 "(document.getElementById('validation'))")
            assert page.evaluate(CARDS) == before
            change(page, "filter-status", "mixed_division")
            page.release(page.held("status=mixed_division"))
            mixed = [m for (m,) in rows(url, MIXED)]
            assert listed(page, mixed) == sorted(mixed)
            page.release(late)
            page.wait_for("document.body.dataset.dropped === '1'")
        assert page.evaluate(CARDS) == sorted(mixed)
        assert page.evaluate("document.querySelectorAll('#validation.stale, #validation[aria-busy]').length") == 0
        change(page, "filter-status", "needs_override")
        listed(page, needing_a_decision(url))


# ---- undoing a schedule edit, and the rebuild an edit requests

HISTORY = "[...document.querySelectorAll('#history > li')].map(li => li.innerText)"
SLOT_TITLES = "[...document.querySelectorAll('#schedule li h3')].map(h => h.innerText)"


def history_of(client, headers, round_id: str, division: str = "Pro") -> list[dict]:
    answer = client.get(f"{ADMIN}/rounds/{round_id}/schedule/history", params={"division": division, "group": "A"},
                        headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["edits"]


def test_an_edit_is_undone_through_the_api_as_an_edit_of_its_own(server, keys, published):
    """Undo restores the slots before the lobby's latest edit and is recorded as an edit; an earlier edit, an
    edit undone already and an unknown one are refused, saying why, and write nothing."""
    url = published["pg_url"]
    r1 = round_one(url)
    organiser = bearer(keys["organiser"])
    slots_now = "SELECT slot_id, planned_at, delay_minutes, map_name FROM pubg.tournament_slot_edits " \
                "WHERE round_id = %s AND division_id = 'Pro' ORDER BY match_number"
    with server.client() as client:
        def pro_slots():
            answer = client.get(SCHEDULE, params={"round": r1["round"], "division": "Pro"}, headers=organiser)
            return [(s["match_number"], s["scheduled_at"], s["scheduled_map"]) for s in answer.json()["data"]["slots"]]

        start = pro_slots()
        set_ = client.put(f"{ADMIN}/rounds/{r1['round']}/schedule", headers=organiser, json={
            "division_id": "Pro", "group_id": "A", "slots": six(r1["first"], 35, ("Savage_Main",)), "reason": "new maps"})
        assert set_.status_code == 200, set_.text
        after_set, edited = pro_slots(), rows(url, slots_now, r1["round"])
        assert client.post(f"{ADMIN}/rounds/{r1['round']}/delay", headers=organiser, json={
            "division_id": "Pro", "group_id": "A", "from_match": 4, "minutes": 10, "reason": "cable"}).status_code == 200
        delayed = rows(url, slots_now, r1["round"])
        delay, schedule, *_ = history_of(client, organiser, r1["round"])
        assert (delay["action"], delay["reason"], delay["can_undo"]) == ("delay", "cable", True)
        assert (schedule["action"], schedule["can_undo"]) == ("schedule", False)
        assert [(s["match_number"], s["scheduled_at"], s["map_name"]) for s in delay["previous"]] == after_set
        assert [(s["match_number"], s["scheduled_at"], s["map_name"]) for s in schedule["previous"]] == start

        def refused(edit_id, message, status=422):
            before = rows(url, "SELECT * FROM pubg.tournament_slot_edits ORDER BY slot_id")
            answer = client.post(f"{ADMIN}/schedule/edits/{edit_id}/undo", headers=organiser,
                                 json={"reason": "back as it was"})
            assert answer.status_code == status and message in str(answer.json()["detail"]), answer.text
            assert rows(url, "SELECT * FROM pubg.tournament_slot_edits ORDER BY slot_id") == before

        refused(schedule["edit_id"], f"edit {delay['edit_id']} of Pro/A in round {r1['round']!r} came after")
        assert client.post(f"{ADMIN}/schedule/edits/{delay['edit_id']}/undo").status_code == 401
        assert client.post(f"{ADMIN}/schedule/edits/{delay['edit_id']}/undo",
                           headers=bearer(keys["player"])).status_code == 403
        undone = client.post(f"{ADMIN}/schedule/edits/{delay['edit_id']}/undo", headers=organiser,
                             json={"reason": "back as it was"})
        assert undone.status_code == 200, undone.text
        assert pro_slots() == after_set and rows(url, slots_now, r1["round"]) == edited
        refused(delay["edit_id"], f"edit {delay['edit_id']} is undone already (by edit {undone.json()['edit_id']})")
        refused(10**9, "schedule edit 1000000000 not found", 404)
        latest, undone_delay, _ = history_of(client, organiser, r1["round"])[:3]
        assert (latest["edit_id"], latest["action"], latest["undoes"]) == (undone.json()["edit_id"], "undo",
                                                                            delay["edit_id"])
        assert undone_delay["undone_by"] == latest["edit_id"]
        assert client.post(f"{ADMIN}/schedule/edits/{latest['edit_id']}/undo", headers=organiser,
                           json={"reason": "back as it was"}).status_code == 200
        assert rows(url, slots_now, r1["round"]) == delayed


def test_an_organiser_undoes_an_edit_on_the_page(page, server, keys, published, request):
    url = published["pg_url"]
    [(round_id,)] = rows(url, "SELECT round_id FROM pubg.tournament_rounds ORDER BY starts_at DESC LIMIT 1")
    [(first,)] = rows(url, "SELECT min(scheduled_at) FROM pubg.tournament_scheduled_matches WHERE round_id = %s "
                           "AND division_id = 'Challenger'", round_id)
    with server.client() as client:
        assert client.put(f"{ADMIN}/rounds/{round_id}/schedule", headers=bearer(keys["organiser"]), json={
            "division_id": "Challenger", "group_id": "A", "reason": "slots set", "slots": six(first)}).status_code == 200
    edits = "SELECT slot_id, planned_at, delay_minutes, map_name FROM pubg.tournament_slot_edits " \
            "WHERE round_id = %s AND division_id = 'Challenger' ORDER BY slot_id"
    edits_before = rows(url, edits, round_id)
    with check(page, request):
        open_admin(page, server)
        change(page, "round", round_id)
        change(page, "lobby", json.dumps(["Challenger", "A"], separators=(",", ":")))
        page.wait_for("document.querySelectorAll('#schedule li h3').length === 6")
        before = page.evaluate(SLOT_TITLES)
        with server.client() as client:
            api_before = client.get(SCHEDULE, params={"round": round_id, "division": "Challenger"},
                                    headers=bearer(keys["organiser"])).json()["data"]["slots"]
        page.wait_for("!!document.querySelector('#history > li button.undo')")
        count = page.evaluate("document.querySelectorAll('#history > li').length")
        old_map = page.evaluate("document.querySelector('#slots-form [name=map-5]').value")
        new_map = "Summerland_Main" if old_map != "Summerland_Main" else "Savage_Main"
        page.evaluate("document.getElementById('edit-slots').open = true")
        page.evaluate(f"document.querySelector('#slots-form [name=map-5]').value = {new_map!r};"
                      "document.getElementById('slots-reason').value = 'map pool';"
                      "document.getElementById('slots-form').requestSubmit()")
        page.wait_for("document.getElementById('status').innerText.includes('Six slots of Challenger')")
        page.wait_for(f"{SLOT_TITLES}[4] !== {json.dumps(before[4])}")
        page.wait_for("document.getElementById('rebuild').dataset.state === 'rebuilding'")
        page.wait_for(f"document.querySelectorAll('#history > li').length === {count + 1}")
        shown = page.evaluate(HISTORY)[0]
        assert shown.startswith("Slots set") and "Before:" in shown and f"#5 {before[4].split(': ')[1].split(' · ')[0]}" in shown
        page.evaluate("document.querySelector('#history > li .undo-reason').value = 'back as it was';"
                      "document.querySelector('#history > li button.undo').click()")
        page.wait_for("document.getElementById('status').innerText.includes('undone')")
        page.wait_for(f"JSON.stringify({SLOT_TITLES}) === {json.dumps(json.dumps(before, separators=(',', ':'), ensure_ascii=False))}")
        page.wait_for("document.querySelector('#history > li').innerText.startsWith('Undo')")
        assert "undone" in page.evaluate(HISTORY)[1]
    with server.client() as client:
        api_after = client.get(SCHEDULE, params={"round": round_id, "division": "Challenger"},
                               headers=bearer(keys["organiser"])).json()["data"]["slots"]
    assert [(s["scheduled_at"], s["scheduled_map"]) for s in api_after] == [
        (s["scheduled_at"], s["scheduled_map"]) for s in api_before]
    assert rows(url, edits, round_id) == edits_before


def test_a_delay_reruns_its_lobbys_matches_then_republishes_the_tournament_tables(page, server, keys, published,
                                                                                   request):
    """The decisions sensor sees a delay saved on the page: it requests runs of the tournament context over the
    lobby's matches of the round (and those placed in none), then, once they ended, one run of the tournament tables;
    that run republishes the slots with the delayed time, and the page, which said "rebuilding", then shows it. A
    decision is taken once."""
    from gamestats_assets.definitions import defs
    from gamestats_assets.defs.pubg import domain
    from gamestats_assets.defs.pubg.checks import CHECKS
    from gamestats_assets.sources.pubg.decisions import DECISION_STEP_TAG, DECISION_TAG

    url = published["pg_url"]
    r1 = round_one(url)
    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("pubg_match", sorted(LANDING.find(resources["platform"])))
    sensor = defs.get_sensor_def("pubg_organiser_decisions")
    everything = [*domain.defs.assets, *CHECKS, *domain.publish_checks]

    def tick(cursor):
        return sensor(dg.build_sensor_context(instance=instance, definitions=defs, resources=resources, cursor=cursor))

    def run(request_):
        return dg.materialize(everything, selection=request_.asset_selection, instance=instance, resources=resources,
                              tags=request_.tags, raise_on_error=False)

    taken = tick(None)
    assert taken.run_requests, "the decisions made before the sensor's first tick are taken"
    cursor = tick(taken.cursor).cursor
    quiet = tick(cursor)
    assert quiet.run_requests == [] and quiet.skip_reason.skip_message == "no new decision"
    published_slot = "SELECT scheduled_at FROM pubg.tournament_scheduled_matches WHERE round_id = %s " \
                     "AND division_id = 'Pro' AND match_number = 6"
    edited_slot = "SELECT planned_at + make_interval(mins => delay_minutes) FROM pubg.tournament_slot_edits " \
                  "WHERE round_id = %s AND division_id = 'Pro' AND match_number = 6"
    lobby = {m for (m,) in rows(url, "SELECT match_id FROM pubg.tournament_matches WHERE (round_id = %s OR round_id "
                                     "IS NULL) AND (division_id = 'Pro' OR division_id IS NULL)", r1["round"])}
    [(was,)] = rows(url, edited_slot, r1["round"])
    with check(page, request):
        open_admin(page, server)
        change(page, "round", r1["round"])
        change(page, "lobby", json.dumps(["Pro", "A"], separators=(",", ":")))
        page.evaluate("document.getElementById('delay').open = true")
        change(page, "delay-from", "6")
        page.evaluate("document.getElementById('delay-minutes').value = '7';"
                      "document.getElementById('delay-reason').value = 'stream delay';"
                      "document.getElementById('delay-notes').value = 'caster asked';"
                      "document.getElementById('delay-form').requestSubmit()")
        page.wait_for("document.getElementById('status').innerText.includes('moved by 7 min')")
        page.wait_for("document.getElementById('rebuild').dataset.state === 'rebuilding'")
        [(decision, made_by, notes)] = rows(url, "SELECT decision_id, made_by, notes FROM pubg.tournament_decisions "
                                                 "WHERE kind = 'delay' ORDER BY decision_id DESC LIMIT 1")
        assert (made_by, notes) == ("org.admin", "caster asked")
        page.wait_for(f"document.querySelector('#decisions li[data-decision=\"{decision}\"]')?.dataset.state "
                      "=== 'pipeline not running'")
        assert "The pipeline is not running" in page.evaluate("document.getElementById('pipeline').innerText")
        matches = tick(cursor)
        assert {r.tags[DECISION_STEP_TAG] for r in matches.run_requests} == {"matches"}
        assert {r.tags[DECISION_TAG] for r in matches.run_requests} == {str(decision)}
        ordered = instance.get_dynamic_partitions("pubg_match")
        covered = {key for r in matches.run_requests for key in ordered[
            ordered.index(r.tags.get("dagster/asset_partition_range_start", r.partition_key)):
            ordered.index(r.tags.get("dagster/asset_partition_range_end", r.partition_key)) + 1]}
        assert lobby <= covered
        assert all(set(r.asset_selection) <= set(domain.wiring.keys["pubg_match"]) for r in matches.run_requests)
        assert dg.AssetKey(["pubg", "cons", "tournament_match_context"]) in matches.run_requests[0].asset_selection
        in_flight = instance.create_run_for_job(defs.resolve_job_def("pubg_pubg_match"), tags=matches.run_requests[0].tags,
                                                status=dg.DagsterRunStatus.STARTED)
        assert tick(matches.cursor).run_requests == [], "the tables wait for the matches' runs"
        instance.delete_run(in_flight.run_id)
        assert all(run(r).success for r in matches.run_requests)
        after = tick(matches.cursor)
        [tables] = after.run_requests
        assert (tables.tags[DECISION_TAG], tables.tags[DECISION_STEP_TAG]) == (str(decision), "tables")
        selected = set(tables.asset_selection)
        assert {dg.AssetKey(["pubg", "cons", "tournament_schedule"]),
                dg.AssetKey(["pubg", "postgres", "tournament_scheduled_matches"]),
                dg.AssetKey(["pubg", "postgres", "team_leaderboards"])} <= selected
        assert selected <= set(domain.wiring.keys["snapshots"])
        assert run(tables).success
        [(now,)] = rows(url, published_slot, r1["round"])
        assert now == was + dt.timedelta(minutes=7)
        page.wait_for("document.getElementById('rebuild').dataset.state === 'republished'")
        assert page.evaluate("document.getElementById('rebuild').innerText").startswith("Republished")
        assert now.strftime("%I:%M %p") in page.evaluate(f"{SLOT_TITLES}[5]")
    with server.client() as client:
        [listed] = [d for d in client.get(f"{ADMIN}/decisions", params={"round": r1["round"]},
                                          headers=bearer(keys["organiser"])).json()["data"]["decisions"]
                    if d["decision_id"] == decision]
    assert (listed["kind"], listed["made_by"], listed["reason"], listed["notes"]) == (
        "delay", "org.admin", "stream delay", "caster asked")
    assert tick(after.cursor).run_requests == [], "a decision is taken once"


def test_viewers_see_the_organisers_decisions_standing_on_matches_with_their_reasons(page, server, published, request):
    """The season's synthetic late lobby was put on its slot by an organiser: the public API and the tournament
    page's match history say so, who and why, without the notes."""
    url = published["pg_url"]
    [(late, reason)] = rows(url, "SELECT match_id, reason FROM pubg.tournament_match_overrides WHERE admin_user = "
                                 "'synthetic organiser'")
    with server.client() as client:
        decided = client.get("/api/v1/tournaments/decisions").json()["data"]["decisions"]
    [shown] = [d for d in decided if d["match_id"] == late]
    assert shown["reason"] == reason and shown["what"].startswith("put on Pro · Round 1 · match #") and shown["scored"]
    assert shown["made_by"] == "synthetic organiser" and "notes" not in shown
    with check(page, request):
        clean_load(page, f"{server.base}/tournament.html")
        page.evaluate("document.getElementById('tab-matches').click()")
        page.wait_for(f"!!document.querySelector('#panel-matches .decided p[data-match={json.dumps(late)}]')")
        text = page.evaluate(f"document.querySelector('#panel-matches .decided p[data-match={json.dumps(late)}]')"
                             ".innerText")
        assert reason in text and "put on Pro · Round 1" in text


def test_a_decision_whose_match_run_failed_is_said_failed_and_blocks_no_later_one(client, published):
    """Fault injection: the run of a decision's match fails. The tables are still rebuilt once it ended (a failed
    run never blocks the decisions after it), and the decision is reported `failed`, not `applied`."""
    from gamestats_assets.definitions import defs
    from gamestats_assets.serve.routes.admin.pubg_decisions import with_status
    from gamestats_assets.sources.pubg.decisions import DECISION_STEP_TAG, DECISION_TAG

    url = published["pg_url"]
    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("pubg_match", sorted(LANDING.find(resources["platform"])))
    sensor = defs.get_sensor_def("pubg_organiser_decisions")
    [(latest,)] = rows(url, "SELECT coalesce(max(decision_id), 0) FROM pubg.tournament_decisions")
    [(match_id,)] = rows(url, "SELECT match_id FROM pubg.tournament_matches ORDER BY match_id LIMIT 1")
    made = client.put(f"{ADMIN}/matches/{match_id}/override", headers=AUTH,
                      json={"status": "confirmed", "reason": "checked"}).json()["decision_id"]

    def tick(cursor):
        return sensor(dg.build_sensor_context(instance=instance, definitions=defs, resources=resources, cursor=cursor))

    matches = tick(json.dumps({"taken": latest, "waiting": []}))
    [request_] = matches.run_requests
    assert request_.partition_key == match_id and request_.tags[DECISION_TAG] == str(made)
    failed = instance.create_run_for_job(defs.resolve_job_def("pubg_pubg_match"), tags=request_.tags,
                                         status=dg.DagsterRunStatus.FAILURE)
    [tables] = tick(matches.cursor).run_requests
    assert tables.tags[DECISION_STEP_TAG] == "tables"
    decision = {"decision_id": made}
    assert with_status(instance, [decision], made, running=True)[0]["status"] == "failed"
    instance.delete_run(failed.run_id)
    assert with_status(instance, [decision], made, running=True)[0]["status"] == "waiting"
    assert with_status(instance, [decision], made, running=False)[0]["status"] == "pipeline not running"
