"""The career table as a fold of the match summaries (`transforms.career`): the figures the career was defined by
(each a group's count, sum or mean of the summaries) per match type, ranked, normal and all, the name of the latest
match day, and the same table from a state kept by parts as from every row at once."""

import datetime as dt

import polars as pl
import pytest

from gamestats_assets.defs.pubg.transforms.career import CAREER_FOLD, CAREER_SCHEMA, career_stats, disagreeing_players

DAY = dt.datetime(2026, 1, 5, 18, tzinfo=dt.UTC)
TYPES = ("competitive", "official", "custom", None)
"""The API's match types of the summaries: ranked, normal, a custom match and a summary from before `match_type`."""
SLICES = {"ranked": ["competitive"], "normal": ["official"], "all": list(TYPES)}


def summary(match: int, account: str, name: str, day: int, placement: int | None, kills: int, damage: float,
            telemetry: bool, killsteals: int = 0, zone: bool = True) -> dict:
    return {"match_id": f"m{match:03d}", "account_id": account, "player_name": name,
            "created_at": DAY + dt.timedelta(days=day), "match_type": TYPES[match % len(TYPES)],
            "placement": placement, "kills": kills,
            "damage_dealt": damage, "has_telemetry": telemetry, "killsteals": killsteals if telemetry else None,
            "throwable_damage": damage / 10 if telemetry else None,
            "damage_received": damage / 3 if telemetry else None,
            "heals_used": 2 if telemetry else None, "boosts_used": 1 if telemetry else None,
            "throwables_used": match % 4 if telemetry else None, "smokes_thrown": match % 2 if telemetry else None,
            "avg_distance_from_center_m": 1000 / (match + 3) if telemetry and zone else None,
            "avg_distance_from_edge_m": 40.5 - match if telemetry and zone else None,
            "time_outside_zone_s": float(match % 6) if telemetry and zone else None}


@pytest.fixture(scope="module")
def summaries() -> pl.DataFrame:
    rows = [summary(n, f"account.{n % 7}", f"name{n % 7}", n // 10, (n % 25) + 1 if n % 11 else None, n % 5,
                    123.456789 * (n % 9) + 0.1, n % 3 != 0, n % 2, zone=n % 13 != 0) for n in range(60)]
    rows += [summary(60, "account.0", "renamed", 9, 1, 3, 250.0, True, 1),
             summary(61, "account.1", "earlier", 0, 2, 0, 10.0, False)]
    return pl.DataFrame(rows).with_columns(pl.col("created_at").dt.cast_time_unit("us"))


def recount(summaries: pl.DataFrame) -> pl.DataFrame:
    """The career's figures counted from the summaries of each slice of match types at once."""
    telemetry = pl.col("has_telemetry")
    zoned = telemetry & pl.col("avg_distance_from_center_m").is_not_null()
    return pl.concat([summaries.filter(pl.col("match_type").is_in(types, nulls_equal=True)).group_by("account_id").agg(
        pl.lit(name).alias("match_type"),
        pl.len().cast(pl.Int64).alias("matches"), telemetry.sum().cast(pl.Int64).alias("matches_with_telemetry"),
        (pl.col("placement") == 1).sum().cast(pl.Int64).alias("wins"),
        pl.col("placement").mean().alias("avg_placement"),
        pl.col("kills").sum().alias("kills"), pl.col("kills").filter(telemetry).sum().alias("kills_with_telemetry"),
        pl.col("damage_dealt").sum(), pl.col("killsteals").filter(telemetry).sum().alias("killsteals"),
        pl.col("throwable_damage").filter(telemetry).sum(), pl.col("damage_received").filter(telemetry).sum(),
        pl.col("heals_used").filter(telemetry).sum(), pl.col("boosts_used").filter(telemetry).sum(),
        pl.col("throwables_used").filter(telemetry).sum(), pl.col("smokes_thrown").filter(telemetry).sum(),
        zoned.sum().cast(pl.Int64).alias("matches_with_zone_data"),
        pl.col("avg_distance_from_center_m").filter(zoned).mean(),
        pl.col("avg_distance_from_edge_m").filter(zoned).mean(),
        pl.col("time_outside_zone_s").filter(zoned).mean().alias("avg_time_outside_zone_s"),
    ) for name, types in SLICES.items()]).sort("account_id", "match_type")


FLOATS = ("damage_dealt", "throwable_damage", "damage_received", "avg_distance_from_center_m",
          "avg_distance_from_edge_m", "avg_time_outside_zone_s")


def test_the_career_counts_and_averages_as_defined_per_match_type(summaries):
    career = career_stats(summaries)
    expected = recount(summaries)
    assert career.schema == pl.Schema(CAREER_SCHEMA) and career.height == expected.height == 7 * 3
    assert career["match_type"].value_counts().sort("match_type").rows() == [("all", 7), ("normal", 7),
                                                                             ("ranked", 7)]
    exact = [c for c in expected.columns if c not in FLOATS]
    assert career.select(exact).equals(expected.select(exact).cast(career.select(exact).schema))
    for column in FLOATS:
        assert (career[column] - expected[column]).abs().max() < 1e-6 * summaries.height, column
    assert career.filter(pl.col("match_type") == "all")["throwables_used"].sum() == summaries.filter(
        pl.col("has_telemetry"))["throwables_used"].sum()
    rate = career.filter(pl.col("kills_with_telemetry") > 0)
    assert (rate["killsteal_rate"] == rate["killsteals"] / rate["kills_with_telemetry"]).all()
    assert (rate["killsteal_rate_ci_low"] <= rate["killsteal_rate"]).all()


def test_a_custom_or_untyped_match_counts_in_all_only(summaries):
    others = summaries.filter(~pl.col("match_type").is_in(["competitive", "official"]).fill_null(False))
    career = career_stats(others)
    assert career["match_type"].unique().to_list() == ["all"] and career["matches"].sum() == others.height


def test_the_name_is_that_of_the_latest_match_day(summaries):
    career = career_stats(summaries)
    assert career.group_by("account_id").agg(pl.col("player_name").n_unique())["player_name"].max() == 1, \
        "one name in every slice"
    names = dict(career.select("account_id", "player_name").iter_rows())
    assert names["account.0"] == "renamed", "renamed on the latest day"
    assert names["account.1"] == "name1", "a name of an earlier day does not win over a later one"
    undated = summaries.with_columns(pl.when(pl.col("player_name") == "renamed").then(None)
                                     .otherwise(pl.col("created_at")).alias("created_at"))
    assert dict(career_stats(undated).select("account_id", "player_name").iter_rows())["account.0"] == "name0", \
        "a summary written before the summaries held created_at counts as older than any dated one"


def test_a_state_kept_by_parts_finishes_to_the_table_of_every_row(summaries):
    first, second, later = summaries[:30], summaries[30:], summaries[10:20]
    state = CAREER_FOLD.merged([CAREER_FOLD.state(first), CAREER_FOLD.state(second), CAREER_FOLD.state(later, -1),
                                CAREER_FOLD.state(later)])
    assert CAREER_FOLD.finish(state).equals(career_stats(summaries))
    without = CAREER_FOLD.merged([state, CAREER_FOLD.state(summaries[:5], -1)])
    assert CAREER_FOLD.finish(without).equals(career_stats(summaries[5:]))
    assert career_stats(summaries.clear()).height == 0


def test_a_career_that_is_not_its_state_finished_disagrees(summaries):
    state = CAREER_FOLD.state(summaries)
    career = CAREER_FOLD.finish(state)
    assert disagreeing_players(career, state).height == 0
    ranked_3 = (pl.col("account_id") == "account.3") & (pl.col("match_type") == "ranked")
    more_kills = career.with_columns(pl.when(ranked_3).then(pl.col("kills") + 1).otherwise(pl.col("kills")))
    assert disagreeing_players(more_kills, state).select("account_id", "match_type").rows() == [
        ("account.3", "ranked")]
    more_throwables = career.with_columns(pl.when(ranked_3).then(pl.col("throwables_used") + 1)
                                          .otherwise(pl.col("throwables_used")))
    assert disagreeing_players(more_throwables, state).height == 1
    assert disagreeing_players(career.filter(pl.col("account_id") != "account.5"), state)["account_id"].to_list() == [
        "account.5"] * 3
