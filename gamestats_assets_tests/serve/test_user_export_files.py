"""A player's export holds the files of every domain that name their ids, as the deletion finds them: an account
holding a Rocket League id and a PUBG account id gets, in its zip, its raw replay and the PUBG telemetry naming it
(landed gzipped under the name it was saved as, and in quarantine), each as stored and by its place in the data
folder; another player's replay and PUBG match are not in it. Its Dagster records are the runs of their history
(tagged with their tracked id) and not another's. Deleting the PUBG id afterwards acts on exactly the PUBG files and
runs the export gave."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import dagster as dg
import psycopg
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from gamestats_assets.lib.core.partitions import PLAYER_TAG, tracked_player_partitions
from gamestats_assets.serve.app import create_app
from gamestats_assets.serve.core.accounts import PLATFORMS
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.crud import accounts
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.serve.conftest import TOKEN
from gamestats_assets_tests.serve.test_player_deletion import PUBG_TELEMETRY

FIXTURES = Path(__file__).parents[1] / "fixtures"
REPLAY = FIXTURES / "rocketleague" / "paired" / "recent-ranked-doubles-2026-03-10.replay"
STRANGERS_REPLAY = FIXTURES / "rocketleague" / "paired" / "recent-ranked-standard-2026-03-10-a.replay"
STRANGERS_MATCH = FIXTURES / "pubg" / "pubgkt_match_squad_response.json"
"""Real files (their origins and licences beside them): the player's replay, and a replay and a PUBG match of
others."""
PLAYER = read_header_alone(REPLAY).players[0]
LATE_GAME = FIXTURES / "pubg" / "part2_lategame_offset18600000.jsonl"


def most_seen_account(path: Path) -> str:
    """The PUBG account id of the most events of a telemetry file."""
    ids = [json.loads(line).get("character", {}).get("accountId") for line in path.read_text().splitlines()]
    return Counter(i for i in ids if i).most_common(1)[0][0]


@dg.asset
def history() -> None:
    """A step of a tracked player's history, as a backfill of it runs one."""


def tracked(instance: dg.DagsterInstance, domain: str, player_id: str) -> str:
    """`player_id` tracked in `domain`'s partitions, a run of their history tagged with it: the run's id."""
    instance.add_dynamic_partitions(tracked_player_partitions(domain).name, [player_id])
    return dg.materialize([history], instance=instance, tags={PLAYER_TAG: player_id}).run_id


def landed(data_dir: Path) -> dict[str, Path]:
    """Real files landed as the platform keeps them: the player's replay and a stranger's in a day's folder, a real
    telemetry saved from its link (`<match id>-telemetry.gz`, a gzipped JSON array), a PUBG match of others, the
    late game's telemetry in quarantine, and a telemetry of a stranger whose id holds the player's; by what they
    are."""
    places = {"replay": data_dir / "landing" / "rocket" / "2026-03-10" / "a1.replay",
              "strangers_replay": data_dir / "landing" / "rocket" / "2026-03-10" / "b2.replay",
              "telemetry": data_dir / "landing" / "pubg" / "telemetry" / "m1-telemetry.gz",
              "strangers_match": data_dir / "landing" / "pubg" / "matches" / STRANGERS_MATCH.name,
              "quarantined": data_dir / "quarantine" / "pubg" / "telemetry" / LATE_GAME.name,
              "longer_id": data_dir / "landing" / "pubg" / "telemetry" / "m2-telemetry.gz"}
    for path in places.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPLAY, places["replay"])
    shutil.copy(STRANGERS_REPLAY, places["strangers_replay"])
    events = [json.loads(line) for path in PUBG_TELEMETRY for line in path.read_text().splitlines() if line.strip()]
    places["telemetry"].write_bytes(gzip.compress(json.dumps(events).encode(), mtime=0))
    shutil.copy(STRANGERS_MATCH, places["strangers_match"])
    shutil.copy(LATE_GAME, places["quarantined"])
    longer = {"_T": "LogPlayerLogin", "accountId": f"{most_seen_account(LATE_GAME)}0", "_D": events[0]["_D"]}
    places["longer_id"].write_bytes(gzip.compress(json.dumps([longer]).encode(), mtime=0))
    return places


def test_the_archive_holds_every_domains_files_naming_the_player_and_no_one_elses(migrated_pg_url, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    data_dir = tmp_path / "data"
    places = landed(data_dir)
    pubg_id = most_seen_account(LATE_GAME)
    assert PLAYER.player_id not in {p.player_id for p in read_header_alone(STRANGERS_REPLAY).players}
    assert pubg_id.encode() not in STRANGERS_MATCH.read_bytes()
    with psycopg.connect(migrated_pg_url, autocommit=True) as conn:
        key = accounts.create(conn, "two-games", "player",
                              (f"{PLATFORMS[PLAYER.platform]}:{PLAYER.player_id}", pubg_id), by_operator=True)
    own = {"Authorization": f"Bearer {key}"}
    app = create_app(ServeSettings(pg_url=migrated_pg_url, api_token=TOKEN, data_dir=data_dir,
                                   requests_per_minute=100_000, secret_keys=(Fernet.generate_key().decode(),)))
    instance = dg.DagsterInstance.ephemeral()
    theirs_run, strangers_run = tracked(instance, "pubg", pubg_id), tracked(instance, "pubg", "account.someone-else")
    app.state.dagster_instance = lambda: instance
    with TestClient(app) as client:
        answer = client.get("/api/v1/users/export/archive", headers=own)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip", answer.text
        archive = zipfile.ZipFile(io.BytesIO(answer.content))
        data = json.loads(archive.read("data.json"))
        theirs = {name: places[name].relative_to(data_dir).as_posix() for name in ("replay", "telemetry",
                                                                                   "quarantined")}
        assert sorted(held["path"] for held in data["files"]) == sorted(theirs.values())
        assert sorted(archive.namelist()) == sorted(["data.json", *(f"files/{p}" for p in theirs.values())])
        for name, place in theirs.items():
            assert archive.read(f"files/{place}") == places[name].read_bytes(), f"{name} as it is stored"
        assert archive.read(f"files/{theirs['telemetry']}")[:2] == b"\x1f\x8b", "gzipped, as landed"
        assert all(not held["path"].startswith(("/", "..")) and ".." not in Path(held["path"]).parts
                   for held in data["files"])
        assert client.get("/api/v1/users/export", headers=own).json()["files"] == data["files"]
        assert data["dagster"]["tracked_players"] == [{"domain": "pubg", "player_id": pubg_id}]
        assert [(run["run_id"], run["tags"][PLAYER_TAG]) for run in data["dagster"]["runs"]] == [(theirs_run, pubg_id)]
        assert strangers_run not in json.dumps(data)

        deleted = client.delete(f"/api/v1/players/pubg/{pubg_id}", headers={"Authorization": f"Bearer {TOKEN}"})
        assert deleted.status_code == 200, deleted.text
        counts = deleted.json()["counts"]
        assert (counts["landing_files_rewritten"], counts["quarantine_files_rewritten"]) == (2, 1), counts
        stranger = json.loads(gzip.decompress(places["longer_id"].read_bytes()))
        assert stranger[0]["accountId"] == f"{pubg_id}0", "the deletion reads every file holding the id, and keeps " \
                                                          "another player's id that holds it"
        assert (counts["dagster"]["tracked_partitions_deleted"], counts["dagster"]["runs_renamed"]) == (1, 1), counts
        after = client.get("/api/v1/users/export", headers=own).json()
        assert [held["path"] for held in after["files"]] == [theirs["replay"]], "the deletion took them out"
        assert after["dagster"] == {"tracked_players": [], "backfills": [], "runs": []}

