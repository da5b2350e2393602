"""Features of raw replays computed from frames: definitions hold on the real sample replays."""

import polars as pl
import pytest

from gamestats_assets.sources.ballchasing.records import FEATURES, stats_frame
from gamestats_assets.sources.replays.features import replay_match
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets.sources.replays.replications import PLAYER_NAME, UNIQUE_ID, Players
from gamestats_assets_tests.rocket.conftest import FIXTURES


def features_of(parsed_replay, stem: str) -> tuple[object, dict[str, dict[str, float | None]]]:
    match = replay_match(parsed_replay(stem))
    stats = stats_frame([match])
    table = {pid: dict(group.select("stat_type", "value").iter_rows())
             for (pid,), group in stats.group_by("player_id")}
    return match, table


def test_doubles_features_follow_their_definitions(parsed_replay):
    match, table = features_of(parsed_replay, "XBOX_PARTY")
    assert match.source == "replay" and len(table) == 4
    for player in match.players:
        mine = table[player.player_id]
        thirds = mine["time_defensive_third_share"] + mine["time_neutral_third_share"] + mine["time_offensive_third_share"]
        assert thirds == pytest.approx(1.0)
        assert 0.9 < mine["time_first_man_share"] + mine["time_third_man_share"] <= 1.0
        assert mine["time_second_man_share"] is None
        assert mine["shot_accuracy"] == pytest.approx(player.goals / player.shots)
        assert 0 <= mine["aerial_rate"] <= 1 and 0 <= mine["boost_wasted_share"] <= 1
        assert 500 < mine["avg_distance_to_ball"] < 6000
    gabcas = next(p for p in match.players if p.name == "GabCas")
    opponents_shots = sum(p.shots for p in match.players if p.team != gabcas.team)
    assert table[gabcas.player_id]["save_rate"] == pytest.approx(gabcas.saves / opponents_shots)
    mates = {p.team: [] for p in match.players}
    for p in match.players:
        mates[p.team].append(table[p.player_id]["avg_distance_to_mates"])
    assert all(a == pytest.approx(b) for a, b in mates.values())


def test_each_car_of_a_real_three_a_side_game_travels_its_own_distance(parsed_replay):
    """The six players of a real 3v3 game each have their own distance and boost figures, read from their own car's
    frames (`movement.movement_stats`, `boost.boost_stats`)."""
    match, table = features_of(parsed_replay, "OCE_RLCS_7_CARS")
    players = [p for p in match.players if table[p.player_id]["movement_total_distance"]]
    assert len(players) == 6
    for stat in ("movement_total_distance", "boost_bpm", "boost_bcpm"):
        values = [table[p.player_id][stat] for p in players]
        assert len(set(values)) == 6 and all(value > 0 for value in values), (stat, values)
    assert all(table[p.player_id]["boost_bpm"] != table[p.player_id]["boost_bcpm"] for p in players)


def test_a_lone_player_has_no_teammate_features_and_says_why(parsed_replay):
    match = replay_match(parsed_replay("5_GOALS_6_KICKOFFS"))
    stats = stats_frame([match])
    features = {stat for group in FEATURES.values() for stat in group}
    assert features <= set(stats["stat_type"])
    nulls = dict(stats.filter(pl.col("value").is_null()).select("stat_type", "null_reason").iter_rows())
    assert "teammate" in nulls["avg_distance_to_mates"] and "teammate" in nulls["time_first_man_share"]
    assert stats.filter(pl.col("stat_type") == "aerial_rate")["value"].item() is not None


def test_the_team_size_is_the_cars_a_team_played_with_not_the_lobbys(replay_frames):
    """A private 1v1 played in a lobby of three: the header says three a team, the frames one car each."""
    path = FIXTURES / "replays" / "post-eac-private-2026-04-28.replay"
    assert read_header_alone(path).team_size == 3
    match = replay_match(replay_frames(path))
    assert match.team_size == 1 and {p.team for p in match.players} == {0, 1}
    stats = stats_frame([match])
    nulls = stats.filter(pl.col("stat_type").is_in(["avg_distance_to_mates", "positioning_avg_distance_to_mates",
                                                    "time_first_man_share", "time_second_man_share"]))
    assert nulls.height == 8 and nulls["value"].is_null().all()
    assert nulls["null_reason"].str.contains("teammate").all()


def test_bots_and_leavers_are_players_beside_the_scoreboard(parsed_replay):
    replay = parsed_replay("BOTS_JOINING_AND_LEAVING")
    match = replay_match(replay)
    listed = {p.player_id for p in replay.header.players}
    left = {p.player_id for p in match.players} - listed
    assert listed < {p.player_id for p in match.players} and left == set(replay.roster["player_id"]) - listed
    scores = {p.player_id: p.score for p in match.players if p.player_id in left}
    assert scores == {player: dict(replay.scores.iter_rows()).get(player, 0) for player in left}
    assert {p.is_bot for p in match.players if p.player_id in left} == {True, False}
    assert sum(p.goals for p in match.players if p.team == 0) == match.score_team_0
    assert sum(p.goals for p in match.players if p.team == 1) == match.score_team_1
    bot = next(p for p in match.players if p.is_bot)
    goose = dict(stats_frame([match]).filter(pl.col("player_id") == bot.player_id)
                 .select("stat_type", "value").iter_rows())
    assert goose["time_defensive_third_share"] is not None


def test_players_who_share_a_name_each_keep_their_own_cars_stream(parsed_replay):
    """Three orange players of BOTS_JOINING_AND_LEAVING are named StarFax: the stream's tank values, places,
    handbrakes and match scores go to each by the remote id its replication info sends, so each has boost
    collected, powerslides and a score of their own, and no two share a sent state."""
    frames = parsed_replay("BOTS_JOINING_AND_LEAVING")
    namesakes = sorted(frames.roster.filter(pl.col("name") == "StarFax")["player_id"])
    assert namesakes == ["76561198042187306", "76561198078874095", "76561198208429215"]
    for table in (frames.replications, frames.positions, frames.handbrakes, frames.scores):
        assert set(table.filter(pl.col("player_id").is_in(namesakes))["player_id"]) == set(namesakes)
    assert frames.positions.filter(pl.col("player_id").is_in(namesakes)).select("frame", "x", "y").is_unique().all()
    _, table = features_of(parsed_replay, "BOTS_JOINING_AND_LEAVING")
    for player in namesakes:
        assert table[player]["boost_amount_collected"] > 0 and table[player]["movement_count_powerslide"] > 0
        assert table[player]["boost_avg_amount"] > 0


def test_a_unique_id_of_another_shape_leaves_the_player_known_by_name():
    """A replication info whose unique id the stream sends in a shape other than a remote id: the player is
    matched by name, as a bot is."""
    players = Players()
    players.read(PLAYER_NAME, {"actor_id": 7, "attribute": {"String": "StarFax"}})
    for odd in ("76561198042187306", None, {"remote_id": "Steam"}, {"remote_id": {}}):
        players.read(UNIQUE_ID, {"actor_id": 7, "attribute": {"UniqueId": odd}})
        assert players.owner(7) == ("StarFax", None)
