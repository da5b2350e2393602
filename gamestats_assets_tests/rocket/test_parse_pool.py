"""A day's raw replays are parsed a process per core by its Dagster run: a replay whose parse fails, or kills the
process parsing it, is quarantined with its reason, and every other replay of the run is published."""

from __future__ import annotations

import json
import os
import shutil
import signal

from gamestats_assets.defs.rocket.transforms import landing
from gamestats_assets.lib.core import pool
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.reliability.test_new_files import DAY, lakes  # noqa: F401 - the fixture
from gamestats_assets_tests.rocket.conftest import REPLAYS

PARSE = landing.parse_replay
KILLS_ITS_PROCESS, FAILS = "killer.replay", "broken.replay"


def parse_or_fail(path):
    """The replay parse of a worker process, but that `KILLS_ITS_PROCESS` kills the process parsing it (as a crash
    in native code would) and `FAILS` raises."""
    if path.name == KILLS_ITS_PROCESS:
        os.kill(os.getpid(), signal.SIGKILL)
    if path.name == FAILS:
        raise ValueError("the network stream ends inside a frame")
    return PARSE(path)


def test_a_replay_failing_in_the_pool_is_quarantined_and_the_others_are_published(lakes, monkeypatch):  # noqa: F811
    lake = lakes("pool")
    folder = lake.folder("rocket")
    folder.mkdir(parents=True)
    names = {"0_SAVES.replay": "0_SAVES.replay", "XBOX_PARTY.replay": "XBOX_PARTY.replay",
             "5_GOALS_6_KICKOFFS.replay": KILLS_ITS_PROCESS, "OCE_RLCS_7_CARS.replay": FAILS}
    for sample, name in names.items():
        shutil.copy(REPLAYS / sample, folder / name)
    kept = sorted(read_header_alone(REPLAYS / sample).match_id.lower() for sample in list(names)[:2])
    monkeypatch.setattr(landing, "parse_replay", parse_or_fail)
    monkeypatch.setattr(pool, "usable_cores", lambda: 2)

    assert lake.run("rocket") == {"files_parsed": 4, "files_reused": 0, "files_removed": 0, "files_quarantined": 2}

    with connect(lake.pg_url) as conn:
        published = [row[0] for row in conn.execute(
            "SELECT lower(match_id) FROM rocket.matches WHERE date = %s ORDER BY 1", (DAY,)).fetchall()]
        players = conn.execute("SELECT count(DISTINCT match_id) FROM rocket.player_stats WHERE date = %s",
                               (DAY,)).fetchone()[0]
    assert published == kept
    assert players == 2
    quarantine = lake.data_dir / "quarantine" / "rocket" / DAY.isoformat()
    reasons = {name: json.loads((quarantine / f"{name}.reason.json").read_text())["reason"]
               for name in (KILLS_ITS_PROCESS, FAILS)}
    assert reasons[KILLS_ITS_PROCESS].startswith("ProcessDied: the process working on it died")
    assert reasons[FAILS] == "ValueError: the network stream ends inside a frame"
    assert sorted(path.name for path in folder.iterdir()) == sorted(set(names.values()) - {KILLS_ITS_PROCESS, FAILS})
