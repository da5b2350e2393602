"""Synthetic ballchasing replays and training logs: deterministic, parseable, planted truth recorded."""

import datetime as dt
import json

import pytest

from gamestats_assets.generator.emitters.rocket import (
    SYNTHETIC_FOLDER,
    TRUTH_FILE,
    emit_day,
    generate_replays,
    population,
)
from gamestats_assets.sources.ballchasing.ranks import division_index
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json

ANCHOR = dt.date(2026, 1, 1)


def test_a_day_is_deterministic_and_parses():
    day = dt.date(2026, 1, 3)
    first = generate_replays(day, seed=3, n_players=120, anchor=ANCHOR)
    assert first == generate_replays(day, seed=3, n_players=120, anchor=ANCHOR)
    assert first != generate_replays(day, seed=4, n_players=120, anchor=ANCHOR)
    matches = [parse_replay_json(document) for document in first]
    assert len({m.match_id for m in matches}) == len(matches) > 10
    for match in matches:
        assert match.score_team_0 == sum(p.goals for p in match.players if p.team == 0)
        assert match.score_team_1 == sum(p.goals for p in match.players if p.team == 1)
        assert all(p.rank_tier is not None for p in match.players)


def test_each_goal_a_team_conceded_has_one_last_defender_the_most_back_first():
    """`goals_against_while_last_defender`, as ballchasing gives it (left out when zero): a team's goals against
    as the last defender add up to the goals it conceded, and its most-back player has the most of them."""
    stat = "positioning_goals_against_while_last_defender"
    conceded_any = 0
    for document in generate_replays(dt.date(2026, 1, 3), seed=3, n_players=120, anchor=ANCHOR):
        match = parse_replay_json(document)
        values = {(p.player_id, s.stat_type): s.value for p in match.players for s in p.stats}
        for team, conceded in ((0, match.score_team_1), (1, match.score_team_0)):
            players = [p for p in match.players if p.team == team]
            credited = {p.player_id: values[(p.player_id, stat)] for p in players}
            assert sum(credited.values()) == conceded
            back = max(players, key=lambda p: values[(p.player_id, "positioning_time_most_back")])
            assert credited[back.player_id] == max(credited.values())
            conceded_any += conceded > 0
    assert conceded_any > 10


def test_each_player_of_a_game_has_their_own_distance_and_boost_used():
    """A player's distance is their own speed over the game and the boost they used their own, not one number for
    the whole lobby (`total_distance` once was the game's length times one speed) nor their boost collected."""
    games = 0
    for document in generate_replays(dt.date(2026, 1, 3), seed=3, n_players=120, anchor=ANCHOR):
        players = [p for side in ("blue", "orange") for p in document[side]["players"]]
        if len(players) < 6:
            continue
        games += 1
        distances = [p["stats"]["movement"]["total_distance"] for p in players]
        assert len(set(distances)) == len(players), distances
        for p in players:
            movement = p["stats"]["movement"]
            assert movement["total_distance"] / document["duration"] == pytest.approx(movement["avg_speed"], rel=0.01)
        assert [p["stats"]["boost"]["bpm"] for p in players] != [round(p["stats"]["boost"]["bcpm"]) for p in players]
    assert games > 5


def test_players_rank_up_over_time():
    def mean_rank(day: dt.date) -> float:
        players = [p for d in generate_replays(day, seed=3, n_players=120, anchor=ANCHOR)
                   for p in parse_replay_json(d).players]
        return sum(division_index(p.rank_tier, p.rank_division) for p in players) / len(players)

    assert mean_rank(dt.date(2026, 3, 1)) > mean_rank(ANCHOR) + 3


def test_emitted_day_holds_replays_sessions_and_truth_and_keeps_dropped_files(tmp_path):
    day = dt.date(2026, 1, 2)
    dropped = tmp_path / day.isoformat() / "my_game.replay"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(b"user file")
    counts = emit_day(tmp_path, day, seed=5, n_players=90, anchor=ANCHOR)
    again = emit_day(tmp_path, day, seed=5, n_players=90, anchor=ANCHOR)
    assert counts == again and counts["replays"] > 0 and counts["training_sessions"] > 0
    folder = tmp_path / day.isoformat() / SYNTHETIC_FOLDER
    assert len(list((folder / "ballchasing").glob("*.json"))) == counts["replays"]
    assert dropped.read_bytes() == b"user file"
    truth = json.loads((folder / TRUTH_FILE).read_text())
    planted = {p["player_id"]: p["weakness"] for p in truth["players"]}
    assert planted == {p.player_id: p.weakness for p in population(5, 90)}
    assert 0.15 < sum(w is not None for w in planted.values()) / len(planted) < 0.45
