"""The mechanics measured from a replay's frames against an independent reference: carball's labelled test replays
(`fixtures/rocketleague/carball_labelled/`), short games made to hold a known number of touches, shots, passes,
aerials, saves, clears and boost pads, and carball's answers for them (SaltieRL/carball `carball/tests/utils.py`,
`get_specific_answers`, checked by `tests/stats/hit_test.py` and `boost_test.py`). Each count is the game's, summed
over its players.

Where the definitions agree the counts are equal. Where they differ the project's count is asserted, and carball's
rule applied to the project's own touches and pads gives carball's count, so the gap is the definition's, not the
parse's:

- aerial: carball marks a touch with the ball at 400 uu or higher, the project one with the ball above 300 uu and
  the car flying (`aerials.AERIAL`), so three touches with the ball between 300 and 400 uu are the project's only;
- pass: carball counts a touch followed by a teammate's at any delay, the project only within two seconds
  (`touches.PASS_SECONDS`);
- save: carball counts a touch right after an opponent's shot that its ball simulation sends in, the project a
  touch of a ball headed into the own goal (`saves.SAVE_ATTEMPT`): on `1_NORMAL_SAVE` the project's one save is the
  save the replay is named after and the game's scoreboard gives, where carball finds none;
- shot: on `1_NORMAL_SAVE` the project's two shots are the game scoreboard's, the bot's kickoff that the save
  stopped and the goal, where carball counts the goal only;
- clear: carball needs the ball 400 uu into the middle third at the next touch and never counts a scoring touch,
  the project counts a touch from the own third after which the ball leaves it (`touches.touch_outcomes`);
- pads: carball counts the pads taken in live play, the project as ballchasing does over the whole recording, goal
  celebrations included (`boost.boost_stats`), so a pad taken after a goal is the project's only.

The disagreements that are no definition's are marked `xfail(strict=True)`, each with its cause, so that a fix
shows.
"""

from __future__ import annotations

from functools import cache

import polars as pl
import pytest

from gamestats_assets.sources.replays import boost
from gamestats_assets.sources.replays.boost import boost_stats
from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.mechanics import mechanics_table
from gamestats_assets.sources.replays.positioning import THIRD_EDGE
from gamestats_assets.sources.replays.touches import OWN, touch_outcomes
from gamestats_assets_tests.rocket.conftest import FIXTURES

LABELLED = FIXTURES / "carball_labelled"
CARBALL_AERIAL_BALL = 400.0
"""uu at or above which carball marks a touch's ball as an aerial (`hit_analysis.py`)."""
CARBALL_CLEAR_BUFFER = 400.0
"""uu beyond the line of the own third a clear starts, and into the middle third the next touch finds the ball."""

AGREE = [
    ("3_KICKOFFS_4_SHOTS", "touches", 4), ("3_KICKOFFS_4_SHOTS", "kickoff_touches", 3),
    ("12_BOOST_PAD_45_USED", "touches", 1), ("MID_AIR_PASS_GOAL", "touches", 2), ("GROUNDED_PASS_GOAL", "touches", 2),
    ("1_AERIAL", "touches", 4), ("KICKOFF_3_HITS", "touches", 3), ("1_EPIC_SAVE", "touches", 4),
    ("1_NORMAL_SAVE", "touches", 4),
    ("3_KICKOFFS_4_SHOTS", "shots", 3), ("12_BOOST_PAD_45_USED", "shots", 0), ("1_EPIC_SAVE", "shots", 2),
    ("MID_AIR_PASS_GOAL", "passes", 1), ("GROUNDED_PASS_GOAL", "passes", 1),
    ("1_AERIAL", "aerials", 1),
    ("1_EPIC_SAVE", "saves", 1), ("1_CLEAR", "clears", 1),
    *((stem, "small_pads", 1) for stem in ("12_BOOST_PAD_0_USED", "12_AND_100_BOOST_PADS_0_USED",
                                           "1_100_1_12_0_BOOST_168", "1_100_1_12_0_BOOST_168_ALT")),
    *((stem, "big_pads", 1) for stem in ("100_BOOST_PAD_0_USED", "100_BOOST_PAD_100_USED",
                                         "12_AND_100_BOOST_PADS_0_USED", "1_100_1_12_0_BOOST_168",
                                         "1_100_1_12_0_BOOST_168_ALT")),
    *((stem, pads, 0) for stem in ("NO_BOOST_PAD_0_USED", "NO_BOOST_PAD_33_USED", "NO_KICKOFF")
      for pads in ("small_pads", "big_pads")),
    ("12_BOOST_PAD_0_USED", "big_pads", 0), ("100_BOOST_PAD_0_USED", "small_pads", 0),
    ("6_BIG_25_SMALL", "big_pads", 6), ("6_BIG_25_SMALL", "small_pads", 25),
]
"""(replay, count, carball's answer) where the project counts as carball does."""

DEFINITION = [
    ("1_EPIC_SAVE", "aerials", 0, 1, "carball_aerials"), ("MID_AIR_PASS_GOAL", "aerials", 0, 1, "carball_aerials"),
    ("HIGH_AIR_PASS_GOAL", "aerials", 2, 3, "carball_aerials"),
    ("HIGH_AIR_PASS_GOAL", "passes", 1, 0, "carball_passes"),
    ("1_NORMAL_SAVE", "saves", 0, 1, None), ("1_NORMAL_SAVE", "shots", 1, 2, None),
    ("2_CLEARS", "clears", 2, 3, "carball_clears"),
    ("12_BOOST_PAD_45_USED", "small_pads", 1, 2, "carball_small_pads"),
    ("3_STEALS", "big_pads", 3, 6, "carball_big_pads"),
]
"""(replay, count, carball's answer, the project's, the count of carball's rule on the project's touches or pads;
none where the game's scoreboard bears the project out instead)."""

OPEN = [
    ("HIGH_AIR_PASS_GOAL", "touches", 9, "the project counts 7: soft pushes of the ground dribble before the flick "
     "change the ball's velocity by less than `frames.HIT_VELOCITY_JUMP`; carball finds touches by the ball's spin"),
]
"""(replay, count, carball's answer, why the project differs) for the disagreements that are no definition's."""


def _counts_of(frames: ReplayFrames) -> dict[str, int]:
    """The game's counts: touches (those of a kickoff: the ball at the centre spot), the published mechanics
    summed over the players (`mechanics_table`), passes and clears of the touches (`touch_outcomes`), pads taken
    (`boost_stats`), the scoreboard's shots and saves, and the counts of carball's rules on the same touches (the
    ball's height, a teammate's next touch at any delay, the ball past the buffers at this touch and the next) and
    pads (those counted, `boost._pickups`, taken in live play)."""
    touches = touch_outcomes(frames)
    players = mechanics_table(frames)
    pads = boost_stats(frames)
    in_play = boost._pickups(frames).filter("counted").join(frames.ball.filter("live"), on="frame", how="semi")
    carball_rules = touches.select(
        carball_aerials=(pl.col("ball_z") >= CARBALL_AERIAL_BALL).sum(),
        carball_passes=((pl.col("next_team") == pl.col("team")) & (pl.col("next_player") != pl.col("player_id")))
        .sum(),
        carball_clears=((pl.col("ball_y") * OWN < -THIRD_EDGE - CARBALL_CLEAR_BUFFER)
                        & (pl.col("ball_y").shift(-1) * OWN > -THIRD_EDGE + CARBALL_CLEAR_BUFFER)).sum(),
    ).row(0, named=True)
    return {
        "touches": touches.height,
        "kickoff_touches": touches.filter((pl.col("ball_x") == 0) & (pl.col("ball_y") == 0)).height,
        "shots": players["shots_on_target"].sum(), "aerials": players["aerial_attempts"].sum(),
        "aerial_successes": players["aerial_successes"].sum(), "saves": players["saves_made"].sum(),
        "passes": touches["pass_on"].sum(), "clears": touches["cleared"].sum(),
        "big_pads": pads["count_collected_big"].sum(), "small_pads": pads["count_collected_small"].sum(),
        **{f"scoreboard_{kind}": frames.scoring.filter(pl.col("kind") == kind).height for kind in ("shots", "saves")},
        "carball_big_pads": in_play["big"].sum(), "carball_small_pads": (~in_play["big"]).sum(),
        **carball_rules,
    }


@pytest.fixture(scope="module")
def counts(replay_frames):
    """The game's counts (`_counts_of`) of a labelled replay's file stem, read once for the module."""
    return cache(lambda stem: _counts_of(replay_frames(LABELLED / f"{stem}.replay")))


@pytest.mark.parametrize(("stem", "count", "carball"), AGREE, ids=[f"{s}-{c}" for s, c, _ in AGREE])
def test_the_project_counts_as_carball_does(counts, stem, count, carball):
    assert counts(stem)[count] == carball


@pytest.mark.parametrize(("stem", "count", "carball", "project", "rule"), DEFINITION,
                         ids=[f"{s}-{c}" for s, c, *_ in DEFINITION])
def test_where_the_definitions_differ_carballs_rule_on_the_projects_reading_gives_carballs_count(
        counts, stem, count, carball, project, rule):
    game = counts(stem)
    assert game[count] == project
    if rule is None:
        assert game[f"scoreboard_{count}"] == project
    else:
        assert game[rule] == carball


@pytest.mark.parametrize(("stem", "count", "carball"), [
    pytest.param(stem, count, carball, marks=pytest.mark.xfail(strict=True, reason=why), id=f"{stem}-{count}")
    for stem, count, carball, why in OPEN])
def test_the_open_disagreements(counts, stem, count, carball):
    assert counts(stem)[count] == carball
