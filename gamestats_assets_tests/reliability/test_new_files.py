"""New data costs only itself: a day's run parses only the files that are new or changed since its last run, and
after any sequence of arrivals, changes and removals every table the day publishes equals what a run from scratch
over the same files publishes (another data folder, another database), for Rocket League and League of Legends
files run by Dagster for real."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.defs.lol.tables import STATISTICS
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.lib.refresh.slices import Slicing
from gamestats_assets.lib.refresh.state import STATE_LAYER
from gamestats_assets_tests.conftest import migrated_database
from gamestats_assets_tests.lol.real_games import RANKED, TOURNAMENT, load, variant
from gamestats_assets_tests.rocket.conftest import BALLCHASING, CARBALL, FIXTURES, REPLAYS
from gamestats_assets_tests.runs import execute_assets

pytestmark = pytest.mark.long

DAY = dt.date(2026, 3, 2)


@dataclass
class Lake:
    """A data folder and its database, with the definitions and instance that run its days."""

    data_dir: Path
    pg_url: str
    defs: dg.Definitions
    instance: dg.DagsterInstance

    def folder(self, domain: str, day: dt.date = DAY) -> Path:
        return self.data_dir / "landing" / domain / day.isoformat()

    def run(self, domain: str, fails: bool = False, day: dt.date = DAY, snapshots: bool = True) -> dict:
        """Run the domain's daily assets for `day` on this data folder and database; the ETL step's file counts
        (none for a run that `fails`, as it must), the games each table computed by game computed again
        (`computed`, by table name), the keys each table published by key published and removed
        (`published_keys`, by table name) and the ETL checks' metadata (`checks`, by check name; the games they
        looked at again in `games_checked`), the keys the key checks of tables computed by game judged
        (`keys_judged`, by table name). The domain's snapshots over the games (`SNAPSHOTS`) are run and
        published after it (`run_snapshots`) unless told not to."""
        graph = self.defs.resolve_asset_graph()
        keys = [key for key in graph.materializable_asset_keys
                if key.path[0] == domain and graph.get(key).partitions_def is not None]
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GAMESTATS_DATA_DIR", str(self.data_dir))
            patch.setenv("GAMESTATS_PG_URL", self.pg_url)
            result = execute_assets(self.defs.resolve_implicit_global_asset_job_def(),
                asset_selection=keys, instance=self.instance, partition_key=day.isoformat(), raise_on_error=False)
        if result.success and snapshots:
            assert self.run_snapshots(domain)
        assert result.success != fails
        if fails:
            return {}
        [counts] = [{name: value.value for name, value in m.metadata.items() if name.startswith("files_")}
                    for m in result.asset_materializations_for_node(f"etl_{ETL_NODES[domain]}")
                    if m.asset_key.path[-1] == ETL_TABLE[domain]]
        self.computed = {m.asset_key.path[-1]: m.metadata["keys_computed"].value
                         for m in result.get_asset_materialization_events()
                         for m in [m.materialization] if "keys_computed" in m.metadata}
        self.published_keys = {m.asset_key.path[-1]: (m.metadata["keys_published"].value,
                                                       m.metadata["keys_removed"].value)
                               for m in result.get_asset_materialization_events()
                               for m in [m.materialization] if "keys_published" in m.metadata}
        self.keys_judged = {e.asset_key.path[-1]: e.metadata["keys_judged"].value
                            for e in result.get_asset_check_evaluations()
                            if e.check_name == "publish_keys_unique_and_not_null" and "keys_judged" in e.metadata}
        self.checks = {e.check_name: {name: value.value for name, value in e.metadata.items()}
                       for e in result.get_asset_check_evaluations() if e.asset_key.path[1] == "etl"}
        self.games_checked = {check.pop("games_checked", None) for check in self.checks.values()}
        return counts

    def run_snapshots(self, domain: str) -> bool:
        """Run and publish the domain's snapshots over the games (`SNAPSHOTS`): whether the run succeeded; what
        each folded one read in `folded`, and what each sliced one computed in `sliced` (its materialization's
        metadata, by table name)."""
        snapshots = [dg.AssetKey([domain, layer, name]) for name in (*SNAPSHOTS.get(domain, ()), *SLICED.get(domain, ()))
                     for layer in ("cons", "postgres")]
        if not snapshots:
            return True
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GAMESTATS_DATA_DIR", str(self.data_dir))
            patch.setenv("GAMESTATS_PG_URL", self.pg_url)
            result = execute_assets(self.defs.resolve_implicit_global_asset_job_def(),
                asset_selection=snapshots, instance=self.instance, raise_on_error=False)
        materialized = [event.materialization for event in result.get_asset_materialization_events()]
        self.folded, self.sliced = ({m.asset_key.path[-1]: {name: value.value for name, value in m.metadata.items()}
                                     for m in materialized if figure in m.metadata}
                                    for figure in ("full_fold", "full_refresh"))
        return result.success

    def quarantined(self) -> dict[str, str]:
        """Each file quarantined so far, and why."""
        return {record["file"]: record["reason"] for path in sorted(self.data_dir.rglob("*.reason.json"))
                for record in [json.loads(path.read_text())]}

    def lake_tables(self, domain: str, layers: tuple[str, ...] = ("std", "cons")) -> dict[str, list[tuple]]:
        """Every row of `DAY` in each daily table of `layers` as the lake holds it, sorted: by default those the
        domain computes from its ETL tables (STD and daily CONS)."""
        tables = {}
        for layer in layers:
            for path in sorted((self.data_dir / "lake" / domain / layer).glob("*/_delta_log")):
                rows = pl.read_delta(str(path.parent))
                if "date" in rows.columns:
                    tables[f"{layer}/{path.parent.name}"] = sorted(
                        (tuple(map(comparable, row)) for row in rows.filter(pl.col("date") == DAY).iter_rows()),
                        key=repr)
        return tables

    def published(self, domain: str) -> dict[str, list[tuple]]:
        """Every row the day published in each table of the domain's schema that has a `date` column, and every row of
        its snapshots over the games (`SNAPSHOTS`), sorted."""
        with connect(self.pg_url) as conn:
            tables = [name for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = %s AND column_name = 'date' "
                "AND table_name NOT LIKE '%%\\_p%%' ORDER BY 1", (domain,)).fetchall()]
            days = {table: sorted((tuple(map(comparable, row)) for row in conn.execute(
                f'SELECT * FROM {domain}."{table}" WHERE date = %s', (DAY,)).fetchall()), key=repr) for table in tables}
        return {**days, **self.whole_tables(domain, SNAPSHOTS.get(domain, ()))}

    def whole_tables(self, domain: str, tables: Sequence[str]) -> dict[str, list[tuple]]:
        """Every row of the published `tables` of the domain, sorted."""
        with connect(self.pg_url) as conn:
            return {table: sorted((tuple(map(comparable, row)) for row in conn.execute(
                f'SELECT * FROM {domain}."{table}"').fetchall()), key=repr) for table in tables}


def comparable(value: object) -> object:
    """A published value as two runs compare it: a float to 9 significant digits (sums taken in another order),
    NaN as text (NaN equals nothing)."""
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else float(f"{value:.9g}")
    return value


SNAPSHOTS = {"rocket": ("peer_stats", "peer_value_counts"),
             "lol": tuple(table.name for table in STATISTICS if isinstance(table.refresh, JoinedFold))}
"""The snapshots over every game a domain's day run feeds, compared too: those merged from the games' partials or
rows."""
SLICED = {"lol": tuple(table.name for table in STATISTICS if isinstance(table.refresh, Slicing))}
"""The snapshots over every game a domain's day run feeds that are computed again for the queues and patches whose
games changed: compared with their computation over every slice of the same lake."""
ETL_NODES = {"rocket": "replays", "lol": "games"}
ETL_TABLE = {"rocket": "matches", "lol": "matches"}


@pytest.fixture
def lakes(request, tmp_path, admin_url, monkeypatch) -> Iterator[Callable[[str], Lake]]:
    """Makes data folders on prepared databases of their own (`migrated_database`), dropped afterwards."""
    databases = []

    monkeypatch.setenv("GAMESTATS_SOURCE", "files")

    def make(name: str) -> Lake:
        databases.append(migrated_database(request.config, admin_url))
        pg_url = next(databases[-1])
        data_dir = tmp_path / name
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
            patch.setenv("GAMESTATS_PG_URL", pg_url)
            defs = build_definitions(Settings.from_env())
        return Lake(data_dir, pg_url, defs, dg.DagsterInstance.ephemeral())

    yield make
    for database in databases:
        next(database, None)


def from_scratch(lakes: Callable[[str], Lake], lake: Lake, domain: str, name: str) -> Lake:
    """A new data folder holding the landing files `lake` holds now, each day run once, the snapshots after the
    last."""
    scratch = lakes(name.replace(" ", "-"))
    shutil.copytree(lake.folder(domain).parent, scratch.folder(domain).parent)
    days = sorted(dt.date.fromisoformat(folder.name) for folder in scratch.folder(domain).parent.iterdir())
    for day in days:
        scratch.run(domain, day=day, snapshots=day == days[-1])
    return scratch


def assert_same_as_from_scratch(lakes, lake: Lake, domain: str, step: str, every_slice: bool = False) -> None:
    """Every table the day published equals a run from scratch's, and so does every STD and daily CONS table of the
    day in the lake (the snapshots are computed from them); with `every_slice`, each sliced snapshot equals its
    computation over every slice too."""
    if every_slice:
        assert_same_as_every_slice(lake, domain, step)
    scratch = from_scratch(lakes, lake, domain, f"scratch-{step}")
    compared = [(lake.published(domain), scratch.published(domain)),
                (lake.lake_tables(domain), scratch.lake_tables(domain))]
    if domain == "lol":
        assert lake.checks and lake.checks == scratch.checks, f"{step}: the ETL checks differ from a run from scratch's"
    assert_tables_equal(compared, domain, step)


def assert_tables_equal(compared: list[tuple[dict, dict]], domain: str, step: str) -> None:
    """Each pair of (incremental, from scratch) tables by name holds the same tables with the same rows; a difference
    fails naming a few rows found on one side only (listed only then: the search is quadratic)."""
    for incremental, whole in compared:
        assert incremental.keys() == whole.keys()
        for table in whole:
            if incremental[table] != whole[table]:
                only_here = [row for row in incremental[table] if row not in whole[table]]
                only_there = [row for row in whole[table] if row not in incremental[table]]
                pytest.fail(f"{step}: {domain}.{table} differs from a run from scratch: "
                            f"{only_here[:3]} instead of {only_there[:3]}")


def assert_same_as_every_slice(lake: Lake, domain: str, step: str) -> None:
    """Every sliced snapshot the lake published equals the same snapshot computed over every slice of the lake's
    tables (its state removed), exactly."""
    refreshed = lake.whole_tables(domain, SLICED[domain])
    for table in SLICED[domain]:
        shutil.rmtree(lake.data_dir / "lake" / domain / STATE_LAYER / table)
    assert lake.run_snapshots(domain)
    assert {figures["full_refresh"] for figures in lake.sliced.values()} == {True}
    for table, rows in lake.whole_tables(domain, SLICED[domain]).items():
        assert refreshed[table] == rows, f"{step}: {domain}.{table} differs from its computation over every slice"


def ballchasing_game(number: int) -> dict:
    """The real ballchasing sample as another game (`number`), so a day can hold several."""
    game = json.loads((BALLCHASING / "replay.json").read_text())
    game["rocket_league_id"] = f"{number:032X}"
    game.pop("match_guid", None)
    return game


ROCKET_PUBLISHED_BY_GAME = ("matches", "match_players", "player_stats", "position_heatmaps", "replay_frames",
                            "replay_goals")
ROCKET_BY_GAME = (*ROCKET_PUBLISHED_BY_GAME, "peer_partials", "peer_value_partials")
"""The rocket tables computed by game, those published by game first."""


def earlier_digest_recorded(lake: Lake, domain: str, name: str) -> list:
    """Put the digest of the landing file `name` of the domain's day in its record (each reader's that holds it) in
    its earlier form, the BLAKE2b of its content, as a lake written before holds it; its stamp as recorded now."""
    content = (lake.folder(domain) / name).read_bytes()
    stamps = []
    for record in (lake.data_dir / "state" / "parsed" / domain).glob(f"*/{DAY.isoformat()}.json"):
        kept = json.loads(record.read_text())
        if name in kept["files"]:
            kept["files"][name][2] = hashlib.blake2b(content, digest_size=16).hexdigest()
            record.write_text(json.dumps(kept))
            stamps.append(kept["files"][name])
    assert stamps, f"no record holds {name}"
    return stamps


def test_rocket_files_are_parsed_once_and_the_day_equals_a_run_from_scratch(lakes):
    lake = lakes("incremental")
    folder = lake.folder("rocket")
    folder.mkdir(parents=True)
    shutil.copy(REPLAYS / "0_SAVES.replay", folder)
    shutil.copy(CARBALL / "015827654AB94CC4973A30897DACCAB3game.json", folder)
    (folder / "ballchasing").mkdir()
    (folder / "ballchasing" / "a.json").write_text(json.dumps(ballchasing_game(1)))
    assert lake.run("rocket") == {"files_parsed": 3, "files_reused": 0, "files_removed": 0, "files_quarantined": 0}

    shutil.copy(FIXTURES / "paired" / "recent-ranked-doubles-2026-03-10.replay", folder)
    (folder / "ballchasing" / "b.json").write_text(json.dumps(ballchasing_game(2)))
    assert lake.run("rocket")["files_parsed"] == 2, "only the two new files are parsed"
    assert set(lake.computed) == set(ROCKET_BY_GAME) and set(lake.computed.values()) == {2}, \
        "the tables of a game's grain compute the two new games alone"
    assert {lake.published_keys[table] for table in ROCKET_PUBLISHED_BY_GAME} == {(2, 0)}, lake.published_keys
    assert lake.keys_judged == dict.fromkeys(ROCKET_PUBLISHED_BY_GAME, 2), "their checks judge the new games alone"
    assert_same_as_from_scratch(lakes, lake, "rocket", "arrived")

    changed = ballchasing_game(1)
    changed["blue"]["stats"]["core"]["goals"] = changed["blue"]["stats"]["core"].get("goals", 0) + 1
    (folder / "ballchasing" / "a.json").write_text(json.dumps(changed))
    (folder / "0_SAVES.replay").touch()
    recorded = earlier_digest_recorded(lake, "rocket", "0_SAVES.replay")
    assert lake.run("rocket") == {"files_parsed": 1, "files_reused": 4, "files_removed": 0, "files_quarantined": 0}, \
        "a file touched but not changed is not parsed again, its record's digest of either form"
    assert [json.loads(record.read_text())["files"]["0_SAVES.replay"] for record in
            (lake.data_dir / "state" / "parsed" / "rocket").glob(f"*/{DAY.isoformat()}.json")] == \
        [[size, (folder / "0_SAVES.replay").stat().st_mtime_ns, digest] for size, _, digest in recorded], \
        "the record keeps its digest, the file's new time"
    assert set(lake.computed.values()) == {1}, "the changed game alone is computed again"
    assert_same_as_from_scratch(lakes, lake, "rocket", "changed")

    (folder / "ballchasing" / "b.json").unlink()
    shutil.copy(REPLAYS / "0_SAVES.replay", folder / "0_SAVES (1).replay")
    assert lake.run("rocket") == {"files_parsed": 1, "files_reused": 4, "files_removed": 1, "files_quarantined": 1}, \
        "a copy of a game read on an earlier run is quarantined without being parsed whole"
    assert all(lake.published_keys[table][1] == 1 for table in ROCKET_PUBLISHED_BY_GAME), \
        "the removed file's game is taken out of the published tables"
    assert_same_as_from_scratch(lakes, lake, "rocket", "removed")


def write_game(folder: Path, game: tuple[dict, dict], name: str) -> None:
    match, timeline = game
    (folder / f"{name}.json").write_text(json.dumps(match))
    (folder / f"{name}_timeline.json").write_text(json.dumps(timeline))


def longer(match_info: dict, _: dict) -> None:
    """The game a tenth longer: a copy whose per-minute figures differ from the original's, as two real games'
    do (a statistic's ranks would otherwise tie them exactly)."""
    match_info["gameDuration"] = match_info["gameDuration"] * 11 // 10


def test_lol_files_are_parsed_once_and_the_day_equals_a_run_from_scratch(lakes):
    lake = lakes("incremental")
    ranked, tournament = load(RANKED), load(TOURNAMENT)
    earlier = lake.folder("lol", DAY - dt.timedelta(days=1))
    earlier.mkdir(parents=True)
    write_game(earlier, variant(ranked, 323466800, version="11.15.388.2387"), "JP1_323466800")
    assert lake.run("lol", day=DAY - dt.timedelta(days=1))["files_parsed"] == 2
    assert {(f["full_refresh"], f["slices_computed"]) for f in lake.sliced.values()} == {(True, 1)}, lake.sliced

    folder = lake.folder("lol")
    folder.mkdir(parents=True)
    write_game(folder, ranked, "JP1_323466834")
    write_game(folder, tournament, "ESPORTSTMNT01_2693492")
    assert lake.run("lol")["files_parsed"] == 4
    assert {(f["full_refresh"], f["slices_computed"]) for f in lake.sliced.values()} == {(False, 2)}, \
        f"the statistics compute the day's two queues and patches again, not the earlier patch: {lake.sliced}"

    assert set(lake.computed.values()) == {2}, lake.computed
    assert lake.published_keys == {"participant_query_facts": (2, 0)}, "the day is published whole"

    write_game(folder, variant(ranked, 323466835, change=longer), "JP1_323466835")
    assert lake.run("lol") == {"files_parsed": 2, "files_reused": 4, "files_removed": 0, "files_quarantined": 0}
    assert lake.computed and set(lake.computed.values()) == {1}, \
        f"every STD table computes the new game alone: {lake.computed}"
    assert lake.published_keys == {"participant_query_facts": (1, 0)}, "only the new game's rows are published"
    assert lake.games_checked == {1}, "the ETL checks look at the new game alone"
    assert {(f["full_refresh"], f["slices_computed"], f["games_read"]) for f in lake.sliced.values()} \
        == {(False, 2, 3)}, f"the earlier patch's game is not read again: {lake.sliced}"
    assert {(f["full_fold"], f["games_folded"]) for f in lake.folded.values()} == {(False, 1)}, \
        f"the statistics kept as folds fold the new game alone: {lake.folded}"
    assert_same_as_from_scratch(lakes, lake, "lol", "arrived")

    write_game(folder, variant(ranked, 323466835, queue=440, change=longer), "JP1_323466835")
    (folder / "ESPORTSTMNT01_2693492_timeline.json").unlink()
    assert lake.run("lol") == {"files_parsed": 1, "files_reused": 4, "files_removed": 1, "files_quarantined": 0}, \
        "the timeline written again with the same bytes is not parsed again"
    assert lake.computed["skill_orders"] == 0 and lake.computed["games"] == 2, \
        f"a table reads only the changed match file and the removed timeline's games: {lake.computed}"
    assert lake.published_keys == {"participant_query_facts": (2, 0)}, "the two changed games are published again"
    assert_same_as_from_scratch(lakes, lake, "lol", "changed and removed", every_slice=True)

    write_game(folder, ranked, "copy_of_JP1_323466834")
    counts = lake.run("lol")
    assert (counts["files_parsed"], counts["files_quarantined"]) == (2, 2), \
        "a game read on an earlier run and delivered again under another name is a duplicate"
    assert set(lake.computed.values()) == {0}, f"no game's rows changed: {lake.computed}"
    assert lake.published_keys == {"participant_query_facts": (0, 0)}
    assert lake.games_checked == {0}
    assert_same_as_from_scratch(lakes, lake, "lol", "delivered again")
