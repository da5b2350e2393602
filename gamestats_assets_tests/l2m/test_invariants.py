"""ETL → STD → CONS invariants on generated days: the numbers the asset checks guard."""

from __future__ import annotations

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import checks, cons, etl, reference, std, vip
from gamestats_assets.defs.l2m.tables import run_in_memory
from gamestats_assets_tests.l2m.conftest import DAYS

DAILY_TABLES = ["etl_login", "etl_logout", "etl_recharge", "etl_item_gain", "etl_item_spend", "etl_money_gain",
                "etl_money_spend", "etl_user_profile", "etl_clan_change", "std_active", "std_user_profile",
                "l2m_active", "l2m_recharge", "l2m_cumulative_revenue", "l2m_item_gain", "l2m_item_spend",
                "l2m_money_gain", "l2m_money_spend", "l2m_server_performance", "l2m_farmers_performance",
                "l2m_daily_kpis", "l2m_retention"]


@pytest.mark.parametrize("day", DAYS)
def test_daily_tables_hold_only_their_day_as_pl_date(generated, day):
    for name in DAILY_TABLES:
        frame = generated.tables[day][name]
        assert frame.schema["date"] == pl.Date, name
        assert frame["date"].unique().to_list() in ([day], []), name


def test_generated_days_have_no_rejects(generated):
    assert all(not r for per_day in generated.rejects.values() for r in per_day.values())


@pytest.mark.parametrize("day", DAYS)
def test_recharge_totals_agree_between_etl_and_cons(generated, day):
    t = generated.tables[day]
    gaps = checks.recharge_reconciliation(t["etl_recharge"], t["l2m_recharge"])
    assert gaps["payment_gap"] == 0 and gaps["revenue_gap_usd"] <= gaps["revenue_tolerance_usd"]
    assert gaps["etl_payments"] > 0


def _payments(rows: list[tuple[str, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"user_id": pl.Utf8, "server_id": pl.Int64, "amount_usd": pl.Float64},
                        orient="row").with_columns(date=pl.lit(DAYS[0]))


def test_revenue_gap_is_judged_relative_to_the_day_s_revenue():
    etl = _payments([("a", 1, 1e9), ("b", 1, 0.3)])
    close = pl.DataFrame({"payments": [2], "daily_rev_usd": [1e9 + 0.3 + 1e-4]})
    far = pl.DataFrame({"payments": [2], "daily_rev_usd": [1e9 + 2.3]})
    gaps = checks.recharge_reconciliation(etl, close)
    assert gaps["revenue_tolerance_usd"] == pytest.approx(1e-9 * (1e9 + 0.3))
    assert checks.REVENUE_TOLERANCE_USD < gaps["revenue_gap_usd"] <= gaps["revenue_tolerance_usd"]
    gaps = checks.recharge_reconciliation(etl, far)
    assert gaps["revenue_gap_usd"] > gaps["revenue_tolerance_usd"]
    assert checks.revenue_tolerance_usd(0.5) == checks.REVENUE_RELATIVE_TOLERANCE


def test_recharge_server_is_the_server_of_the_largest_payment_smallest_on_ties():
    payments = _payments([("a", 2, 5.0), ("a", 1, 9.0), ("a", 3, 9.0), ("b", 4, 1.0), ("b", 7, 3.0)])
    active = pl.DataFrame({"user_id": ["a", "b"], "server_id": [3, 4], "country_code": ["TH", "US"]})
    recharge = cons.l2m_recharge(payments, active)
    assert recharge.select("user_id", "server_id", "country_code", "payments", "daily_rev_usd").rows() == [
        ("a", 1, "TH", 3, 23.0), ("b", 7, "Other", 2, 4.0)]


def test_server_performance_revenue_per_server_equals_recharge_per_server(generated):
    t = generated.tables[DAYS[2]]
    per_server = t["l2m_recharge"].group_by("server_id").agg(pl.len().alias("payers"), pl.col("daily_rev_usd").sum())
    compared = t["l2m_server_performance"].join(per_server, on="server_id", how="full", coalesce=True)
    assert (compared["paying_users"] == compared["payers"].fill_null(0)).all()
    assert ((compared["revenue_usd"] - compared["daily_rev_usd"].fill_null(0.0)).abs() < 1e-9).all()


def test_a_server_with_payments_and_no_active_user_has_zero_dau_and_null_arpu():
    active = pl.DataFrame({"date": [DAYS[0]], "user_id": ["a"], "server_id": [1], "level": [50],
                           "is_new_user": [False]})
    recharge = pl.DataFrame({"date": [DAYS[0]], "user_id": ["a"], "server_id": [2], "daily_rev_usd": [4.0]})
    money = pl.DataFrame(schema={"user_id": pl.Utf8, "money_type": pl.Utf8, "amount": pl.Int64})
    logout = pl.DataFrame({"user_id": ["a"], "online_seconds": [600]})
    perf = cons.l2m_server_performance(active, recharge, money, money, logout)
    assert perf.select("server_id", "dau", "paying_users", "revenue_usd", "arpu_usd").rows() == [
        (1, 1, 0, 0.0, 0.0), (2, 0, 1, 4.0, None)]


@pytest.mark.parametrize("day", DAYS)
def test_std_active_users_equal_dau_and_nobody_is_active_twice(generated, day):
    t = generated.tables[day]
    assert checks.dau_reconciliation(t["std_active"], t["l2m_daily_kpis"])["gap"] == 0
    assert checks.duplicate_active_users(t["std_active"]) == 0
    assert checks.duplicate_active_users(t["l2m_active"]) == 0
    assert t["l2m_active"].height == t["std_active"].height


def test_std_active_is_the_union_of_the_seven_sources_with_the_highest_level(generated):
    t = generated.tables[DAYS[0]]
    union = pl.concat([t[f"etl_{s}"].select("user_id", "level") for s in
                       ("login", "logout", "recharge", "item_gain", "item_spend", "money_gain", "money_spend")])
    expected = union.group_by("user_id").agg(pl.col("level").max()).sort("user_id")
    assert t["std_active"].select("user_id", "level").sort("user_id").equals(expected)


def test_cumulative_revenue_is_previous_plus_today_and_never_decreases(generated):
    previous = None
    for day in DAYS:
        t = generated.tables[day]
        violations = checks.cumulative_revenue_violations(previous, t["l2m_recharge"], t["l2m_cumulative_revenue"])
        assert violations == {"mismatched": 0, "decreasing": 0, "dropped": 0}, day
        previous = t["l2m_cumulative_revenue"]
    assert previous.height > generated.tables[DAYS[0]]["l2m_cumulative_revenue"].height


def test_cumulative_revenue_refuses_a_previous_partition_that_is_not_yesterday(generated):
    first, third = DAYS[0], DAYS[2]
    with pytest.raises(ValueError, match="previous cumulative revenue"):
        cons.l2m_cumulative_revenue(generated.tables[first]["l2m_cumulative_revenue"],
                                    generated.tables[third]["l2m_recharge"], third)


@pytest.mark.parametrize("name", ["l2m_active", "l2m_recharge", "l2m_item_gain", "l2m_item_spend",
                                  "l2m_money_gain", "l2m_money_spend", "l2m_daily_kpis"])
def test_every_cons_country_is_known_or_other(generated, name):
    for day in DAYS:
        assert checks.unknown_country_rows(generated.tables[day][name]) == 0
    countries = set(pl.concat([generated.tables[d][name] for d in DAYS])["country_code"].to_list())
    assert "Other" in countries and "TH" in countries


def test_economy_cons_keeps_every_etl_unit_of_key_items_and_diamonds(generated):
    t = generated.tables[DAYS[1]]
    for event, measure in [("item_gain", "quantity"), ("item_spend", "quantity"), ("money_gain", "amount"),
                           ("money_spend", "amount")]:
        kept = etl.diamonds(t[f"etl_{event}"]) if event.startswith("money") else t[f"etl_{event}"]
        assert t[f"l2m_{event}"][measure].sum() == kept[measure].sum(), event
        assert t[f"l2m_{event}"]["events"].sum() == kept["events"].sum(), event
        assert set(t[f"l2m_{event}"]["vip_tier"].unique().to_list()) <= set(vip.TIERS)
    assert t["l2m_item_gain"].filter(pl.col("item_name") == "unknown").is_empty()


def test_economy_cons_users_are_the_distinct_users_of_each_segment(generated):
    t = generated.tables[DAYS[1]]
    profile = t["l2m_active"].select("user_id", reference.country_group(pl.col("country_code")).alias("country_code"))
    tiers = t["l2m_cumulative_revenue"].select("user_id", "vip_tier")
    for source in etl.ECONOMY_SOURCES:
        rows = etl.diamonds(t[f"etl_{source.event}"]) if source.money else t[f"etl_{source.event}"]
        segment = ["server_id", "country_code", "vip_tier", source.key]
        distinct = (rows.join(profile, on="user_id", how="left").join(tiers, on="user_id", how="left")
                    .with_columns(pl.col("vip_tier").fill_null(vip.FREE_TIER))
                    .group_by(segment).agg(pl.col("user_id").n_unique().alias("distinct_users")))
        published = t[f"l2m_{source.event}"].select(*segment, "users").join(distinct, on=segment, how="left")
        assert published.height > 0 and published["users"].sum() > published.height, source.event
        assert (published["users"] == published["distinct_users"]).all(), source.event


def test_vip_tiers_in_economy_tables_come_from_cumulative_revenue(generated):
    t = generated.tables[DAYS[-1]]
    payers = t["l2m_cumulative_revenue"]
    assert (payers["vip_tier"] != vip.FREE_TIER).all()
    dims = cons.user_dimensions(t["l2m_active"], payers)
    assert dims.filter(pl.col("user_id").is_in(payers["user_id"].implode()))["vip_tier"].ne(vip.FREE_TIER).all()


def test_server_performance_adds_up_to_the_day(generated):
    t = generated.tables[DAYS[2]]
    perf = t["l2m_server_performance"]
    assert perf["dau"].sum() == t["l2m_active"].height
    assert perf["paying_users"].sum() == t["l2m_recharge"].height
    assert abs(perf["revenue_usd"].sum() - t["l2m_recharge"]["daily_rev_usd"].sum()) < 1e-6
    assert perf["diamonds_spent"].sum() == etl.diamonds(t["etl_money_spend"])["amount"].sum()


def test_guild_info_keeps_the_latest_change_whatever_order_days_arrive_in(generated):
    changes = [generated.tables[d]["etl_clan_change"] for d in DAYS]
    rebuilt = cons.l2m_guild_info(pl.concat(changes))
    backwards = None
    for frame in reversed(changes):
        backwards = cons.l2m_guild_info(frame, backwards)
    assert rebuilt.equals(backwards)
    assert rebuilt["user_id"].is_unique().all()
    latest = pl.concat(changes).sort("event_time").unique("user_id", keep="last")
    assert rebuilt.height == latest.height
    assert set(rebuilt.filter("is_member")["user_id"]) == set(latest.filter(pl.col("action") == "join")["user_id"])


def test_snapshots_cover_every_day_given(generated):
    changes = pl.concat([generated.tables[d]["etl_clan_change"] for d in DAYS])
    detected = pl.concat([generated.tables[d]["std_farmers_detected"] for d in DAYS])
    guilds, farms = generated.snapshots["l2m_guild_info"], generated.snapshots["l2m_farmers_snapshot"]
    assert guilds.height == changes["user_id"].n_unique() > generated.tables[DAYS[0]]["etl_clan_change"].height
    assert farms["last_detected_date"].max() == DAYS[-1] and farms["first_detected_date"].min() == DAYS[0]
    assert farms.height == detected["user_id"].n_unique()


def test_rerunning_a_day_gives_identical_tables(generated):
    again = run_in_memory(generated.landing, DAYS[:2])
    for name, frame in again.days[DAYS[1]].items():
        assert frame.equals(generated.tables[DAYS[1]][name]), name


@pytest.mark.parametrize("far_server", [7, std.LEVEL_SHIFT], ids=["ranked", "servers_beyond_the_rank"])
def test_std_active_keeps_the_smallest_server_of_the_highest_level_in_first_appearance_order(far_server):
    """The same answer whether every line fits the one-integer rank or a server lies beyond it."""
    day = DAYS[0]

    def lines(*rows):
        return pl.DataFrame([(day, *row) for row in rows], orient="row",
                            schema={"date": pl.Date, "user_id": pl.Utf8, "server_id": pl.Int64, "level": pl.Int64})

    login = lines(("b", 9, 3), ("a", 4, 5))
    logout = lines(("a", 2, 7), ("c", far_server, 1))
    item_gain = lines(("a", 3, 7), ("b", 1, 3), ("b", 8, 2))
    empty = lines()
    active = std.std_active(login, logout, empty, item_gain, empty, empty, empty)
    assert active.rows() == [(day, "b", 1, 3), (day, "a", 2, 7), (day, "c", far_server, 1)]
