"""`cons/replay_goals` from real raw replays, held against what the game and ballchasing wrote of the same goals.

The day's table (`playback.replay_goals` over the landing's goals) of each real game of `fixtures/rocketleague/paired`
holds the goals in the order the replay's header lists them (its `Goals`: the game's own end-of-match summary, written
apart from the network stream the table is read from), each for the team and by the player the header names, and
gives each player as many goals and assists as ballchasing's JSON of the same game does; a goal's moment is the
clock run down, and in the real games won in overtime the last goal alone is an overtime's, scored from a tied
score at the overtime's seconds the game's clock counted up."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter

import polars as pl
import pytest

from gamestats_assets.defs.rocket.transforms import daily, playback
from gamestats_assets.defs.rocket.transforms.landing import read_day
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets.sources.replays.properties import read_properties
from gamestats_assets_tests.rocket.conftest import FIXTURES, REPLAYS

DAY = dt.date(2026, 3, 10)
PAIRED = FIXTURES / "paired"
GAMES = sorted(path.name.removesuffix(".replay") for path in PAIRED.glob("*.replay")
               if (PAIRED / path.name.replace(".replay", ".ballchasing.json")).exists())
"""The real games of `paired` whose ballchasing JSON gives each player's goals and assists."""


@pytest.fixture(scope="module")
def goals(tmp_path_factory, replay_frames) -> pl.DataFrame:
    """`cons/replay_goals` of a day holding every game of `GAMES` as its raw replay, with the scorer's and
    assister's names as the day's `match_players` give them."""
    folder = tmp_path_factory.mktemp("replay_goals")
    for game in GAMES:
        shutil.copy(PAIRED / f"{game}.replay", folder)
    landing = read_day(folder)
    assert not landing.rejected
    etl = daily.etl_tables(landing.matches, DAY)
    matches = daily.matches(etl["matches"])
    names = daily.match_players(etl["match_players"], matches).select("match_id", "player_id", "name")
    table = playback.replay_goals(landing.goals_frame().with_columns(date=pl.lit(DAY)), matches)
    return (table.join(names.rename({"player_id": "scorer_id", "name": "scorer"}), on=["match_id", "scorer_id"],
                       how="left", maintain_order="left")
            .join(names.rename({"player_id": "assister_id", "name": "assister"}), on=["match_id", "assister_id"],
                  how="left", maintain_order="left"))


def of_game(goals: pl.DataFrame, game: str) -> pl.DataFrame:
    match_id = parse_replay_json(json.loads((PAIRED / f"{game}.ballchasing.json").read_text())).match_id
    return goals.filter(pl.col("match_id") == match_id).sort("goal")


@pytest.mark.parametrize("game", GAMES)
def test_the_goals_are_the_headers_in_order_each_by_its_team_and_scorer(goals, game):
    listed = read_properties(PAIRED / f"{game}.replay")["Goals"]
    rows = of_game(goals, game)
    assert rows["goal"].to_list() == list(range(1, len(listed) + 1))
    assert rows["team"].to_list() == [goal["PlayerTeam"] for goal in listed]
    assert rows["scorer"].to_list() == [goal["PlayerName"] for goal in listed]


@pytest.mark.parametrize("game", GAMES)
def test_each_players_goals_and_assists_are_ballchasings(goals, game):
    theirs = parse_replay_json(json.loads((PAIRED / f"{game}.ballchasing.json").read_text()))
    rows = of_game(goals, game)
    scored, assisted = Counter(rows["scorer_id"].to_list()), Counter(rows["assister_id"].drop_nulls().to_list())
    assert {p.player_id: scored[p.player_id] for p in theirs.players} == {p.player_id: p.goals for p in theirs.players}
    assert {p.player_id: assisted[p.player_id] for p in theirs.players} == \
        {p.player_id: p.assists for p in theirs.players}
    assert (rows["score_team_0"][-1], rows["score_team_1"][-1]) == (theirs.score_team_0, theirs.score_team_1)


@pytest.mark.parametrize("game", GAMES)
def test_a_goals_moment_is_the_clock_run_down_and_the_running_score_counts_each_goal(goals, game):
    rows = of_game(goals, game)
    regulation = rows.filter(~pl.col("overtime"))
    start = (regulation["game_seconds"] + regulation["clock"]).unique().to_list()
    assert start == [300], "a standard game's clock starts at five minutes"
    assert rows["game_seconds"].is_sorted() and rows["game_seconds"].min() >= 0
    assert rows["overtime_seconds"].is_null().all() == (~rows["overtime"]).all()
    blue = (rows["team"] == 0).cum_sum()
    assert rows["score_team_0"].to_list() == blue.to_list()
    assert rows["score_team_1"].to_list() == (pl.Series(range(1, rows.height + 1)) - blue).to_list()
    assert (rows["assister_id"] != rows["scorer_id"]).fill_null(True).all()


OVERTIME = {FIXTURES / "replays" / "b2a19.replay": 65, REPLAYS / "5_GOALS_6_KICKOFFS.replay": 2}
"""Real games won in overtime, with the overtime's seconds the game's clock (counting them up) showed at the goal."""


def test_an_overtime_goal_is_the_last_from_a_tied_score_its_moment_the_overtimes_clock(tmp_path, replay_frames):
    for path in OVERTIME:
        shutil.copy(path, tmp_path)
    landing = read_day(tmp_path)
    matches = daily.matches(daily.etl_tables(landing.matches, DAY)["matches"])
    table = playback.replay_goals(landing.goals_frame().with_columns(date=pl.lit(DAY)), matches)
    for path, seconds in OVERTIME.items():
        rows = table.filter(pl.col("match_id") == read_header_alone(path).match_id).sort("goal")
        assert rows["overtime"].to_list() == [False] * (rows.height - 1) + [True], path.name
        before = rows.row(rows.height - 2, named=True)
        assert before["score_team_0"] == before["score_team_1"], "overtime starts from a tied score"
        last = rows.row(rows.height - 1, named=True)
        assert (last["overtime_seconds"], last["game_seconds"]) == (seconds, 300 + seconds)
        assert abs(last["score_team_0"] - last["score_team_1"]) == 1
