"""The Rocket League API: a replay uploaded through it lands, is run by the rocket assets as a dropped file is,
and is then served with its players' stats; analytics and training over published synthetic days."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import struct
import time

import dagster as dg
import psycopg
import pytest
from psycopg.rows import dict_row

from gamestats_assets.sources.ballchasing.measures import STATS
from gamestats_assets.sources.ballchasing.ranks import THIN_GAMES
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets.sources.replays.parsed import ahead_folder, discard
from gamestats_assets.sources.replays.sections import SECTION_HEAD
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets_tests.rocket.forged import with_int, with_section_crcs, with_text
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run
from gamestats_assets_tests.serve.conftest import TOKEN, client_for
from gamestats_assets_tests.serve.rocket_days import RocketDays

BASE = "/api/v1/rocket"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SYNTHETIC_DAY = dt.date(2026, 3, 1)
UPLOAD = REPLAYS / "XBOX_PARTY.replay"
UPLOAD_ID, UPLOAD_DAY = "1734cd424fd26afb86605ea06f697c4b", "2019-03-27"


@pytest.fixture(scope="module")
def rocket(rocket_three_days):
    """Three published synthetic days (enough games a player to find some planted weaknesses, `rocket_three_days`)
    and the tables over them, the API over them, and the Dagster definitions to run an upload's day."""
    data_dir, pg_url = rocket_three_days["data_dir"], rocket_three_days["pg_url"]
    days = RocketDays(data_dir, pg_url)
    days.run_snapshots()
    with days.settings(), client_for(pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=data_dir,
                                     max_upload_bytes=2 * 1024 * 1024) as client:
        yield {"client": client, "defs": days.defs, "instance": days.instance, "data_dir": data_dir, "pg_url": pg_url}


def a_player(rocket) -> str:
    with psycopg.connect(rocket["pg_url"]) as conn:
        return conn.execute("SELECT w.player_id FROM rocket.player_weaknesses w JOIN rocket.rank_predictions r "
                            "USING (player_id) JOIN rocket.training_sessions t USING (player_id) "
                            "WHERE w.is_weak ORDER BY 1 LIMIT 1").fetchone()[0]


def test_an_uploaded_replay_is_processing_until_its_day_runs_then_served(rocket):
    client = rocket["client"]
    assert client.get(f"{BASE}/replays/{UPLOAD_ID}").status_code == 404
    response = client.post(f"{BASE}/replays/upload", content=UPLOAD.read_bytes(), headers=AUTH)
    assert response.status_code == 202, response.text
    assert response.json() | {"id": UPLOAD_ID, "status": "processing"} == response.json()
    landed = rocket["data_dir"] / "landing" / "rocket" / UPLOAD_DAY / f"{UPLOAD_ID}.replay"
    assert landed.read_bytes() == UPLOAD.read_bytes()
    assert client.get(f"{BASE}/replays/{UPLOAD_ID}").json()["data"] == {"id": UPLOAD_ID, "status": "processing"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(rocket["data_dir"]))
        patch.setenv("GAMESTATS_PG_URL", rocket["pg_url"])
        assert len(list(ahead_folder(rocket["data_dir"]).glob("*.json"))) == 1, "parsed as it was received"
        run(rocket["defs"], rocket_keys(rocket["defs"], partitioned=True), rocket["instance"], partition_key=UPLOAD_DAY)
    [record] = rocket["instance"].fetch_materializations(dg.AssetRecordsFilter(
        asset_key=dg.AssetKey(["rocket", "etl", "matches"]), asset_partitions=[UPLOAD_DAY]), limit=1).records
    etl = {name: value.value for name, value in record.asset_materialization.metadata.items()}
    assert (etl["files_parsed"], etl["replays_parsed_ahead"], etl["replays_parse_cpu_seconds"]) == (1, 1, 0.0)
    assert list(ahead_folder(rocket["data_dir"]).iterdir()) == [], "the run took the parse and removed it"
    served = client.get(f"{BASE}/replays/{UPLOAD_ID.upper()}").json()
    analysis = served["data"]
    assert analysis["status"] == "processed" and len(analysis["players"]) == 4
    stats = analysis["players"][0]["stats"]
    assert stats and all("value" in s and "rank_percentile" in s for group in stats.values() for s in group.values())
    assert served["metadata"]["published_at"]["rocket.player_stats"] is not None


def test_a_known_player_without_skill_scores_is_answered_empty_with_the_reason(rocket):
    """The uploaded replay's players (the test above published their day) have games but no skill scores or
    rank prediction: 200, empty data, and why in `metadata.reason`."""
    with psycopg.connect(rocket["pg_url"]) as conn:
        (player,) = conn.execute("SELECT player_id FROM rocket.player_stats EXCEPT SELECT player_id FROM "
                                 "rocket.player_weaknesses ORDER BY 1 LIMIT 1").fetchone()
    empty = {"/analytics/weaknesses": {"weaknesses": [], "skills": [], "weak_below": 25.0},
             "/analytics/rank-prediction": None,
             "/training/recommendations": []}
    for path, data in empty.items():
        answer = rocket["client"].get(BASE + path, params={"player_id": player})
        assert answer.status_code == 200 and answer.json()["data"] == data, (path, answer.text)
        reason = answer.json()["metadata"]["reason"]
        assert reason.startswith("no ") and player in reason and "1 published game)" in reason, (path, reason)


def test_what_is_not_a_replay_is_415_too_large_413_and_nothing_lands(rocket):
    client = rocket["client"]
    landing = rocket["data_dir"] / "landing" / "rocket"
    before = sorted(p for p in landing.rglob("*") if p.is_file()) if landing.exists() else []
    for body in (b"not a replay at all", b"\x00" * 4096, UPLOAD.read_bytes()[:200]):
        response = client.post(f"{BASE}/replays/upload", content=body, headers=AUTH)
        assert response.status_code == 415 and "not a Rocket League replay" in response.json()["detail"]
    too_big = REPLAYS / "5_GOALS_6_KICKOFFS.replay"
    with client_for(rocket["pg_url"], api_token=TOKEN, data_dir=rocket["data_dir"], max_upload_bytes=100_000) as small:
        assert small.post(f"{BASE}/replays/upload", content=too_big.read_bytes(), headers=AUTH).status_code == 413

        def streamed():
            data = too_big.read_bytes()
            for start in range(0, len(data), 50_000):
                yield data[start:start + 50_000]

        assert small.post(f"{BASE}/replays/upload", content=streamed(), headers=AUTH).status_code == 413
    assert client.post(f"{BASE}/replays/upload", content=UPLOAD.read_bytes()).status_code == 401
    after = sorted(p for p in landing.rglob("*") if p.is_file()) if landing.exists() else []
    assert after == before


def test_an_upload_name_never_chooses_where_it_lands(rocket):
    client = rocket["client"]
    response = client.post(f"{BASE}/replays/upload?filename=../../../etc/passwd", content=UPLOAD.read_bytes(),
                           headers={**AUTH, "Content-Disposition": 'attachment; filename="../../evil.replay"'})
    assert response.status_code == 200 and response.json()["already_uploaded"] is True
    assert not (rocket["data_dir"].parent / "evil.replay").exists()
    assert client.get(f"{BASE}/replays/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get(f"{BASE}/replays/not-hex").status_code == 422


def test_an_upload_answered_but_not_landed_lands_when_the_server_starts_again(rocket):
    """An upload answered 202 waits in `.uploads` while it is parsed; a server stopped then lands it when it starts
    again, and it answers `processing` meanwhile, never 404."""
    replay = REPLAYS / "0_SAVES.replay"
    match_id = read_header_alone(replay).match_id.lower()
    waiting = rocket["data_dir"] / "landing" / "rocket" / ".uploads" / f"{match_id}.replay"
    waiting.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(replay, waiting)
    (waiting.parent / "0123abcd.partial").write_bytes(b"an upload cut off by the stop")
    assert rocket["client"].get(f"{BASE}/replays/{match_id}").json()["data"]["status"] == "processing"
    with client_for(rocket["pg_url"], api_token=TOKEN, data_dir=rocket["data_dir"]) as restarted:
        deadline = time.monotonic() + 120
        while waiting.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert restarted.get(f"{BASE}/replays/{match_id}").json()["data"]["status"] == "processing"
    assert [path.name for path in waiting.parent.iterdir()] == []
    [landed] = (rocket["data_dir"] / "landing" / "rocket").glob(f"*/{match_id}.replay")
    assert landed.read_bytes() == replay.read_bytes()
    assert len(list(ahead_folder(rocket["data_dir"]).glob("*.json"))) == 1, "parsed before it landed"
    landed.unlink()
    discard(ahead_folder(rocket["data_dir"]), [path.stem for path in ahead_folder(rocket["data_dir"]).glob("*.json")])


def header_size(data: bytes) -> int:
    return SECTION_HEAD.unpack_from(data)[0]


GAME = REPLAYS / "5_GOALS_6_KICKOFFS.replay"
"""A real game, 2-3, its match id `GAME_ID` (its header's `Id`: it has no `MatchGUID`)."""
GAME_ID = "2dcc15a348a480360deaad857e4b8b39"
CONFLICTS = f"{BASE}/conflicts"


def said(response) -> str:
    """What a refusal says: its `detail`, or the messages of a 422's list of them."""
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else " ".join(item["msg"] for item in detail)


def landing_files(rocket) -> list:
    landing = rocket["data_dir"] / "landing" / "rocket"
    return sorted(path for path in landing.rglob("*") if path.is_file() and ".conflicts" not in path.parts)


def test_only_a_whole_replay_is_taken_and_a_held_game_is_never_replaced(rocket):
    """The game uploaded by the first test is held: its header alone, its header followed by random bytes, its
    body cut or one byte of it changed are 422 and land nothing; the very file again is 200 and another whole
    file of that game 409 naming it, held for the operator, who keeps the file held; it stays as it was."""
    client, whole = rocket["client"], UPLOAD.read_bytes()
    held = rocket["data_dir"] / "landing" / "rocket" / UPLOAD_DAY / f"{UPLOAD_ID}.replay"
    before = landing_files(rocket)
    header_end = SECTION_HEAD.size + header_size(whole)
    garbled = bytearray(whole)
    garbled[len(whole) // 2] ^= 0xFF
    damaged = {"header alone": (whole[:header_end], "ends before the body section"),
               "header and random bytes": (whole[:header_end] + random.Random(70).randbytes(len(whole) - header_end),
                                           "body section"),
               "body cut": (whole[:len(whole) - 1000], "body section is cut short"),
               "a byte changed": (bytes(garbled), "body section is damaged"),
               "bytes after the body": (whole + b"\x00" * 16, "16 bytes follow the body")}
    for what, (body, reason) in damaged.items():
        response = client.post(f"{BASE}/replays/upload", content=body, headers=AUTH)
        assert response.status_code == 422, (what, response.text)
        assert "not a whole replay" in said(response) and reason in said(response), what
    again = client.post(f"{BASE}/replays/upload", content=whole, headers=AUTH)
    assert again.status_code == 200 and again.json()["id"] == UPLOAD_ID and again.json()["already_uploaded"] is True
    other = bytearray(whole)
    other[len(whole) // 2] ^= 0xFF
    conflict = client.post(f"{BASE}/replays/upload", content=with_section_crcs(other), headers=AUTH)
    assert conflict.status_code == 409 and f"another file of match {UPLOAD_ID}" in said(conflict), conflict.text
    [waiting] = client.get(CONFLICTS, headers=AUTH).json()["data"]
    assert (waiting["match_id"], waiting["held"]) == (UPLOAD_ID, str(held.relative_to(rocket["data_dir"])))
    settled = client.post(f"{CONFLICTS}/{waiting['conflict_id']}/settle", json={"keep": "held"}, headers=AUTH)
    assert settled.status_code == 200, settled.text
    assert held.read_bytes() == whole
    assert landing_files(rocket) == before


def test_a_forged_replay_is_refused_with_the_reason_and_never_locks_the_genuine_one_out(rocket):
    """The game's header edited to 99 blue goals, under its own id and under another, its CRCs written anew: each
    is answered 202 at once (its header, size and CRCs hold), then its parse refuses it: `GET /replays/{id}` answers
    `refused` naming what the stream sends, nothing lands or waits, and the file is in quarantine with the reason,
    none of it in any table; the genuine file then lands (202)."""
    client, data = rocket["client"], GAME.read_bytes()
    before = landing_files(rocket)
    for forged in (with_int(data, "Team0Score", 99), with_text(with_int(data, "Team0Score", 99), "Id", "F" * 32)):
        answered = client.post(f"{BASE}/replays/upload", content=with_section_crcs(forged), headers=AUTH)
        assert answered.status_code == 202, answered.text
        match_id = answered.json()["id"]
        verdict = client.get(f"{BASE}/replays/{match_id}")
        assert verdict.status_code == 200, verdict.text
        assert verdict.json()["data"] | {"id": match_id, "status": "refused"} == verdict.json()["data"]
        assert "its header gives blue 99 goals, its stream 2" in verdict.json()["data"]["reason"]
        assert landing_files(rocket) == before
        [kept] = (rocket["data_dir"] / "quarantine" / "rocket").glob(f"*/{match_id}.replay")
        assert kept.read_bytes() == with_section_crcs(forged)
        with psycopg.connect(rocket["pg_url"]) as conn:
            assert conn.execute("SELECT count(*) FROM rocket.matches WHERE match_id = %s", (match_id,)).fetchone() \
                == (0,)
    genuine = client.post(f"{BASE}/replays/upload", content=data, headers=AUTH)
    assert genuine.status_code == 202 and genuine.json()["id"] == GAME_ID, genuine.text
    [landed] = (rocket["data_dir"] / "landing" / "rocket").glob(f"*/{GAME_ID}.replay")
    assert landed.read_bytes() == data
    assert client.get(f"{BASE}/replays/{GAME_ID}").json()["data"]["status"] == "processing"


def test_the_same_game_under_another_id_is_held_for_the_operator_who_settles_it(rocket):
    """The game landed by the test above, its header given another id (its stream unchanged, so its claims hold):
    409 naming the game held, and the upload waits for the operator, who lists it, keeps the file held (the upload
    goes), then, asked again, keeps the upload: the file held goes to quarantine with the reason, the upload lands
    under its own id, and the operator's list is empty."""
    client, other_id = rocket["client"], "a" * 32
    copy = with_section_crcs(with_text(GAME.read_bytes(), "Id", other_id.upper()))
    [held] = (rocket["data_dir"] / "landing" / "rocket").glob(f"*/{GAME_ID}.replay")
    for keep in ("held", "upload"):
        contending = client.post(f"{BASE}/replays/upload", content=copy, headers=AUTH)
        assert contending.status_code == 409, contending.text
        assert f"the same game as match {GAME_ID}" in said(contending)
        assert not list((rocket["data_dir"] / "landing" / "rocket").glob(f"*/{other_id}.replay"))
        assert client.get(CONFLICTS).status_code == 401
        [conflict] = client.get(CONFLICTS, headers=AUTH).json()["data"]
        assert (conflict["match_id"], conflict["held_match_id"], conflict["uploaded_by"]) == (
            other_id, GAME_ID, "account:operator")
        settled = client.post(f"{CONFLICTS}/{conflict['conflict_id']}/settle", json={"keep": keep}, headers=AUTH)
        assert settled.status_code == 200 and settled.json()["kept"] == keep, settled.text
        assert client.get(CONFLICTS, headers=AUTH).json()["data"] == []
        assert held.exists() == (keep == "held")
    [landed] = (rocket["data_dir"] / "landing" / "rocket").glob(f"*/{other_id}.replay")
    assert landed.read_bytes() == copy
    [moved] = [path for path in (rocket["data_dir"] / "quarantine" / "rocket").glob(f"*/{GAME_ID}*.replay")
               if path.read_bytes() == GAME.read_bytes()]
    reason = json.loads(moved.with_name(moved.name + ".reason.json").read_text())["reason"]
    assert "replaced by the upload of conflict" in reason and "kept by account operator" in reason
    assert client.get(f"{BASE}/replays/{GAME_ID}").json()["data"]["status"] == "failed"


def with_nul_in_its_map(data: bytes) -> bytes:
    """The replay `data` with a NUL in its header's map name (a `MapName` name property, which its stream does not
    contradict), its CRCs written anew: a whole replay that PostgreSQL cannot store."""
    key = struct.pack("<i", 8) + b"MapName\x00" + struct.pack("<i", 13) + b"NameProperty\x00"
    name = data.index(key, SECTION_HEAD.size) + len(key) + 8
    length = struct.unpack_from("<i", data, name)[0]
    assert length > 2, "a map name of two characters or more"
    changed = bytearray(data)
    changed[name + 5] = 0
    return with_section_crcs(changed)


def test_an_upload_the_pipeline_refuses_answers_failed_with_the_reason(rocket):
    """A whole replay the door takes (202) whose header's map name holds a NUL, which the day's run quarantines:
    the replay then answers `failed` with the quarantine's reason, not 404."""
    client = rocket["client"]
    refused = with_nul_in_its_map((REPLAYS / "0_SAVES.replay").read_bytes())
    response = client.post(f"{BASE}/replays/upload", content=refused, headers=AUTH)
    assert response.status_code == 202, response.text
    match_id, day = response.json()["id"], response.json()["landed"].split("/")[2]
    assert client.get(f"{BASE}/replays/{match_id}").json()["data"]["status"] == "processing"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(rocket["data_dir"]))
        patch.setenv("GAMESTATS_PG_URL", rocket["pg_url"])
        run(rocket["defs"], rocket_keys(rocket["defs"], partitioned=True), rocket["instance"], partition_key=day)
    assert list((rocket["data_dir"] / "quarantine" / "rocket" / day).glob(f"{match_id}*.replay"))
    answer = client.get(f"{BASE}/replays/{match_id}")
    assert answer.status_code == 200, answer.text
    fate = answer.json()["data"]
    assert fate["id"] == match_id and fate["status"] == "failed" and "NUL" in fate["reason"], fate


def test_recent_replays_and_analytics_for_a_player(rocket):
    client, player = rocket["client"], a_player(rocket)
    recent = client.get(f"{BASE}/replays/recent", params={"player_id": player, "limit": 3}).json()["data"]
    assert 1 <= len(recent) <= 3 and all(r["id"] for r in recent)
    weak = client.get(f"{BASE}/analytics/weaknesses", params={"player_id": player}).json()["data"]
    assert weak["weaknesses"] and all(w["weak"] for w in weak["weaknesses"])
    assert all(w["rank_percentile"] < weak["weak_below"] and w["percentile_ci_high"] < 50 for w in weak["weaknesses"])
    assert [w["skill"] for w in weak["skills"] if w["weak"]] == [w["skill"] for w in weak["weaknesses"]]
    progress = client.get(f"{BASE}/analytics/progress", params={"player_id": player}).json()["data"]["stats"]
    assert progress and all(point["games"] >= 1 for series in progress.values() for point in series)
    prediction = client.get(f"{BASE}/analytics/rank-prediction", params={"player_id": player}).json()["data"]
    low, high = prediction["interval_95"]
    assert low < prediction["predicted_rank_index"] < high
    assert prediction["model"]["beats_baseline"] in (True, False) and prediction["model"]["held_out_players"] > 0
    compared = client.get(f"{BASE}/analytics/comparison", params={"player_id": player}).json()["data"]
    assert compared["rank_band"] and all(s["peers"] > 0 for s in compared["stats"])


COUNTED_BINS = """
WITH bins AS (
    SELECT rank_band, playlist, stat_type, value_bin, count(*) AS games FROM rocket.player_stats
    WHERE value_bin IS NOT NULL GROUP BY rank_band, playlist, stat_type, value_bin
), counted AS (
    SELECT *, sum(games) OVER (PARTITION BY rank_band, playlist, stat_type ORDER BY value_bin) - games AS below,
           sum(games) OVER (PARTITION BY rank_band, playlist, stat_type) AS total
    FROM bins
)"""
"""Each band, playlist and stat's games per value bin, with the games below the bin and in all."""
SCANNED_COMPARISON = COUNTED_BINS + """, me AS (
    SELECT s.stat_type, s.category, s.rank_band, avg(s.value) AS mean, count(s.value) AS games,
           avg(100 * (c.below + c.games / 2.0) / c.total)::double precision AS pct
    FROM rocket.player_stats s LEFT JOIN counted c USING (rank_band, playlist, stat_type, value_bin)
    WHERE s.player_id = %s AND s.value IS NOT NULL GROUP BY s.stat_type, s.category, s.rank_band
), band AS (
    SELECT rank_band FROM me GROUP BY rank_band ORDER BY sum(games) DESC, rank_band LIMIT 1
)
SELECT me.stat_type, me.category, me.rank_band, me.mean, me.games, me.pct AS rank_percentile,
       avg(p.value) AS peer_mean, stddev_samp(p.value) AS peer_sd, count(p.value) AS peer_games,
       count(DISTINCT p.player_id) AS peers
FROM me JOIN band USING (rank_band)
JOIN rocket.player_stats p ON p.stat_type = me.stat_type AND p.rank_band = me.rank_band AND p.player_id <> %s
GROUP BY me.stat_type, me.category, me.rank_band, me.mean, me.games, me.pct
ORDER BY me.category, me.stat_type
"""
"""The comparison computed from the stat rows themselves: every same-rank row of the other players scanned, and each
of the player's values ranked among every published value of its stat, rank band and playlist."""


FIXED_POINT = 2e-6
"""How far the peers' mean and spread may be from those of the values scanned: `peer_stats` counts each value as its
nearest millionth (`peers.SCALE`), which moves a mean by half a millionth at most and a standard deviation by about
a millionth."""


def test_the_comparison_from_peer_stats_equals_the_one_scanned_from_player_stats(rocket):
    client = rocket["client"]
    with psycopg.connect(rocket["pg_url"], row_factory=dict_row) as conn:
        players = [r["player_id"] for r in conn.execute(
            "SELECT player_id FROM rocket.player_stats GROUP BY player_id ORDER BY count(*) DESC, player_id LIMIT 5")]
        for player in [a_player(rocket), *players]:
            expected = conn.execute(SCANNED_COMPARISON, (player, player)).fetchall()
            served = client.get(f"{BASE}/analytics/comparison", params={"player_id": player}).json()["data"]["stats"]
            assert [s["stat_type"] for s in served] == [e["stat_type"] for e in expected] and expected, player
            for got, want in zip(served, expected):
                for name, value in want.items():
                    close = FIXED_POINT if name in ("peer_mean", "peer_sd") else 1e-9
                    assert got[name] == (pytest.approx(value, rel=1e-9, abs=close) if isinstance(value, float)
                                         else value), (player, want["stat_type"], name)
                sd = got["peer_sd"]
                assert got["z"] == (pytest.approx((got["mean"] - got["peer_mean"]) / sd) if sd else None)


PER_GAME_PERCENTILES = COUNTED_BINS + """
SELECT s.stat_type, array_agg((100 * (c.below + c.games / 2.0) / c.total)::double precision) AS percentiles
FROM rocket.player_stats s JOIN counted c USING (rank_band, playlist, stat_type, value_bin)
WHERE s.player_id = %s AND s.rank_band = %s GROUP BY s.stat_type
"""
"""Each of a player's values of a band ranked among every published value of its stat, band and playlist."""


def test_each_stat_is_turned_toward_better_with_its_interval_and_weak_only_in_the_bottom_quarter(rocket):
    """A stat's percentile is turned so that 100 is best (shots against: fewer is better), its 95 % interval is the
    t interval of the player's games' percentiles, and it is weak only below p25 with the interval below p50; a
    style has no better side and is never weak."""
    from scipy.stats import t

    client, flagged = rocket["client"], 0
    with psycopg.connect(rocket["pg_url"], row_factory=dict_row) as conn:
        players = [r["player_id"] for r in conn.execute(
            "SELECT player_id FROM rocket.player_weaknesses GROUP BY player_id "
            "ORDER BY bool_or(is_weak) DESC, max(matches) DESC, player_id LIMIT 20")]
        for player in players:
            compared = client.get(f"{BASE}/analytics/comparison", params={"player_id": player}).json()["data"]
            assert compared["rank_from"] == "games" and compared["ranked_among"] > 0
            scanned = {r["stat_type"]: r["percentiles"] for r in conn.execute(
                PER_GAME_PERCENTILES, (player, compared["rank_band"]))}
            for stat in compared["stats"]:
                values = scanned[stat["stat_type"]]
                mean = sum(values) / len(values)
                better = STATS[stat["stat_type"]].better
                assert stat["better"] == {1: "higher", -1: "lower", 0: None}[better]
                if better == 0:
                    assert stat["better_percentile"] is None and stat["percentile_ci"] is None and not stat["weak"]
                    continue
                assert stat["better_percentile"] == pytest.approx(mean if better > 0 else 100 - mean)
                if len(values) < 2:
                    assert stat["percentile_ci"] is None and not stat["weak"]
                    continue
                sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
                half = t.ppf(0.975, len(values) - 1) * sd / len(values) ** 0.5
                ends = sorted(e if better > 0 else 100 - e for e in (max(0, mean - half), min(100, mean + half)))
                assert stat["percentile_ci"] == pytest.approx(ends)
                assert stat["weak"] == (stat["better_percentile"] < 25 and ends[1] < 50)
                flagged += stat["weak"]
    assert flagged > 0
    shots_against = next(s for s in compared["stats"] if s["stat_type"] == "shots_against")
    assert shots_against["better"] == "lower"
    assert shots_against["better_percentile"] == pytest.approx(100 - shots_against["rank_percentile"])


def test_the_stats_declaration_is_served(rocket):
    declared = rocket["client"].get(f"{BASE}/stats").json()["data"]
    by_stat = {m["stat_type"]: m for m in declared["stats"]}
    assert set(by_stat) == set(STATS) and declared["weak_below"] == 25
    assert by_stat["shots_against"]["better"] == "lower" and by_stat["time_offensive_third_share"]["better"] is None
    assert by_stat["boost_collected_per_minute"]["same_as"][0] == "boost_bcpm"
    assert by_stat["positioning_time_behind_ball"]["compared"] == "share of the game"


def test_the_rank_model_is_reported_beside_the_playlists_median_and_a_wide_interval_called_thin(rocket):
    client, player = rocket["client"], a_player(rocket)
    with psycopg.connect(rocket["pg_url"], row_factory=dict_row) as conn:
        held = conn.execute("SELECT rank_index, predicted_rank_index, baseline_rank_index, interval_low, "
                            "interval_high, baseline_interval_low, baseline_interval_high "
                            "FROM rocket.rank_predictions WHERE held_out").fetchall()
        own = conn.execute("SELECT playlist, baseline_rank_index, interval_low, interval_high, games "
                           "FROM rocket.rank_predictions WHERE player_id = %s", (player,)).fetchone()
    prediction = client.get(f"{BASE}/analytics/rank-prediction", params={"player_id": player}).json()["data"]
    model = prediction["model"]
    errors = [abs(r["predicted_rank_index"] - r["rank_index"]) for r in held]
    baseline = [abs(r["baseline_rank_index"] - r["rank_index"]) for r in held]
    assert model["mae"] == pytest.approx(sum(errors) / len(held))
    assert model["baseline_mae"] == pytest.approx(sum(baseline) / len(held))
    assert model["mae_difference"] == pytest.approx(model["mae"] - model["baseline_mae"])
    low, high = model["difference_ci"]
    assert low < model["mae_difference"] < high
    assert model["verdict"] == ("better" if high < 0 else "worse" if low > 0 else "not distinguishable")
    assert "median rank of the player's playlist" in model["baseline"]
    assert prediction["playlist"] == own["playlist"] and prediction["baseline_rank_index"] == own["baseline_rank_index"]
    assert prediction["interval_divisions"] == pytest.approx(own["interval_high"] - own["interval_low"])
    assert prediction["games"] == own["games"]
    assert prediction["thin_evidence"] == (prediction["interval_divisions"] > 12 or own["games"] < THIN_GAMES)
    inside = [r["interval_low"] <= r["rank_index"] <= r["interval_high"] for r in held]
    baseline_inside = [r["baseline_interval_low"] <= r["rank_index"] <= r["baseline_interval_high"] for r in held]
    assert model["coverage"] == pytest.approx(sum(inside) / len(held))
    assert model["coverage_ci"][0] <= model["coverage"] <= model["coverage_ci"][1]
    assert model["baseline_coverage"] == pytest.approx(sum(baseline_inside) / len(held))
    widths = [r["interval_high"] - r["interval_low"] for r in held]
    assert model["interval_width"] == pytest.approx(sum(widths) / len(held))
    assert model["nominal_coverage"] == 0.95


def test_the_same_rank_band_of_every_stat_stays_within_what_the_stat_can_be(rocket):
    """Every stat is at least zero and a share at most one: the band the player page draws (`band_low`,
    `band_high`) stays there, also for a count such as assists whose same-rank mean lies within one
    standard deviation of zero, where mean ± sd would reach below it."""
    client = rocket["client"]
    with psycopg.connect(rocket["pg_url"]) as conn:
        players = [player for (player,) in conn.execute(
            "SELECT player_id FROM rocket.player_stats GROUP BY player_id ORDER BY count(*) DESC, player_id LIMIT 8")]
    stats = [stat for player in players for stat in
             client.get(f"{BASE}/analytics/comparison", params={"player_id": player}).json()["data"]["stats"]]
    banded = [s for s in stats if s["peer_sd"] is not None]
    assert banded and all(s["band_low"] is not None for s in banded)
    assert all(0 <= s["band_low"] <= s["band_high"] for s in banded)
    assert all(s["band_high"] <= (100 if "percent" in s["stat_type"] else 1)
               for s in banded if s["stat_type"].endswith("_share") or "percent" in s["stat_type"])
    near_zero = [s for s in banded if s["peer_mean"] - s["peer_sd"] < 0]
    assert {"assists", "goals"} <= {s["stat_type"] for s in near_zero}
    assert all(s["band_low"] < s["peer_mean"] < s["band_high"] for s in banded if s["peer_sd"] > 0)


def test_training_recommendations_packs_progress_and_logging(rocket):
    client, player = rocket["client"], a_player(rocket)
    recommended = client.get(f"{BASE}/training/recommendations", params={"player_id": player}).json()["data"]
    assert recommended and all(r["pack_code"] for r in recommended)
    packs = client.get(f"{BASE}/training/packs", params={"limit": 5}).json()["data"]
    assert len(packs) == 5
    name = packs[0]["name"]
    assert name in [p["name"] for p in client.get(f"{BASE}/training/packs", params={"q": name[:5]}).json()["data"]]
    assert client.get(f"{BASE}/training/packs", params={"q": "%' OR 1=1 --"}).json()["data"] == []
    progress = client.get(f"{BASE}/training/progress", params={"player_id": player}).json()["data"]
    assert progress == sorted(progress, key=lambda p: p["pack_code"]), progress
    assert all(p["success_ci_low"] - 1e-9 <= p["success_rate"] <= p["success_ci_high"] + 1e-9 for p in progress
               if p["attempts"]), progress
    session = {"player_id": player, "pack_code": progress[0]["pack_code"], "started_at": "2026-03-01T18:00:00Z",
               "duration_seconds": 600, "attempts": 20, "successes": 7}
    logged = client.post(f"{BASE}/training/sessions", json=session, headers=AUTH)
    assert logged.status_code == 202
    [file] = (rocket["data_dir"] / "landing" / "rocket" / "2026-03-01").glob("training_sessions_*.jsonl")
    assert file.read_text().count("\n") == 1
    assert client.post(f"{BASE}/training/sessions", json={**session, "successes": 21}, headers=AUTH).status_code == 422
    assert client.post(f"{BASE}/training/sessions", json={**session, "attempts": -1}, headers=AUTH).status_code == 422


def test_unknown_players_are_404_and_malformed_ones_422(rocket):
    client = rocket["client"]
    for path in ("/replays/recent", "/analytics/weaknesses", "/analytics/progress", "/analytics/rank-prediction",
                 "/analytics/comparison", "/training/recommendations", "/training/progress"):
        missing = client.get(BASE + path, params={"player_id": "steam:0"})
        assert missing.status_code == 404 and "steam:0" in missing.json()["detail"], path
        assert client.get(BASE + path, params={"player_id": "a b'; --"}).status_code == 422, path
        assert client.get(BASE + path).status_code == 422, path
