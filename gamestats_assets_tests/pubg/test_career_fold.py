"""The career tables kept from the per-match tables' Delta logs (`transforms.career`, `career_damage`,
`career_weapons`), run by Dagster for real over ranked and normal matches: after a match added, a match delivered
again changed (renamed, and normal instead of ranked) and a match removed, `pubg.player_advanced_career_stats` equals
the career computed from every match summary at once, and `pubg.player_damage_stats` and `pubg.player_weapon_stats`
equal a recount from the per-match tables, each refresh reading only the files the match's run changed; a state that
lost a player fails each table's blocking check and is not published."""

import dataclasses
import datetime as dt
import shutil

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg.tables import CAREER_STATS, CAREER_TABLES
from gamestats_assets.defs.pubg.transforms.career import career_stats
from gamestats_assets.generator.emitters.pubg import Player, emit_match, public_match_plan, write_match
from gamestats_assets.lib.authoring.table import table_key
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.refresh.fold import recorded_version, write_state
from gamestats_assets.lib.refresh.state import STATE_LAYER
from gamestats_assets.sources.pubg.weapons import weapon_causer, with_weapon_category
from gamestats_assets_tests.pubg.test_pipeline import EVERYTHING, PER_MATCH, failed_checks

FIRST = dt.datetime(2026, 1, 5, 18, tzinfo=dt.UTC)
MATCH_IDS = [f"c0ffee00-0000-4000-8000-00000000000{n}" for n in range(4)]
CAREER = table_key("pubg", CAREER_STATS.ref)
FOLDED = [table_key("pubg", table.ref) for table in CAREER_TABLES]
SNAPSHOT = [*FOLDED, *(dg.AssetKey(["pubg", "postgres", table.name]) for table in CAREER_TABLES)]
SLICES = {"ranked": ["competitive"], "normal": ["official"]}


def plan(number: int, renamed: str | None = None, ranked: bool | None = None):
    """Match `number` of the same lobby (every player in every match), a day after the one before, ranked when its
    number is odd unless `ranked` says; `renamed`, the name the lobby's first player plays it under."""
    planned = public_match_plan(MATCH_IDS[number], FIRST + dt.timedelta(days=number), 11, event_range=(0, 0))
    lobby = public_match_plan(MATCH_IDS[0], FIRST, 11, event_range=(0, 0)).teams
    if renamed:
        first = lobby[0]
        lobby = (dataclasses.replace(first, players=(Player(first.players[0].account_id, renamed),
                                                     *first.players[1:])), *lobby[1:])
    return dataclasses.replace(planned, teams=lobby, ranked=number % 2 == 1 if ranked is None else ranked)


@pytest.fixture(scope="module")
def lake(tmp_path_factory, module_pg_url):
    """A data folder and database of the module's own, the jobs of a match's run (`PER_MATCH`) and of the career
    tables' refresh (`SNAPSHOT`), each built once, and the instance that runs them."""
    monkeypatch = pytest.MonkeyPatch()
    data_dir = tmp_path_factory.mktemp("pubg_career")
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GAMESTATS_PG_URL", module_pg_url)
    defs = dg.Definitions(assets=EVERYTHING, resources=location_resources(Settings.from_env()),
                          jobs=[dg.define_asset_job("per_match", selection=PER_MATCH),
                                dg.define_asset_job("career", selection=SNAPSHOT)])
    yield {"data_dir": data_dir, "per_match": defs.resolve_job_def("per_match"),
           "career": defs.resolve_job_def("career"), "instance": dg.DagsterInstance.ephemeral(), "pg_url": module_pg_url}
    monkeypatch.undo()


def land(lake, number: int, renamed: str | None = None, ranked: bool | None = None) -> None:
    write_match(emit_match(plan(number, renamed, ranked), 11), lake["data_dir"] / "landing" / "pubg")


def run_match(lake, number: int) -> None:
    lake["instance"].add_dynamic_partitions("pubg_match", [MATCH_IDS[number]])
    result = lake["per_match"].execute_in_process(instance=lake["instance"], partition_key=MATCH_IDS[number],
                                                  raise_on_error=False)
    assert result.success, failed_checks(result)


def refresh_career(lake) -> dict:
    """Run the career tables and their publish; what the career's refresh read (each table's refresh read as many
    files)."""
    result = lake["career"].execute_in_process(instance=lake["instance"], raise_on_error=False)
    assert result.success and failed_checks(result) == [], failed_checks(result)
    read = {}
    for key in FOLDED:
        metadata = lake["instance"].get_latest_materialization_event(key).asset_materialization.metadata
        read[key] = {name: metadata[name].value for name in ("full_fold", "files_added", "files_removed",
                                                              "rows_folded")}
    files = {key: {name: figures[name] for name in ("full_fold", "files_added", "files_removed")}
             for key, figures in read.items()}
    assert len({tuple(figures.items()) for figures in files.values()}) == 1, files
    return read[CAREER]


def lake_table(lake, ref: str) -> pl.DataFrame:
    return pl.read_delta(str(lake["data_dir"] / "lake" / "pubg" / ref))


def published(lake, table: str, columns: list[str], keys: list[str]) -> list[tuple]:
    with psycopg.connect(lake["pg_url"]) as conn:
        return conn.execute(f"SELECT {', '.join(columns)} FROM pubg.{table} ORDER BY {', '.join(keys)}").fetchall()


def sliced(rows: pl.DataFrame, keys: list[str], sums: dict[str, pl.Expr]) -> pl.DataFrame:
    """`sums` over `rows` (with the API's `match_type`) per `keys` and slice of match types, counted at once."""
    slices = [*((name, pl.col("match_type").is_in(types)) for name, types in SLICES.items()), ("all", pl.lit(True))]
    return pl.concat([rows.filter(where).group_by(keys).agg(**sums).with_columns(pl.lit(name).alias("match_type"))
                      for name, where in slices])


def counted_players(lake) -> pl.DataFrame:
    """The players of every match whose whole telemetry was read, with its match type (`match_summaries`)."""
    return lake_table(lake, "cons/match_summaries").filter(pl.col("has_telemetry")).select(
        "match_id", "account_id", "match_type")


def damage_recount(lake) -> pl.DataFrame:
    """Each player's damage dealt to other teams and taken, by damage type and body part, per slice of match types,
    counted from every damage event of the lake at once."""
    events = lake_table(lake, "etl/telemetry_damage").with_columns(
        pl.col("damage_type_category", "damage_reason").fill_null("Unknown"))
    dealt = events.filter(pl.col("attacker_account_id").is_not_null() & pl.col("victim_account_id").is_not_null()
                          & (pl.col("attacker_team_id") != pl.col("victim_team_id"))).with_columns(
        pl.col("attacker_account_id").alias("account_id"), pl.lit("dealt").alias("direction"))
    taken = events.filter(pl.col("victim_account_id").is_not_null()).with_columns(
        pl.col("victim_account_id").alias("account_id"), pl.lit("taken").alias("direction"))
    rows = pl.concat([dealt, taken], how="diagonal").join(counted_players(lake), on=["match_id", "account_id"])
    keys = ["account_id", "direction", "damage_type_category", "damage_reason"]
    return sliced(rows, keys, {"matches": pl.col("match_id").n_unique().cast(pl.Int64),
                               "damage": pl.col("damage").sum(),
                               "damage_events": (pl.col("damage") > 0).sum().cast(pl.Int64)})


WEAPON = pl.col("damage_causer_name").fill_null("Unknown").alias("weapon")


def weapon_recount(lake) -> pl.DataFrame:
    """Each player's kills and knocks (telemetry), damage to other teams (damage events) and shots, hits and
    headshots (`player_weapon_accuracy`) per weapon and slice of match types, counted at once."""
    players = counted_players(lake)
    kills = lake_table(lake, "etl/telemetry_kills").filter(
        pl.col("killer_account_id").is_not_null() & (pl.col("killer_team_id") != pl.col("victim_team_id"))).select(
        "match_id", pl.col("killer_account_id").alias("account_id"), WEAPON,
        pl.lit(1).alias("kills"), (pl.col("damage_reason") == "HeadShot").cast(pl.Int64).alias("headshot_kills"))
    knocks = lake_table(lake, "etl/telemetry_knocks").filter(pl.col("attacker_account_id").is_not_null()).select(
        "match_id", pl.col("attacker_account_id").alias("account_id"), WEAPON,
        pl.lit(1).alias("knocks"))
    damage = lake_table(lake, "etl/telemetry_damage").filter(
        pl.col("attacker_account_id").is_not_null() & pl.col("victim_account_id").is_not_null()
        & (pl.col("attacker_team_id") != pl.col("victim_team_id"))).select(
        "match_id", pl.col("attacker_account_id").alias("account_id"), WEAPON,
        pl.col("damage").alias("damage_dealt"))
    accuracy = lake_table(lake, "cons/player_weapon_accuracy")
    shots = accuracy.select("match_id", "account_id", pl.col("weapon_id").map_elements(
        weapon_causer, return_dtype=pl.String).alias("weapon"), "shots", "hits", "headshots")
    rows = pl.concat([kills, knocks, damage, shots], how="diagonal_relaxed").join(
        players, on=["match_id", "account_id"])
    counts = ("kills", "headshot_kills", "knocks", "shots", "hits", "headshots")
    return sliced(rows, ["account_id", "weapon"], {
        "matches": pl.col("match_id").n_unique().cast(pl.Int64),
        **{name: pl.col(name).sum().cast(pl.Int64) for name in counts},
        "damage_dealt": pl.col("damage_dealt").sum()})


def assert_same(expected: pl.DataFrame, held: list[tuple], floats: tuple[str, ...], step: str) -> None:
    """`held` (rows in `expected`'s column order) has `expected`'s rows: equal keys and counts, sums to 1e-6."""
    held = pl.DataFrame(held, schema=expected.schema, orient="row")
    assert expected.height and held.height == expected.height, f"{step}: {held.height} rows, {expected.height} counted"
    exact = [c for c in expected.columns if c not in floats]
    assert held.select(exact).equals(expected.select(exact)), f"{step}: the published table differs from a recount"
    for column in floats:
        assert (held[column] - expected[column]).abs().max() < 1e-6, f"{step}: {column}"


def assert_published_as_from_scratch(lake, step: str) -> None:
    """`pubg.player_advanced_career_stats` holds the career of every match summary of the lake, computed at once;
    `pubg.player_damage_stats` and `pubg.player_weapon_stats` hold the recounts of the per-match tables."""
    summaries = lake_table(lake, "cons/match_summaries")
    expected = career_stats(summaries)
    held = published(lake, "player_advanced_career_stats", expected.columns, ["account_id", "match_type"])
    assert expected.height and held == expected.rows(), f"{step}: the published career differs"
    assert set(expected["match_type"]) == {"all", *(name for name, types in SLICES.items()
                                                    if summaries["match_type"].is_in(types).any())}

    keys = ["account_id", "match_type", "direction", "damage_type_category", "damage_reason"]
    damage = damage_recount(lake).select(*keys, "matches", "damage", "damage_events").sort(keys)
    assert_same(damage, published(lake, "player_damage_stats", damage.columns, keys), ("damage",), f"{step}: damage")
    per_player = damage.filter(pl.col("match_type") == "all").group_by("account_id", "direction").agg(
        pl.col("damage").sum())
    received = expected.filter(pl.col("match_type") == "all").join(
        per_player.filter(pl.col("direction") == "taken"), on="account_id")
    assert received.height and ((received["damage_received"] - received["damage"]).abs() < 1e-6).all(), \
        "taken sums to damage_received"

    keys = ["account_id", "match_type", "weapon"]
    weapons = with_weapon_category(weapon_recount(lake), "weapon").select(
        *keys, "weapon_category", "matches", "kills", "headshot_kills", "knocks", "damage_dealt", "shots", "hits",
        "headshots").sort(keys)
    assert_same(weapons, published(lake, "player_weapon_stats", weapons.columns, keys), ("damage_dealt",),
                f"{step}: weapons")
    assert (weapons["kills"].sum() > 0 and weapons["shots"].sum() > 0
            and weapons.filter(pl.col("match_type") == "all")["kills"].sum() == summaries["kills"].sum())


def test_the_career_tables_follow_a_match_added_changed_and_removed_as_from_scratch(lake):
    for number in range(3):
        land(lake, number)
        run_match(lake, number)
    assert refresh_career(lake)["full_fold"], "no state yet: every row is folded"
    assert_published_as_from_scratch(lake, "first")

    land(lake, 3)
    run_match(lake, 3)
    assert refresh_career(lake) == {"full_fold": False, "files_added": 1, "files_removed": 0, "rows_folded": 100}
    assert_published_as_from_scratch(lake, "added")
    renamed = plan(0).teams[0].players[0].account_id
    with psycopg.connect(lake["pg_url"]) as conn:
        splits = conn.execute("SELECT match_type, matches FROM pubg.player_advanced_career_stats WHERE account_id = %s "
                              "ORDER BY match_type", (renamed,)).fetchall()
    assert splits == [("all", 4), ("normal", 2), ("ranked", 2)], "two normal and two ranked matches"

    land(lake, 3, renamed="Renamed_Player", ranked=False)
    run_match(lake, 3)
    assert refresh_career(lake) == {"full_fold": False, "files_added": 1, "files_removed": 1, "rows_folded": 200}
    assert_published_as_from_scratch(lake, "changed")
    with psycopg.connect(lake["pg_url"]) as conn:
        assert conn.execute("SELECT match_type, player_name, matches FROM pubg.player_advanced_career_stats "
                            "WHERE account_id = %s ORDER BY match_type", (renamed,)).fetchall() == [
            ("all", "Renamed_Player", 4), ("normal", "Renamed_Player", 3), ("ranked", "Renamed_Player", 1)], \
            "the name of the latest match day in every slice; the match delivered again as normal moved slices"

    landing = lake["data_dir"] / "landing" / "pubg"
    for path in [*landing.glob(f"*/{MATCH_IDS[1]}*")]:
        path.unlink()
    run_match(lake, 1)
    assert refresh_career(lake) == {"full_fold": False, "files_added": 0, "files_removed": 1, "rows_folded": 100}
    assert_published_as_from_scratch(lake, "removed")
    with psycopg.connect(lake["pg_url"]) as conn:
        assert conn.execute("SELECT DISTINCT match_type FROM pubg.player_weapon_stats ORDER BY 1").fetchall() == [
            ("all",), ("normal",)], "the last ranked match removed: no ranked row left"

    assert refresh_career(lake)["files_added"] == 0, "nothing changed: nothing read"
    for table in CAREER_TABLES:
        state_uri = str(lake["data_dir"] / "lake" / "pubg" / STATE_LAYER / table.name)
        state = pl.read_delta(state_uri)
        write_state(state_uri, table.refresh, state.filter(pl.col("account_id") != renamed),
                    recorded_version(state_uri, table.refresh, None), None, lambda frame: frame)
    result = lake["career"].execute_in_process(instance=lake["instance"], raise_on_error=False)
    assert not result.success and sorted(failed_checks(result)) == [
        "career_adds_up_to_match_summaries", "damage_adds_up_to_match_damage", "weapons_add_up_to_match_weapons"]
    assert_published_as_from_scratch(lake, "a state missing a player is not published")

    shutil.rmtree(lake["data_dir"] / "lake" / "pubg" / STATE_LAYER)
    assert refresh_career(lake)["full_fold"]
    assert_published_as_from_scratch(lake, "state dropped")
