"""The career damage and weapon tables (`transforms.career_damage`, `career_weapons`): what a match adds, on the real
late-game telemetry excerpt of fixtures/pubg and on a synthetic ranked match, agreeing with the per-match tables
(`advanced_stats`, `player_match_weapon_distribution`, `player_weapon_accuracy`); their rows per match type, ranked,
normal and all; the same table from a state kept by parts as from every row at once; a table that is not its state
finished found."""

import dataclasses
import datetime as dt

import polars as pl
import pytest

from gamestats_assets.defs.pubg.transforms import career_damage, career_weapons, combat, extractors, summaries
from gamestats_assets.generator.emitters.pubg import emit_match, public_match_plan, write_match
from gamestats_assets.sources.pubg.match import read_match
from gamestats_assets.sources.pubg.telemetry import read_telemetry
from gamestats_assets_tests.pubg.test_accuracy import LATEGAME, SHOOTER

FOLDS = {"damage": (career_damage.DAMAGE_FOLD, career_damage.disagreeing_damage),
         "weapons": (career_weapons.WEAPON_FOLD, career_weapons.disagreeing_weapons)}


def excerpt_players(telemetry: dict[str, pl.DataFrame], match_type: str) -> pl.DataFrame:
    """`match_summaries`' players of the excerpt's match: everyone its damage events name, its telemetry read."""
    damage = telemetry["damage"]
    ids = pl.concat([damage["attacker_account_id"], damage["victim_account_id"]]).drop_nulls().unique().sort()
    return pl.DataFrame({"match_id": damage["match_id"][0], "account_id": ids, "match_type": match_type,
                         "has_telemetry": True})


def test_the_real_excerpt_s_shooter_has_the_shots_hits_and_damage_of_the_m416():
    telemetry = read_telemetry(LATEGAME)
    accuracy = combat.weapon_accuracy(telemetry["attacks"], telemetry["damage"])
    players = excerpt_players(telemetry, "official")
    weapons = career_weapons.weapon_stats(career_weapons.match_weapons(
        telemetry["kills"], telemetry["knocks"], telemetry["damage"], accuracy, players))
    shooter = weapons.filter(pl.col("account_id") == SHOOTER)
    assert shooter.select("match_type", "weapon", "weapon_name", "weapon_category", "matches", "shots", "hits",
                          "headshots").rows() == [("all", "WeapHK416_C", "M416", "AR", 1, 9, 2, 0),
                                                  ("normal", "WeapHK416_C", "M416", "AR", 1, 9, 2, 0)]
    row = shooter.row(0, named=True)
    assert row["accuracy"] == pytest.approx(2 / 9) and row["headshot_rate"] == 0.0
    assert row["damage_dealt"] == pytest.approx(telemetry["damage"]["damage"].sum(), abs=1e-6)

    damage = career_damage.damage_stats(career_damage.match_damage(telemetry["damage"], players))
    assert set(damage["match_type"]) == {"all", "normal"}
    everything = damage.filter(pl.col("match_type") == "all")
    dealt = everything.filter((pl.col("account_id") == SHOOTER) & (pl.col("direction") == "dealt"))
    assert dealt["damage"].sum() == pytest.approx(telemetry["damage"]["damage"].sum(), abs=1e-6)
    assert dealt["damage_events"].sum() == 2 and set(dealt["damage_type_category"]) == {"Damage_Gun"}
    taken = everything.filter(pl.col("direction") == "taken")
    assert taken["damage"].sum() == pytest.approx(telemetry["damage"]["damage"].sum(), abs=1e-6)
    assert career_damage.damage_stats(career_damage.match_damage(
        telemetry["damage"], players.with_columns(has_telemetry=False))).height == 0, "a match without whole telemetry"


@pytest.fixture(scope="module")
def ranked_match(tmp_path_factory):
    """A synthetic ranked match (its simulated events only) and its per-match tables."""
    plan = dataclasses.replace(public_match_plan("9c1b1c00-0000-4000-8000-0000000000a1",
                                                 dt.datetime(2026, 1, 6, 18, tzinfo=dt.UTC), 5, event_range=(0, 0)),
                               ranked=True)
    match_path, telemetry_path = write_match(emit_match(plan, 5), tmp_path_factory.mktemp("landing") / "pubg")
    match, telemetry = read_match(match_path), read_telemetry(telemetry_path)
    advanced = extractors.advanced_stats(telemetry["kills"], telemetry["knocks"], telemetry["damage"],
                                         match.participants)
    usage = extractors.item_usage(telemetry["item_uses"], telemetry["throwables"])
    circle = extractors.circle_aggregates(extractors.circle_samples(telemetry["positions"], telemetry["game_states"]))
    read = pl.DataFrame({"match_id": [match.match_id], "status": ["parsed"], "complete": [True]})
    summary = summaries.match_summaries(match.participants, match.rosters, advanced, usage, circle, read, match.match)
    accuracy = combat.weapon_accuracy(telemetry["attacks"], telemetry["damage"])
    return {"advanced": advanced, "summaries": summary, "accuracy": accuracy,
            "distribution": combat.weapon_distribution(telemetry["damage"], telemetry["kills"], telemetry["knocks"]),
            "damage": career_damage.match_damage(telemetry["damage"], summary),
            "weapons": career_weapons.match_weapons(telemetry["kills"], telemetry["knocks"], telemetry["damage"],
                                                    accuracy, summary)}


def close(frame: pl.DataFrame, left: str, right: str) -> bool:
    return frame.height > 0 and bool(((frame[left] - frame[right]).abs() < 1e-6).all())


def test_a_ranked_match_s_damage_sums_to_what_its_players_dealt_and_took(ranked_match):
    assert ranked_match["summaries"]["match_type"].unique().to_list() == ["competitive"]
    table = career_damage.damage_stats(ranked_match["damage"])
    assert table["match_type"].unique().sort().to_list() == ["all", "ranked"]
    assert table.filter(pl.col("match_type") == "all").drop("match_type").equals(
        table.filter(pl.col("match_type") == "ranked").drop("match_type")), "one ranked match: ranked is all"
    per_player = table.filter(pl.col("match_type") == "all").pivot(
        "direction", index="account_id", values="damage", aggregate_function="sum")
    advanced = ranked_match["advanced"].join(per_player, on="account_id")
    assert advanced.height == 100 and close(advanced, "damage_dealt", "dealt")
    assert close(advanced, "damage_received", "taken")
    assert {"HeadShot", "TorsoShot"} <= set(table["damage_reason"]) and "Damage_Gun" in set(
        table["damage_type_category"])


def test_a_ranked_match_s_weapons_sum_to_its_distribution_and_accuracy(ranked_match):
    table = career_weapons.weapon_stats(ranked_match["weapons"]).filter(pl.col("match_type") == "ranked")
    by_category = table.group_by("account_id", "weapon_category").agg(pl.col("kills", "knocks", "damage_dealt").sum())
    distribution = ranked_match["distribution"].join(
        ranked_match["summaries"].select("account_id"), on="account_id").group_by("account_id", "weapon_category").agg(
        pl.col("kills", "knocks", "damage_dealt").sum())
    joined = distribution.join(by_category, on=["account_id", "weapon_category"], how="full", coalesce=True)
    assert joined.height == distribution.height == by_category.height and table["kills"].sum() > 0
    assert (joined["kills"] == joined["kills_right"]).all() and (joined["knocks"] == joined["knocks_right"]).all()
    assert close(joined, "damage_dealt", "damage_dealt_right")
    assert table["kills"].sum() == ranked_match["summaries"]["kills"].sum(), "every kill of the match object"
    accuracy = ranked_match["accuracy"]
    fired = table.filter(pl.col("shots") > 0)
    assert fired.select(pl.col("shots", "hits", "headshots").sum()).row(0) == accuracy.select(
        pl.col("shots", "hits", "headshots").sum()).row(0)
    assert (fired["accuracy"] == fired["hits"] / fired["shots"]).all()
    killed = table.filter(pl.col("kills") > 0)
    assert (killed["avg_kill_distance_m"] > 0).all() and (killed["headshot_kill_rate"] <= 1).all()


def two_matches(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` of the ranked match and a copy as a normal match of another id."""
    return pl.concat([rows, rows.with_columns(pl.lit("normal-copy").alias("match_id"),
                                              pl.lit("official").alias("match_type"))])


@pytest.mark.parametrize("name", sorted(FOLDS))
def test_a_state_kept_by_parts_finishes_to_the_table_of_every_row(ranked_match, name):
    fold, _ = FOLDS[name]
    rows = two_matches(ranked_match[name])
    table = fold(rows=rows)
    assert table["match_type"].unique().sort().to_list() == ["all", "normal", "ranked"]
    everything = table.filter(pl.col("match_type") == "all")
    assert everything["matches"].sum() == rows.height and everything["matches"].max() == 2
    first, second, later = rows[: rows.height // 2], rows[rows.height // 2:], rows[10:40]
    state = fold.merged([fold.state(first), fold.state(second), fold.state(later, -1), fold.state(later)])
    assert fold.finish(state).equals(table)
    without = fold.merged([state, fold.state(ranked_match[name], -1)])
    assert fold.finish(without).equals(fold(rows=rows.filter(pl.col("match_id") == "normal-copy")))
    assert fold.finish(without)["match_type"].unique().sort().to_list() == ["all", "normal"]


@pytest.mark.parametrize("name", sorted(FOLDS))
def test_a_table_that_is_not_its_state_finished_disagrees(ranked_match, name):
    fold, disagreeing = FOLDS[name]
    state = fold.state(two_matches(ranked_match[name]))
    table = fold.finish(state)
    assert disagreeing(table, state).height == 0
    first = table.row(0, named=True)
    is_first = pl.all_horizontal(pl.col(key) == first[key] for key in ("account_id", "match_type"))
    column = "damage" if name == "damage" else "damage_dealt"
    changed = table.with_columns(pl.when(is_first & (pl.int_range(pl.len()) == 0)).then(pl.col(column) + 0.5)
                                 .otherwise(pl.col(column)))
    assert disagreeing(changed, state).height == 1
    assert disagreeing(table.slice(1), state).height == 1, "a row missing"
