"""AI bots (account ids `ai.<n>`) are counted per match and left out of player statistics and leaderboards:
on the real squad match of fixtures/pubg (one bot, `ai.349`, among its 100 participants) and the real
late-game telemetry excerpt with one of its players played by a bot."""

import json

import polars as pl

from gamestats_assets.defs.pubg.transforms import combat, extractors, leaderboards, quality, summaries
from gamestats_assets.defs.pubg.transforms.career import career_stats
from gamestats_assets.defs.pubg.transforms.summaries import NO_TELEMETRY
from gamestats_assets.sources.pubg.match import read_match
from gamestats_assets.sources.pubg.telemetry import parse_events
from gamestats_assets_tests.pubg.conftest import FIXTURES

SQUAD = read_match(FIXTURES / "pubgkt_match_squad_response.json")
OLDER = read_match(FIXTURES / "pubg-python_match_response.json")
BOT = "ai.349"


def test_each_match_counts_its_ai_bots():
    assert SQUAD.match.select("participants", "ai_participants").row(0) == (100, 1)
    assert OLDER.match.select("participants", "ai_participants").row(0) == (91, 0)


def test_match_summaries_and_career_stats_leave_bots_out():
    empty = pl.DataFrame(schema={"match_id": pl.String, "account_id": pl.String})
    rows = summaries.match_summaries(SQUAD.participants, SQUAD.rosters, empty, empty, empty, NO_TELEMETRY, SQUAD.match)
    assert rows.height == 99 and BOT not in rows["account_id"].to_list()
    career = career_stats(rows)
    assert career.filter(pl.col("match_type") == "all").height == 99 and BOT not in career["account_id"].to_list()


def test_player_leaderboards_leave_bots_out_even_on_a_team():
    """An organiser's roster that lists the bot's account (a stand-in filled by a bot) still ranks players only."""
    bot_roster = SQUAD.participants.filter(pl.col("account_id") == BOT)["roster_id"][0]
    team = SQUAD.participants.filter(pl.col("roster_id") == bot_roster)
    players = team.select(pl.lit("S1").alias("season_id"), pl.lit("Pro").alias("division_id"),
                          pl.lit("A").alias("group_id"), pl.lit("Bots").alias("team_name"), "account_id",
                          pl.col("name").alias("player_name"))
    empty = pl.DataFrame(schema={"match_id": pl.String, "account_id": pl.String})
    rows = summaries.match_summaries(SQUAD.participants, SQUAD.rosters, empty, empty, empty, NO_TELEMETRY, SQUAD.match)
    team_results = pl.DataFrame([{"match_id": SQUAD.match_id, "created_at": None, "season_id": "S1",
                                  "division_id": "Pro", "group_id": "A", "round_id": "R1", "slot_id": None,
                                  "team_name": "Bots", "team_id": 1, "placement": 1, "kills": 0, "knocks": 0,
                                  "placement_points": 10,
                                  "kill_points": 0, "points": 10}])
    results = leaderboards.player_match_results(team_results, rows, SQUAD.participants, players)
    assert results.height == team.height - 1 == 0


def test_a_bots_damage_is_in_no_players_weapon_distribution_and_totals_still_agree():
    """The real late-game events, with the player who fires and hits played by a bot."""
    text = (FIXTURES / "part2_lategame_offset18600000.jsonl").read_text()
    shooter = "account.05a865a404564c11a6e8a1715261865b"
    events = [json.loads(line) for line in text.replace(shooter, BOT).splitlines()]
    telemetry = parse_events(events, "m")
    assert telemetry["damage"].filter(pl.col("attacker_account_id") == BOT).height > 0
    distribution = combat.weapon_distribution(telemetry["damage"], telemetry["kills"], telemetry["knocks"])
    assert BOT not in distribution["account_id"].to_list()
    participants = pl.DataFrame({"match_id": ["m"], "account_id": [BOT], "team_id": [18]})
    advanced = extractors.advanced_stats(telemetry["kills"], telemetry["knocks"], telemetry["damage"], participants)
    assert advanced.filter(pl.col("account_id") == BOT)["damage_dealt"][0] > 0
    assert quality.distribution_totals(distribution, advanced)["players_off"] == 0
