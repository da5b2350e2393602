"""A sweep of real requests over every operation of the OpenAPI document, against the tables a real run published:
each operation asked once as it should be (its answer validated against its model), once for each value it takes
naming something the tables lack (a 404 naming it, `docs/api/rules.md`), once for each parameter in a form it refuses
(a 422 in FastAPI's list), without a key and with one short of its role (401, 403), past its body's bound (413) and
past its client's budget (429). Every status the sweep gets is one its operation declares, in the one shape of
refusals; a list's page past its end still says how many rows there are.

With `WRITE_API_EXAMPLES=1`, the sweep keeps each operation's answer, lists cut to two rows and keys masked, as
the document's examples (`serve/examples.json`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import psycopg
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from gamestats_assets.lib.intake.tracking import PLAYER_TAG
from gamestats_assets.serve.core.accounts import KEY, ROLES
from gamestats_assets.serve.app import ROUTERS, UPLOADS, create_app
from gamestats_assets.serve.core.contract import EXAMPLES
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.ballchasing_sends import SENT, noted
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, URL_ENV
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.rocket.forged import with_section_crcs
from gamestats_assets_tests.serve.conftest import DAY, L2M_DAYS, TOKEN, client_for, publish_rocket_day
from gamestats_assets_tests.serve.running import landed_upload
from gamestats_assets_tests.serve.test_admin_roster import file_players, submitted, tick
from gamestats_assets_tests.serve.test_rocket_imports import BALLCHASING_TOKEN, ballchasing  # noqa: F401 (a fixture)
from gamestats_assets_tests.serve.test_rocket_imports import REPLAY_ID as BALLCHASING_REPLAY

AUTH = {"Authorization": f"Bearer {TOKEN}"}
UNKNOWN = {"season_id": "no-such-season", "division": "no-such-division", "group": "no-such-group",
           "round": "no-such-round", "match_id": "no-such-match", "champion": "Nobody", "queue": "nowhere",
           "patch": "1.1", "server_id": "987654321", "player_id": "steam:0"}
"""A value of each parameter naming something, that no published table holds."""
NAMING = {
    "/api/v1/tournaments": ("season_id", "division", "group", "round", "match_id"),
    "/api/v1/admin/pubg": ("season_id",),
    "/api/v1/lol": ("champion", "queue", "patch"),
    "/api/v1/l2m": ("server_id",),
    "/api/v1/rocket": ("player_id",),
}
"""The parameters whose unknown value each part of the API answers 404 (`docs/api/rules.md`: the organisers' lists
filter by division, group and round, which an edit may name before any publish)."""
PAGED = {("GET", "/api/v1/tournaments/leaderboard/teams"): ("data", "teams"),
         ("GET", "/api/v1/tournaments/leaderboard/players"): ("data", "players"),
         ("GET", "/api/v1/tournaments/matches/recent"): ("data", "matches"),
         ("GET", "/api/v1/admin/pubg/decisions"): ("data", "decisions"),
         ("GET", "/api/v1/lol/tier-list"): ("data", "champions"),
         ("GET", "/api/v1/rocket/replays/recent"): ("metadata", None),
         ("GET", "/api/v1/rocket/training/packs"): ("metadata", None),
         ("GET", "/api/v1/rocket/leaderboards"): ("metadata", None),
         **{("GET", f"/api/v1/lol/champions/{{champion}}/{path}"): ("metadata", None) for path in (
             "roles", "builds", "skill-orders", "matchups", "length-win-rates", "patch-trend", "keystones",
             "rune-pages", "spells", "starting-items", "skill-paths", "boots")},
         **{("GET", f"/api/v1/lol/{path}"): ("metadata", None) for path in (
             "patterns", "correlations", "objectives", "objective-timing", "dragon-vs-herald", "vision",
             "win-model")}}
"""Each list a client pages through, and where it says `total_count` (`data` beside the rows, or `metadata` when
`data` is the rows); but a champion's fourth to sixth items, of which the demo's players, finishing three core items,
have no page."""


@dataclass
class Ask:
    """A request of the operation `method route`: its path, query, JSON body or raw content, and headers."""

    method: str
    route: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(AUTH))

    def send(self, client: TestClient, path: str | None = None, **changes) -> Any:
        """The request, with `changes` (`params`, `content`, `headers`) and on `path` when given."""
        asked = {"params": self.params, "json": self.body, "content": self.content, "headers": self.headers,
                 **changes}
        asked.pop("json" if asked["content"] is not None else "content")
        return client.request(self.method, path or self.path, **asked)


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app(ServeSettings(pg_url="postgresql://postgres@127.0.0.1/postgres")).openapi()


@pytest.fixture(scope="module")
def kept():
    """The answers kept as examples, written when the module ends if `WRITE_API_EXAMPLES` is set."""
    found: dict[str, Any] = {}
    yield found
    if os.environ.get("WRITE_API_EXAMPLES") and found:
        held = json.loads(EXAMPLES.read_text()) if EXAMPLES.exists() else {}
        EXAMPLES.write_text(json.dumps(dict(sorted({**held, **found}.items())), indent=1, ensure_ascii=False) + "\n")


def first(pg_url: str, query: str, *params) -> tuple:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchone()


def routes() -> dict[tuple[str, str], APIRoute]:
    return {(method, route.path): route for router in ROUTERS for route in router.routes
            if isinstance(route, APIRoute) and route.include_in_schema for method in route.methods}


def trimmed(value: Any) -> Any:
    """`value` with every list cut to two items and every API key masked: an example, not a dump."""
    if isinstance(value, list):
        return [trimmed(item) for item in value[:2]]
    if isinstance(value, dict):
        return {k: trimmed(v) for k, v in value.items()}
    if isinstance(value, str) and KEY.match(value):
        return "gsk_0123456789abcdef_" + "x" * 43
    return value


def declared(document: dict, method: str, route: str) -> set[int]:
    return {int(status) for status in document["paths"][route][method.lower()]["responses"]}


def parameters(document: dict, ask: Ask) -> list[dict]:
    return document["paths"][ask.route][ask.method.lower()].get("parameters", [])


def checked(document: dict, ask: Ask, answer, expected: int | None = None) -> Any:
    """`answer` to `ask`, asserted to be of a status its operation declares (and `expected` when given), a refusal in
    the one shape."""
    what = f"{ask.method} {ask.path} {answer.status_code} {answer.text[:300]}"
    assert answer.status_code in declared(document, ask.method, ask.route), what
    if expected is not None:
        assert answer.status_code == expected, what
    if answer.status_code >= 400:
        detail = answer.json()["detail"]
        if answer.status_code == 422:
            assert detail and all({"type", "loc", "msg"} <= set(error) for error in detail), what
        else:
            assert isinstance(detail, str) and detail, what
    return answer


def asked_well(document: dict, client: TestClient, ask: Ask, kept: dict) -> Any:
    """`ask`'s answer: a success its route's model takes, kept as the operation's example."""
    answer = checked(document, ask, ask.send(client))
    assert answer.status_code < 300, f"{ask.method} {ask.path}: {answer.status_code} {answer.text[:300]}"
    if answer.headers.get("content-type", "").startswith("application/json"):
        model = routes()[(ask.method, ask.route)].response_model
        TypeAdapter(model).validate_json(answer.content)
        kept.setdefault(f"{ask.method} {ask.route}", trimmed(answer.json()))
    return answer


def malformed(parameter: dict) -> list[str]:
    """Values of `parameter` its declaration refuses: a control character always, and what its type, pattern,
    bounds or choices refuse."""
    schema = parameter.get("schema", {})
    kinds = [schema, *schema.get("anyOf", [])]
    values = ["a\x00b"]
    if any(kind.get("type") == "integer" for kind in kinds):
        values.append("12x")
    if any(kind.get("type") == "boolean" for kind in kinds):
        values.append("maybe")
    if any("maxLength" in kind for kind in kinds):
        values.append("x" * (max(kind.get("maxLength", 0) for kind in kinds) + 1))
    if any("enum" in kind or "pattern" in kind for kind in kinds):
        values.append("\x7fnot one")
    return values


def sweep(document: dict, client: TestClient, asks: list[Ask], kept: dict, roles: dict[str, dict[str, str]]) -> set:
    """Every operation of `asks` asked well, with each naming value unknown, each parameter malformed, without a key
    and short of its role, and past its body's bound; the operations asked."""
    done = set()
    for ask in asks:
        asked_well(document, client, ask, kept)
        done.add((ask.method, ask.route))
        names = next((names for prefix, names in NAMING.items() if ask.route.startswith(prefix)), ())
        for parameter in parameters(document, ask):
            name, where = parameter["name"], parameter["in"]
            if name in names:
                value = UNKNOWN[name]
                if where == "path":
                    unknown = checked(document, ask, ask.send(client, path=ask.path.replace(
                        str(path_value(ask, name)), value)), 404)
                else:
                    unknown = checked(document, ask, ask.send(client, params={**ask.params, name: value}), 404)
                assert value in unknown.json()["detail"], (ask.route, name, unknown.text)
            for value in malformed(parameter):
                if where == "path":
                    answer = ask.send(client, path=ask.path.replace(str(path_value(ask, name)), value.replace(
                        "\x00", "%00").replace("\x7f", "%7F")))
                else:
                    answer = ask.send(client, params={**ask.params, name: value})
                checked(document, ask, answer, 422)
        if ask.method != "GET":
            checked(document, ask, ask.send(client, headers={}), 401)
            refused = roles.get(ask.route)
            if refused is not None:
                checked(document, ask, ask.send(client, headers=refused), 403)
        elif document["paths"][ask.route]["get"].get("security"):
            checked(document, ask, ask.send(client, headers={}), 401)
            if ask.route in roles:
                checked(document, ask, ask.send(client, headers=roles[ask.route]), 403)
        settings = client.app.state.settings
        bound = settings.max_upload_bytes if ask.route in UPLOADS else settings.max_body_bytes
        checked(document, ask, ask.send(client, content=b"x" * (bound + 1), headers={
            **ask.headers, "Content-Type": "text/plain"}), 413)
    return done


def path_value(ask: Ask, name: str) -> str:
    """The value `ask`'s path holds for its path parameter `name`."""
    parts, template = ask.path.split("/"), ask.route.split("/")
    return next(part for part, slot in zip(parts, template, strict=True) if slot == f"{{{name}}}")


def spent_budget(document: dict, pg_url: str, asks: list[Ask], **settings) -> None:
    """Past its client address's budget and its account's (one request a minute each, whatever the role), every
    operation of `asks` answers 429, as it declares."""
    app = create_app(ServeSettings(pg_url=pg_url, api_token=TOKEN, requests_per_minute=1,
                                   role_requests_per_minute=dict.fromkeys(ROLES, 1), **settings))
    with TestClient(app, client=(f"192.0.2.{uuid.uuid4().int % 250 + 1}", 5000)) as poor:
        for headers in {frozenset(ask.headers.items()) for ask in asks} | {frozenset()}:
            poor.get("/api/v1/health", headers=dict(headers))
        for ask in asks:
            checked(document, ask, ask.send(poor), 429)


def pages_past_their_end(document: dict, client: TestClient, asks: list[Ask]) -> None:
    """Each paged list asked past its last page has no rows and says as many in all as its first page."""
    for ask in asks:
        where = PAGED.get((ask.method, ask.route))
        if where is None:
            continue
        head, rows = where
        page = asked_well(document, client, ask, {}).json()
        beyond = checked(document, ask, ask.send(client, params={**ask.params, "offset": 1_000_000}), 200).json()
        assert beyond[head]["total_count"] == page[head]["total_count"] > 0, ask.route
        assert (beyond["data"][rows] if rows else beyond["data"]) == [], ask.route


def keyed_as(client: TestClient, role: str, player_ids: tuple[str, ...] = ()) -> dict[str, str]:
    created = client.post("/api/v1/admin/accounts", headers=AUTH, json={
        "name": f"sweep-{role}-{uuid.uuid4().hex[:8]}", "role": role, "player_ids": list(player_ids)})
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['api_key']}"}


def test_every_pubg_admin_and_account_operation_answers_only_what_it_declares(document, published, client, kept):
    pg_url = published["pg_url"]
    instance = dg.DagsterInstance.ephemeral()
    client.app.state.dagster_instance = lambda: instance
    season, division, group, round_id = first(pg_url, "SELECT season_id, division_id, group_id, round_id FROM "
                                                      "pubg.tournament_scheduled_matches ORDER BY 1, 2, 3, 4 LIMIT 1")
    (match,) = first(pg_url, "SELECT match_id FROM pubg.tournament_match_outcomes WHERE scored ORDER BY 1 LIMIT 1")
    (player,) = first(pg_url, "SELECT account_id FROM pubg.match_summaries WHERE NOT account_id = ANY(%s) "
                              "ORDER BY 1 LIMIT 1", file_players(published))
    (competitor,) = first(pg_url, "SELECT account_id FROM pubg.player_match_results ORDER BY 1 LIMIT 1")
    starts, ends = first(pg_url, "SELECT starts_at, ends_at FROM pubg.tournament_rounds WHERE season_id = %s AND "
                                 "round_id = %s", season, round_id)
    (planned,) = first(pg_url, "SELECT min(scheduled_at) FROM pubg.tournament_scheduled_matches WHERE round_id = %s "
                               "AND division_id = %s AND group_id = %s", round_id, division, group)
    base, admin, accounts = "/api/v1/tournaments", "/api/v1/admin/pubg", "/api/v1/admin/accounts"
    context = {"season_id": season, "division": division, "group": group, "round": round_id}
    lobby = {"season_id": season, "division_id": division, "group_id": group}
    slots = [{"match_number": n, "scheduled_at": (planned + dt.timedelta(minutes=40 * (n - 1))).isoformat(),
              "map_name": "Baltic_Main"} for n in range(1, 7)]
    window = {"season_id": season, "name": "Round one", "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
              "reason": "the sweep"}
    organiser, player_key = keyed_as(client, "organiser"), keyed_as(client, "player", ("steam:76561197960265729",))
    reads = [Ask("GET", "/api/v1/health", "/api/v1/health", headers={}),
             *(Ask("GET", f"{base}{p}", f"{base}{p}", params=context, headers={}) for p in (
                 "/leaderboard/teams", "/leaderboard/players", "/matches/recent", "/schedule")),
             Ask("GET", f"{base}/rounds", f"{base}/rounds", params={k: context[k] for k in ("season_id", "division")},
                 headers={}),
             Ask("GET", f"{base}/decisions", f"{base}/decisions", params={"season_id": season}, headers={}),
             Ask("GET", f"{base}/matches/{{match_id}}", f"{base}/matches/{match}", headers={}),
             Ask("GET", f"{base}/players/{{player_id}}", f"{base}/players/{competitor}", params={"limit": 2},
                 headers={}),
             Ask("GET", f"{base}/seasons", f"{base}/seasons", headers={}),
             Ask("GET", f"{admin}/season", f"{admin}/season", params={"season_id": season}),
             Ask("GET", f"{admin}/schedule", f"{admin}/schedule", params=context),
             Ask("GET", f"{admin}/validation", f"{admin}/validation", params={"season_id": season}),
             Ask("GET", f"{admin}/players", f"{admin}/players"),
             Ask("GET", f"{admin}/players/preview", f"{admin}/players/preview", params={"player_id": player}),
             Ask("GET", f"{admin}/backfills", f"{admin}/backfills"),
             Ask("GET", accounts, accounts)]
    writes = [Ask("PUT", f"{admin}/rounds/{{round_id}}", f"{admin}/rounds/{round_id}", body=window),
              Ask("PUT", f"{admin}/rounds/{{round_id}}/schedule", f"{admin}/rounds/{round_id}/schedule",
                  body={**lobby, "slots": slots, "reason": "the sweep"}),
              Ask("POST", f"{admin}/rounds/{{round_id}}/delay", f"{admin}/rounds/{round_id}/delay",
                  body={**lobby, "from_match": 2, "minutes": 5, "reason": "the sweep"}),
              Ask("GET", f"{admin}/rounds/{{round_id}}/schedule/history", f"{admin}/rounds/{round_id}/schedule/history",
                  params=context)]
    asked = sweep(document, client, reads + writes, kept, roles={
        **{a.route: player_key for a in reads + writes if a.route.startswith(admin)},
        accounts: organiser})
    history = client.get(f"{admin}/rounds/{round_id}/schedule/history", params=context, headers=AUTH).json()
    edit = history["data"]["edits"][0]["edit_id"]
    override = Ask("PUT", f"{admin}/matches/{{match_id}}/override", f"{admin}/matches/{match}/override",
                   body={"is_tournament_match": False, "reason": "the sweep"})
    later = [Ask("POST", f"{admin}/schedule/edits/{{edit_id}}/undo", f"{admin}/schedule/edits/{edit}/undo",
                 body={"reason": "the sweep"}), override,
             Ask("GET", f"{admin}/decisions", f"{admin}/decisions", params={"season_id": season, "round": round_id}),
             Ask("POST", f"{admin}/players", f"{admin}/players", body={"player_id": player}),
             Ask("GET", f"{admin}/players/{{player_id}}/backfill", f"{admin}/players/{player}/backfill"),
             Ask("POST", accounts, accounts, body={"name": "sweep-made", "role": "player", "player_ids": [player]})]
    asked |= sweep(document, client, later, kept, roles={a.route: player_key for a in later})
    (decision,) = first(pg_url, "SELECT max(decision_id) FROM pubg.tournament_decisions WHERE kind = 'override'")
    with psycopg.connect(pg_url) as conn:  # the sensor took up the player's first backfill and found nothing to build
        conn.execute("INSERT INTO pubg.player_backfill_requests (player_id, requested_by, handled_at, partitions, "
                     "left_out) VALUES (%s, 'roster', now(), 0, '{}')", (player,))
    retrigger = Ask("POST", f"{admin}/players/{{player_id}}/backfill", f"{admin}/players/{player}/backfill")
    asked |= sweep(document, client, [Ask("POST", f"{admin}/decisions/{{decision_id}}/undo",
                                          f"{admin}/decisions/{decision}/undo", body={"reason": "the sweep"}),
                                      retrigger], kept, roles={retrigger.route: player_key})
    checked(document, retrigger, retrigger.send(client), 409)
    [request] = [r for r in tick(instance).run_requests if r.tags[PLAYER_TAG] == player]
    backfill = submitted(instance, request)
    last = [Ask("POST", f"{admin}/backfills/{{backfill_id}}/cancel", f"{admin}/backfills/{backfill}/cancel"),
            Ask("DELETE", f"{admin}/players/{{player_id}}", f"{admin}/players/{player}"),
            Ask("DELETE", f"{accounts}/{{name}}", f"{accounts}/sweep-made")]
    asked |= sweep(document, client, last, kept, roles={a.route: player_key for a in last})
    checked(document, later[-1], later[-1].send(client), 409)
    for ask in last:
        checked(document, ask, ask.send(client), 409 if ask is last[0] else 404)
    pages_past_their_end(document, client, reads + later)
    spent_budget(document, pg_url, reads + later)
    expected = {key for key in routes() if key[1].startswith((base, admin, accounts, "/api/v1/health"))}
    assert expected - asked == set()


def test_every_lol_and_l2m_operation_answers_only_what_it_declares(document, lol_and_l2m, kept):
    pg_url = lol_and_l2m["pg_url"]
    champion, queue, patch = first(pg_url, "SELECT champion_name, queue, patch FROM lol.item_build_stats "
                                           "ORDER BY games DESC, champion_name LIMIT 1")
    (server,) = first(pg_url, "SELECT server_id FROM l2m.l2m_server_farms ORDER BY server_id LIMIT 1")
    days = {"from": DAY.isoformat(), "to": (DAY + dt.timedelta(days=L2M_DAYS)).isoformat()}
    base = "/api/v1/lol"
    asks = [*(Ask("GET", f"{base}/champions/{{champion}}/{p}", f"{base}/champions/{champion}/{p}",
                  params={"queue": queue, "patch": patch}, headers={}) for p in (
                "roles", "builds", "skill-orders", "matchups", "length-win-rates", "patch-trend", "keystones",
                "rune-pages", "spells", "starting-items", "skill-paths", "late-items", "boots", "tiers")),
            Ask("GET", f"{base}/tier-list", f"{base}/tier-list", params={"queue": queue, "patch": patch}, headers={}),
            Ask("GET", f"{base}/query", f"{base}/query", params={"champion": champion, "queue": queue, "patch": patch},
                headers={}),
            Ask("GET", f"{base}/champions", f"{base}/champions", headers={}),
            *(Ask("GET", f"{base}/{p}", f"{base}/{p}", params={"queue": queue}, headers={})
              for p in ("patterns", "correlations", "objectives", "objective-timing", "vision", "win-model",
                        "first-item-gold")),
            *(Ask("GET", f"/api/v1/l2m/{p}", f"/api/v1/l2m/{p}", params={**days, "server_id": server}, headers={})
              for p in ("kpis", "retention", "farms", "split", "economy")),
            Ask("GET", "/api/v1/l2m/compare", "/api/v1/l2m/compare", params={"to": days["to"], "server_id": server},
                headers={}),
            *(Ask("GET", f"/api/v1/l2m/{p}", f"/api/v1/l2m/{p}", params=params, headers={})
              for p, params in (("revenue", days), ("targets", {}), ("servers", {}), ("farmer-types", days),
                                ("lifetime", {"to": days["to"]})))]
    with client_for(pg_url, api_token=TOKEN, requests_per_minute=100_000) as client:
        asked = sweep(document, client, asks, kept, roles={})
        for path in ("kpis", "retention", "farms"):
            ask = Ask("GET", f"/api/v1/l2m/{path}", f"/api/v1/l2m/{path}", headers={})
            backwards = checked(document, ask, ask.send(client, params={"from": days["to"], "to": days["from"]}), 422)
            assert backwards.json()["detail"][0]["loc"] == ["query", "to"]
            checked(document, ask, ask.send(client, params={"from": "2020-01-01", "to": "2024-01-01"}), 422)
            assert checked(document, ask, ask.send(client, params={"from": "2001-01-01", "to": "2001-01-02",
                                                                   "server_id": server}), 200).json()["data"] == []
        pages_past_their_end(document, client, asks)
    spent_budget(document, pg_url, asks)
    assert {key for key in routes() if key[1].startswith((base, "/api/v1/l2m"))} - asked == {
        ("GET", f"{base}/{path}") for path in LARGER_DAY}


LARGER_DAY = ("dragon-vs-herald", "build-paths", "skill-ngrams", "coordination", "objective-tree")
"""The LoL findings the 60 games of `lol_and_l2m` leave empty or nearly (fewer than 30 teams took the first dragon
alone, or the first herald alone; few paths, n-grams, takes or trees on 30 games), swept over the larger day of
`lol_findings`."""


def test_the_lol_findings_of_a_larger_day_answer_only_what_they_declare(document, lol_findings, kept):
    pg_url = lol_findings["pg_url"]
    (queue,) = first(pg_url, "SELECT queue FROM lol.dragon_vs_herald ORDER BY dragon_games DESC LIMIT 1")
    asks = [Ask("GET", f"/api/v1/lol/{path}", f"/api/v1/lol/{path}", params={"queue": queue}, headers={})
            for path in LARGER_DAY]
    with client_for(pg_url, api_token=TOKEN, requests_per_minute=100_000) as client:
        sweep(document, client, asks, kept, roles={})
        pages_past_their_end(document, client, asks)
    spent_budget(document, pg_url, asks)


def test_every_rocket_and_deletion_operation_answers_only_what_it_declares(document, rocket_day, kept, ballchasing,
                                                                          monkeypatch):
    pg_url, data_dir = rocket_day["pg_url"], rocket_day["data_dir"]
    monkeypatch.setenv(URL_ENV, ballchasing)
    monkeypatch.setenv(TOKEN_ENV, BALLCHASING_TOKEN)
    band, playlist = first(pg_url, "SELECT rank_band, playlist FROM rocket.player_stats WHERE stat_type = 'goals' "
                                   "AND value_bin IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1")
    (player,) = first(pg_url, "SELECT player_id FROM rocket.player_stats GROUP BY player_id "
                              "ORDER BY count(DISTINCT match_id) DESC, player_id LIMIT 1")
    (trained,) = first(pg_url, "SELECT player_id FROM rocket.training_sessions ORDER BY 1 LIMIT 1")
    (replay,) = first(pg_url, "SELECT match_id FROM rocket.matches ORDER BY 1 LIMIT 1")
    (pack,) = first(pg_url, "SELECT code FROM rocket.training_packs ORDER BY 1 LIMIT 1")
    base = "/api/v1/rocket"
    with client_for(pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=data_dir,
                    max_upload_bytes=2 * 1024 * 1024) as client:
        client.app.state.dagster_instance = dg.DagsterInstance.ephemeral
        stranger = keyed_as(client, "player", ("steam:76561197960265729",))
        reads = [*(Ask("GET", f"{base}/{p}", f"{base}/{p}", params={"player_id": player}, headers={}) for p in (
                     "player", "replays/recent", "analytics/weaknesses", "analytics/progress",
                     "analytics/rank-prediction", "analytics/rank-outlook", "analytics/comparison",
                     "analytics/heatmap", "analytics/game", "training/recommendations")),
                 Ask("GET", f"{base}/training/progress", f"{base}/training/progress", params={"player_id": trained},
                     headers={}),
                 Ask("GET", f"{base}/replays/{{replay_id}}", f"{base}/replays/{replay}", headers={}),
                 Ask("GET", f"{base}/training/packs", f"{base}/training/packs", params={"q": "a"}, headers={}),
                 Ask("GET", f"{base}/players", f"{base}/players", headers={}),
                 Ask("GET", f"{base}/leaderboards", f"{base}/leaderboards", headers={}, params={
                     "stat": "goals", "band": band, "playlist": playlist, "min_games": 1}),
                 Ask("GET", f"{base}/stats", f"{base}/stats", headers={})]
        writes = [Ask("POST", f"{base}/training/sessions", f"{base}/training/sessions", body={
                      "player_id": trained, "pack_code": pack, "started_at": "2026-03-01T18:00:00Z",
                      "duration_seconds": 600, "attempts": 10, "successes": 4}),
                  Ask("POST", f"{base}/replays/upload", f"{base}/replays/upload",
                      content=(REPLAYS / "0_SAVES.replay").read_bytes()),
                  Ask("POST", f"{base}/replays/ballchasing", f"{base}/replays/ballchasing",
                      body={"ballchasing_id": BALLCHASING_REPLAY}),
                  Ask("POST", f"{base}/player/stated-rank", f"{base}/player/stated-rank", body={
                      "player_id": player, "playlist": "ranked-doubles", "rank_tier": 8, "rank_division": 2})]
        asked = sweep(document, client, reads + writes, kept, roles={a.route: stranger for a in writes})
        garbage = checked(document, writes[1], writes[1].send(client, content=b"not a replay at all"), 415)
        assert "not a Rocket League replay" in garbage.json()["detail"]
        upload = writes[1].content
        assert checked(document, writes[1], writes[1].send(client), 200).json()["already_uploaded"] is True
        other = bytearray(upload)
        other[len(upload) // 2] ^= 0xFF
        checked(document, writes[1], writes[1].send(client, content=with_section_crcs(other)), 409)
        [conflict] = client.get(f"{base}/conflicts", headers=AUTH).json()["data"]
        conflicts = [Ask("GET", f"{base}/conflicts", f"{base}/conflicts"),
                     Ask("POST", f"{base}/conflicts/{{conflict_id}}/settle",
                         f"{base}/conflicts/{conflict['conflict_id']}/settle", body={"keep": "held"})]
        asked |= sweep(document, client, conflicts, kept, roles={a.route: stranger for a in conflicts})
        gone = checked(document, conflicts[1], conflicts[1].send(client), 404)
        assert conflict["conflict_id"] in gone.json()["detail"]
        unknown = Ask("GET", f"{base}/replays/{{replay_id}}", f"{base}/replays/{'0' * 32}", headers={})
        checked(document, unknown, unknown.send(client), 404)
        uploaded = read_header_alone(REPLAYS / "0_SAVES.replay").match_id
        publish_rocket_day(data_dir, pg_url, landed_upload(data_dir, uploaded).parent.name)
        frames = Ask("GET", f"{base}/replays/{{replay_id}}/frames", f"{base}/replays/{uploaded}/frames", headers={})
        asked |= sweep(document, client, [frames], kept, roles={})
        checked(document, frames, frames.send(client, path=f"{base}/replays/{replay}/frames"), 404)
        noted(client.app.state.settings, uploaded, {"account": "operator"}, SENT, duplicate=False,
              ballchasing_id=BALLCHASING_REPLAY, location=f"https://ballchasing.com/replay/{BALLCHASING_REPLAY}")
        sent = Ask("GET", f"{base}/replays/{{replay_id}}/ballchasing", f"{base}/replays/{uploaded}/ballchasing")
        asked |= sweep(document, client, [sent], kept, roles={})
        checked(document, sent, sent.send(client, headers=stranger), 404)
        pages_past_their_end(document, client, reads)
        deletion = Ask("DELETE", "/api/v1/players/{domain}/{player_id}", f"/api/v1/players/rocket/{player}")
        checked(document, deletion, deletion.send(client, headers=stranger), 403)
        checked(document, deletion, deletion.send(client, path=f"/api/v1/players/l2m/{player}"), 422)
        asked |= sweep(document, client, [deletion], kept, roles={})
    spent_budget(document, pg_url, reads + writes, data_dir=data_dir)
    assert {key for key in routes() if key[1].startswith((base, "/api/v1/players"))} - asked == set()
