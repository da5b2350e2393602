"""Daily tables from landing files: one match per game across sources, players, long-form stats."""

import datetime as dt
import json
import shutil

import polars as pl
import pytest

from gamestats_assets.defs.rocket.transforms import daily
from gamestats_assets.defs.rocket.transforms.landing import read_day
from gamestats_assets.sources.ballchasing.measures import comparable
from gamestats_assets_tests.rocket.conftest import BALLCHASING, CARBALL, FIXTURES, REPLAYS

DAY = dt.date(2026, 1, 5)
SAVES_MATCH_ID = "aed9f119430be68d4b9d829d8cb0af8a"
PAIRED = FIXTURES / "paired"


def build(folder):
    landing = read_day(folder)
    etl = daily.etl_tables(landing.matches, DAY)
    best = daily.matches(etl["matches"])
    players = daily.match_players(etl["match_players"], best)
    return landing, etl, best, players, daily.player_stats(etl["match_stats"], players, best)


def test_a_replay_dropped_under_two_sources_is_one_match(tmp_path):
    shutil.copy(REPLAYS / "0_SAVES.replay", tmp_path / "0_SAVES.replay")
    document = json.loads((BALLCHASING / "replay.json").read_text())
    document["rocket_league_id"] = SAVES_MATCH_ID.upper()
    del document["match_guid"]
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "same_game.json").write_text(json.dumps(document))
    landing, etl, best, players, stats = build(tmp_path)
    assert etl["matches"].height == 2 and best.height == 1
    match = best.row(0, named=True)
    assert (match["match_id"], match["source"], match["sources"]) == (SAVES_MATCH_ID, "replay", "ballchasing,replay")
    assert match["ballchasing_id"] == document["id"]
    assert (match["score_team_0"], match["score_team_1"], match["result"]) == (0, 1, "orange")
    assert set(players["source"]) == {"replay"} and players.height == 2
    assert stats.filter(pl.col("match_id") != SAVES_MATCH_ID).height == 0


def test_every_source_in_one_day_with_an_unknown_file_rejected(tmp_path):
    shutil.copy(BALLCHASING / "replay.json", tmp_path)
    shutil.copy(BALLCHASING / "replay-list.json", tmp_path)
    shutil.copy(CARBALL / "015827654AB94CC4973A30897DACCAB3game.json", tmp_path)
    (tmp_path / "notes.txt").write_text("not a replay")
    (tmp_path / "broken.json").write_text("{")
    landing, etl, best, players, stats = build(tmp_path)
    assert {p.name for p, _ in landing.rejected} == {"notes.txt", "broken.json"}
    assert set(best["source"]) == {"ballchasing", "carball"}
    assert best["match_id"].is_unique().all() and best.height == 52
    binned = stats.filter(pl.col("value").is_finite()).join(best.select("match_id", "duration"), on="match_id")
    binned = binned.with_columns(compared=comparable(pl.col("stat_type"), pl.col("value"), pl.col("duration")))
    assert ((binned["value_bin"] - binned["compared"]).abs() <= 0.005 * binned["compared"].abs()).all(), \
        "a value's bin is the value as compared (a total per minute of the game) to 3 significant digits"
    assert binned.filter(pl.col("stat_type") == "goals", pl.col("value") > 0)["value_bin"].max() < 2
    assert stats.filter(pl.col("value").is_null())["value_bin"].is_null().all()
    assert stats.join(best, on="match_id", how="anti").height == 0
    rates = stats.filter(pl.col("stat_type") == "shot_accuracy", pl.col("value").is_not_null())
    assert (rates["ci_low"] <= rates["value"] + 1e-9).all() and (rates["value"] <= rates["ci_high"] + 1e-9).all()
    assert (rates["sample_size"] > 0).all()
    users = daily.users(players, best)
    assert users["player_id"].is_unique().all()
    ranked = users.filter(pl.col("rank_tier").is_not_null())
    assert ranked.height > 0 and set(ranked["rank_band"]) <= {"bronze", "silver", "gold", "platinum", "diamond",
                                                              "champion", "grand-champion", "supersonic-legend", "unranked"}


def test_a_file_whose_player_names_hold_a_nul_character_is_rejected_with_the_reason(tmp_path):
    document = json.loads((BALLCHASING / "replay.json").read_text())
    document["blue"]["players"][0]["name"] = "Squi\u0000shy"
    (tmp_path / "nul.json").write_text(json.dumps(document))
    (tmp_path / "training_sessions_1.jsonl").write_text(json.dumps({
        "session_id": "s1", "player_id": "p\u00001", "pack_code": "A", "started_at": "2026-01-05T10:00:00",
        "duration_seconds": 60, "attempts": 3, "successes": 1}) + "\n")
    shutil.copy(BALLCHASING / "replay.json", tmp_path / "good.json")
    landing = read_day(tmp_path)
    assert {p.name: "NUL character" in reason for p, reason in landing.rejected} == {
        "nul.json": True, "training_sessions_1.jsonl": True}
    assert len(landing.matches) == 1 and landing.sessions == []


def test_a_raw_replay_whose_header_names_a_player_with_a_nul_character_is_rejected_with_the_reason(tmp_path):
    replay = (REPLAYS / "0_SAVES.replay").read_bytes()
    name = replay.index(b"Destiphy")
    (tmp_path / "nul.replay").write_bytes(replay[:name + 4] + b"\x00" + replay[name + 5:])
    shutil.copy(REPLAYS / "0_SAVES.replay", tmp_path / "good.replay")
    landing = read_day(tmp_path)
    assert [(p.name, "NUL character" in reason) for p, reason in landing.rejected] == [("nul.replay", True)]
    assert [match.match_id for match in landing.matches] == [SAVES_MATCH_ID]


@pytest.mark.parametrize(("whole", "cut"), [("a.replay", "b.replay"), ("b.replay", "a.replay")])
def test_of_two_files_of_one_game_the_one_whose_stream_reads_is_kept(tmp_path, whole, cut):
    """A replay delivered twice, once cut short (its header whole, its stream not), in either order of names: the
    whole one is the day's match, with its frames, and the cut one is rejected as its duplicate."""
    replay = (REPLAYS / "0_SAVES.replay").read_bytes()
    (tmp_path / whole).write_bytes(replay)
    (tmp_path / cut).write_bytes(replay[:len(replay) * 3 // 5])
    landing = read_day(tmp_path)
    [match] = landing.matches
    assert match.match_id == SAVES_MATCH_ID and match.frames_null_reason is None
    [(rejected, reason)] = landing.rejected
    assert rejected.name == cut and reason.startswith(f"duplicate of {whole} (match {SAVES_MATCH_ID})")
    assert landing.positions_frame().select("player_id", "cell_x", "cell_y").is_duplicated().sum() == 0


def test_two_players_uploads_of_one_match_and_its_replay_are_one_match(tmp_path):
    """Each player's recording of an online match has its own replay `Id` (ballchasing's `rocket_league_id`)
    and the match's `MatchGUID`: the raw replay of a ranked doubles game, ballchasing's JSON of it, and a
    second upload made by an opponent (the same JSON under the opponent's recording's ids) are one match
    with one line per player and one value per stat."""
    stem = "recent-ranked-doubles-2026-03-10"
    shutil.copy(PAIRED / f"{stem}.replay", tmp_path / f"{stem}.replay")
    document = json.loads((PAIRED / f"{stem}.ballchasing.json").read_text())
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "first.json").write_text(json.dumps(document))
    second = {**document, "id": "00000000-0000-4000-8000-000000000002", "rocket_league_id": "0" * 31 + "2"}
    (tmp_path / "uploads" / "second.json").write_text(json.dumps(second))
    landing, etl, best, players, stats = build(tmp_path)
    assert len({m.match_id for m in landing.matches}) == 1 and len(landing.matches) == 3
    assert best.height == 1
    match = best.row(0, named=True)
    assert (match["match_id"], match["source"], match["sources"]) == (
        document["match_guid"].lower(), "replay", "ballchasing,replay")
    assert players.height == 4 and set(players["source"]) == {"replay"}
    assert stats.group_by("player_id", "stat_type").len()["len"].max() == 1
