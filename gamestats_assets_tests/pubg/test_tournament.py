"""Tournament context rules (mixed divisions, remakes, unscheduled matches, overrides) and leaderboards."""

import datetime as dt

import polars as pl
import pytest

from gamestats_assets.defs.pubg.transforms import leaderboards, tournament
from gamestats_assets.generator.emitters.pubg import MatchPlan, build_tournament


def lobby_frames(plans, discovered_by="tournament"):
    """Match-object frames of lobbies as the parser returns them, placements in team order, 1 kill and 1 knock
    each."""
    matches, participants, rosters = [], [], []
    for plan in plans:
        matches.append({"match_id": plan.match_id, "created_at": plan.created_at, "map_name": plan.map_name,
                        "match_type": "custom" if plan.custom else "official", "is_custom_match": plan.custom,
                        "discovered_by": discovered_by})
        for rank, team in enumerate(plan.teams, start=1):
            rosters.append({"match_id": plan.match_id, "roster_id": f"r{rank}", "team_id": rank, "rank": rank})
            for player in team.players:
                participants.append({"match_id": plan.match_id, "account_id": player.account_id,
                                     "roster_id": f"r{rank}", "kills": 1, "dbnos": 1, "name": player.name})
    return pl.DataFrame(matches), pl.DataFrame(participants), pl.DataFrame(rosters)


@pytest.fixture(scope="module")
def season():
    built = build_tournament(11, dt.date(2026, 3, 2), rounds=2, matches_per_round=2)
    definition = built.definition()
    return built, definition, tournament.roster_frame(definition), tournament.rounds_frame(definition), \
        tournament.schedule_frame(definition)


NO_OVERRIDES = pl.DataFrame(schema=tournament.OVERRIDE_SCHEMA)


def organiser_overrides(built):
    """The season's planted corrections as rows of `pubg.tournament_match_overrides`."""
    return pl.DataFrame([{c: o.get(c) for c in tournament.OVERRIDE_SCHEMA} for o in built.overrides],
                        schema=tournament.OVERRIDE_SCHEMA)


def context_of(season, plans, overrides=NO_OVERRIDES, discovered_by="tournament"):
    _, _, players, rounds, schedule = season
    matches, participants, rosters = lobby_frames(plans, discovered_by)
    return tournament.match_context(matches, participants, rosters, players, rounds, schedule, overrides)


def test_each_lobby_gets_its_expected_context(season):
    built = season[0]
    context = context_of(season, built.plans, organiser_overrides(built))
    assert context.height == len(built.plans)
    for row in context.iter_rows(named=True):
        expected = built.expected_context[row["match_id"]]
        assert row["status"] == expected["status"], (row, expected)
        for column in ("slot_id", "division_id", "round_id", "overridden"):
            if column in expected:
                assert row[column] == expected[column]
    [late] = built.overrides
    automatic = context_of(season, [p for p in built.plans if p.match_id == late["match_id"]]).row(0, named=True)
    assert (automatic["status"], automatic["slot_id"], automatic["is_tournament_match"]) == ("unscheduled", None, True)
    assert set(context["status"]) == {"confirmed", "remake_candidate", "mixed_division"}
    assert context.filter(pl.col("status") == "mixed_division")["division_id"].to_list() == [None]


def test_only_a_tournament_discovered_match_gets_a_context_each_on_its_own(season):
    built = season[0]
    for found_by in ("landing", "api"):
        assert context_of(season, built.plans, discovered_by=found_by).height == 0
    together = context_of(season, built.plans)
    alone = pl.concat([context_of(season, [plan]) for plan in built.plans]).sort("match_id")
    assert alone.equals(together)


def test_a_slot_played_again_counts_its_remake_only_and_an_override_can_settle_it_otherwise(season):
    built, _, players, rounds, schedule = season
    scheduled = next(plan for plan in built.plans if plan.kind == "scheduled")
    restarted = MatchPlan("restarted", scheduled.created_at + dt.timedelta(minutes=10), scheduled.map_name,
                          scheduled.teams, custom=True)
    context = context_of(season, [scheduled, restarted])
    assert context["status"].to_list() == ["confirmed", "confirmed"]
    matches, participants, rosters = lobby_frames([scheduled, restarted])
    outcomes = tournament.match_outcomes(context, matches).sort("attempt")
    assert outcomes.select("match_id", "status", "scored", "attempt", "is_remake", "original_match_id").rows() == [
        (scheduled.match_id, "remade", False, 1, False, None),
        ("restarted", "confirmed", True, 2, True, scheduled.match_id)]
    results = leaderboards.team_match_results(outcomes, matches, participants, rosters, players)
    assert set(results["match_id"]) == {"restarted"} and tournament.slots_scored_twice(results).height == 0
    slot = tournament.scheduled_matches(schedule, outcomes, rounds).filter(pl.col("match_id").is_not_null())
    assert slot.select("match_id", "status", "attempts", "is_remake", "original_match_id").rows() == [
        ("restarted", "remade", 2, True, scheduled.match_id)]

    aborted = pl.DataFrame([{"match_id": "restarted", "status": "remake_candidate",
                             "is_tournament_match": False, "reason": "a test lobby"}])
    settled = tournament.match_outcomes(context_of(season, [scheduled, restarted], aborted), matches)
    assert settled.filter(pl.col("scored"))["match_id"].to_list() == [scheduled.match_id]
    assert settled.filter(pl.col("match_id") == "restarted")["status"].to_list() == ["remake_candidate"]


def test_a_match_off_schedule_is_unscheduled_and_an_override_wins(season):
    built = season[0]
    scheduled = next(plan for plan in built.plans if plan.kind == "scheduled")
    late = MatchPlan("late-1", scheduled.created_at + dt.timedelta(hours=2), scheduled.map_name, scheduled.teams,
                     custom=True)
    other_day = MatchPlan("other-day", scheduled.created_at + dt.timedelta(days=30), scheduled.map_name,
                          scheduled.teams, custom=True)
    context = context_of(season, [late, other_day])
    assert context["status"].to_list() == ["unscheduled", "unscheduled"]
    assert context.sort("match_id")["round_id"].to_list() == [built.rounds[0]["round_id"], None]

    slot = built.schedule[-1]["slot_id"]
    overrides = pl.DataFrame([{"match_id": "late-1", "slot_id": slot, "status": "confirmed", "reason": "delayed start"}])
    overridden = context_of(season, [late], overrides).row(0, named=True)
    assert (overridden["slot_id"], overridden["status"], overridden["overridden"]) == (slot, "confirmed", True)
    assert overridden["override_reason"] == "delayed start" and overridden["is_tournament_match"]


def test_leaderboards_and_standings(season):
    built, _, players, rounds, schedule = season
    context = context_of(season, built.plans, organiser_overrides(built))
    matches, participants, rosters = lobby_frames(built.plans)
    outcomes = tournament.match_outcomes(context, matches)
    results = leaderboards.team_match_results(outcomes, matches, participants, rosters, players)
    confirmed = context.filter(pl.col("status") == "confirmed").height
    assert results["match_id"].n_unique() == confirmed == 8
    first = results.filter(pl.col("placement") == 1).row(0, named=True)
    assert first["points"] == 10 + 4 and first["kill_points"] == 4

    board = leaderboards.leaderboard(results, ("team_name",))
    group = board.filter((pl.col("scope") == "group") & (pl.col("division_id") == "Pro"))
    assert group.height == 16 and group["rank"].min() == 1
    top = group.sort("rank").row(0, named=True)
    assert top["matches"] == 4 and top["wins"] == 4 and top["last_placements"] == "1,1,1,1"
    assert top["rank_change"] == 0
    assert set(board["scope"]) == {"season", "division", "group", "round"}
    assert set(group["rank_change_since"]) == {"round"}
    by_round = board.filter(pl.col("scope") == "round")
    assert set(by_round["rank_change_since"]) == {"match"} and by_round["rank_change"].null_count() == 0
    assert (group["placement_points"] + group["kill_points"] == group["points"]).all()

    first_round = results.filter(pl.col("round_id") == built.rounds[0]["round_id"], pl.col("division_id") == "Pro")
    first_match = first_round.sort("created_at")["match_id"][0]
    one_round = leaderboards.leaderboard(first_round, ("team_name",)).filter(pl.col("scope") == "division")
    after_one = leaderboards.leaderboard(first_round.filter(pl.col("match_id") == first_match), ("team_name",)).filter(
        pl.col("scope") == "division").select("team_name", pl.col("rank").alias("before"))
    changes = one_round.join(after_one, on="team_name")
    assert set(changes["rank_change_since"]) == {"match"} and changes.height == 16
    assert changes["rank_change"].to_list() == (changes["before"] - changes["rank"]).to_list()

    history = leaderboards.standings_history(results)
    assert history.filter(pl.col("division_id") == "Pro")["round_id"].n_unique() == 2
    assert history.filter(pl.col("round_id") == built.rounds[0]["round_id"])["rank_change"].null_count() > 0
    scheduled_table = tournament.scheduled_matches(schedule, outcomes, rounds)
    assert scheduled_table.height == schedule.height and scheduled_table["match_id"].null_count() == 0
