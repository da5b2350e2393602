"""A player owns their data, against a running `gamestats serve` over a real run's Rocket League rows: an account
made by signing in stores nothing before its consent (each write of theirs refused), then writes; one the operator
made comes with the operator's consent. The profile keeps the email and ballchasing.com key only encrypted, under
keys that rotate. The stats sum their published games with each rate's sample; the export holds every row naming
them and their raw replay; withdrawing consent deletes their data, and deleting the account (confirmed) leaves their
id nowhere: landing, lake, state or PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet, InvalidToken

from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets.serve.core.accounts import PLATFORMS
from gamestats_assets.serve.crud import accounts
from gamestats_assets.sources.ballchasing.client import URL_ENV
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.loopback import Quiet
from gamestats_assets_tests.loopback import serving as loopback
from gamestats_assets_tests.serve.conftest import TOKEN, client_for
from gamestats_assets_tests.serve.leftovers import anywhere
from gamestats_assets_tests.serve.running import serving
from gamestats_assets_tests.serve.upgrades import migrated_before

pytestmark = pytest.mark.long

OPERATOR = {"Authorization": f"Bearer {TOKEN}"}
USERS = "/api/v1/users"
REPLAY = Path(__file__).parents[1] / "fixtures" / "rocketleague" / "paired" / "recent-ranked-doubles-2026-03-10.replay"
"""A real raw replay (its origin and licence beside it)."""
PLAYER = read_header_alone(REPLAY).players[0]
PLAYER_ID = f"{PLATFORMS[PLAYER.platform]}:{PLAYER.player_id}"
SIGNED_IN = "player-5eed0f94e1a2"
"""The account of the replay's first player, made by signing in (`crud/sign_in.py` names it so)."""
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
UPGRADE = "193_user_data.sql"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def one(pg_url: str, query: str, params=()):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchone()


def signed_in_account(pg_url: str, name: str, player_id: str) -> str:
    """A player account as signing in makes it (no consent recorded), with a key: the key."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        return accounts.create(conn, name, "player", (player_id,), by_operator=False)


def landed_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "landing" / "rocket").rglob("*") if p.is_file())


def wait_landed(data_dir: Path, match_id: str) -> Path:
    """The uploaded replay once it left `.uploads` for its day's folder (its parse beside the server done)."""
    for _ in range(600):
        found = [p for p in (data_dir / "landing" / "rocket").glob(f"*/{match_id}.replay")
                 if not p.parent.name.startswith(".")]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"{match_id} never landed")


class _NoGames(Quiet):
    """ballchasing.com to a key holder with no game: a saved key's look for the player's own games finds none."""

    def do_GET(self):
        self.answer(200, json.dumps({"count": 0, "list": []}).encode())


@pytest.fixture(scope="module", autouse=True)
def ballchasing():
    """ballchasing.com on loopback, for the server in its own process and the app in this one."""
    with loopback(_NoGames) as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv(URL_ENV, url)
        yield url


@pytest.fixture(scope="module")
def server(rocket_day, ballchasing):
    env = {"GAMESTATS_DATA_DIR": str(rocket_day["data_dir"]), "GAMESTATS_PG_URL": rocket_day["pg_url"],
           "GAMESTATS_API_TOKEN": TOKEN, "GAMESTATS_API_REQUESTS_PER_MINUTE": "100000",
           "GAMESTATS_SECRET_KEYS": OLD_KEY, "GAMESTATS_LANDING_RETENTION_DAYS": "90", URL_ENV: ballchasing}
    with serving(env) as running:
        yield running
    assert "Traceback" not in running.output, running.output


@pytest.fixture(scope="module")
def signed_in(rocket_day) -> dict[str, str]:
    """The headers of the account the replay's first player made by signing in."""
    return bearer(signed_in_account(rocket_day["pg_url"], SIGNED_IN, PLAYER_ID))


def test_nothing_of_a_signed_in_player_is_stored_before_consent_and_their_writes_go_through_after(rocket_day, server,
                                                                                                  signed_in):
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    own = signed_in
    before = landed_files(data_dir)
    session = {"player_id": PLAYER_ID, "pack_code": "A503-264C-A7EB-D282", "started_at": "2026-03-10T18:00:00+00:00",
               "duration_seconds": 600, "attempts": 20, "successes": 9}
    rank = {"player_id": PLAYER_ID, "playlist": "ranked-doubles", "rank_tier": 12, "rank_division": 2}
    writes = [("POST", "/api/v1/rocket/replays/upload", {"content": REPLAY.read_bytes()}),
              ("POST", "/api/v1/rocket/training/sessions", {"json": session}),
              ("POST", "/api/v1/rocket/player/stated-rank", {"json": rank}),
              ("POST", "/api/v1/rocket/replays/ballchasing",
               {"json": {"ballchasing_id": "bdc27caf-fe82-4708-9f48-4f2561f93313"}}),
              ("PUT", f"{USERS}/profile", {"json": {"display_name": "Someone"}})]
    with server.client() as client:
        for method in ("GET", "POST"):
            nobody = client.request(method, f"{USERS}/consent", headers=OPERATOR, json={"text_version": "x"})
            assert nobody.status_code == 403 and "belongs to no account" in nobody.text, nobody.text
        asked = client.get(f"{USERS}/consent", headers=own).json()
        assert asked["consent"] is None and asked["current"] is False
        assert "90 days" in asked["text"]["retention"]["raw_files"]
        for method, path, body in writes:
            refused = client.request(method, path, headers=own, **body)
            assert refused.status_code == 403, (path, refused.text)
            assert "has not consented" in refused.json()["detail"] and f"POST {USERS}/consent" in refused.text
        assert landed_files(data_dir) == before
        assert one(pg_url, "SELECT count(*) FROM gamestats_api.profiles")[0] == 0

        stale = client.post(f"{USERS}/consent", headers=own, json={"text_version": "2020-01-01"})
        assert stale.status_code == 409, stale.text
        given = client.post(f"{USERS}/consent", headers=own, json={"text_version": asked["text"]["version"]})
        assert given.status_code == 200 and given.json()["consent"]["recorded_by"] == "player", given.text
        assert one(pg_url, "SELECT text_version, recorded_by FROM gamestats_api.consents WHERE account = %s",
                   (SIGNED_IN,)) == (asked["text"]["version"], "player")

        uploaded = client.post("/api/v1/rocket/replays/upload", content=REPLAY.read_bytes(), headers=own)
        assert uploaded.status_code == 202, uploaded.text
        for method, path, body in writes[1:3]:
            assert client.request(method, path, headers=own, **body).status_code == 202, path
    wait_landed(data_dir, uploaded.json()["id"])

    with server.client() as client:
        made = client.post("/api/v1/admin/accounts", headers=OPERATOR,
                           json={"name": "made-by-operator", "role": "player", "player_ids": [PLAYER_ID]})
        assert made.status_code == 201, made.text
        consent = client.get(f"{USERS}/consent", headers=bearer(made.json()["api_key"])).json()["consent"]
        assert consent["recorded_by"] == "operator"
        assert client.post("/api/v1/rocket/training/sessions", json=session,
                           headers=bearer(made.json()["api_key"])).status_code == 202


def test_the_profile_keeps_email_and_ballchasing_key_encrypted_under_keys_that_rotate(rocket_day):
    pg_url = rocket_day["pg_url"]
    key = signed_in_account(pg_url, "profile-owner", "epic:0123456789abcdef0123456789abcdef")
    own = bearer(key)
    email, ballchasing = "player@example.org", "Ab12Cd34Ef56Gh78Ij90Kl12Mn34"
    with client_for(pg_url, api_token=TOKEN, secret_keys=(OLD_KEY,), data_dir=rocket_day["data_dir"]) as client:
        assert client.post(f"{USERS}/consent", headers=own, json={
            "text_version": client.get(f"{USERS}/consent", headers=own).json()["text"]["version"]}).status_code == 200
        written = client.put(f"{USERS}/profile", headers=own, json={"display_name": "Octane Main", "email": email,
                                                                     "ballchasing_key": ballchasing})
        assert written.status_code == 200, written.text
        shown = client.get(f"{USERS}/profile", headers=own).json()
        assert (shown["display_name"], shown["email"], shown["ballchasing_key_set"]) == ("Octane Main", email, True)
        assert shown["platform_ids"] == ["epic:0123456789abcdef0123456789abcdef"]
        assert ballchasing not in json.dumps(shown)
    row = one(pg_url, "SELECT p::text, email_sealed, ballchasing_key_sealed FROM gamestats_api.profiles p "
                      "WHERE account = 'profile-owner'")
    assert email not in row[0] and ballchasing not in row[0]
    assert Fernet(OLD_KEY.encode()).decrypt(bytes(row[1])).decode() == email

    with client_for(pg_url, api_token=TOKEN, secret_keys=(NEW_KEY, OLD_KEY)) as client:
        assert client.get(f"{USERS}/profile", headers=own).json()["email"] == email
        assert client.put(f"{USERS}/profile", headers=own, json={"email": "new@example.org"}).status_code == 200
    sealed = bytes(one(pg_url, "SELECT email_sealed FROM gamestats_api.profiles WHERE account = 'profile-owner'")[0])
    assert Fernet(NEW_KEY.encode()).decrypt(sealed) == b"new@example.org"
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY.encode()).decrypt(sealed)
    resealed = subprocess.run([str(Path(sys.executable).parent / "gamestats"), "accounts", "reseal"],
                              env={**os.environ, "GAMESTATS_PG_URL": pg_url,
                                   "GAMESTATS_DATA_DIR": str(rocket_day["data_dir"]),
                                   "GAMESTATS_SECRET_KEYS": f"{NEW_KEY},{OLD_KEY}"},
                              capture_output=True, text=True, timeout=600)
    assert resealed.returncode == 0 and "1 profiles sealed again" in resealed.stdout, resealed.stderr
    sealed = bytes(one(pg_url, "SELECT ballchasing_key_sealed FROM gamestats_api.profiles "
                               "WHERE account = 'profile-owner'")[0])
    assert Fernet(NEW_KEY.encode()).decrypt(sealed).decode() == ballchasing
    with client_for(pg_url, api_token=TOKEN, secret_keys=(NEW_KEY,)) as client:
        assert client.get(f"{USERS}/profile", headers=own).json()["email"] == "new@example.org"

    with client_for(pg_url, api_token=TOKEN) as client:
        refused = client.put(f"{USERS}/profile", headers=own, json={"email": "plain@example.org"})
        assert refused.status_code == 422 and "GAMESTATS_SECRET_KEYS" in refused.text, refused.text
        renamed = client.put(f"{USERS}/profile", headers=own, json={"display_name": "Renamed"})
        assert renamed.status_code == 200, renamed.text
        assert (renamed.json()["email"], renamed.json()["email_set"]) == (None, True)
    assert "plain@example.org" not in one(pg_url, "SELECT p::text FROM gamestats_api.profiles p")[0]


def published_player(pg_url: str) -> tuple[str, str]:
    return one(pg_url, "SELECT player_id, name FROM rocket.users WHERE player_id NOT LIKE 'deleted:%%' "
                       "AND player_id IN (SELECT player_id FROM rocket.training_sessions) "
                       "ORDER BY matches DESC, 1 LIMIT 1")


def test_stats_and_export_hold_their_games_rows_and_replay(rocket_day, server, signed_in):
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    player_id, _ = published_player(pg_url)
    games, wins, shots, goals = one(pg_url, """
        SELECT count(*), count(*) FILTER (WHERE (p.team = 0 AND m.score_team_0 > m.score_team_1)
                                             OR (p.team = 1 AND m.score_team_1 > m.score_team_0)),
               sum(p.shots), sum(p.goals)
        FROM rocket.match_players p JOIN rocket.matches m USING (date, match_id) WHERE p.player_id = %s""",
                                    (player_id,))
    with server.client() as client:
        made = client.post("/api/v1/admin/accounts", headers=OPERATOR,
                           json={"name": "stats-owner", "role": "player", "player_ids": [player_id]})
        own = bearer(made.json()["api_key"])
        answer = client.get(f"{USERS}/stats", headers=own)
        assert answer.status_code == 200, answer.text
        stats = answer.json()["data"]
        assert (stats["games"], stats["wins"]) == (games, wins) and games > 0
        assert stats["win_rate"] == {"value": wins / games, "sample_size": games}
        assert stats["shooting"]["sample_size"] == shots and stats["goals"] == goals
        assert stats["stats"] and all(s["sample_size"] > 0 and s["games"] > 0 for s in stats["stats"])

        exported = client.get(f"{USERS}/export", headers=own).json()
        assert exported["account_rows"]["gamestats_api.accounts"][0]["name"] == "stats-owner"
        assert exported["account_rows"]["gamestats_api.consents"][0]["recorded_by"] == "operator"
        held = one(pg_url, "SELECT count(*) FROM rocket.player_stats WHERE player_id = %s", (player_id,))[0]
        assert len(exported["published"]["rocket.player_stats"]) == held
        assert {row["player_id"] for row in exported["published"]["rocket.training_sessions"]} == {player_id}

        uploader = client.get(f"{USERS}/export/archive", headers=signed_in)
        assert uploader.status_code == 200 and uploader.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(uploader.content))
    data = json.loads(archive.read("data.json"))
    kinds = {Path(held["path"]).name.split("_")[0] if held["path"].endswith(".jsonl") else "replay"
             for held in data["files"]}
    assert kinds == {"replay", "stated", "training"}, data["files"]
    (replay,) = [held for held in data["files"] if held["path"].endswith(".replay")]
    assert archive.read(f"files/{replay['path']}") == REPLAY.read_bytes()
    assert (data_dir / replay["path"]).read_bytes() == REPLAY.read_bytes()
    assert data["account_rows"]["gamestats_api.consents"][0]["recorded_by"] == "player"
    assert not any("key_sha256" in row for row in data["account_rows"].get("gamestats_api.api_keys", []))


def test_withdrawing_consent_deletes_their_data(rocket_day, server):
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    player_id, name = published_player(pg_url)
    assert anywhere(data_dir, pg_url, [player_id, name])
    with server.client() as client:
        own = bearer(client.post("/api/v1/admin/accounts", headers=OPERATOR, json={
            "name": "withdrawing", "role": "player", "player_ids": [player_id]}).json()["api_key"])
        withdrawn = client.delete(f"{USERS}/consent", headers=own, timeout=1800)
        assert withdrawn.status_code == 200, withdrawn.text
        assert withdrawn.json()["withdrawn"] is True
        assert [d["domain"] for d in withdrawn.json()["deletions"]] == ["rocket"]
        assert client.get(f"{USERS}/consent", headers=own).json()["consent"] is None
        refused = client.post("/api/v1/rocket/training/sessions", headers=own, json={
            "player_id": player_id, "pack_code": "A503-264C-A7EB-D282", "started_at": "2026-03-10T18:00:00+00:00",
            "duration_seconds": 60, "attempts": 1, "successes": 1})
        assert refused.status_code == 403
    assert anywhere(data_dir, pg_url, [player_id, name]) == []


def test_deleting_the_account_needs_its_name_then_leaves_their_id_nowhere(rocket_day, server, signed_in):
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    needles = [PLAYER.player_id, PLAYER.name]
    assert anywhere(data_dir, pg_url, needles)
    own = signed_in
    with server.client() as client:
        assert client.request("DELETE", f"{USERS}/account", headers=own).status_code == 422
        wrong = client.request("DELETE", f"{USERS}/account", headers=own, json={"confirm": "someone-else"})
        assert wrong.status_code == 400 and "repeat its name" in wrong.text
        assert anywhere(data_dir, pg_url, needles)
        deleted = client.request("DELETE", f"{USERS}/account", headers=own, json={"confirm": SIGNED_IN},
                                 timeout=1800)
        assert deleted.status_code == 200, deleted.text
        assert [d["domain"] for d in deleted.json()["deletions"]] == ["rocket", "rocket"], "as the replay names " \
            "them, and as their training session and stated rank did"
        assert client.get(f"{USERS}/profile", headers=own).status_code == 401
    assert anywhere(data_dir, pg_url, needles) == []
    assert one(pg_url, "SELECT player_ids, revoked_at IS NOT NULL FROM gamestats_api.accounts WHERE name = %s",
               (SIGNED_IN,)) == ([], True)
    assert one(pg_url, "SELECT count(*) FROM gamestats_api.api_keys WHERE account = %s AND revoked_at IS NULL",
               (SIGNED_IN,)) == (0,)
    assert one(pg_url, "SELECT count(*) FROM gamestats_api.consents WHERE account = %s AND withdrawn_at IS NULL",
               (SIGNED_IN,)) == (0,)


def test_an_account_made_before_consent_was_recorded_carries_the_operators(admin_url, tmp_path):
    """`sql/193_user_data.sql` applied over accounts the operator made before: each in use gets the operator's
    consent, a revoked one none."""
    with migrated_before(UPGRADE, admin_url, tmp_path) as url:
        with psycopg.connect(url) as conn:
            conn.execute("INSERT INTO gamestats_api.accounts (name, role, player_ids, revoked_at) VALUES "
                         "('earlier', 'player', %s, NULL), ('gone', 'player', %s, now())",
                         (["steam:76561198000000001"], ["steam:76561198000000002"]))
        assert UPGRADE in apply_migrations(url)
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT account, text_version, recorded_by FROM gamestats_api.consents").fetchall() \
                == [("earlier", "operator", "operator")]
