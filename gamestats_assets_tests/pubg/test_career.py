"""The career table as a fold of the match summaries (`transforms.career`): the figures the career was defined by
(each a group's count, sum or mean of the summaries), the name of the latest match day, and the same table from a
state kept by parts as from every row at once."""

import datetime as dt

import polars as pl
import pytest

from gamestats_assets.defs.pubg.transforms.career import CAREER_FOLD, CAREER_SCHEMA, career_stats, disagreeing_players

DAY = dt.datetime(2026, 1, 5, 18, tzinfo=dt.UTC)


def summary(match: int, account: str, name: str, day: int, placement: int | None, kills: int, damage: float,
            telemetry: bool, killsteals: int = 0) -> dict:
    return {"match_id": f"m{match:03d}", "account_id": account, "player_name": name,
            "created_at": DAY + dt.timedelta(days=day), "placement": placement, "kills": kills,
            "damage_dealt": damage, "has_telemetry": telemetry, "killsteals": killsteals if telemetry else None,
            "throwable_damage": damage / 10 if telemetry else None,
            "damage_received": damage / 3 if telemetry else None,
            "heals_used": 2 if telemetry else None, "boosts_used": 1 if telemetry else None}


@pytest.fixture(scope="module")
def summaries() -> pl.DataFrame:
    rows = [summary(n, f"account.{n % 7}", f"name{n % 7}", n // 10, (n % 25) + 1 if n % 11 else None, n % 5,
                    123.456789 * (n % 9) + 0.1, n % 3 != 0, n % 2) for n in range(60)]
    rows += [summary(60, "account.0", "renamed", 9, 1, 3, 250.0, True, 1),
             summary(61, "account.1", "earlier", 0, 2, 0, 10.0, False)]
    return pl.DataFrame(rows).with_columns(pl.col("created_at").dt.cast_time_unit("us"))


def test_the_career_counts_and_averages_as_defined(summaries):
    career = career_stats(summaries)
    telemetry = pl.col("has_telemetry")
    expected = summaries.group_by("account_id").agg(
        pl.len().cast(pl.Int64).alias("matches"), telemetry.sum().cast(pl.Int64).alias("matches_with_telemetry"),
        (pl.col("placement") == 1).sum().cast(pl.Int64).alias("wins"),
        pl.col("placement").mean().alias("avg_placement"),
        pl.col("kills").sum().alias("kills"), pl.col("kills").filter(telemetry).sum().alias("kills_with_telemetry"),
        pl.col("damage_dealt").sum(), pl.col("killsteals").filter(telemetry).sum().alias("killsteals"),
        pl.col("throwable_damage").filter(telemetry).sum(), pl.col("damage_received").filter(telemetry).sum(),
        pl.col("heals_used").filter(telemetry).sum(), pl.col("boosts_used").filter(telemetry).sum(),
    ).sort("account_id")
    assert career.schema == pl.Schema(CAREER_SCHEMA) and career.height == 7
    exact = [c for c in expected.columns if c not in ("damage_dealt", "throwable_damage", "damage_received")]
    assert career.select(exact).equals(expected.select(exact).cast(career.select(exact).schema))
    for column in ("damage_dealt", "throwable_damage", "damage_received"):
        assert (career[column] - expected[column]).abs().max() < 1e-6 * summaries.height
    rate = career.filter(pl.col("kills_with_telemetry") > 0)
    assert (rate["killsteal_rate"] == rate["killsteals"] / rate["kills_with_telemetry"]).all()
    assert (rate["killsteal_rate_ci_low"] <= rate["killsteal_rate"]).all()


def test_the_name_is_that_of_the_latest_match_day(summaries):
    names = dict(career_stats(summaries).select("account_id", "player_name").iter_rows())
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
    more_kills = career.with_columns(pl.when(pl.col("account_id") == "account.3").then(pl.col("kills") + 1)
                                     .otherwise(pl.col("kills")).alias("kills"))
    assert disagreeing_players(more_kills, state)["account_id"].to_list() == ["account.3"]
    assert disagreeing_players(career.filter(pl.col("account_id") != "account.5"), state)["account_id"].to_list() == [
        "account.5"]
