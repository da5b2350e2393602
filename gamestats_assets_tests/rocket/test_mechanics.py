"""The mechanics measured from a replay's frames (`replays.mechanics`): planted values come back from a synthetic game,
and on the real replays shots and saves agree with the game's own events and the average place with ballchasing's
halves."""

import dataclasses

import numpy as np
import polars as pl
import pytest

from gamestats_assets.defs.rocket.transforms import skills
from gamestats_assets.sources.ballchasing.records import MECHANICS, stats_frame
from gamestats_assets.sources.replays.features import replay_match
from gamestats_assets.sources.replays.mechanics import mechanics_rows, mechanics_table
from gamestats_assets.sources.replays.rotation import rotation_stats
from gamestats_assets.sources.replays.saves import SAVED
from gamestats_assets.sources.replays.shooting import SHOT
from gamestats_assets.sources.replays.touches import touch_outcomes
from gamestats_assets_tests.rocket.conftest import FIXTURES, REPLAYS
from gamestats_assets_tests.rocket.planted_frames import COUNTDOWN, Touch, planted, standing

FRAMES = 300
SWITCH = 150
"""The frame at which A drops back behind B."""
GOAL = 267
HALVES_APART = 0.15
"""How far a player's share of time in place in a real game's first half may lie from the second half's."""


def _two_a_side(base):
    """A 2v2 of ten seconds: A (blue) touches in the air at 2 s as first man and is last man from 5 s; B (blue) makes
    an aerial pass at 1.2 s and saves C's shot at 3.5 s; C (orange) fails an aerial at 2.5 s, shoots at 3 s and at
    8 s, when A's save attempt deflects the ball in."""
    a = standing(FRAMES, 1000, 1000)
    a[SWITCH:, 1] = -3000
    a[55:66, 2] = 500
    b = standing(FRAMES, -1000, 0)
    b[30:41, 2] = 700
    c = standing(FRAMES, 1000, 3000)
    c[70:81, 2] = 700
    cars = {"A": (0, a), "B": (0, b), "C": (1, c), "D": (1, standing(FRAMES, -1000, 1000))}
    touches = [
        Touch(36, "B", (-2000, 500, 800), (0, 0, 0), (-500, -200, 0)),
        Touch(60, "A", (0, 1000, 600), (0, 0, 0), (0, 3000, 0)),
        Touch(75, "C", (2000, 0, 900), (0, 0, 0), (0, 500, 0)),
        Touch(90, "C", (0, -3000, 93), (0, -100, 0), (0, -3000, 0)),
        Touch(105, "B", (0, -4500, 93), (0, -3000, 0), (1500, 1000, 800)),
        Touch(180, "D", (0, 0, 93), (1500, 1000, 800), (0, -500, 0)),
        Touch(240, "C", (0, -4000, 93), (0, -500, 0), (0, -2000, 0)),
        Touch(246, "A", (0, -4400, 93), (0, -2000, 0), (0, -1500, 0)),
    ]
    return planted(base, FRAMES, cars, touches, [(GOAL, 1)]), cars


@pytest.fixture(scope="module")
def two_a_side(parsed_replay):
    frames, cars = _two_a_side(parsed_replay("XBOX_PARTY"))
    table = {row["player_id"]: row for row in mechanics_table(frames).iter_rows(named=True)}
    rows = {player: {s.stat_type: s.value for s in mechanics_rows(row)} for player, row in table.items()}
    return cars, rows


def test_the_average_place_and_its_spread_are_the_cars_planted_path_seen_from_its_own_goal(two_a_side):
    cars, rows = two_a_side
    for player, (team, path) in cars.items():
        played = path[COUNTDOWN:GOAL] * ([1, 1, 1] if team == 0 else [-1, -1, 1])
        for axis, name in enumerate("xyz"):
            assert rows[player][f"avg_position_{name}"] == pytest.approx(played[:, axis].mean())
            assert rows[player][f"position_sd_{name}"] == pytest.approx(played[:, axis].std(), abs=1e-6)
    assert rows["C"]["avg_position_x"] == pytest.approx(-1000) and rows["C"]["avg_position_y"] == pytest.approx(-3000)


def test_an_aerial_succeeds_by_a_shot_or_a_pass_and_fails_otherwise(two_a_side):
    _, rows = two_a_side
    assert (rows["A"]["aerial_attempts"], rows["A"]["aerial_success_rate"]) == (1, 1.0)
    assert (rows["B"]["aerial_attempts"], rows["B"]["aerial_success_rate"]) == (1, 1.0)
    assert (rows["C"]["aerial_attempts"], rows["C"]["aerial_success_rate"]) == (1, 0.0)
    assert rows["D"]["aerial_attempts"] == 0 and rows["D"]["aerial_success_rate"] is None


def test_shots_on_target_and_their_speed(two_a_side):
    _, rows = two_a_side
    assert (rows["C"]["shot_attempts"], rows["C"]["shot_on_target_rate"]) == (2, 1.0)
    assert rows["C"]["shot_speed"] == pytest.approx(2500)
    assert (rows["A"]["shot_attempts"], rows["A"]["shot_speed"]) == (1, pytest.approx(3000))
    assert rows["D"]["shot_attempts"] == 0 and rows["D"]["shot_speed"] is None


def test_a_save_attempt_succeeds_unless_the_goal_comes_before_the_next_touch(two_a_side):
    _, rows = two_a_side
    assert (rows["B"]["save_attempts"], rows["B"]["save_success_rate"]) == (1, 1.0)
    assert (rows["A"]["save_attempts"], rows["A"]["save_success_rate"]) == (1, 0.0)
    assert rows["C"]["save_attempts"] == 0 and rows["C"]["save_success_rate"] is None


def test_rotation_timing_runs_from_a_first_mans_touch_to_his_stretch_as_last_man(two_a_side):
    _, rows = two_a_side
    assert rows["A"]["rotation_timing"] == pytest.approx((SWITCH - 60) / 30)
    assert rows["B"]["rotation_timing"] is None
    assert all(0 <= row["rotation_efficiency"] <= 1 for row in rows.values())


def test_who_contests_first_and_how_early(two_a_side):
    _, rows = two_a_side
    assert (rows["A"]["challenge_first_rate"], rows["A"]["challenge_timing"]) == (1.0, pytest.approx(0.5))
    assert (rows["B"]["challenge_first_rate"], rows["B"]["challenge_timing"]) == (0.0, pytest.approx(-0.5))
    assert (rows["C"]["challenge_first_rate"], rows["C"]["challenge_timing"]) == (0.5, pytest.approx(0.0))


def test_rotation_efficiency_is_the_share_of_time_in_place(parsed_replay):
    """Three blue cars behind a ball resting at the centre spot, one second per order: P, Q, R in place (P foremost
    and nearest); Q run past the ball, foremost but not nearest; R ahead of the ball but nearest, the others behind
    it; P and Q both past the ball, Q nearer. Seconds in place: P 3, Q 2, R 4 of 4."""
    steps = [{"P": (0, -500), "Q": (300, -2000), "R": (-300, -4000)},
             {"P": (0, -500), "Q": (2000, 1500), "R": (-300, -4000)},
             {"P": (0, -500), "Q": (300, -2000), "R": (-300, 300)},
             {"P": (0, 2000), "Q": (300, 500), "R": (-300, -4000)}]
    frames = COUNTDOWN + 30 * len(steps)
    paths = {player: standing(frames, 0, 0) for player in "PQR"}
    for step, places in enumerate(steps):
        for player, (x, y) in places.items():
            paths[player][(COUNTDOWN + 30 * step if step else 0):, :2] = (x, y)
    game = planted(parsed_replay("XBOX_PARTY"), frames, {p: (0, path) for p, path in paths.items()},
                   [Touch(COUNTDOWN + 5, "P", (0, 0, 93), (0, 0, 0), (0, 0, 0))], [])
    table = {row["player_id"]: row for row in mechanics_table(game).iter_rows(named=True)}
    efficiency = {p: {s.stat_type: s for s in mechanics_rows(row)}["rotation_efficiency"] for p, row in table.items()}
    assert {p: (s.numerator, s.denominator) for p, s in efficiency.items()} == {
        "P": pytest.approx((3, 4)), "Q": pytest.approx((2, 4)), "R": pytest.approx((4, 4))}


def test_rotation_efficiency_on_real_replays_is_high_and_alike_in_both_halves(parsed_replay):
    """Every player of a real team game stands in their place most of their time at full strength (real players
    rotate), and their share in the game's first half is within `HALVES_APART` of the second's."""
    for stem in ("XBOX_PARTY", "OCE_RLCS_7_CARS", "BOTS_JOINING_AND_LEAVING"):
        frames = parsed_replay(stem)
        middle = frames.ball["frame"].median()
        halves = [rotation_stats(dataclasses.replace(frames, ball=frames.ball.filter(kept))).select(
            "player_id", share=pl.col("in_place_seconds") / pl.col("placed_seconds"))
            for kept in (pl.col("frame") < middle, pl.col("frame") >= middle)]
        whole = rotation_stats(frames).filter(pl.col("team_cars") >= 2)
        share = whole["in_place_seconds"] / whole["placed_seconds"]
        assert whole.height >= 3 and (whole["placed_seconds"] > 200).all()
        assert share.is_between(0.5, 0.95).all(), (stem, share.to_list())
        apart = halves[0].join(halves[1], on="player_id").select((pl.col("share") - pl.col("share_right")).abs())
        assert apart.height == whole.height and (apart["share"] < HALVES_APART).all(), (stem, apart["share"].to_list())


REAL = [*sorted((FIXTURES / "paired").glob("*.replay")), *sorted(REPLAYS.glob("*.replay"))]


def _matched(frames, kind: str, mine: pl.Expr) -> tuple[int, int]:
    """The game's events of `kind` (`shots`, `saves`) and how many follow, within three seconds, a touch of the same
    player that `mine` marks."""
    events = (frames.scoring.filter(pl.col("kind") == kind).join(frames.ball.select("frame", "time"), on="frame")
              .sort("frame"))
    marked = touch_outcomes(frames).filter(mine).select("player_id", touched="frame", at="time").sort("touched")
    found = events.join_asof(marked, left_on="frame", right_on="touched", by="player_id", strategy="backward",
                             check_sortedness=False)
    return events.height, found.filter(pl.col("time") - pl.col("at") <= 3.0).height


def test_most_of_the_games_shots_and_saves_follow_a_touch_the_mechanics_mark(replay_frames):
    """The game's own shot and save events (the scoreboard's, ballchasing's `shots` and `saves`) over every real
    replay of the fixtures: two in three shots follow a shot on target of the same player (`shooting.SHOT`), three in
    four saves a save (`saves.SAVED`)."""
    totals = {"shots": [0, 0], "saves": [0, 0]}
    for path in REAL:
        frames = replay_frames(path)
        for kind, mine in (("shots", SHOT), ("saves", SAVED)):
            events, found = _matched(frames, kind, mine)
            totals[kind][0] += events
            totals[kind][1] += found
    (shots, shots_found), (saves, saves_found) = totals["shots"], totals["saves"]
    assert shots > 100 and saves > 40
    assert shots_found / shots >= 0.6 and saves_found / saves >= 0.7


def test_the_average_place_up_the_pitch_follows_ballchasings_time_in_the_offensive_half(replay_frames):
    """Over the players of the real replays, a player's `avg_position_y` ranks as their share of time in the
    offensive half does (ballchasing's `positioning_percent_offensive_half`, which the frames reproduce)."""
    pairs = []
    for path in REAL:
        stats = stats_frame([replay_match(replay_frames(path))])
        wide = stats.pivot("stat_type", index="player_id", values="value")
        pairs += wide.select("avg_position_y", "positioning_percent_offensive_half").drop_nulls().rows()
    y, offensive = np.array(pairs).T
    assert len(pairs) > 40
    assert np.corrcoef(np.argsort(np.argsort(y)), np.argsort(np.argsort(offensive)))[0, 1] > 0.8


def test_every_player_of_a_real_game_has_every_mechanic_or_the_reason_it_is_null(replay_frames):
    final = FIXTURES / "paired" / "rlcs-2025-worlds-grand-final-flcn-nrg-g5.replay"
    stats = stats_frame([replay_match(replay_frames(final))])
    mechanics = stats.filter(pl.col("stat_type").is_in(MECHANICS))
    assert mechanics.height == 6 * len(MECHANICS)
    assert mechanics.filter(pl.col("value").is_null() & pl.col("null_reason").is_null()).is_empty()
    values = dict(mechanics.group_by("stat_type").agg(pl.col("value").drop_nulls().len()).iter_rows())
    assert all(values[stat] == 6 for stat in MECHANICS), values
    speeds = mechanics.filter(pl.col("stat_type") == "shot_speed")["value"]
    assert speeds.min() > 1000 and speeds.max() < 6000


def test_the_weakness_detector_reads_a_mechanics_mean_as_it_is_and_its_rates_on_their_log_odds():
    """`skills.player_levels` takes the frame mechanics among the skills' indicators: `rotation_timing` (a mean kept
    as its total and count) as its value, `save_success_rate` as the log-odds of its counts."""
    stats = pl.DataFrame({
        "player_id": ["p", "p", "p"], "playlist": "ranked-doubles", "match_id": ["m1", "m1", "m1"],
        "stat_type": ["rotation_timing", "save_success_rate", "avg_position_y"],
        "value": [2.5, 0.75, -900.0], "numerator": [10.0, 3.0, None], "denominator": [4.0, 4.0, None]})
    users = pl.DataFrame({"player_id": ["p"], "is_bot": [False], "rank_band": ["gold"], "rank_index": [20],
                          "last_played_at": [0]})
    levels = dict(skills.player_levels(stats, users).select("stat_type", "level").iter_rows())
    assert levels == {"rotation_timing": 2.5, "save_success_rate": pytest.approx(np.log(3.5 / 1.5))}
    assert "save_success_rate" in skills.SKILL_INDICATORS["saves"]
    assert "rotation_timing" in skills.SKILL_INDICATORS["rotation"]
