"""The synthetic emitter writes full-size matches in the real formats that the parsers read."""

import collections
import datetime as dt

import polars as pl

from gamestats_assets.generator.emitters.pubg import LATE_START, build_tournament, emit_match, public_match_plan
from gamestats_assets.sources.pubg.match import read_match
from gamestats_assets.sources.pubg.telemetry import read_telemetry


def test_full_size_public_match_parses_and_agrees_with_itself(public_match):
    emitted, match_path, telemetry_path = public_match
    match, telemetry = read_match(match_path), read_telemetry(telemetry_path)
    by_type = collections.Counter(event["_T"] for event in emitted.events)

    assert match.match_id == telemetry.match_id == "9c1b1c00-0000-4000-8000-000000000001"
    assert match.participants.height == 100 and match.rosters.height == 25
    assert 35_000 <= len(emitted.events) <= 45_000
    assert dict(zip(telemetry.event_counts["event_type"], telemetry.event_counts["events"])) == dict(by_type)
    for event_type in ("LogPlayerPosition", "LogPlayerTakeDamage", "LogPlayerMakeGroggy", "LogPlayerKillV2",
                       "LogHeal", "LogItemUse", "LogPlayerUseThrowable", "LogGameStatePeriodic",
                       "LogParachuteLanding"):
        assert by_type[event_type] > 0, event_type
    assert telemetry["kills"].height == match.participants.filter(pl.col("death_type") != "alive").height >= 96
    assert sorted(match.rosters["rank"].to_list()) == list(range(1, 26))

    kills = telemetry["kills"].group_by("killer_account_id").agg(pl.len().alias("telemetry_kills"))
    joined = match.participants.join(kills, left_on="account_id", right_on="killer_account_id", how="left")
    assert (joined["kills"] == joined["telemetry_kills"].fill_null(0)).all()
    damage = (
        telemetry["damage"].filter(pl.col("attacker_team_id") != pl.col("victim_team_id"))
        .group_by("attacker_account_id").agg(pl.col("damage").sum().alias("telemetry_damage"))
    )
    joined = match.participants.join(damage, left_on="account_id", right_on="attacker_account_id", how="left")
    assert ((joined["damage_dealt"] - joined["telemetry_damage"].fill_null(0)).abs() < 0.01).all()


def test_assists_and_headshot_kills_agree_with_the_kills_of_the_telemetry(public_match):
    """A participant's `headshotKills` are their kills whose killing shot was to the head, and their `assists` the
    kills of a teammate of a player they had damaged (the knocker's, when a teammate finished): as in the real API,
    where both are mostly not zero."""
    emitted, match_path, _ = public_match
    match = read_match(match_path)
    kills = [event for event in emitted.events if event["_T"] == "LogPlayerKillV2"]
    headshots = collections.Counter(event["killer"]["accountId"] for event in kills
                                    if event["killer"] and event["finishDamageInfo"]["damageReason"] == "HeadShot")
    assists = collections.Counter(assistant for event in kills for assistant in event["assists_AccountId"])
    stated = {row["account_id"]: (row["headshot_kills"], row["assists"]) for row in match.participants.iter_rows(named=True)}
    assert stated == {account: (headshots[account], assists[account]) for account in stated}
    total_kills = match.participants["kills"].sum()
    assert 0.05 < sum(headshots.values()) / total_kills < 0.5, "a plausible share of headshot kills"
    assert sum(assists.values()) > 0


def test_emission_is_deterministic_per_match_id():
    plan = public_match_plan("m-same", dt.datetime(2026, 1, 5, 18, tzinfo=dt.UTC), 3, teams=4, event_range=(0, 0))
    first, second = emit_match(plan, 3), emit_match(plan, 3)
    assert first.match_document == second.match_document
    assert first.events == second.events
    other = emit_match(public_match_plan("m-other", dt.datetime(2026, 1, 5, 18, tzinfo=dt.UTC), 3, teams=4,
                                         event_range=(0, 0)), 3)
    assert other.match_document["data"]["id"] != first.match_document["data"]["id"]


def test_tournament_has_its_structure_and_special_lobbies():
    tournament = build_tournament(5, dt.date(2026, 2, 1))
    definition = tournament.definition()
    assert [d["division_id"] for d in definition["divisions"]] == ["Pro", "Challenger"]
    assert len(definition["teams"]) == 32 and all(len(t["players"]) == 4 for t in definition["teams"])
    assert len(definition["rounds"]) == 2 and len(definition["schedule"]) == 2 * 2 * 6
    kinds = collections.Counter(plan.kind for plan in tournament.plans)
    assert kinds == {"scheduled": 24, "remake": 1, "warmup": 1, "mixed": 1}
    scheduled = next(plan for plan in tournament.plans if plan.kind == "scheduled")
    assert len(scheduled.teams) == 16 and scheduled.kill_format == "LogPlayerKill"
    mixed = next(plan for plan in tournament.plans if plan.kind == "mixed")
    assert {team.division for team in mixed.teams} == {"Pro", "Challenger"}
    assert len(next(plan for plan in tournament.plans if plan.kind == "remake").teams) < 8
    assert len(next(plan for plan in tournament.plans if plan.kind == "warmup").teams) < 8
    [late] = tournament.overrides
    slot = next(slot for slot in definition["schedule"] if slot["slot_id"] == late["slot_id"])
    played = next(plan for plan in tournament.plans if plan.match_id == late["match_id"]).created_at
    assert played - dt.datetime.fromisoformat(slot["scheduled_at"]) == LATE_START > dt.timedelta(minutes=30)
    assert tournament.expected_context[late["match_id"]]["overridden"]
