"""The same real game read from its raw replay and from ballchasing's JSON gives the same stats.

Each pair in `fixtures/rocketleague/paired` is one game as a `.replay` and as ballchasing's
`GET /replays/{id}`. Every stat both give is compared per player: counts exactly, the others within
`REL` (or `near_zero` of their unit, for values near zero). A stat the replay cannot match is left out:
`features.NOT_MATCHED` lists it with the reason, which the `player_stats` description gives too.
"""

import json

import polars as pl
import pytest

from gamestats_assets.sources.ballchasing.records import FEATURES, GROUP_OF, stats_frame
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets.sources.replays.features import LEFT_EARLY, NOT_MATCHED, replay_match
from gamestats_assets.sources.replays.frames import read_frames
from gamestats_assets_tests.rocket.conftest import FIXTURES

PAIRED = FIXTURES / "paired"
PAIRS = sorted(path.name.removesuffix(".replay") for path in PAIRED.glob("*.replay"))
REL = 0.05


def near_zero(stat: str) -> float:
    """The absolute difference that counts as agreement for a value near zero, in the stat's unit: half a
    percentage point of a share or percentage, half a second, one unit of boost or distance."""
    if stat.endswith(("_share", "_rate")):
        return 0.005
    return 0.5 if "percent_" in stat or "time_" in stat else 1.0
COUNTS = {"score", "goals", "assists", "saves", "shots", "shots_against", "goals_against",
          "boost_count_collected_big", "boost_count_stolen_big", "boost_count_collected_small",
          "boost_count_stolen_small", "movement_count_powerslide", "demo_inflicted", "demo_taken"}
COMPARED = sorted((COUNTS | set(GROUP_OF) | {s for group in FEATURES.values() for s in group}) - set(NOT_MATCHED))


def _by_player(match) -> dict[str, dict[str, float | None]]:
    """Each player's stats, keyed by the player's id (ballchasing can spell a name otherwise than the header:
    a censored name, characters outside Latin-1)."""
    table: dict[str, dict[str, float | None]] = {}
    for player_id, stat, value in stats_frame([match]).select("player_id", "stat_type", "value").iter_rows():
        table.setdefault(player_id, {})[stat] = value
    return table


@pytest.fixture(scope="module", params=PAIRS)
def pair(request) -> tuple[dict, dict]:
    stem = request.param
    replay = _by_player(replay_match(read_frames(PAIRED / f"{stem}.replay")))
    document = json.loads((PAIRED / f"{stem}.ballchasing.json").read_text())
    return replay, _by_player(parse_replay_json(document))


def test_both_sources_know_the_same_players(pair):
    replay, ballchasing = pair
    assert set(replay) == set(ballchasing)


def test_every_stat_both_give_agrees(pair):
    replay, ballchasing = pair
    disagreements = []
    for player, theirs in ballchasing.items():
        mine = replay[player]
        for stat in COMPARED:
            if theirs.get(stat) is None:
                continue
            expected = pytest.approx(theirs[stat]) if stat in COUNTS else pytest.approx(theirs[stat], rel=REL, abs=near_zero(stat))
            if mine.get(stat) is None or mine[stat] != expected:
                disagreements.append(f"{player} {stat}: replay {mine.get(stat)}, ballchasing {theirs[stat]}")
    assert not disagreements, "\n".join(disagreements)


def test_what_is_left_out_is_a_stat_and_says_why():
    assert set(NOT_MATCHED) <= set(GROUP_OF) | {s for group in FEATURES.values() for s in group}
    assert all(len(reason) > 40 for reason in NOT_MATCHED.values())


def test_the_replay_gives_every_compared_stat_ballchasing_gives(pair):
    replay, ballchasing = pair
    missing = {stat for player, theirs in ballchasing.items() for stat in COMPARED
               if theirs.get(stat) is not None and replay[player].get(stat) is None}
    assert not missing


def test_a_2016_game_with_substitutions_counts_ground_and_goals_against_as_ballchasing():
    """A 2016 game (whole-unit positions, some cars resting at 19-20 uu) where a player scored and left before
    the end: ground time as ballchasing counts it for the cars on the scoreboard whose whole game the frames hold, and
    goals against from the team scores. The parser reads one car (a093q262) as parked at midfield, which
    ballchasing does not."""
    stem = "old-ballchasing-midfield-car"
    frames = read_frames(FIXTURES / "replays" / f"{stem}.replay")
    replay = _by_player(replay_match(frames))
    ballchasing = _by_player(parse_replay_json(json.loads((FIXTURES / "ballchasing" / f"{stem}.json").read_text())))
    for player in {p.player_id for p in frames.header.players} - {"a093q262"}:
        assert replay[player]["movement_time_ground"] == pytest.approx(
            ballchasing[player]["movement_time_ground"], rel=REL, abs=near_zero("movement_time_ground"))
    assert {player: replay[player]["goals_against"] for player in replay} == {
        player: ballchasing[player]["goals_against"] for player in replay}


def test_players_who_left_a_2016_game_early_have_a_flagged_line_as_in_ballchasing():
    """The header's scoreboard lists only the players in the game at its end; ballchasing lists the two
    PlayStation players and the two bots who left too. The replay gives them a line from the stream's events
    (one of them scored), with the score null and flagged."""
    stem = "old-ballchasing-midfield-car"
    frames = read_frames(FIXTURES / "replays" / f"{stem}.replay")
    match = replay_match(frames)
    replay = _by_player(match)
    ballchasing = _by_player(parse_replay_json(json.loads((FIXTURES / "ballchasing" / f"{stem}.json").read_text())))
    assert set(replay) == set(ballchasing)
    left = set(replay) - {p.player_id for p in frames.header.players}
    assert left == {"Raptor_Attacks_", "remrocker29", "bot:Casper", "bot:Samara"}
    for player in replay:
        for stat in ("goals", "assists", "saves", "shots", "goals_against", "shots_against"):
            assert replay[player][stat] == ballchasing[player][stat], (player, stat)
    rows = stats_frame([match]).filter(pl.col("stat_type") == "score")
    assert rows.filter(pl.col("player_id").is_in(sorted(left)))["null_reason"].to_list() == [LEFT_EARLY] * len(left)
    assert rows.filter(~pl.col("player_id").is_in(sorted(left)))["null_reason"].is_null().all()
    assert {p.player_id: p.is_bot for p in match.players if p.player_id in left} == {
        "Raptor_Attacks_": False, "remrocker29": False, "bot:Casper": True, "bot:Samara": True}
    assert sum(p.goals for p in match.players if p.team == 1) == match.score_team_1
