"""A player's data deleted at their request, against a running `gamestats serve` over a real run's rows: the owner's
account (or an operator) deletes, another player's account cannot, and a deletion in a domain that holds nothing of
the id changes nothing; afterwards nothing of the player is left in PostgreSQL, the lake (any version) or the data
folder's files, every other row published is as it was, and neither a rerun of the day nor the file delivered again,
uploaded or dropped, brings them back. A raw replay, which cannot be rewritten, is retired with its rows kept;
landing files past the retention go, and the published tables stay. Deletions asked at once each happen whole, one
after the other, and the register keeps only digests keyed by a secret of the data folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import stat
import subprocess
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import psycopg
import pytest
from click.testing import CliRunner

from gamestats_assets.cli import main
from gamestats_assets.definitions import build_definitions, location_resources
from gamestats_assets.defs.pubg.assets import LANDING
from gamestats_assets.defs.rocket.transforms.rank import MODEL_SCHEMA
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.erasure.register import deleted_ids, register_path
from gamestats_assets.published.players import PLAYERS
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.pubg.conftest import MATCH_FILES, TELEMETRY_FILES
from gamestats_assets_tests.pubg.test_pipeline import run_matches, run_snapshots
from gamestats_assets_tests.rocket.forged import with_section_crcs, with_text
from gamestats_assets_tests.retention_tick import files_retired, retention_tick
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run
from gamestats_assets_tests.serve.conftest import ROCKET_DAY, TOKEN
from gamestats_assets_tests.serve.leftovers import anywhere, published, redacted
from gamestats_assets_tests.serve.running import serving

pytestmark = pytest.mark.long

OPERATOR = {"Authorization": f"Bearer {TOKEN}"}
ACCOUNTS = "/api/v1/admin/accounts"
OWN = set(PLAYERS["rocket"].own)
OTHER_IDS = tuple(column for column in PLAYERS["rocket"].ids if column != "player_id")
"""The rocket columns besides `player_id` that name a player: a goal's scorer and assister."""
REAL_DAY = ROCKET_DAY + dt.timedelta(days=1)
"""A day of real files beside the synthetic one (a day holds one kind only)."""
FIXTURES = Path(__file__).parents[1] / "fixtures" / "rocketleague"
BALLCHASING = FIXTURES / "ballchasing" / "replay.json"
"""A real game's ballchasing JSON."""
REPLAY = FIXTURES / "paired" / "recent-ranked-doubles-2026-03-10.replay"
SAME_GAME = FIXTURES / "paired" / "recent-ranked-doubles-2026-03-10.ballchasing.json"
"""A real raw replay, and the same game as ballchasing JSON: a new file naming the players of the replay."""


PREPARED = ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL", "GAMESTATS_DATA_DIR")
"""The settings a command sets in its process as it prepares the instance (`lib/deploy/instance.py`)."""


def gamestats(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    """`gamestats *arguments` with `env` over the environment, run in this process (the settings it prepares put
    back after it): its exit code, what it printed, and what it wrote to stderr with any traceback."""
    result = CliRunner().invoke(main, arguments, env={**{name: os.environ.get(name) for name in PREPARED}, **env})
    stderr = result.stderr
    if result.exc_info and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(["gamestats", *arguments], result.exit_code, result.stdout, stderr)


def environment(rocket_day) -> dict[str, str]:
    return {"GAMESTATS_DATA_DIR": str(rocket_day["data_dir"]), "GAMESTATS_PG_URL": rocket_day["pg_url"]}


def run_day(rocket_day, first: dt.date, last: dt.date | None = None) -> None:
    """Day `first` (to `last`, in one run) of the rocket domain and its snapshots run again by Dagster, as the
    landing sensor runs the days delivered together."""
    days = ({"partition_key": first.isoformat()} if last is None else {"tags": {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat()}})
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**environment(rocket_day), "GAMESTATS_USERS": "200"}.items():
            patch.setenv(name, value)
        defs = build_definitions(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        run(defs, rocket_keys(defs, partitioned=True), instance, **days)
        run(defs, rocket_keys(defs, partitioned=False), instance)


def one(pg_url: str, query: str, params=()):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchone()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


REFITTED = ("predicted_rank_index", "interval_low", "interval_high", "held_out", "baseline_interval_low",
            "baseline_interval_high", *MODEL_SCHEMA)
"""The columns of `rank_predictions` a new fit of the rank model changes: its predictions and its figures on the
players it holds out."""


def refitted(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """`tables` but the rank model's predictions: a rebuild fits it again with a seeded held-out split by the
    players' order, which the token (in place of the deleted player's id) changes."""
    return {**tables, "rank_predictions": [tuple(c for c in row if c[0] not in REFITTED)
                                           for row in tables["rank_predictions"]]}


def listed(client) -> set[str]:
    """The players `/api/v1/rocket/players` lists."""
    return {p["player_id"] for p in client.get("/api/v1/rocket/players").json()["data"]["players"]}


@pytest.fixture(scope="module")
def server(rocket_day):
    with serving({**environment(rocket_day), "GAMESTATS_API_TOKEN": TOKEN,
                  "GAMESTATS_API_REQUESTS_PER_MINUTE": "100000"}) as running:
        yield running
    assert "Traceback" not in running.output, running.output


def test_the_owner_deletes_their_data_and_nothing_of_them_is_left_while_every_other_figure_stays(rocket_day, server):
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    victim, name = one(pg_url, "SELECT u.player_id, u.name FROM rocket.users u WHERE u.player_id IN "
                               "(SELECT player_id FROM rocket.training_sessions) AND u.player_id IN "
                               "(SELECT player_id FROM rocket.player_weaknesses) ORDER BY u.matches DESC, 1 LIMIT 1")
    (other,) = one(pg_url, "SELECT player_id FROM rocket.users WHERE player_id <> %s ORDER BY matches DESC, 1 LIMIT 1",
                   (victim,))
    assert anywhere(data_dir, pg_url, [victim, name])
    files = [p for p in (data_dir / "landing").rglob("*.json*") if victim.encode() in p.read_bytes()]
    before = published(pg_url, "rocket")
    with server.client() as client:
        keys = {}
        for account, player in (("owner", victim), ("stranger", other)):
            made = client.post(ACCOUNTS, json={"name": account, "role": "player", "player_ids": [player]},
                               headers=OPERATOR)
            assert made.status_code == 201, made.text
            keys[account] = made.json()["api_key"]
        comparison = f"/api/v1/rocket/analytics/comparison?player_id={other}"
        others_before = client.get(comparison).json()["data"]
        assert victim in listed(client)

        refused = client.delete(f"/api/v1/players/rocket/{victim}", headers=bearer(keys["stranger"]))
        assert refused.status_code == 403, refused.text
        assert client.delete(f"/api/v1/players/l2m/{victim}", headers=OPERATOR).status_code == 422
        assert before == published(pg_url, "rocket")

        deleted = client.delete(f"/api/v1/players/rocket/{victim}", headers=bearer(keys["owner"]))
        assert deleted.status_code == 200, deleted.text
        answer = deleted.json()
        token = answer["token"]
        assert token.startswith("deleted:") and answer["requested_by"] == "account:owner"
        assert answer["counts"]["published_rows"]["rocket.player_stats"] > 0
        assert answer["counts"]["landing_files_rewritten"] == len(files)
        assert victim not in listed(client)
        assert client.get(comparison).json()["data"] == others_before
        assert client.delete(f"/api/v1/players/rocket/{victim}", headers=bearer(keys["owner"])).status_code == 403

    assert anywhere(data_dir, pg_url, [victim, name]) == []
    after = published(pg_url, "rocket")
    assert after == redacted(before, victim, token, OWN, others=OTHER_IDS)
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as warehouse:
        assert warehouse.execute("SELECT count(*) FROM rocket.player_stats WHERE player_id = ?",
                                 [token]).fetchone()[0] == answer["counts"]["published_rows"]["rocket.player_stats"]
    assert one(pg_url, "SELECT requested_by, domain, token FROM gamestats_api.player_deletions") == (
        "account:owner", "rocket", token)

    run_day(rocket_day, ROCKET_DAY)
    assert anywhere(data_dir, pg_url, [victim, name]) == []
    assert refitted(published(pg_url, "rocket")) == refitted(after)


def test_a_raw_replay_of_a_deleted_player_is_retired_a_new_file_never_brings_them_back_and_old_files_go(rocket_day):
    data_dir, pg_url, env = rocket_day["data_dir"], rocket_day["pg_url"], environment(rocket_day)
    folder = data_dir / "landing" / "rocket" / REAL_DAY.isoformat()
    folder.mkdir(parents=True)
    replay = folder / REPLAY.name
    shutil.copy(REPLAY, replay)
    shutil.copy(BALLCHASING, folder / BALLCHASING.name)
    run_day(rocket_day, REAL_DAY)
    victim = read_header_alone(replay).players[0]
    needles = [victim.player_id, victim.name]
    assert one(pg_url, "SELECT count(*) FROM rocket.player_stats WHERE player_id = %s", (victim.player_id,))[0]
    before = published(pg_url, "rocket")

    deleted = gamestats(env, "players", "delete", "rocket", victim.player_id, "--by", "support-ticket-17")
    assert deleted.returncode == 0, deleted.stderr
    assert not replay.exists() and "1 retired" in deleted.stdout
    (token,) = one(pg_url, "SELECT token FROM gamestats_api.player_deletions WHERE requested_by = 'support-ticket-17'")
    assert anywhere(data_dir, pg_url, needles) == []
    after = published(pg_url, "rocket")
    assert after == redacted(before, victim.player_id, token, OWN, others=OTHER_IDS)

    run_day(rocket_day, REAL_DAY)
    assert refitted(published(pg_url, "rocket")) == refitted(after)

    synthetic_day = data_dir / "landing" / "rocket" / ROCKET_DAY.isoformat()
    held = sorted(p for p in synthetic_day.rglob("*") if p.is_file())
    assert retention_tick(env, None) == "GAMESTATS_LANDING_RETENTION_DAYS is not set: landing files are kept"
    assert files_retired(retention_tick(env, "30")) == {
        "rocket_files_retired": 1 + len(held), "lol_files_retired": 0, "pubg_files_retired": 0, "l2m_files_retired": 0,
        "demo_data_files_retired": 0}
    assert list(folder.iterdir()) == [] and not any(p.is_file() for p in synthetic_day.rglob("*"))
    assert refitted(published(pg_url, "rocket")) == refitted(after)
    run_day(rocket_day, ROCKET_DAY, REAL_DAY)
    assert refitted(published(pg_url, "rocket")) == refitted(after)
    assert anywhere(data_dir, pg_url, needles) == []
    retired = gamestats({**env, "GAMESTATS_LANDING_RETENTION_DAYS": "30"}, "landing", "retire")
    assert retired.returncode == 0 and "rocket: 0 files retired" in retired.stdout, retired.stderr

    shutil.copy(SAME_GAME, folder / SAME_GAME.name)
    assert [place.split(" ")[0] for place in anywhere(data_dir, pg_url, needles)] == ["landing"]
    run_day(rocket_day, REAL_DAY)
    assert anywhere(data_dir, pg_url, needles) == [], "a file delivered after the deletion is taken in without them"
    assert one(pg_url, "SELECT count(*) FROM rocket.player_stats WHERE player_id = %s", (token,))[0]
    again = gamestats(env, "players", "delete", "rocket", victim.player_id)
    assert again.returncode == 0, again.stderr
    assert token in again.stdout and "0 landing files rewritten" in again.stdout


UPLOAD = "/api/v1/rocket/replays/upload"


def test_a_deleted_players_game_delivered_again_is_never_taken_in_clear(rocket_day, server):
    """The raw replay the test above retired, uploaded again: the game held (retired, its rows kept), so 200 and
    nothing lands or is parsed; another file of a game naming the deleted player (its id changed) is refused, as no
    format lets a raw replay be written without them. Neither brings their id or name back anywhere."""
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    victim = read_header_alone(REPLAY).players[0]
    landing = data_dir / "landing" / "rocket"
    files = sorted(path for path in landing.rglob("*") if path.is_file())
    with server.client() as client:
        again = client.post(UPLOAD, content=REPLAY.read_bytes(), headers=OPERATOR)
        assert again.status_code == 200, again.text
        assert again.json()["already_uploaded"] is True and again.json()["landed"] == "retired, its rows kept"
        other = with_section_crcs(with_text(REPLAY.read_bytes(), "Id", "A" * 32))
        refused = client.post(UPLOAD, content=other, headers=OPERATOR)
        assert refused.status_code == 422 and "deleted at their request" in refused.text, refused.text
    assert anywhere(data_dir, pg_url, [victim.player_id, victim.name]) == []
    assert sorted(path for path in landing.rglob("*") if path.is_file()) == files


def test_a_deletion_in_a_domain_that_holds_nothing_of_the_id_changes_nothing(rocket_day, server):
    """A player's account deleting its Rocket League id in `pubg`: 404, and the account still acts for the id, the
    register and the deletions recorded as they were."""
    pg_url, register = rocket_day["pg_url"], rocket_day["data_dir"] / "state" / "deletions.json"
    (player,) = one(pg_url, "SELECT player_id FROM rocket.users WHERE player_id NOT LIKE 'deleted:%%' "
                            "ORDER BY matches DESC, 1 LIMIT 1")
    before = (register.read_bytes(), one(pg_url, "SELECT count(*) FROM gamestats_api.player_deletions"))
    with server.client() as client:
        made = client.post(ACCOUNTS, json={"name": "elsewhere", "role": "player", "player_ids": [player]},
                           headers=OPERATOR)
        assert made.status_code == 201, made.text
        refused = client.delete(f"/api/v1/players/pubg/{player}", headers=bearer(made.json()["api_key"]))
        assert refused.status_code == 404 and "pubg holds nothing" in refused.text, refused.text
        linked = {a["name"]: a["player_ids"] for a in client.get(ACCOUNTS, headers=OPERATOR).json()["data"]}
    assert linked["elsewhere"] == [player]
    assert (register.read_bytes(), one(pg_url, "SELECT count(*) FROM gamestats_api.player_deletions")) == before


def test_deletions_asked_at_once_each_happen_whole_and_the_register_is_keyed(rocket_day, server):
    """One player deleted three times and two others once, all at the same moment through the running server:
    every deletion is answered 200 (one after the other), the three of one player with one token; each player is in
    the register once and recorded once per deletion asked, and nothing of any of them is left. The register and
    the recorded deletions keep each id as its HMAC-SHA-256 under the data folder's key (made once, readable by its
    owner only), never as the plain SHA-256 anyone could compute from a list of ids."""
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    with psycopg.connect(pg_url) as conn:
        players = conn.execute("SELECT player_id, name FROM rocket.users WHERE player_id NOT LIKE 'deleted:%' "
                               "ORDER BY matches DESC, player_id LIMIT 3").fetchall()
    asked = [players[0]] * 3 + players[1:]

    def deleted(player: tuple[str, str]):
        with server.client() as client:
            return client.delete(f"/api/v1/players/rocket/{player[0]}", headers=OPERATOR, timeout=1800)

    with ThreadPoolExecutor(len(asked)) as pool:
        answers = list(pool.map(deleted, asked))
    assert [answer.status_code for answer in answers] == [200] * len(asked), [a.text for a in answers]
    assert len({answer.json()["token"] for answer in answers[:3]}) == 1

    key_file = data_dir / "state" / "deletions.key"
    key = key_file.read_bytes()
    assert len(key) == 32 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    register = json.loads((data_dir / "state" / "deletions.json").read_text())
    held = [entry["id_sha256"] for entry in register["players"]]
    with psycopg.connect(pg_url) as conn:
        recorded = dict(conn.execute("SELECT id_sha256, count(*) FROM gamestats_api.player_deletions "
                                     "GROUP BY id_sha256").fetchall())
    for index, (player_id, name) in enumerate(players):
        keyed = hmac.new(key, f"rocket\0{player_id}".encode(), hashlib.sha256).hexdigest()
        assert held.count(keyed) == 1 and recorded[keyed] == (3 if index == 0 else 1), player_id
        assert hashlib.sha256(f"rocket\0{player_id}".encode()).hexdigest() not in {*held, *recorded}
        assert anywhere(data_dir, pg_url, [player_id, name]) == [], player_id


HOLD_WAREHOUSE = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)"
"""Another process writing the warehouse: DuckDB lets one process open a database file for writing at a time."""


def test_a_deletion_another_writer_keeps_stopping_is_a_503_and_asking_again_finishes_it(rocket_day, server):
    """While another process holds the warehouse, a deletion is tried again and again, then answered 503 with
    `Retry-After`: nothing is recorded as done, and the player is in the register, so that nothing of them is
    written again meanwhile. Asked again once the warehouse is free, it finishes: 200, and nothing of them is left."""
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    player_id, name = one(pg_url, "SELECT player_id, name FROM rocket.users WHERE player_id NOT LIKE 'deleted:%%' "
                                  "ORDER BY matches DESC, 1 LIMIT 1")
    recorded = one(pg_url, "SELECT count(*) FROM gamestats_api.player_deletions")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WAREHOUSE, str(data_dir / "warehouse.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with server.client() as client:
            stopped = client.delete(f"/api/v1/players/rocket/{player_id}", headers=OPERATOR, timeout=600)
        assert stopped.status_code == 503 and stopped.headers["Retry-After"] == "5", stopped.text
        assert "ask again to finish it" in stopped.json()["detail"]
        assert one(pg_url, "SELECT count(*) FROM gamestats_api.player_deletions") == recorded
        assert deleted_ids(register_path(data_dir), "rocket", [player_id]) == {player_id}
    finally:
        holder.kill()
        holder.wait()
    with server.client() as client:
        finished = client.delete(f"/api/v1/players/rocket/{player_id}", headers=OPERATOR, timeout=600)
    assert finished.status_code == 200, finished.text
    assert one(pg_url, "SELECT count(*) FROM gamestats_api.player_deletions") == (recorded[0] + 1,)
    assert anywhere(data_dir, pg_url, [player_id, name]) == []


def test_the_operator_deletes_a_league_player_and_every_champion_figure_stays(lol_and_l2m):
    """The synthetic games name a player `synthetic-<seed>-<game>-<participant>` and `Player<participant>`: the
    tenth participant's id is no part of another's, and the names are everyone's, so only the id is looked for."""
    data_dir, pg_url = lol_and_l2m["data_dir"], lol_and_l2m["pg_url"]
    env = {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url}
    (puuid,) = one(pg_url, "SELECT puuid FROM lol.participant_query_facts WHERE puuid LIKE %s ORDER BY 1 LIMIT 1",
                   ("%-10",))
    needles = [puuid]
    assert anywhere(data_dir, pg_url, needles)
    before = published(pg_url, "lol")

    deleted = gamestats(env, "players", "delete", "lol", puuid, "--by", "operator")
    assert deleted.returncode == 0, deleted.stderr
    (token,) = one(pg_url, "SELECT token FROM gamestats_api.player_deletions WHERE domain = 'lol'")
    assert anywhere(data_dir, pg_url, needles) == []
    assert published(pg_url, "lol") == redacted(before, puuid, token, set(PLAYERS["lol"].own), column="puuid")


PUBG_MATCH = MATCH_FILES[0]
PUBG_TELEMETRY = TELEMETRY_FILES[1:]
"""A real match object, and real telemetry of another match (events that name no match) landed as its telemetry:
the match's players are published, the telemetry's are in the lake (the check that telemetry agrees with the match
object blocks their publication) and in its raw events."""


def run_pubg(instance, resources) -> None:
    """Every landed match and the snapshots run by Dagster, as the landing sensor would."""
    instance.add_dynamic_partitions("pubg_match", sorted(LANDING.find(resources["platform"])))
    run_matches(instance, resources)
    assert run_snapshots(instance, resources).success


@pytest.fixture(scope="module")
def pubg_real(migrated_pg_url, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("pubg_deletion") / "data"
    env = {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": migrated_pg_url}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        resources = location_resources(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        landing = data_dir / "landing" / "pubg"
        (landing / "matches").mkdir(parents=True)
        shutil.copy(PUBG_MATCH, landing / "matches" / PUBG_MATCH.name)
        match_id = LANDING.find(resources["platform"]).popitem()[0]
        (landing / "telemetry").mkdir()
        (landing / "telemetry" / f"{match_id}.jsonl").write_bytes(b"".join(p.read_bytes() for p in PUBG_TELEMETRY))
        run_pubg(instance, resources)
        yield {"data_dir": data_dir, "pg_url": migrated_pg_url, "env": env, "match_id": match_id,
               "rerun": lambda: run_pubg(instance, resources)}


def raw_player(data_dir: Path) -> tuple[str, str]:
    """The account id and name of the player of the most telemetry events kept raw in the lake."""
    raw = pl.read_delta(str(data_dir / "lake" / "pubg" / "etl" / "telemetry_other_events"))["raw"]
    players = pl.Series(raw).str.json_path_match("$.character.accountId").drop_nulls()
    account_id = players.mode().sort()[0]
    for path in PUBG_TELEMETRY:
        for line in path.read_text().splitlines():
            if account_id in line:
                return account_id, pl.Series([line]).str.json_path_match("$.character.name")[0]
    raise AssertionError(account_id)


def test_pubg_players_are_deleted_from_the_match_and_the_raw_telemetry_and_a_rerun_never_brings_them_back(pubg_real):
    """Through a running `gamestats serve`: a player of the published match deleted by their own `player` account
    (another player's account refused), then one of the raw telemetry events by the operator; a rerun of the match,
    then the match object and telemetry delivered again, bring neither back."""
    data_dir, pg_url, env = pubg_real["data_dir"], pubg_real["pg_url"], pubg_real["env"]
    published_player = one(pg_url, "SELECT account_id, player_name FROM pubg.match_summaries "
                                   "ORDER BY kills DESC, damage_dealt DESC, 1 LIMIT 1")
    (other,) = one(pg_url, "SELECT account_id FROM pubg.match_summaries WHERE account_id <> %s ORDER BY 1 LIMIT 1",
                   (published_player[0],))
    telemetry_player = raw_player(data_dir)
    for needles in (list(published_player), list(telemetry_player)):
        assert anywhere(data_dir, pg_url, needles)
    own = set(PLAYERS["pubg"].own)

    with serving({**env, "GAMESTATS_API_TOKEN": TOKEN, "GAMESTATS_API_REQUESTS_PER_MINUTE": "100000"}) as server, \
            server.client() as client:
        keys = {}
        for account, player in (("pubg-owner", published_player[0]), ("pubg-stranger", other)):
            made = client.post(ACCOUNTS, json={"name": account, "role": "player", "player_ids": [player]},
                               headers=OPERATOR)
            assert made.status_code == 201, made.text
            keys[account] = made.json()["api_key"]
        refused = client.delete(f"/api/v1/players/pubg/{published_player[0]}", headers=bearer(keys["pubg-stranger"]))
        assert refused.status_code == 403, refused.text

        for (account_id, name), (by, headers) in zip((published_player, telemetry_player), (
                ("account:pubg-owner", bearer(keys["pubg-owner"])), ("account:operator", OPERATOR))):
            before = published(pg_url, "pubg")
            deleted = client.delete(f"/api/v1/players/pubg/{account_id}", headers=headers)
            assert deleted.status_code == 200, deleted.text
            answer = deleted.json()
            assert (answer["domain"], answer["requested_by"]) == ("pubg", by)
            assert sum(answer["counts"]["lake_rows"].values()) > 0
            token = answer["token"]
            assert one(pg_url, "SELECT token FROM gamestats_api.player_deletions WHERE deletion_id = %s",
                       (answer["deletion_id"],)) == (token,)
            assert anywhere(data_dir, pg_url, [account_id, name]) == []
            assert published(pg_url, "pubg") == redacted(before, account_id, token, own,
                                                         names=("player_name", "name"), column="account_id")
        again = client.delete(f"/api/v1/players/pubg/{published_player[0]}", headers=bearer(keys["pubg-owner"]))
        assert again.status_code == 403, again.text
    assert "Traceback" not in server.output, server.output
    after = published(pg_url, "pubg")

    pubg_real["rerun"]()
    for needles in (list(published_player), list(telemetry_player)):
        assert anywhere(data_dir, pg_url, needles) == []
    assert published(pg_url, "pubg") == after

    landing = data_dir / "landing" / "pubg"
    shutil.copy(PUBG_MATCH, landing / "matches" / PUBG_MATCH.name)
    (landing / "telemetry" / f"{pubg_real['match_id']}.jsonl").write_bytes(
        b"".join(p.read_bytes() for p in PUBG_TELEMETRY))
    pubg_real["rerun"]()
    for needles in (list(published_player), list(telemetry_player)):
        assert anywhere(data_dir, pg_url, needles) == [], "files delivered after the deletion are taken in without them"
    assert published(pg_url, "pubg") == after


def test_the_retention_retires_an_old_pubg_match_whole_and_a_rerun_keeps_its_rows(pubg_real):
    """The daily retention schedule retires the match object and the telemetry of the real match (played years
    ago) once the lake holds both; a rerun of the match, which has no file left, keeps every published row."""
    data_dir, pg_url, env = pubg_real["data_dir"], pubg_real["pg_url"], pubg_real["env"]
    landing = data_dir / "landing" / "pubg"
    before = published(pg_url, "pubg")
    lake_before = pl.read_delta(str(data_dir / "lake" / "pubg" / "etl" / "telemetry_other_events")).sort("match_id", "event_index")

    assert files_retired(retention_tick(env, "30")) == {"rocket_files_retired": 0, "lol_files_retired": 0,
                                                       "pubg_files_retired": 2, "l2m_files_retired": 0,
                                                       "demo_data_files_retired": 0}
    assert list((landing / "matches").iterdir()) == [] and list((landing / "telemetry").iterdir()) == []
    pubg_real["rerun"]()
    assert published(pg_url, "pubg") == before
    assert pl.read_delta(str(data_dir / "lake" / "pubg" / "etl" / "telemetry_other_events")).sort(
        "match_id", "event_index").equals(lake_before)
    assert retention_tick(env, "30")["pubg_files_retired"] == 0
