"""A run that fails half way through its writes (a table written, its record not; a publish cut) leaves the day so
that the next run puts it right: every table the day publishes, and every ETL, STD and CONS table of the day in the
lake, equals what a run from scratch over the same League of Legends files publishes (`test_new_files`' lakes, run
by Dagster for real)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import psycopg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.publish import by_key
from gamestats_assets.lib.refresh import done
from gamestats_assets_tests.conftest import fresh_database, migrated_database
from gamestats_assets_tests.lol.real_games import RANKED, TOURNAMENT, load, variant
from gamestats_assets_tests.reliability.test_new_files import (  # noqa: F401 - `lakes` is the fixture
    Lake,
    assert_tables_equal,
    from_scratch,
    lakes,
    write_game,
)

pytestmark = pytest.mark.long


def lake_at(data_dir: Path, pg_url: str) -> Lake:
    """The lake of `data_dir` and `pg_url`, with definitions on them and an instance of its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_SOURCE", "files")
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", pg_url)
        return Lake(data_dir, pg_url, build_definitions(Settings.from_env()), dg.DagsterInstance.ephemeral())


@pytest.fixture(scope="module")
def two_games(request, admin_url, tmp_path_factory):
    """A lake whose lol day holds the real ranked and tournament games, run once with its snapshots, for the module
    to copy (`two_games_run`)."""
    for pg_url in migrated_database(request.config, admin_url):
        lake = lake_at(tmp_path_factory.mktemp("two_games") / "data", pg_url)
        folder = lake.folder("lol")
        folder.mkdir(parents=True)
        write_game(folder, load(RANKED), "JP1_323466834")
        write_game(folder, load(TOURNAMENT), "ESPORTSTMNT01_2693492")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GAMESTATS_SOURCE", "files")
            lake.run("lol")
        yield lake


@pytest.fixture
def two_games_run(two_games, admin_url, tmp_path, lakes):
    """A copy of `two_games` (its data folder and database) of this test's own: the lake, its day folder and the
    ranked game (to make variants of)."""
    data_dir = tmp_path / "incremental"
    shutil.copytree(two_games.data_dir, data_dir)
    for pg_url in fresh_database(admin_url, urlsplit(two_games.pg_url).path.lstrip("/")):
        lake = lake_at(data_dir, pg_url)
        yield lake, lake.folder("lol"), load(RANKED)


@pytest.fixture(scope="module")
def from_scratch_once() -> dict:
    """What a run from scratch published, held in the lake and checked, by the landing files it ran over: the tests
    that leave the same files compare with one run."""
    return {}


def assert_same_as_from_scratch(lakes, from_scratch_once: dict, lake: Lake, step: str) -> None:
    """Every table the day published, every STD and daily CONS table of the day in the lake and the ETL checks equal
    those of a run from scratch over the same landing files."""
    landing = lake.folder("lol").parent
    files = tuple((str(path.relative_to(landing)), hashlib.sha256(path.read_bytes()).hexdigest())
                  for path in sorted(landing.rglob("*")) if path.is_file())
    if files not in from_scratch_once:
        scratch = from_scratch(lakes, lake, "lol", f"scratch-{step}")
        from_scratch_once[files] = (scratch.published("lol"), scratch.lake_tables("lol"), scratch.checks)
    published, tables, checks = from_scratch_once[files]
    assert lake.checks and lake.checks == checks, f"{step}: the ETL checks differ from a run from scratch's"
    assert_tables_equal([(lake.published("lol"), published), (lake.lake_tables("lol"), tables)], "lol", step)


def test_a_run_failing_half_way_through_its_writes_leaves_the_next_run_right(two_games_run, lakes, from_scratch_once,
                                                                             monkeypatch):
    """A file removed and one added, and the run fails after its first table is written: the next run takes the
    removed file's rows out of every table and parses the new one, as a run from scratch would have it."""
    lake, folder, ranked = two_games_run

    for name in ("ESPORTSTMNT01_2693492.json", "ESPORTSTMNT01_2693492_timeline.json"):
        (folder / name).unlink()
    write_game(folder, variant(ranked, 323466835), "JP1_323466835")
    replace_files = DeltaLakeIOManager.replace_files

    def fails_after_matches(self, asset_key, *args, **kwargs):
        if asset_key.path[-1] != "matches":
            raise OSError("the disk filled up")
        return replace_files(self, asset_key, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(DeltaLakeIOManager, "replace_files", fails_after_matches)
        lake.run("lol", fails=True)
    assert lake.run("lol") == {"files_parsed": 2, "files_reused": 2, "files_removed": 2, "files_quarantined": 0}
    assert lake.published_keys == {"participant_query_facts": (1, 1)}, "the new game published, the removed one deleted"
    assert_same_as_from_scratch(lakes, from_scratch_once, lake, "after-a-failed-run")


def test_a_run_failing_between_its_std_tables_leaves_the_next_run_right(two_games_run, lakes, from_scratch_once,
                                                                        monkeypatch):
    """A game arrives, one removed, and a game's match file changes; the run fails once after an STD table wrote its
    rows but before it recorded them, and once in the write of a table downstream: the next run computes again
    what those runs left undone, and every table of the day is as a run from scratch has it."""
    lake, folder, ranked = two_games_run

    write_game(folder, variant(ranked, 323466835), "JP1_323466835")
    (folder / "ESPORTSTMNT01_2693492.json").unlink()
    write_game(folder, variant(ranked, 323466834, queue=440), "JP1_323466834")
    write_generations = done.write_generations

    def fails_after_item_purchases(data_dir, key, *args):
        if key.path[-1] == "item_purchases":
            raise OSError("the process was killed")
        return write_generations(data_dir, key, *args)

    with monkeypatch.context() as patch:
        patch.setattr(done, "write_generations", fails_after_item_purchases)
        lake.run("lol", fails=True)
    replace_files = DeltaLakeIOManager.replace_files

    def fails_in_participant_facts(self, asset_key, *args, **kwargs):
        if asset_key.path[-1] == "participant_facts":
            raise OSError("the disk filled up")
        return replace_files(self, asset_key, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(DeltaLakeIOManager, "replace_files", fails_in_participant_facts)
        lake.run("lol", fails=True)
    assert lake.run("lol")["files_parsed"] == 0
    assert lake.computed["participant_facts"] == 3 and lake.computed["item_purchases"] == 0, lake.computed
    assert_same_as_from_scratch(lakes, from_scratch_once, lake, "after-failed-std-runs")


def test_a_publish_by_key_failing_leaves_the_day_as_it_was_and_the_next_run_publishes_it(
        two_games_run, lakes, from_scratch_once, monkeypatch):
    """A game arrives and one is removed; the publish fails after deleting the keys it replaces: the
    published day is as it was, and the next run publishes those two keys alone, as a run from scratch has them."""
    lake, folder, ranked = two_games_run
    before = lake.published("lol")
    write_game(folder, variant(ranked, 323466835), "JP1_323466835")
    for name in ("ESPORTSTMNT01_2693492.json", "ESPORTSTMNT01_2693492_timeline.json"):
        (folder / name).unlink()

    def fails(*args, **kwargs):
        raise psycopg.OperationalError("the server closed the connection")

    with monkeypatch.context() as patch:
        patch.setattr(by_key.publisher, "copy_rows", fails)
        lake.run("lol", fails=True)
    assert lake.published("lol") == before, "the failed publish changed nothing"
    assert lake.run("lol")["files_parsed"] == 0
    assert lake.published_keys == {"participant_query_facts": (1, 1)}, lake.published_keys
    assert_same_as_from_scratch(lakes, from_scratch_once, lake, "after-a-failed-publish")


def test_a_day_parsed_in_batches_equals_the_day_parsed_at_once_even_after_a_failed_batch(lakes, monkeypatch):
    """Three games and a copy of one under another name, parsed two files at a time (`GAMESTATS_PARSE_BATCH_FILES`,
    match files first, so the copy's files come in other batches than the originals') and computed by game two games
    at a time (`GAMESTATS_BY_KEY_BATCH_KEYS`); the run fails after its first
    batch is written, and one of the files that batch wrote is removed before the next: the next run takes its rows
    out and replaces those of the others, and the ETL, STD and CONS tables, the published ones, the checks and the
    quarantine reasons are those of a run parsing the same files at once."""
    batched, at_once = lakes("batched"), lakes("at-once")
    ranked = load(RANKED)
    for lake in (batched, at_once):
        lake.folder("lol").mkdir(parents=True)
        write_game(lake.folder("lol"), ranked, "JP1_323466834")
        write_game(lake.folder("lol"), load(TOURNAMENT), "ESPORTSTMNT01_2693492")
        write_game(lake.folder("lol"), variant(ranked, 323466835), "JP1_323466835")
        write_game(lake.folder("lol"), ranked, "copy_of_JP1_323466834")
    replace_files, writes = DeltaLakeIOManager.replace_files, []

    def fails_in_the_second_batch(self, asset_key, *args, **kwargs):
        writes.append(asset_key.path[-1])
        if writes.count("matches") == 2:
            raise OSError("the process was killed")
        return replace_files(self, asset_key, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setenv("GAMESTATS_PARSE_BATCH_FILES", "2")
        patch.setenv("GAMESTATS_BY_KEY_BATCH_KEYS", "2")
        patch.setattr(DeltaLakeIOManager, "replace_files", fails_in_the_second_batch)
        batched.run("lol", fails=True)
    assert writes.count("timeline_events") == 2, "the first batch was written whole, the second in part"
    for lake in (batched, at_once):
        (lake.folder("lol") / "ESPORTSTMNT01_2693492.json").unlink()
    with monkeypatch.context() as patch:
        patch.setenv("GAMESTATS_PARSE_BATCH_FILES", "2")
        patch.setenv("GAMESTATS_BY_KEY_BATCH_KEYS", "2")
        assert batched.run("lol") == {"files_parsed": 6, "files_reused": 0, "files_removed": 2,
                                      "files_quarantined": 1}, \
            "the failed run's files are parsed again, the removed one and the copy it quarantined taken out"
    assert at_once.run("lol")["files_quarantined"] == 2
    assert batched.computed == at_once.computed and batched.computed["games"] == 3, \
        f"every game's STD rows are computed: {batched.computed}"
    assert batched.quarantined() == at_once.quarantined() and len(at_once.quarantined()) == 2, \
        "the copy's files are duplicates across batches, quarantined for the same reason"
    assert batched.checks == at_once.checks
    layers = ("etl", "std", "cons")
    for here, there in ((batched.lake_tables("lol", layers), at_once.lake_tables("lol", layers)),
                        (batched.published("lol"), at_once.published("lol"))):
        assert here.keys() == there.keys()
        for table in there:
            assert here[table] == there[table], f"{table} differs from the day parsed at once"
