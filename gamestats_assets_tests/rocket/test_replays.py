"""Raw .replay parsing: header values and network frames compared with what the files hold."""

import datetime as dt

import pytest

from gamestats_assets.sources.replays.header import ReplayParseError, read_header
from gamestats_assets_tests.rocket.conftest import REPLAYS


def test_header_of_a_ranked_doubles_party():
    header = read_header(REPLAYS / "XBOX_PARTY.replay")
    assert header.match_id == "1734cd424fd26afb86605ea06f697c4b"
    assert (header.map_code, header.playlist, header.team_size) == ("cs_day_p", "ranked-doubles", 2)
    assert header.played_at == dt.datetime(2019, 3, 27, 15, 54, 56)
    assert (header.score_team_0, header.score_team_1) == (4, 2)
    goals = {p.name: (p.team, p.goals, p.saves, p.shots, p.score) for p in header.players}
    assert goals == {"GabCas": (0, 1, 2, 3, 563), "Krusmir": (0, 3, 2, 5, 606),
                     "COZMIC Savagee": (1, 2, 0, 5, 400), "TTVTTVTTVBTW1": (1, 0, 2, 3, 334)}
    assert [name for name, _ in header.goal_scorers] == ["COZMIC Savagee", "Krusmir", "Krusmir",
                                                         "COZMIC Savagee", "Krusmir", "GabCas"]


def test_a_zero_score_is_absent_from_the_header_and_read_as_zero():
    header = read_header(REPLAYS / "BOTS_JOINING_AND_LEAVING.replay")
    assert (header.score_team_0, header.score_team_1) == (9, 0)
    assert sum(p.goals for p in header.players if p.team == 0) == 9
    bot = next(p for p in header.players if p.is_bot)
    assert (bot.name, bot.player_id) == ("Goose", "bot:Goose")


def test_a_file_that_is_not_a_replay_is_refused_with_its_reason(tmp_path):
    bogus = tmp_path / "broken.replay"
    bogus.write_bytes(b"not a replay at all")
    with pytest.raises(ReplayParseError, match="broken.replay"):
        read_header(bogus)


def test_training_map_against_a_bot(parsed_replay):
    replay = parsed_replay("0_SAVES")
    assert (replay.header.team_size, replay.header.score_team_1) == (1, 1)
    assert set(replay.cars["player_id"]) == {"76561197998150808", "bot:Roundhouse"}
    assert replay.ball.height == replay.header.num_frames


def test_one_player_replay_has_one_car_that_touches_the_ball(parsed_replay):
    replay = parsed_replay("5_GOALS_6_KICKOFFS")
    assert replay.cars["player_id"].unique().to_list() == ["76561198018756583"]
    assert replay.hits.height > 0
    assert set(replay.hits["player_id"]) == {"76561198018756583"}


def test_frames_hold_positions_and_boost_in_range(parsed_replay):
    cars = parsed_replay("XBOX_PARTY").cars
    assert set(cars["name"]) == {"GabCas", "Krusmir", "COZMIC Savagee", "TTVTTVTTVBTW1"}
    assert cars["boost"].min() >= 0 and cars["boost"].max() <= 100
    assert cars["y"].abs().max() < 6000 and cars["x"].abs().max() < 4200
    assert cars.group_by("player_id").len()["len"].min() > 7000


def test_players_joining_and_leaving_each_keep_only_their_frames(parsed_replay):
    replay = parsed_replay("BOTS_JOINING_AND_LEAVING")
    per_player = dict(replay.cars.group_by("player_id").len().iter_rows())
    assert per_player["76561198025054610"] > 11000
    assert 0 < per_player["bot:Goose"] < replay.header.num_frames / 2
    leavers = [pid for pid, frames in per_player.items() if frames < replay.header.num_frames * 0.9]
    assert len(leavers) >= 4
    assert replay.hits["frame"].is_unique().all()
