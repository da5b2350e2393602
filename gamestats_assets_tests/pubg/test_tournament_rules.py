"""The tournament rules on a real match object (fixtures/pubg/pubgkt_match_squad_response.json: an official
public squad match on Neon_Main, 2026-04-15 21:45:33 UTC, 100 participants in 28 rosters) and on lobbies
built from it: the tournament is made of its real rosters and accounts, and a case changes only what it
tests (the lobby type, the start, the teams present)."""

import datetime as dt

import polars as pl
import pytest

from gamestats_assets.defs.pubg.transforms import leaderboards, tournament
from gamestats_assets.sources.pubg.match import read_match
from gamestats_assets_tests.pubg.conftest import FIXTURES

REAL = read_match(FIXTURES / "pubgkt_match_squad_response.json")
STARTED = dt.datetime(2026, 4, 15, 21, 45, 33, tzinfo=dt.UTC)
NO_OVERRIDES = pl.DataFrame(schema=tournament.OVERRIDE_SCHEMA)


def real_teams(count: int = 16) -> list[pl.DataFrame]:
    """The human participants of the real match's best `count` rosters with a human (by final rank; the
    15th is its AI bot alone), one frame each."""
    humans = REAL.participants.filter(~pl.col("account_id").str.starts_with("ai."))
    teams = [humans.filter(pl.col("roster_id") == roster) for roster in REAL.rosters.sort("rank")["roster_id"]]
    return [team for team in teams if team.height][:count]


def definition(teams: int = 16, season: dict | None = None, rounds: list | None = None,
               schedule: list | None = None) -> dict:
    """An organiser's file whose teams are the real match's first `teams` rosters (division Pro, group A),
    one round on the match's day and one slot at its start on its map."""
    return {
        "season": {"season_id": "S1", **(season or {})},
        "teams": [{"team_name": f"T{n:02d}", "division_id": "Pro", "group_id": "A",
                   "players": [{"account_id": a, "name": p} for a, p in team.select("account_id", "name").rows()]}
                  for n, team in enumerate(real_teams(teams), start=1)],
        "rounds": rounds or [{"round_id": "R1", "name": "Round 1", "date": "2026-04-15"}],
        "schedule": schedule or [{"slot_id": "R1-1", "round_id": "R1", "division_id": "Pro", "group_id": "A",
                                  "match_number": 1, "scheduled_at": "2026-04-15T21:45:00+00:00",
                                  "map_name": "Neon_Main"}],
    }


def lobby(match_id: str, started: dt.datetime = STARTED, custom: bool = True,
          keep_teams: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The real match as lobby `match_id`: started at `started`, a custom lobby or (`custom` false) the
    official public match it is, with only the first `keep_teams` rosters when given."""
    match = REAL.match.with_columns(
        pl.lit(match_id).alias("match_id"), pl.lit(started).dt.cast_time_unit("us").alias("created_at"),
        pl.lit("custom" if custom else "official").alias("match_type"), pl.lit(custom).alias("is_custom_match"),
        pl.lit(tournament.TOURNAMENT_DISCOVERY).alias("discovered_by"))
    participants, rosters = REAL.participants, REAL.rosters
    if keep_teams is not None:
        kept = pl.Series([team["roster_id"][0] for team in real_teams(keep_teams)])
        participants = participants.filter(pl.col("roster_id").is_in(kept.implode()))
        rosters = rosters.filter(pl.col("roster_id").is_in(kept.implode()))
    return (match, participants.with_columns(pl.lit(match_id).alias("match_id")),
            rosters.with_columns(pl.lit(match_id).alias("match_id")))


def frames(*lobbies):
    return tuple(pl.concat([lob[i] for lob in lobbies]) for i in range(3))


def place(organiser: dict, *lobbies, overrides: pl.DataFrame = NO_OVERRIDES) -> pl.DataFrame:
    matches, participants, rosters = frames(*lobbies)
    return tournament.match_context(matches, participants, rosters, tournament.roster_frame(organiser),
                                    tournament.rounds_frame(organiser), tournament.schedule_frame(organiser),
                                    overrides)


def standings_rows(organiser: dict, *lobbies, overrides: pl.DataFrame = NO_OVERRIDES):
    """(context, outcomes, team results) of `lobbies`."""
    matches, participants, rosters = frames(*lobbies)
    context = place(organiser, *lobbies, overrides=overrides)
    outcomes = tournament.match_outcomes(context, matches)
    results = leaderboards.team_match_results(outcomes, matches, participants, rosters,
                                              tournament.roster_frame(organiser))
    return context, outcomes, results


def test_the_real_match_is_an_official_public_lobby_with_one_ai_bot():
    assert REAL.match.select("match_type", "is_custom_match").row(0) == ("official", False)
    assert (REAL.participants.height, REAL.rosters.height) == (100, 28)
    assert REAL.participants.filter(pl.col("account_id").str.starts_with("ai.")).height == 1


def test_a_public_lobby_found_through_tournament_players_is_recorded_and_never_scored():
    """The issue's case: a public match with many rosters and two tournament players of one team; then the
    whole tournament in it at its slot's time, and an organiser's override: still never scored."""
    two_players = definition(teams=1)
    two_players["teams"][0]["players"] = two_players["teams"][0]["players"][:2]
    context, outcomes, results = standings_rows(two_players, lobby("public", custom=False))
    row = context.row(0, named=True)
    assert (row["status"], row["is_tournament_match"], row["slot_id"]) == ("public_lobby", False, None)
    assert (row["teams"], row["team_count"], row["tournament_players"], row["unmatched_player_count"]) == (28, 1, 2, 98)
    assert (row["match_type"], row["is_custom_match"]) == ("official", False)
    assert "matchType official" in row["reason"] and "never scored" in row["reason"]
    assert outcomes["scored"].to_list() == [False] and results.height == 0

    forced = pl.DataFrame([{"match_id": "public", "status": "confirmed", "slot_id": "R1-1",
                            "is_tournament_match": True, "reason": "organiser says it counts"}])
    context, outcomes, results = standings_rows(definition(), lobby("public", custom=False), overrides=forced)
    row = context.row(0, named=True)
    assert (row["status"], row["is_tournament_match"], row["overridden"], row["team_count"]) == (
        "public_lobby", False, False, 16)
    assert "organiser says it counts" in row["reason"] and "not applied" in row["reason"]
    assert results.height == 0 and not outcomes["scored"].any()


def test_team_count_is_the_tournament_teams_in_the_lobby_not_its_rosters():
    few = definition(teams=2)
    row = place(few, lobby("custom-two-teams")).row(0, named=True)
    assert (row["teams"], row["team_count"], row["status"], row["is_tournament_match"]) == (
        28, 2, "remake_candidate", False)
    assert row["reason"] == "2 tournament teams in the lobby, fewer than 8"

    full = place(definition(), lobby("custom-full")).row(0, named=True)
    players = sum(team.height for team in real_teams(16))
    assert (full["teams"], full["team_count"], full["tournament_players"]) == (28, 16, players)
    assert full["unmatched_player_count"] == 100 - players
    assert (full["status"], full["slot_id"], full["is_tournament_match"]) == ("confirmed", "R1-1", True)


def test_the_real_custom_lobby_scores_its_real_placements_and_kills():
    _, outcomes, results = standings_rows(definition(), lobby("custom-full"))
    assert outcomes.select("status", "scored", "is_remake").row(0) == ("confirmed", True, False)
    ranks = REAL.rosters.filter(pl.col("roster_id").is_in([team["roster_id"][0] for team in real_teams(16)]))["rank"]
    assert results.height == 16 and sorted(results["placement"].to_list()) == sorted(ranks.to_list())
    winner = results.filter(pl.col("placement") == 1).row(0, named=True)
    kills = real_teams(1)[0]["kills"].sum()
    assert (winner["team_name"], winner["kills"], winner["points"]) == ("T01", kills, 10 + kills)


ROUNDS = [{"round_id": "R1", "name": "Evening 1", "date": "2026-04-15"},
          {"round_id": "R2", "name": "Evening 2", "date": "2026-04-16"}]


def round_of(season: dict, started: dt.datetime, rounds: list = ROUNDS) -> str | None:
    return place(definition(season=season, rounds=rounds), lobby("m", started)).row(0, named=True)["round_id"]


@pytest.mark.parametrize(("season", "before", "after"), [
    ({"time_zone": "America/New_York"}, dt.datetime(2026, 4, 16, 3, 59, 59, tzinfo=dt.UTC),
     dt.datetime(2026, 4, 16, 4, 0, tzinfo=dt.UTC)),
    ({"day_starts_at": "06:00"}, dt.datetime(2026, 4, 16, 5, 59, 59, tzinfo=dt.UTC),
     dt.datetime(2026, 4, 16, 6, 0, tzinfo=dt.UTC)),
])
def test_a_match_at_00_20_utc_is_in_the_previous_evenings_round(season, before, after):
    """A round is a day of the tournament's time zone (or from its day start), not a UTC calendar date: both
    sides of the boundary."""
    after_midnight = dt.datetime(2026, 4, 16, 0, 20, tzinfo=dt.UTC)
    assert round_of(season, after_midnight) == "R1"
    assert round_of(season, before) == "R1" and round_of(season, after) == "R2"
    assert round_of({}, after_midnight) == "R2", "by default a round is a UTC day"


def test_a_round_with_its_own_instants_holds_its_slot_after_midnight():
    rounds = [{"round_id": "R1", "name": "Evening 1", "starts_at": "2026-04-15T18:00:00Z",
               "ends_at": "2026-04-16T01:00:00Z"}]
    slot = [{"slot_id": "R1-6", "round_id": "R1", "division_id": "Pro", "group_id": "A", "match_number": 6,
             "scheduled_at": "2026-04-16T00:15:00Z", "map_name": "Neon_Main"}]
    organiser = definition(rounds=rounds, schedule=slot)
    late = place(organiser, lobby("late", dt.datetime(2026, 4, 16, 0, 20, tzinfo=dt.UTC))).row(0, named=True)
    assert (late["round_id"], late["slot_id"], late["status"], late["is_tournament_match"]) == (
        "R1", "R1-6", "confirmed", True)
    outside = place(organiser, lobby("outside", dt.datetime(2026, 4, 16, 1, 0, tzinfo=dt.UTC))).row(0, named=True)
    assert (outside["round_id"], outside["status"], outside["is_tournament_match"]) == (None, "unscheduled", False)
    assert outside["reason"] == "starts in no round's window"
    assert tournament.rounds_frame(organiser).select("date", "starts_at", "ends_at").row(0) == (
        dt.date(2026, 4, 15), dt.datetime(2026, 4, 15, 18, tzinfo=dt.UTC), dt.datetime(2026, 4, 16, 1, tzinfo=dt.UTC))


def test_a_round_without_a_window_is_refused_with_its_name():
    with pytest.raises(ValueError, match="round 'R9'"):
        tournament.rounds_frame(definition(rounds=[{"round_id": "R9", "name": "no date"}]))


def test_a_remake_replaces_the_slot_and_only_its_result_counts():
    """The real lobby at its slot, played again ten minutes later (a remake), then a third lobby of 5 teams
    (a remake that did not fill): the remake counts, linked to the original; the others do not."""
    original = lobby("original")
    remake = lobby("remake", STARTED + dt.timedelta(minutes=10))
    failed = lobby("failed", STARTED + dt.timedelta(minutes=20), keep_teams=5)
    context, outcomes, results = standings_rows(definition(), original, remake, failed)
    assert context.select("match_id", "status", "slot_id").sort("match_id").rows() == [
        ("failed", "remake_candidate", "R1-1"), ("original", "confirmed", "R1-1"), ("remake", "confirmed", "R1-1")]
    by_attempt = outcomes.sort("attempt").select("match_id", "attempt", "status", "scored", "is_remake",
                                                 "original_match_id")
    assert by_attempt.rows() == [("original", 1, "remade", False, False, None),
                                 ("remake", 2, "confirmed", True, True, "original"),
                                 ("failed", 3, "remake_failed", False, False, None)]
    assert "match remake counts for it" in outcomes.filter(pl.col("match_id") == "original")["reason"][0]
    assert set(results["match_id"]) == {"remake"} and results.height == 16

    organiser = definition()
    slots = tournament.scheduled_matches(tournament.schedule_frame(organiser), outcomes,
                                         tournament.rounds_frame(organiser))
    assert slots.select("slot_id", "match_id", "status", "attempts", "is_remake", "original_match_id").rows() == [
        ("R1-1", "remake", "remade", 3, True, "original")]


def test_a_slot_with_only_a_lobby_that_did_not_fill_waits_for_its_remake_until_its_round_ends():
    organiser = definition()
    _, outcomes, results = standings_rows(organiser, lobby("aborted", keep_teams=5))
    assert results.height == 0 and outcomes["status"].to_list() == ["remake_candidate"]
    schedule, rounds = tournament.schedule_frame(organiser), tournament.rounds_frame(organiser)
    during = tournament.scheduled_matches(schedule, outcomes, rounds, now=STARTED + dt.timedelta(hours=1))
    after = tournament.scheduled_matches(schedule, outcomes, rounds, now=dt.datetime(2026, 4, 16, 0, 0, tzinfo=dt.UTC))
    assert during.select("status", "attempts", "match_id").row(0) == ("remake_pending", 1, None)
    assert after.select("status", "attempts", "match_id").row(0) == ("remake_failed", 1, None)


def test_players_on_two_seasons_teams_are_placed_in_the_season_whose_round_holds_the_match():
    first = definition()
    second = definition(season={"season_id": "S2"}, rounds=[{"round_id": "S2-R1", "name": "Round 1",
                                                             "date": "2026-05-20"}],
                        schedule=[{"slot_id": "S2-R1-1", "round_id": "S2-R1", "division_id": "Pro", "group_id": "A",
                                   "match_number": 1, "scheduled_at": "2026-05-20T21:45:00+00:00",
                                   "map_name": "Neon_Main"}])
    frames_of = [(tournament.roster_frame(d), tournament.rounds_frame(d), tournament.schedule_frame(d))
                 for d in (first, second)]
    players, rounds, schedule = (pl.concat(parts) for parts in zip(*frames_of, strict=True))
    for started, season, slot in ((STARTED, "S1", "R1-1"), (dt.datetime(2026, 5, 20, 21, 47, tzinfo=dt.UTC), "S2", "S2-R1-1")):
        matches, participants, rosters = lobby("m", started)
        row = tournament.match_context(matches, participants, rosters, players, rounds, schedule,
                                       NO_OVERRIDES).row(0, named=True)
        assert (row["season_id"], row["slot_id"], row["status"], row["team_count"]) == (season, slot, "confirmed", 16)
