"""A deleted PUBG player taken out of a gzipped telemetry file in landing, whatever its name: the file a real match's
telemetry was saved as from its link (`<match id>-telemetry.gz`, gzip with no JSON suffix, which the PUBG reader
takes by its content) is rewritten by the deletion, and the same file delivered again after it is rewritten by the
next landing run, so that neither the player's account id nor their name is left in it or anywhere else."""

from __future__ import annotations

import gzip
import json
import shutil

import dagster as dg
import pytest

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg.assets import LANDING
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.serve.leftovers import anywhere
from gamestats_assets_tests.serve.test_player_deletion import (
    PUBG_MATCH,
    PUBG_TELEMETRY,
    gamestats,
    raw_player,
    run_pubg,
)

pytestmark = pytest.mark.long


def telemetry_gzip() -> bytes:
    """The real telemetry events as the PUBG API serves them: one JSON array, gzipped."""
    events = [json.loads(line) for path in PUBG_TELEMETRY for line in path.read_text().splitlines() if line.strip()]
    return gzip.compress(json.dumps(events).encode(), mtime=0)


def test_a_deleted_pubg_player_is_taken_out_of_a_gzipped_telemetry_file_of_any_name(migrated_pg_url, tmp_path):
    data_dir = tmp_path / "data"
    env = {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": migrated_pg_url}
    landing = data_dir / "landing" / "pubg"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        resources = location_resources(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        (landing / "matches").mkdir(parents=True)
        shutil.copy(PUBG_MATCH, landing / "matches" / PUBG_MATCH.name)
        match_id = LANDING.find(resources["platform"]).popitem()[0]
        telemetry = landing / "telemetry" / f"{match_id}-telemetry.gz"
        telemetry.parent.mkdir()
        telemetry.write_bytes(telemetry_gzip())
        run_pubg(instance, resources)
        account_id, name = raw_player(data_dir)
        clear = gzip.decompress(telemetry.read_bytes()).decode()
        assert account_id in clear and name in clear

        deleted = gamestats(env, "players", "delete", "pubg", account_id, "--by", "operator")
        assert deleted.returncode == 0, deleted.stderr
        held = gzip.decompress(telemetry.read_bytes()).decode()
        assert account_id not in held and name not in held
        assert json.loads(held), "the telemetry stays a JSON array of its events"
        assert anywhere(data_dir, migrated_pg_url, [account_id, name]) == []

        telemetry.write_bytes(telemetry_gzip())
        run_pubg(instance, resources)
        held = gzip.decompress(telemetry.read_bytes()).decode()
        assert account_id not in held and name not in held, "a file delivered after the deletion is taken in without them"
        assert anywhere(data_dir, migrated_pg_url, [account_id, name]) == []
