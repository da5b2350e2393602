"""Per-match transforms on a synthetic full-size match (whose truth is known) and on the real samples."""

import polars as pl
import pytest

from gamestats_assets.defs.pubg.transforms import combat, extractors, quality, summaries
from gamestats_assets.defs.pubg.transforms.career import career_stats
from gamestats_assets.defs.pubg.transforms.summaries import NO_TELEMETRY
from gamestats_assets.sources.pubg.match import read_match
from gamestats_assets.sources.pubg.telemetry import read_telemetry
from gamestats_assets_tests.pubg.conftest import MATCH_FILES, TELEMETRY_FILES


@pytest.fixture(scope="module")
def parsed(public_match):
    emitted, match_path, telemetry_path = public_match
    return emitted, read_match(match_path), read_telemetry(telemetry_path)


def test_planted_killsteals_are_found(parsed):
    emitted, match, telemetry = parsed
    found = extractors.killsteals(telemetry["kills"], telemetry["knocks"], telemetry["damage"], match.participants)
    truth = {(k["killer_account_id"], k["victim_account_id"]) for k in emitted.planted_killsteals}
    flagged = set(zip(found["killer_account_id"], found["victim_account_id"]))
    assert truth, "the emitter planted no killsteal in this match"
    recall = len(truth & flagged) / len(truth)
    precision = len(truth & flagged) / len(flagged)
    print(f"killsteals planted {len(truth)}, flagged {len(flagged)}, precision {precision:.2f}, recall {recall:.2f}")
    assert recall == 1.0 and precision == 1.0


def test_advanced_stats_agree_with_the_match_object(parsed):
    _, match, telemetry = parsed
    stats = extractors.advanced_stats(telemetry["kills"], telemetry["knocks"], telemetry["damage"], match.participants)
    joined = match.participants.join(stats, on=["match_id", "account_id"])
    assert joined.height == 100
    assert (joined["kills"] == joined["telemetry_kills"]).all()
    assert ((joined["damage_dealt"] - joined["damage_dealt_right"]).abs() < 0.01).all()
    assert (joined["killsteals"] <= joined["telemetry_kills"]).all()
    assert joined["throwable_damage"].sum() > 0 and (joined["throwable_damage"] <= joined["damage_dealt_right"] + 1e-6).all()
    usage = extractors.item_usage(telemetry["item_uses"], telemetry["throwables"])
    with_usage = match.participants.join(usage, on=["match_id", "account_id"], how="left").fill_null(0)
    assert (with_usage["heals"] == with_usage["heals_used"]).all()
    assert (with_usage["boosts"] == with_usage["boosts_used"]).all()
    assert usage["smokes_thrown"].sum() > 0


def test_weapon_distribution_sums_to_player_totals(parsed):
    _, match, telemetry = parsed
    distribution = combat.weapon_distribution(telemetry["damage"], telemetry["kills"], telemetry["knocks"])
    stats = extractors.advanced_stats(telemetry["kills"], telemetry["knocks"], telemetry["damage"], match.participants)
    totals = distribution.group_by("match_id", "account_id").agg(pl.col("kills", "knocks", "damage_dealt").sum())
    joined = stats.join(totals, on=["match_id", "account_id"], how="left").fill_null(0)
    assert (joined["telemetry_kills"] == joined["kills"]).all()
    assert (joined["knocks"] == joined["knocks_right"]).all()
    assert ((joined["damage_dealt"] - joined["damage_dealt_right"]).abs() < 1e-6).all()
    assert set(distribution["weapon_category"]) >= {"AR", "Throwable"}


def test_knock_outcomes_and_fights(parsed):
    emitted, _, telemetry = parsed
    outcomes = combat.knock_outcomes(telemetry["knocks"], telemetry["kills"], telemetry["revives"])
    assert outcomes.height == telemetry["knocks"].height
    assert outcomes.filter(pl.col("outcome") == "revived").height == telemetry["revives"].height
    stolen = outcomes.filter(pl.col("finished_by_knocker_team") == False)  # noqa: E712
    assert stolen.height == len(emitted.planted_killsteals)
    assert (outcomes.filter(pl.col("outcome") == "finished")["time_to_finish_s"] > 0).all()
    summary = combat.knock_summaries(outcomes)
    assert summary["knocks"].sum() == outcomes.height

    found = combat.fights(telemetry["damage"], telemetry["knocks"], telemetry["kills"])
    assert found.height >= 20 and found["fight_id"].is_unique().all()
    assert (found["team_a"] < found["team_b"]).all()
    team_kills = telemetry["kills"].filter(pl.col("killer_team_id").is_not_null()
                                           & (pl.col("killer_team_id") != pl.col("victim_team_id")))
    assert (found["kills_by_a"] + found["kills_by_b"]).sum() <= team_kills.height
    assert (found["kills_by_a"] + found["kills_by_b"]).sum() >= 0.8 * team_kills.height

    joined = combat.engagements(found)
    assert joined["fights"].sum() == found.height and joined.height <= found.height
    assert (joined["third_party"] == (joined["teams"] >= 3)).all()


def test_a_third_team_joining_a_real_fight_makes_one_engagement_of_three():
    """The real late-game fight of the excerpt (two teams), a third team hitting the same victims ten seconds
    later, and the same fight two kilometres away at the same time."""
    damage = read_telemetry(TELEMETRY_FILES[-1])["damage"]
    real = damage.filter(pl.col("attacker_team_id") != pl.col("victim_team_id"))
    [(attacker_team, victim_team)] = real.select("attacker_team_id", "victim_team_id").unique().rows()
    joiner = real.with_columns(pl.lit(attacker_team + 100).cast(real["attacker_team_id"].dtype)
                               .alias("attacker_team_id"), pl.col("elapsed_s") + 10)
    far = real.with_columns(pl.col("attacker_team_id") + 200, pl.col("victim_team_id") + 200,
                            pl.col("victim_x") + 200_000)
    none = read_telemetry(TELEMETRY_FILES[-1])["knocks"].clear()
    fights = combat.fights(pl.concat([real, joiner, far]), none, none.rename({"attacker_team_id": "killer_team_id"}))
    found = combat.engagements(fights).sort("teams")

    assert found["teams"].to_list() == [2, 3] and found["third_party"].to_list() == [False, True]
    assert found.filter(pl.col("third_party"))["team_ids"].item() == ",".join(
        str(team) for team in sorted([attacker_team, victim_team, attacker_team + 100]))
    assert found["fights"].sum() == fights.height == 3

def test_circle_tracking_and_summaries(parsed):
    _, match, telemetry = parsed
    samples = extractors.circle_samples(telemetry["positions"], telemetry["game_states"])
    aggregates = extractors.circle_aggregates(samples)
    assert aggregates.height == 100
    assert (aggregates["min_distance_from_center_m"] <= aggregates["avg_distance_from_center_m"]).all()
    assert (aggregates["time_outside_zone_s"] >= 0).all()
    stats = extractors.advanced_stats(telemetry["kills"], telemetry["knocks"], telemetry["damage"], match.participants)
    usage = extractors.item_usage(telemetry["item_uses"], telemetry["throwables"])
    read = {"match_id": [match.match_id], "status": ["parsed"], "complete": [True]}
    table = summaries.match_summaries(match.participants, match.rosters, stats, usage, aggregates, pl.DataFrame(read),
                                      match.match)
    assert table.height == 100 and table["placement"].null_count() == 0
    assert table["telemetry"].unique().to_list() == ["complete"] and table["has_telemetry"].all()
    assert table.filter(pl.col("placement") == 1)["player_name"].len() >= 1
    cut_short = summaries.match_summaries(match.participants, match.rosters, stats, usage, aggregates,
                                          pl.DataFrame({**read, "complete": [False]}), match.match)
    assert cut_short["killsteals"].null_count() == 100 and cut_short.columns == table.columns
    assert cut_short["telemetry"].unique().to_list() == ["partial"] and cut_short["kills"].equals(table["kills"])
    without = summaries.match_summaries(match.participants, match.rosters, stats, usage, aggregates,
                                        pl.DataFrame(read).clear(), match.match)
    assert without["killsteals"].null_count() == 100 and without["telemetry"].unique().to_list() == ["missing"]
    career = career_stats(table)
    assert career.height == 200 and career["match_type"].value_counts().sort("match_type").rows() == [
        ("all", 100), ("normal", 100)], "an official match: each player's normal and all rows"
    assert (career["killsteal_rate_ci_low"] <= career["killsteal_rate_ci_high"]).all()


@pytest.mark.parametrize("path", MATCH_FILES, ids=lambda p: p.name)
def test_real_match_without_telemetry_summarises(path):
    match = read_match(path)
    empty = pl.DataFrame(schema={"match_id": pl.String, "account_id": pl.String})
    table = summaries.match_summaries(match.participants, match.rosters, empty, empty, empty, NO_TELEMETRY, match.match)
    assert table.height == match.participants.height - match.match["ai_participants"][0]
    assert table["placement"].null_count() == 0
    assert (table.group_by("team_id").agg(pl.col("placement").n_unique())["placement"] == 1).all()


def test_real_telemetry_excerpt_extracts():
    telemetry = read_telemetry(TELEMETRY_FILES[-1])
    outcomes = combat.knock_outcomes(telemetry["knocks"], telemetry["kills"], telemetry["revives"])
    assert outcomes["outcome"].to_list() == ["unresolved"]
    distribution = combat.weapon_distribution(telemetry["damage"], telemetry["kills"], telemetry["knocks"])
    assert distribution["weapon_category"].to_list() == ["AR"]
    assert distribution["knocks"].sum() == 1
    assert distribution["damage_dealt"].sum() == pytest.approx(telemetry["damage"]["damage"].sum())


def test_telemetry_agreement_tolerates_a_few_players_and_refuses_another_matchs_telemetry(parsed):
    _, match, telemetry = parsed
    stats = extractors.advanced_stats(telemetry["kills"], telemetry["knocks"], telemetry["damage"], match.participants)
    good = quality.telemetry_agreement(stats, match.participants, telemetry.event_counts)
    assert (good["matches_checked"], good["matches_disagreeing"], good["lowest_agreeing_share"]) == (1, 0, 1.0)

    first = pl.int_range(pl.len()) == 0
    self_damage = match.participants.with_columns(
        pl.when(first).then(pl.col("damage_dealt") + 50).otherwise(pl.col("damage_dealt")).alias("damage_dealt"))
    one_off = quality.telemetry_agreement(stats, self_damage, telemetry.event_counts)
    assert one_off["damage_mismatches"] == 1 and one_off["matches_disagreeing"] == 0

    real = read_match(MATCH_FILES[0])
    foreign = read_telemetry(TELEMETRY_FILES[-1], match_id=real.match_id)
    wrong = extractors.advanced_stats(foreign["kills"], foreign["knocks"], foreign["damage"], real.participants)
    numbers = quality.telemetry_agreement(wrong, real.participants, foreign.event_counts)
    assert numbers["disagreeing_matches"] == real.match_id and numbers["lowest_agreeing_share"] < 0.1


def test_the_map_tables_land_kill_and_nest_on_the_map_and_their_rules_catch_what_does_not(parsed):
    emitted, match, telemetry = parsed
    landings = extractors.landings(telemetry["landings"])
    kills = extractors.kill_positions(telemetry["kills"])
    zones = extractors.circles(telemetry["game_states"])
    assert landings.height == 100 and kills.height == match.participants.filter(pl.col("death_type") != "alive").height
    assert zones["phase"].to_list() == list(range(1, zones.height + 1)) and zones.height >= 5
    assert zones["radius_m"].is_sorted(descending=True) and zones["appeared_s"].is_sorted()
    assert quality.circles_not_nested(zones) == {"circles": zones.height, "circles_outside_previous": 0}
    pairs = (("victim_x_m", "victim_y_m"), ("killer_x_m", "killer_y_m"))
    on_map = quality.points_off_the_map(kills, match.match, pairs)
    assert on_map["points_off_map"] == 0 and on_map["points"] > kills.height
    assert quality.points_off_the_map(landings, match.match, (("x_m", "y_m"),)) == {"points": 100, "points_off_map": 0}
    in_centimetres = landings.with_columns(pl.col("x_m") * 100)
    assert quality.points_off_the_map(in_centimetres, match.match, (("x_m", "y_m"),))["points_off_map"] > 90
    moved = zones.with_columns(pl.when(pl.col("phase") == 3).then(pl.col("x_m") + 5_000).otherwise(pl.col("x_m")))
    assert quality.circles_not_nested(moved)["circles_outside_previous"] >= 1
