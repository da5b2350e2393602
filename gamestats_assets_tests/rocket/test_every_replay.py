"""Every real replay in the fixtures, from 2015 to today, is read, or quarantined with a reason that names
what the file holds; a replay whose network stream cannot be read still gives its header's scoreboard. No stat
is ever not a number: a mean over no time (a recording of a kickoff's countdown alone) is null."""

import datetime as dt
import math
import shutil

import polars as pl
import pytest
import subtr_actor

from gamestats_assets.defs.rocket.transforms.landing import read_day
from gamestats_assets.sources.replays.features import NO_TANK, replay_match
from gamestats_assets.sources.replays.frames import _car_table, _pickup_table, read_frames
from gamestats_assets.sources.replays.header import (
    ReplayParseError,
    header_from_meta,
    played_at,
    read_header,
    read_header_alone,
)
from gamestats_assets_tests.rocket.conftest import FIXTURES, REPLAYS

EVERY_REPLAY = sorted([*FIXTURES.rglob("*.replay"), *REPLAYS.glob("*.replay")])
UNREADABLE_STREAM = FIXTURES / "replays" / "3ea1.replay"


@pytest.mark.parametrize("path", EVERY_REPLAY, ids=lambda path: path.name)
def test_every_replay_is_read_with_its_scoreboard(tmp_path, path):
    shutil.copy(path, tmp_path / path.name)
    day = read_day(tmp_path)
    assert not day.rejected, day.rejected
    (match,) = day.matches
    header = read_header_alone(path)
    assert (match.match_id, match.score_team_0, match.score_team_1) == (
        header.match_id, header.score_team_0, header.score_team_1)
    listed = len(header.players)
    assert [(p.player_id, p.goals, p.saves, p.score) for p in match.players[:listed]] == [
        (p.player_id, p.goals, p.saves, p.score) for p in header.players]
    left = match.players[listed:]
    assert all(p.score >= 0 for p in left)
    assert not {p.player_id for p in left} & {p.player_id for p in header.players}
    assert dt.datetime(2015, 7, 1, tzinfo=dt.UTC) < match.played_at < dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert (match.frames_null_reason is None) == (path != UNREADABLE_STREAM)
    assert all(s.value is None or math.isfinite(s.value) for p in match.players for s in p.stats)


def test_a_ball_whose_hit_team_is_none_is_held_by_nobody():
    """f08e, a 3v3 online game of 2022-05-05, sends the ball's `HitTeamNum` as 255 (no team) three times beside its
    0s and 1s: those rows are possession of nobody, and every player's (the six at the end and one who left)
    distances to the ball with and without possession are numbers."""
    frames = read_frames(FIXTURES / "replays" / "f08e.replay")
    assert frames.possession["team"].null_count() == 3
    assert set(frames.possession["team"].drop_nulls()) == {0, 1}
    match = replay_match(frames)
    assert match.frames_null_reason is None and len(match.players) == 7
    for player in match.players:
        stats = {s.stat_type: s.value for s in player.stats}
        for stat in ("positioning_avg_distance_to_ball_possession", "positioning_avg_distance_to_ball_no_possession"):
            assert stats[stat] is not None and 0 < stats[stat] < 10_000, (player.name, stat)


def test_the_spectators_on_a_scoreboard_are_not_players(tmp_path):
    """b2a19's header lists a referee and two other spectators with a team of neither side beside the six
    players."""
    path = FIXTURES / "replays" / "b2a19.replay"
    shutil.copy(path, tmp_path / path.name)
    day = read_day(tmp_path)
    assert not day.rejected, day.rejected
    (match,) = day.matches
    players = {(p.name, p.team) for p in match.players}
    assert players == {("frosty †", 0), ("sosa", 0), ("CHEESE.", 0), ("reveal", 1), ("Chronic", 1), ("diaz", 1)}
    assert {(p.name, p.team) for p in read_header_alone(path).players} == players
    assert match.team_size == 3 and all(s.value is not None for p in match.players for s in p.stats
                                        if s.stat_type == "movement_avg_speed")


def test_a_match_whose_tanks_refill_by_themselves_collects_boost_only_from_pads(tmp_path, replay_frames):
    """42f2 is played with a recharge mutator: the stream sends the tanks' refills, a rise of a fraction of a
    unit each, beside the pads' pickups; a player collects no more pads than the stream shows him take."""
    path = FIXTURES / "replays" / "42f2.replay"
    frames = replay_frames(path)
    assert frames.recharges and not replay_frames(FIXTURES / "paired" / "ranked-doubles-2025-09-25.replay").recharges
    taken = dict(frames.pickups.group_by("player_id").len().iter_rows())
    shutil.copy(path, tmp_path / path.name)
    (match,) = read_day(tmp_path).matches
    for player in match.players:
        stats = {s.stat_type: s.value for s in player.stats}
        pads = stats["boost_count_collected_small"] + stats["boost_count_collected_big"]
        assert 0 < pads <= taken[player.player_id], (player.name, pads, taken[player.player_id])
        assert stats["boost_amount_collected"] <= 12 * stats["boost_count_collected_small"] + 100 * stats[
            "boost_count_collected_big"]


def test_a_car_sent_before_its_players_name_is_that_players_throughout(tmp_path, replay_frames):
    """28fd's stream sends the car of an Epic player (`?If`) and a bot's (`Storm`) for a while before their
    names: those states are the same players', not players of no name who left early."""
    path = FIXTURES / "replays" / "28fd.replay"
    shutil.copy(path, tmp_path / path.name)
    (match,) = read_day(tmp_path).matches
    assert sorted(p.name for p in match.players) == ["?If", "Drogings", "Edelfürst niCauu", "Storm", "Wx_15"]
    frames = replay_frames(path)
    assert frames.roster.height == 5 and frames.cars["name"].str.len_chars().min() > 0
    assert set(frames.pickups["player_id"]) <= set(frames.roster["player_id"])


def test_a_stream_that_sends_no_boost_tank_gives_no_boost_stats_and_says_why(tmp_path):
    """The game's replays before the spring of 2016 (2114, 540d) send no car's boost amount: their boost stats
    are unknown, not zero; those of May 2016 (6d1b) send it."""
    for name in ("2114", "540d", "6d1b"):
        shutil.copy(FIXTURES / "replays" / f"{name}.replay", tmp_path)
    matches = {m.played_at.year * 100 + m.played_at.month: m for m in read_day(tmp_path).matches}
    assert sorted(matches) == [201511, 201602, 201605]
    for month, match in matches.items():
        for player in match.players:
            stats = {s.stat_type: s for s in player.stats}
            boost = [stats[name] for name in ("boost_bpm", "boost_avg_amount", "boost_amount_collected",
                                              "boost_percent_zero_boost", "boost_collected_per_minute")]
            if month < 201603:
                assert all(s.value is None and s.null_reason == NO_TANK for s in boost), (month, boost)
                assert stats["movement_avg_speed"].value > 0
            else:
                assert stats["boost_avg_amount"].value > 0 and stats["boost_bpm"].value > 0


def test_a_2016_player_uses_about_the_boost_he_collects(replay_frames):
    """Over a game a tank of 100 holds little of what a player collects: in 128ed (2016) each player used
    what the replicated tank lost, near what he collected, where the parser's model of the tank while its
    boosting flag is on loses a tenth of it."""
    path = FIXTURES / "replays" / "128ed.replay"
    frames = replay_frames(path)
    assert not frames.pads_return and not frames.replications.is_empty()
    match = replay_match(frames)
    for player in match.players:
        stats = {s.stat_type: s.value for s in player.stats}
        assert 0.85 <= stats["boost_bpm"] / stats["boost_bcpm"] <= 1.15, (player.name, stats["boost_bpm"])


def test_an_automatic_tournament_and_a_heatseeker_game_bear_ballchasings_playlists(tmp_path):
    for name in ("difficulty", "d4f3b_heat"):
        shutil.copy(FIXTURES / "replays" / f"{name}.replay", tmp_path)
    assert sorted(m.playlist for m in read_day(tmp_path).matches) == ["heatseeker", "tournament"]


def test_both_header_date_formats_are_read_and_another_is_named():
    assert played_at("2016-05-16:21-38") == dt.datetime(2016, 5, 16, 21, 38)
    assert played_at("2026-03-10 18-55-49") == dt.datetime(2026, 3, 10, 18, 55, 49)
    with pytest.raises(ReplayParseError, match="'16/05/2016 21:38'"):
        played_at("16/05/2016 21:38")


def test_an_unreadable_network_stream_leaves_the_scoreboard_flagged(tmp_path):
    with pytest.raises(ReplayParseError):
        read_header(UNREADABLE_STREAM)
    shutil.copy(UNREADABLE_STREAM, tmp_path / UNREADABLE_STREAM.name)
    (match,) = read_day(tmp_path).matches
    assert "network frames unreadable" in match.frames_null_reason
    assert {(p.name, p.goals) for p in match.players} == {("CalamityJames", 3), ("Myrtle", 1)}
    stats = {s.stat_type: s for s in match.players[0].stats}
    assert stats["goals"].value == 3
    assert stats["boost_bcpm"].value is None and stats["boost_bcpm"].null_reason == match.frames_null_reason


def test_a_corrupted_stream_keeps_the_header_and_a_broken_header_is_quarantined(tmp_path):
    good = (REPLAYS / "XBOX_PARTY.replay").read_bytes()
    header_end = 8 + int.from_bytes(good[:4], "little")
    corrupt = bytearray(good)
    corrupt[header_end + 64:header_end + 4096] = bytes(4032)
    (tmp_path / "corrupt.replay").write_bytes(bytes(corrupt))
    (tmp_path / "truncated.replay").write_bytes(good[:header_end // 2])
    day = read_day(tmp_path)
    (match,) = day.matches
    assert match.frames_null_reason and (match.score_team_0, match.score_team_1) == (4, 2)
    ((path, reason),) = day.rejected
    assert path.name == "truncated.replay" and "header" in reason


def test_play_between_goals_is_live_whatever_state_a_goal_is_stamped_in(parsed_replay):
    """BOTS_JOINING_AND_LEAVING stamps some goals in the state of play: the frames from each goal to the next
    kickoff's countdown are out of play, every other frame is live."""
    frames = parsed_replay("BOTS_JOINING_AND_LEAVING")
    ball = frames.ball.sort("frame")
    goals = frames.goals["frame"].to_list()
    assert not ball.filter(pl.col("frame").is_in(goals))["live"].any()
    assert ball["live"].mean() > 0.9
    kickoffs = ball.filter(pl.col("countdown") & ~pl.col("countdown").shift(1, fill_value=False))["frame"].to_list()
    first_goal, next_kickoff = goals[0], min(k for k in kickoffs if k > goals[0])
    assert not ball.filter(pl.col("frame").is_between(first_goal, next_kickoff - 1))["live"].any()
    assert ball.filter(pl.col("frame") == next_kickoff)["live"].all()


def test_an_old_replays_pads_are_read_alike_whichever_the_parser_names_at_a_place():
    """In a128 (2016) the parser matches two of the stream's pads to one place of the map's layout here and there
    and names one of the two, not the same from one run to the next: each pad stands where most of its pickups
    were taken (`frames._pad_places`), so that which pads it names changes no pickup, and two reads agree."""
    path = FIXTURES / "replays" / "a128.replay"
    data = subtr_actor.get_replay_frames_data(str(path))
    _, ids = _car_table(data["frame_data"], header_from_meta(data["meta"]))
    read = _pickup_table(data, ids)
    named = [pad for pad in data["boost_pads"] if pad.get("pad_id") is not None]
    assert 0 < len(named) < len(data["boost_pads"])
    unnamed = {**data, "boost_pads": [{**pad, "pad_id": None} for pad in data["boost_pads"]]}
    assert _pickup_table(unnamed, ids).equals(read)
    assert read["pad_y"].is_not_null().all()
    assert read_frames(path).pickups.equals(read_frames(path).pickups)
