"""ballchasing replay JSON and carball analysis JSON: parsed values compared with the files."""

import json

import polars as pl
import pytest

from gamestats_assets.sources.ballchasing.carball import CarballFormatError, parse_carball_json
from gamestats_assets.sources.ballchasing.records import FEATURES, stats_frame
from gamestats_assets.sources.ballchasing.replay_json import BallchasingFormatError, parse_replay_json
from gamestats_assets_tests.rocket.conftest import BALLCHASING, CARBALL


def load(name: str) -> dict:
    return json.loads((BALLCHASING / name).read_text())


def test_full_replay_players_and_stats_equal_the_file():
    document = load("replay.json")
    match = parse_replay_json(document)
    assert (match.match_id, match.ballchasing_id) == ("7e4fa0f411efb8396a55928e86b9bea2", document["id"])
    assert (match.playlist, match.duration, match.overtime, match.team_size) == ("unranked-standard", 325.0, False, 3)
    assert (match.score_team_0, match.score_team_1) == (0, 2)
    for team, side in ((0, "blue"), (1, "orange")):
        for raw, parsed in zip(document[side]["players"], [p for p in match.players if p.team == team], strict=True):
            core = raw["stats"]["core"]
            assert (parsed.goals, parsed.saves, parsed.shots, parsed.score) == (
                core["goals"], core["saves"], core["shots"], core["score"])
            assert parsed.name == ("" if set(raw["name"]) == {"*"} else raw["name"])
    stats = stats_frame([match])
    ocelot = document["orange"]["players"][2]
    assert ocelot["name"] == "ocelot2342"
    mine = dict(stats.filter(pl.col("player_id") == ocelot["id"]["id"]).select("stat_type", "value").iter_rows())
    positioning = ocelot["stats"]["positioning"]
    assert mine["avg_distance_to_ball"] == positioning["avg_distance_to_ball"]
    on_pitch = sum(positioning[f"time_{t}_third"] for t in ("defensive", "neutral", "offensive"))
    assert mine["time_defensive_third_share"] == pytest.approx(positioning["time_defensive_third"] / on_pitch)
    assert mine["demo_inflicted"] == ocelot["stats"]["demo"]["inflicted"]
    assert mine["boost_bcpm"] == ocelot["stats"]["boost"]["bcpm"]


def test_every_feature_is_a_row_and_missing_ones_say_why():
    stats = stats_frame([parse_replay_json(load("replay.json"))])
    per_player = stats.group_by("player_id").agg(pl.col("stat_type"))
    expected = {stat for group in FEATURES.values() for stat in group}
    assert all(expected <= set(types) for types in per_player["stat_type"])
    nulls = stats.filter(pl.col("value").is_null())
    assert nulls["null_reason"].is_not_null().all()
    assert set(nulls["stat_type"]) >= {"position_variance", "aerial_rate", "challenge_win_rate"}


def test_the_share_at_zero_boost_is_of_the_live_time_and_unknown_without_it():
    """`time_zero_boost_share` is ballchasing's `percent_zero_boost` (of the game's live time, not of the time
    on the pitch); a document without that percentage gives the share null with the reason, but for a player
    never at zero."""
    document = load("replay.json")
    players = document["blue"]["players"] + document["orange"]["players"]
    at_zero = next(raw for raw in players if raw["stats"]["boost"]["time_zero_boost"] > 0)
    never = at_zero | {"stats": at_zero["stats"] | {"boost": at_zero["stats"]["boost"] | {"time_zero_boost": 0}}}

    def share(raw: dict, **boost) -> tuple:
        player = raw | {"stats": raw["stats"] | {"boost": {**raw["stats"]["boost"], **boost}}}
        match = parse_replay_json(document | {"blue": {"players": [player]}, "orange": {"players": []}})
        row = stats_frame([match]).filter(pl.col("stat_type") == "time_zero_boost_share").row(0, named=True)
        return row["value"], row["null_reason"]

    assert share(at_zero)[0] == pytest.approx(at_zero["stats"]["boost"]["percent_zero_boost"] / 100)
    assert share(at_zero, percent_zero_boost=None) == (None, "the source gave no share of the time at zero boost")
    assert share(never, percent_zero_boost=None) == (0.0, None)


def test_bot_missing_name_missing_duration_and_training_edge_cases():
    with_bot = parse_replay_json(load("replay-summary-w-bot.json"))
    bot = next(p for p in with_bot.players if p.name == "Caveman")
    assert (bot.is_bot, bot.player_id, bot.score) == (True, "bot:Caveman", 46)
    assert (with_bot.score_team_0, with_bot.score_team_1) == (3, 0)

    nameless = parse_replay_json(load("replay-summary-wo-player-name.json"))
    unnamed = next(p for p in nameless.players if p.player_id == "ac3025ba82e84d97b572164ea059f027")
    assert (unnamed.name, unnamed.rank_tier, unnamed.rank_division) == ("", 10, 3)
    assert len({p.player_id for p in nameless.players}) == len(nameless.players)

    assert parse_replay_json(load("replay-summary-wo-duration.json")).duration is None
    for name in ("replay-training.json", "replay-summary-training.json"):
        training = parse_replay_json(load(name))
        assert (training.playlist, training.players) == ("training", ())


def test_list_page_entries_parse_and_masked_players_stay_distinct():
    page = load("replay-list.json")
    matches = [parse_replay_json(entry) for entry in page["list"]]
    assert len(matches) == len(page["list"]) == 50
    assert {m.ballchasing_id for m in matches} == {e["id"] for e in page["list"]}
    for match in matches:
        ids = [p.player_id for p in match.players]
        assert len(ids) == len(set(ids))


def test_a_document_that_is_not_a_replay_is_refused():
    with pytest.raises(BallchasingFormatError, match="rocket_league_id"):
        parse_replay_json({"id": "x", "date": "2024-01-01T00:00:00Z"})
    with pytest.raises(CarballFormatError):
        parse_carball_json({"players": []})


def test_carball_analysis_equals_the_file():
    document = json.loads((CARBALL / "015827654AB94CC4973A30897DACCAB3game.json").read_text())
    match = parse_carball_json(document)
    assert (match.match_id, match.map_code, match.team_size) == ("015827654ab94cc4973a30897daccab3", "NeoTokyo_Standard_P", 3)
    assert (match.score_team_0, match.score_team_1) == (1, 0)
    by_name = {p.name: p for p in match.players}
    assert set(by_name) == {raw["name"] for raw in document["players"]}
    squishy = by_name["Squishy"]
    assert (squishy.team, squishy.goals, squishy.saves, squishy.shots) == (0, 2, 1, 4)
    stats = stats_frame([match])
    wonder = document["players"][0]
    mine = dict(stats.filter(pl.col("player_id") == wonder["id"]["id"]).select("stat_type", "value").iter_rows())
    hits = wonder["stats"]["hitCounts"]
    assert mine["aerial_rate"] == pytest.approx(hits["totalAerials"] / hits["totalHits"])
    assert mine["avg_distance_to_ball"] is None
