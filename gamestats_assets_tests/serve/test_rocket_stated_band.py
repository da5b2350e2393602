"""An uploader's RocketTrainer loop through the API and the player page in headless Chromium (1400×900 and 390×844):
a player uploads three raw replays of theirs (which carry no rank) and the daemon's day runs; their one game is then
compared with no band (no percentile, hint or pack, least of all Bronze ones) and the page tells them to state their
rank; they state Diamond I and the day runs again: their weaknesses, recommendations (packs near Diamond), predicted
rank and outlook are the published rows, each said to be read at the rank they stated (not verified) from their 3
games, few games said to leave the intervals wide; the other players of their games, who stated nothing, still get
no band comparison and no pack."""

from __future__ import annotations

import datetime as dt
import math

import psycopg
import pytest
from psycopg.rows import dict_row

from gamestats_assets.serve.crud import accounts
from gamestats_assets.serve.queries.rocket import rank_name
from gamestats_assets.serve.queries.rocket_game import NO_RANK_NOTE
from gamestats_assets.sources.ballchasing.ranks import rank_document
from gamestats_assets_tests.rocket.test_stated_band import DIAMOND_I, UPLOADER, UPLOADS
from gamestats_assets_tests.serve.chromium import PHONE
from gamestats_assets_tests.serve.conftest import TOKEN, client_for
from gamestats_assets_tests.serve.pages import SCREENSHOTS, at_phone_width, browser, check, clean_load, served
from gamestats_assets_tests.serve.rocket_days import RocketDays
from gamestats_assets_tests.serve.typed import typed_get

BASE = "/api/v1/rocket"
WIDTHS = [(1400, 900), PHONE]
"""A desktop's and a phone's viewport."""
STATED = rank_document(DIAMOND_I)["name"]
"""Diamond I as the game names it, the rank the uploader states."""


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def published(pg_url: str, query: str, params=()) -> list[dict]:
    with psycopg.connect(pg_url, row_factory=dict_row) as conn:
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def uploader(rocket_two_days):
    """Two synthetic days of ranked players (`rocket_two_days`); then the uploader's three raw replays uploaded
    through the API and the day run (`before`: their one game then), then their statement of Diamond I through the
    API and the day run again; with the API over it and the other players of their games (`mates`)."""
    data_dir, pg_url = rocket_two_days["data_dir"], rocket_two_days["pg_url"]
    days = RocketDays(data_dir, pg_url)
    with psycopg.connect(pg_url) as conn:
        key = accounts.create(conn, "stated-band-uploader", "player", (UPLOADER,))
    signed = {"Authorization": f"Bearer {key}"}
    with client_for(pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=data_dir,
                    max_upload_bytes=4 * 1024 * 1024) as client:
        for replay in UPLOADS:
            answer = client.post(f"{BASE}/replays/upload", content=replay.read_bytes(), headers=signed)
            assert answer.status_code == 202, answer.text
        days.run_day(today())
        before = client.get(f"{BASE}/analytics/game", params={"player_id": UPLOADER}).json()
        stated = client.post(f"{BASE}/player/stated-rank", headers=signed, json={
            "player_id": UPLOADER, "playlist": "ranked-doubles", "rank_tier": 13, "rank_division": 1})
        assert stated.status_code == 202, stated.text
        days.run_day(today())
        mates = [m["player_id"] for m in published(
            pg_url, "SELECT DISTINCT player_id FROM rocket.player_stats WHERE match_id IN (SELECT match_id "
                    "FROM rocket.player_stats WHERE player_id = %s) AND player_id <> %s "
                    "AND player_id NOT LIKE 'bot:%%' ORDER BY 1", (UPLOADER, UPLOADER))]
        yield {"client": client, "pg_url": pg_url, "data_dir": data_dir, "before": before, "mates": mates}


def of_uploader(pg_url: str, table: str, order: str = "player_id") -> list[dict]:
    return published(pg_url, f"SELECT * FROM rocket.{table} WHERE player_id = %s ORDER BY {order}", (UPLOADER,))


def test_the_api_answers_the_published_rows_at_the_stated_rank(uploader):
    client, pg_url = uploader["client"], uploader["pg_url"]
    _, weak = typed_get(client, f"{BASE}/analytics/weaknesses", {"player_id": UPLOADER})
    rows = {s["skill"]: s for s in of_uploader(pg_url, "player_weaknesses")}
    assert rows and weak["metadata"]["reason"] is None
    for skill in weak["data"]["skills"]:
        row = rows[skill["skill"]]
        assert (skill["rank_from"], skill["rank_band"]) == ("stated", "diamond")
        assert (skill["matches"], skill["rank_percentile"], skill["percentile_ci_low"], skill["percentile_ci_high"],
                skill["z"]) == (row["matches"], row["rank_percentile"], row["percentile_ci_low"],
                                row["percentile_ci_high"], row["z"])
        assert skill["z"] is None or skill["matches"] == len(UPLOADS), "a scored skill stands on the 3 games"
    assert len(weak["data"]["skills"]) == len(rows) and any(s["z"] is not None for s in weak["data"]["skills"])

    _, recs = typed_get(client, f"{BASE}/training/recommendations", {"player_id": UPLOADER})
    picks = {r["pack_code"]: r for r in of_uploader(pg_url, "recommendations")}
    assert picks and {r["pack_code"] for r in recs["data"]} == picks.keys()
    for rec in recs["data"]:
        pick = picks[rec["pack_code"]]
        assert (rec["rank_from"], rec["rank_band"], rec["matches"]) == ("stated", "diamond", len(UPLOADS))
        assert (rec["distance"], rec["difficulty"], rec["percentile_ci_low"]) == (
            pick["distance"], pick["difficulty"], pick["percentile_ci_low"])
        assert rec["difficulty"] != "bronze"

    _, rank = typed_get(client, f"{BASE}/analytics/rank-prediction", {"player_id": UPLOADER})
    [row] = of_uploader(pg_url, "rank_predictions")
    assert (rank["data"]["rank_from"], rank["data"]["rank_index"], rank["data"]["games"]) == (
        "stated", DIAMOND_I, len(UPLOADS))
    assert rank["data"]["predicted_rank"] == rank_name(row["predicted_rank_index"]) and rank["data"]["thin_evidence"]

    _, outlook = typed_get(client, f"{BASE}/analytics/rank-outlook", {"player_id": UPLOADER})
    [row] = of_uploader(pg_url, "rank_outlook")
    assert (outlook["data"]["rank_from"], outlook["data"]["rank"], outlook["data"]["outlook"]) == (
        "stated", STATED, row["outlook"])


def test_one_game_is_compared_with_no_band_until_a_rank_is_stated_then_with_diamond(uploader):
    client, before = uploader["client"], uploader["before"]["data"]
    assert before["compared_with"]["rank_from"] == "none" and before["note"] == NO_RANK_NOTE
    assert (before["hints"], before["skills"], before["recommendations"]) == ([], [], [])
    assert before["stats"] and all(s["rank_percentile"] is None and not s["hint"] for s in before["stats"])

    _, after = typed_get(client, f"{BASE}/analytics/game", {"player_id": UPLOADER})
    game = after["data"]
    assert (game["compared_with"]["rank_from"], game["compared_with"]["rank_band"], game["compared_with"]["rank"]) \
        == ("stated", "diamond", STATED)
    assert any(s["rank_percentile"] is not None for s in game["stats"])
    assert all(p["difficulty"] != "bronze" and p["distance"] <= 12 for p in game["recommendations"])

    mates = uploader["mates"]
    assert mates
    for mate in mates:
        _, theirs = typed_get(client, f"{BASE}/analytics/game", {"player_id": mate})
        assert theirs["data"]["compared_with"]["rank_from"] == "none" and theirs["data"]["recommendations"] == []
        _, skills = typed_get(client, f"{BASE}/analytics/weaknesses", {"player_id": mate})
        assert skills["data"]["skills"] == []
        assert "3 or more games in the player's main playlist once a game gave their rank or they stated it, " \
               "against 10 or more players of that band" in skills["metadata"]["reason"]


@pytest.fixture(scope="module")
def site(chromium, uploader):
    with served(uploader["pg_url"], data_dir=uploader["data_dir"]) as base, browser() as page:
        yield base, page


def text(page, selector: str) -> str:
    return page.evaluate(f"document.querySelector({selector!r})?.innerText || ''")


def shown_percentile(value: float) -> str:
    """A percentile as the page writes it (`p` and the value rounded half up, as `toLocaleString` rounds)."""
    return f"p{math.floor(value + 0.5)}"


def assert_the_uploaders_page(page, pg_url: str) -> None:
    """The uploader's page against their published rows: weaknesses, recommendations, prediction, outlook, and the
    rank each was read at said stated, not verified, from their 3 games."""
    weaknesses = of_uploader(pg_url, "player_weaknesses", "skill")
    shown = page.evaluate("[...document.querySelectorAll('#weaknesses tbody tr')].map(r => [r.cells[0]"
                          ".querySelector('[title]').title, ...[...r.cells].map(c => c.innerText)])")
    assert len(shown) == len(weaknesses)
    cells = {row[0]: row[1:] for row in shown}
    for score in weaknesses:
        row = cells[score["skill"]]
        if score["rank_percentile"] is not None:
            assert row[1] == (f"{shown_percentile(score['rank_percentile'])} "
                              f"({shown_percentile(score['percentile_ci_low'])}–"
                              f"{shown_percentile(score['percentile_ci_high'])})")
        assert row[-2] == ("—" if score["matches"] is None else str(score["matches"]))
    said = text(page, "#weaknesses-from")
    assert f"the rank they stated, {STATED} (stated, not verified), from 3 games" in said
    assert "3 games are few" in said and "interval is wide" in said

    picks = of_uploader(pg_url, "recommendations", "pack_code")
    packs = page.evaluate("[...document.querySelectorAll('#recommendations li')].map(l => l.innerText)")
    assert len(packs) == len(picks)
    for pick in picks:
        [line] = [p for p in packs if f" · {pick['pack_code']} · " in p]
        assert pick["difficulty"] in line and "bronze" not in line.lower()
        assert (f"{shown_percentile(pick['rank_percentile'])}, 95% {shown_percentile(pick['percentile_ci_low'])}–"
                f"{shown_percentile(pick['percentile_ci_high'])}, 3 games") in line
    assert "stated, not verified), from 3 games" in text(page, "#recommendations-from")

    [prediction] = of_uploader(pg_url, "rank_predictions")
    assert text(page, "#rank b") == STATED
    assert text(page, "#predicted b") == rank_name(prediction["predicted_rank_index"])
    assert "stated, not verified" in text(page, "#rank-from") and "from 3 games" in text(page, "#rank-from")
    assert text(page, "#thin-evidence").startswith("The evidence is thin")

    [outlook] = of_uploader(pg_url, "rank_outlook")
    assert text(page, "#outlook-change").startswith(f"Too few days with a known rank to tell ({outlook['rank_days']};")
    assert f"the one they stated, {STATED} (stated, not verified), on 1 day" in text(page, "#outlook-from")
    assert "state yours" not in text(page, "#one-game")
    assert "bronze" not in text(page, "#one-game-packs").lower()


@pytest.mark.parametrize("width", WIDTHS, ids=["desktop", "phone"])
def test_the_uploaders_page_shows_their_published_loop_at_the_stated_rank(site, uploader, request, width):
    base, page = site
    with check(page, request):
        page.viewport(*width)
        clean_load(page, f"{base}/player.html?player={UPLOADER}")
        assert_the_uploaders_page(page, uploader["pg_url"])
        if width == PHONE:
            with at_phone_width(page, "rocket_stated_band"):
                pass
        else:
            page.screenshot(SCREENSHOTS / "pages" / "rocket_stated_band.png")


@pytest.mark.parametrize("width", WIDTHS, ids=["desktop", "phone"])
def test_a_player_with_no_rank_known_gets_no_band_comparison_and_no_pack(site, uploader, request, width):
    base, page = site
    mate = uploader["mates"][0]
    with check(page, request):
        page.viewport(*width)
        clean_load(page, f"{base}/player.html?player={mate}")
        assert text(page, "#one-game-note") == NO_RANK_NOTE
        assert page.evaluate("document.querySelectorAll('#one-game-stats, #one-game-packs').length") == 0
        assert "Bronze" not in text(page, "#one-game") and "bronze" not in text(page, "#one-game")
        assert "3 or more games in the player's main playlist" in text(page, "#weaknesses")
        if width == PHONE:
            with at_phone_width(page, "rocket_no_rank"):
                pass
