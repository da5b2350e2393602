"""The career table kept from the match summaries' Delta log (`transforms.career.CAREER_FOLD`), run by Dagster for
real: after a match added, a match delivered again changed and a match removed, `pubg.player_advanced_career_stats`
equals the career computed from every match summary at once, each refresh reading only the summaries' files the
match's run changed; a state that lost a player fails the blocking check and is not published."""

import dataclasses
import datetime as dt
import shutil

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg.tables import CAREER_STATS
from gamestats_assets.defs.pubg.transforms.career import CAREER_FOLD, career_stats
from gamestats_assets.generator.emitters.pubg import Player, emit_match, public_match_plan, write_match
from gamestats_assets.lib.authoring.table import table_key
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.lake.fold import recorded_version, write_state
from gamestats_assets_tests.pubg.test_pipeline import EVERYTHING, PER_MATCH, failed_checks

FIRST = dt.datetime(2026, 1, 5, 18, tzinfo=dt.UTC)
MATCH_IDS = [f"c0ffee00-0000-4000-8000-00000000000{n}" for n in range(4)]
CAREER = table_key("pubg", CAREER_STATS.ref)
SNAPSHOT = [CAREER, dg.AssetKey(["pubg", "postgres", "player_advanced_career_stats"])]


def plan(number: int, renamed: str | None = None):
    """Match `number` of the same lobby (every player in every match), a day after the one before; `renamed`, the
    name the lobby's first player plays it under."""
    planned = public_match_plan(MATCH_IDS[number], FIRST + dt.timedelta(days=number), 11, event_range=(0, 0))
    lobby = public_match_plan(MATCH_IDS[0], FIRST, 11, event_range=(0, 0)).teams
    if renamed:
        first = lobby[0]
        lobby = (dataclasses.replace(first, players=(Player(first.players[0].account_id, renamed),
                                                     *first.players[1:])), *lobby[1:])
    return dataclasses.replace(planned, teams=lobby)


@pytest.fixture(scope="module")
def lake(tmp_path_factory, module_pg_url):
    monkeypatch = pytest.MonkeyPatch()
    data_dir = tmp_path_factory.mktemp("pubg_career")
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GAMESTATS_PG_URL", module_pg_url)
    yield {"data_dir": data_dir, "resources": location_resources(Settings.from_env()),
           "instance": dg.DagsterInstance.ephemeral(), "pg_url": module_pg_url}
    monkeypatch.undo()


def land(lake, number: int, renamed: str | None = None) -> None:
    write_match(emit_match(plan(number, renamed), 11), lake["data_dir"] / "landing" / "pubg")


def run_match(lake, number: int) -> None:
    lake["instance"].add_dynamic_partitions("pubg_match", [MATCH_IDS[number]])
    result = dg.materialize(EVERYTHING, selection=PER_MATCH, instance=lake["instance"], resources=lake["resources"],
                            partition_key=MATCH_IDS[number], raise_on_error=False)
    assert result.success, failed_checks(result)


def refresh_career(lake) -> dict:
    """Run the career table and its publish; what its refresh read."""
    result = dg.materialize(EVERYTHING, selection=SNAPSHOT, instance=lake["instance"], resources=lake["resources"],
                            raise_on_error=False)
    assert result.success and failed_checks(result) == [], failed_checks(result)
    metadata = lake["instance"].get_latest_materialization_event(CAREER).asset_materialization.metadata
    return {name: metadata[name].value for name in ("full_fold", "files_added", "files_removed", "rows_folded")}


def assert_published_as_from_scratch(lake, step: str) -> None:
    """`pubg.player_advanced_career_stats` holds the career of every match summary of the lake, computed at once."""
    summaries = pl.read_delta(str(lake["data_dir"] / "lake" / "pubg" / "cons" / "match_summaries"))
    expected = career_stats(summaries)
    with psycopg.connect(lake["pg_url"]) as conn:
        published = conn.execute(f"SELECT {', '.join(expected.columns)} FROM pubg.player_advanced_career_stats "
                                 "ORDER BY account_id").fetchall()
    assert expected.height and published == expected.rows(), f"{step}: the published career differs"


def test_the_career_follows_a_match_added_changed_and_removed_as_from_scratch(lake):
    for number in range(3):
        land(lake, number)
        run_match(lake, number)
    assert refresh_career(lake)["full_fold"], "no state yet: every row is folded"
    assert_published_as_from_scratch(lake, "first")

    land(lake, 3)
    run_match(lake, 3)
    assert refresh_career(lake) == {"full_fold": False, "files_added": 1, "files_removed": 0, "rows_folded": 100}
    assert_published_as_from_scratch(lake, "added")

    land(lake, 3, renamed="Renamed_Player")
    run_match(lake, 3)
    assert refresh_career(lake) == {"full_fold": False, "files_added": 1, "files_removed": 1, "rows_folded": 200}
    assert_published_as_from_scratch(lake, "changed")
    renamed = plan(0).teams[0].players[0].account_id
    with psycopg.connect(lake["pg_url"]) as conn:
        assert conn.execute("SELECT player_name, matches FROM pubg.player_advanced_career_stats WHERE account_id = %s",
                            (renamed,)).fetchall() == [("Renamed_Player", 4)], "the name of the latest match day"

    landing = lake["data_dir"] / "landing" / "pubg"
    for path in [*landing.glob(f"*/{MATCH_IDS[1]}*")]:
        path.unlink()
    run_match(lake, 1)
    assert refresh_career(lake) == {"full_fold": False, "files_added": 0, "files_removed": 1, "rows_folded": 100}
    assert_published_as_from_scratch(lake, "removed")

    assert refresh_career(lake)["files_added"] == 0, "nothing changed: nothing read"
    state_uri = str(lake["data_dir"] / "lake" / "pubg" / "fold" / CAREER_STATS.name)
    state = pl.read_delta(state_uri)
    write_state(state_uri, CAREER_FOLD, state.filter(pl.col("account_id") != renamed),
                recorded_version(state_uri, CAREER_FOLD, None), None, lambda frame: frame)
    result = dg.materialize(EVERYTHING, selection=SNAPSHOT, instance=lake["instance"], resources=lake["resources"],
                            raise_on_error=False)
    assert not result.success and failed_checks(result) == ["career_adds_up_to_match_summaries"]
    assert_published_as_from_scratch(lake, "a state missing a player is not published")

    shutil.rmtree(lake["data_dir"] / "lake" / "pubg" / "fold")
    assert refresh_career(lake)["full_fold"]
    assert_published_as_from_scratch(lake, "state dropped")
