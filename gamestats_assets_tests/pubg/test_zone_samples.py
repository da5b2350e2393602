"""Every circle sample carries the safe zone (white) and the blue zone in force at its time and whether the player is
inside each: recounted by hand from the raw JSON of a real game state (fixtures/pubg, part1 and the slice after it)
and on a planted telemetry whose zones move between game states; the lake keeps the tracked players' samples only."""

import datetime as dt
import json
import math

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.defs.pubg import domain
from gamestats_assets.defs.pubg.transforms import extractors
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.sources.pubg.telemetry import read_telemetry
from gamestats_assets_tests.pubg.conftest import FIXTURES
from gamestats_assets_tests.pubg.test_backfill_status import MATCH_END, land_match

REAL_SLICES = [FIXTURES / name for name in
               ("part1_midgame_offset9000000.jsonl", "part1_midgame_gamestate_offset9015578.jsonl")]
"""Two contiguous slices of one real telemetry: positions up to 522 s into it, then its game state at 522 s."""
ZONE_COLUMNS = ["safe_zone_x_m", "safe_zone_y_m", "safe_zone_radius_m", "inside_safe_zone",
                "blue_zone_x_m", "blue_zone_y_m", "blue_zone_radius_m", "inside_blue_zone"]


def _time(event: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(event["_D"].replace("Z", "+00:00"))


def by_hand(events: list[dict], tracked: set[str] | None = None) -> dict[tuple[str, float], dict]:
    """The circle samples of `events` as the manual defines them, computed from the raw JSON: for every game state
    with a safe zone, each player's latest position at most 15 s before it, against that state's zones."""
    start = _time(next((e for e in events if e["_T"] == "LogMatchStart"), events[0]))
    positions = [e for e in events if e["_T"] == "LogPlayerPosition"]
    expected = {}
    for state in (e for e in events if e["_T"] == "LogGameStatePeriodic"):
        zones = state["gameState"]
        white, blue = zones["poisonGasWarningPosition"], zones["safetyZonePosition"]
        white_r, blue_r = zones["poisonGasWarningRadius"], zones["safetyZoneRadius"]
        if white_r <= 0:
            continue
        at = _time(state)
        latest = {}
        for p in positions:
            if dt.timedelta(0) <= at - _time(p) <= dt.timedelta(seconds=15):
                latest[p["character"]["accountId"]] = p["character"]["location"]
        for account, where in latest.items():
            if tracked is not None and account not in tracked:
                continue
            to_white = math.hypot(where["x"] - white["x"], where["y"] - white["y"])
            to_blue = math.hypot(where["x"] - blue["x"], where["y"] - blue["y"])
            expected[account, round((at - start).total_seconds(), 3)] = {
                "x_m": where["x"] / 100, "y_m": where["y"] / 100,
                "safe_zone_x_m": white["x"] / 100, "safe_zone_y_m": white["y"] / 100, "safe_zone_radius_m": white_r / 100,
                "inside_safe_zone": to_white <= white_r,
                "blue_zone_x_m": blue["x"] / 100, "blue_zone_y_m": blue["y"] / 100, "blue_zone_radius_m": blue_r / 100,
                "inside_blue_zone": to_blue <= blue_r, "outside_zone": to_blue > blue_r,
                "distance_from_center_m": to_white / 100, "distance_from_edge_m": (to_white - white_r) / 100}
    return expected


def found(samples: pl.DataFrame) -> dict[tuple[str, float], dict]:
    return {(row.pop("account_id"), round(row.pop("sample_s"), 3)): row
            for row in samples.drop("match_id", "interval_s").to_dicts()}


def assert_same(computed: dict, expected: dict) -> None:
    assert computed.keys() == expected.keys()
    for key, row in expected.items():
        assert computed[key] == pytest.approx(row, abs=1e-6), key


def test_a_real_game_state_gives_each_player_both_zones_recounted_from_the_raw_json(tmp_path):
    lines = [line for path in REAL_SLICES for line in path.read_text().splitlines()]
    events = [json.loads(line) for line in lines]
    (tmp_path / "real.jsonl").write_text("\n".join(lines) + "\n")
    telemetry = read_telemetry(tmp_path / "real.jsonl", match_id="real")
    samples = extractors.circle_samples(telemetry["positions"], telemetry["game_states"])

    expected = by_hand(events)
    assert len(expected) == samples.height == 26
    assert_same(found(samples), expected)
    row = samples.row(0, named=True)
    assert row["safe_zone_radius_m"] < row["blue_zone_radius_m"], "the white circle lies inside the blue one"
    assert math.hypot(row["safe_zone_x_m"] - row["blue_zone_x_m"], row["safe_zone_y_m"] - row["blue_zone_y_m"]) + \
        row["safe_zone_radius_m"] <= row["blue_zone_radius_m"]
    assert samples["inside_safe_zone"].value_counts().height == 2, "players on both sides of the white circle"
    assert (samples["inside_blue_zone"] == ~samples["outside_zone"]).all()

    tracked = set(samples["account_id"].head(3))
    assert_same(found(extractors.tracked_circle_positions(telemetry["positions"], telemetry["game_states"], tracked)),
                by_hand(events, tracked))
    assert extractors.player_circle_stats(telemetry["positions"], telemetry["game_states"]).equals(
        extractors.circle_aggregates(samples))


A, B, C = (f"account.{n:032x}" for n in (0xA, 0xB, 0xC))
START = dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC)


def _at(seconds: float) -> str:
    return (START + dt.timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def position(account: str, seconds: float, x: float, y: float) -> dict:
    return {"character": {"name": account[-3:], "teamId": 1, "health": 100, "location": {"x": x, "y": y, "z": 0},
                          "ranking": 0, "accountId": account},
            "elapsedTime": int(seconds), "numAlivePlayers": 3, "common": {"isGame": 1}, "_D": _at(seconds),
            "_T": "LogPlayerPosition"}


def game_state(seconds: float, blue: tuple[float, float, float], white: tuple[float, float, float]) -> dict:
    return {"gameState": {"elapsedTime": int(seconds), "numAliveTeams": 3, "numJoinPlayers": 3, "numStartPlayers": 3,
                          "numAlivePlayers": 3, "safetyZonePosition": {"x": blue[0], "y": blue[1], "z": 0},
                          "safetyZoneRadius": blue[2], "poisonGasWarningPosition": {"x": white[0], "y": white[1], "z": 0},
                          "poisonGasWarningRadius": white[2], "redZonePosition": {"x": 0, "y": 0, "z": 0},
                          "redZoneRadius": 0},
            "common": {"isGame": 1}, "_D": _at(seconds), "_T": "LogGameStatePeriodic"}


PLANTED = [
    {"mapName": "Baltic_Main", "weatherId": "Clear", "characters": [], "common": {"isGame": 0}, "_D": _at(0),
     "_T": "LogMatchStart"},
    position(A, 2, 400_000, 400_000),
    game_state(5, (400_000, 400_000, 400_000), (0, 0, 0)),
    position(B, 3, 100_000, 100_000),
    position(C, 8, 500_000, 400_000),
    game_state(10, (400_000, 400_000, 400_000), (420_000, 400_000, 200_000)),
    position(A, 18, 640_000, 400_000),
    position(C, 19, 620_000, 400_000),
    game_state(20, (410_000, 400_000, 300_000), (420_000, 400_000, 200_000)),
    position(A, 29, 720_000, 400_000),
    position(C, 28, 420_000, 400_000),
    game_state(30, (415_000, 400_000, 290_000), (430_000, 400_000, 100_000)),
    {**MATCH_END, "_D": _at(40)},
]
"""A 200 m from the white circle's centre, then outside the white circle but inside the blue one, then outside both; B seen once, at 3 s:
sampled at 10 s only (7 s before), too old for 20 s; C 80 m east of the white circle's centre, then on its edge
(inside), then at it. No sample at 5 s: there is no safe zone yet (radius 0); each sample takes the zones of its own
state, which change between states."""
EXPECTED = {
    (A, 10.0): (4000, 4000, 200.0, True, True), (B, 10.0): (1000, 1000, math.hypot(3200, 3000), False, False),
    (C, 10.0): (5000, 4000, 800.0, True, True),
    (A, 20.0): (6400, 4000, 2200.0, False, True), (C, 20.0): (6200, 4000, 2000.0, True, True),
    (A, 30.0): (7200, 4000, 2900.0, False, False), (C, 30.0): (4200, 4000, 100.0, True, True),
}
"""(account, sample_s) → x_m, y_m, distance to the white circle's centre in metres, inside it, inside the blue one."""


def test_a_planted_telemetry_gives_the_zones_of_each_state_and_the_lake_keeps_the_tracked_players_only(
        data_dir, module_pg_url, monkeypatch):
    monkeypatch.setenv("GAMESTATS_PG_URL", module_pg_url)  # a database of its own: the session's holds other matches
    platform_env = data_dir
    lines = "\n".join(json.dumps(event) for event in PLANTED) + "\n"
    assert by_hand(PLANTED).keys() == EXPECTED.keys()
    for (account, sample), (x, y, distance, inside_white, inside_blue) in EXPECTED.items():
        row = by_hand(PLANTED)[account, sample]
        assert (row["x_m"], row["y_m"], row["inside_safe_zone"], row["inside_blue_zone"]) == (
            x, y, inside_white, inside_blue)
        assert row["distance_from_center_m"] == pytest.approx(distance)

    resources = location_resources(Settings.from_env())
    platform = resources["platform"]
    landing = platform.landing_dir("pubg")
    (landing / "matches").mkdir(parents=True)
    (landing / "telemetry").mkdir()
    platform.roster_path("pubg").parent.mkdir(parents=True)
    platform.roster_path("pubg").write_text(f"player_id\n{A}\n{C}\n")
    match_id = "c1c1c1c1-0000-4000-8000-000000000000"
    land_match(landing, match_id, lines.encode())
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("pubg_match", [match_id])
    zone_tables = [pubg.cons("player_circle_positions"), pubg.cons("player_circle_stats")]
    selection = [pubg.landing_match_files.key, *pubg.etl_match_objects.keys, *pubg.etl_telemetry.keys, *zone_tables,
                 dg.AssetKey(["pubg", "postgres", "player_circle_positions"])]
    assert dg.materialize([*pubg.ASSETS, *domain.publish_assets], selection=selection, partition_key=match_id, instance=instance,
                          resources=resources).success

    lake = platform_env / "lake" / "pubg" / "cons"
    kept = pl.read_delta(str(lake / "player_circle_positions"))
    assert_same(found(kept), by_hand(PLANTED, {A, C}))
    assert kept.filter(pl.col("account_id") == C)["inside_safe_zone"].all()
    stats = pl.read_delta(str(lake / "player_circle_stats")).sort("account_id")
    assert stats["account_id"].to_list() == [A, B, C] and stats["zone_samples"].to_list() == [3, 1, 3]
    assert stats.filter(pl.col("account_id") == A)["time_outside_zone_s"].item() == 0.0, "the last sample lasts 0 s"
    assert not (lake / "circle_samples").exists()
    assert pubg.cons("circle_samples") not in {key for asset in pubg.ASSETS for key in asset.keys}

    with psycopg.connect(resources["postgres"].resolved_url()) as conn:
        published = conn.execute(
            "SELECT account_id, sample_s, inside_safe_zone, inside_blue_zone, safe_zone_radius_m, blue_zone_x_m "
            "FROM pubg.player_circle_positions ORDER BY sample_s, account_id").fetchall()
    assert published == [(A, 10.0, True, True, 2000.0, 4000.0), (C, 10.0, True, True, 2000.0, 4000.0),
                         (A, 20.0, False, True, 2000.0, 4100.0), (C, 20.0, True, True, 2000.0, 4100.0),
                         (A, 30.0, False, False, 1000.0, 4150.0), (C, 30.0, True, True, 1000.0, 4150.0)]
