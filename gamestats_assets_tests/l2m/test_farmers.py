"""Bot-farm detection scored against the planted truth, and the farmer tables built from it."""

from __future__ import annotations

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import checks, farmers
from gamestats_assets.generator.emitters import l2m
from gamestats_assets_tests.l2m.conftest import DAYS


@pytest.mark.parametrize("day", DAYS[:3])
def test_detection_precision_and_recall_reach_ninety_percent(generated, day):
    t = generated.tables[day]
    planted = checks.planted_farm_accounts(generated.day_dir(day) / l2m.TRUTH_FILE)
    scores = checks.bot_detection_scores(t["std_farmers_detected"], planted, t["l2m_active"])
    assert scores["planted_active"] > 0
    assert scores["precision"] >= 0.9 and scores["recall"] >= 0.9, scores


def test_detected_accounts_carry_their_evidence(generated):
    detected = generated.tables[DAYS[0]]["std_farmers_detected"]
    assert (detected["level"] <= farmers.MAX_FARMING_LEVEL).all()
    assert (detected["gain_events"] >= farmers.MIN_GAIN_EVENTS).all()
    assert (detected["farm_accounts"] >= farmers.MIN_FARM_ACCOUNTS).all()
    assert detected["farm_key"].str.ends_with("/24").all()


def test_a_farm_rotating_addresses_in_several_subnets_is_one_cluster(generated):
    detected = generated.tables[DAYS[0]]["std_farmers_detected"]
    rotating = [f for f in l2m.planted_farms(11, 2_000) if len({a[:3] for a in f.addresses}) > 1]
    assert rotating
    for farm in rotating:
        accounts = [f"{n:010d}" for n in farm.account_numbers.tolist()]
        keys = detected.filter(pl.col("user_id").is_in(accounts))["farm_key"].unique()
        assert keys.len() == 1


def test_farmers_performance_and_snapshot_add_up(generated):
    daily = [generated.tables[d]["std_farmers_detected"] for d in DAYS]
    perf = generated.tables[DAYS[0]]["l2m_farmers_performance"]
    assert perf["accounts"].sum() == daily[0].height
    assert perf["revenue_usd"].sum() == pytest.approx(daily[0]["revenue_usd"].sum())
    assert perf.filter(pl.col("paying_accounts") > 0).height > 0
    snapshot = farmers.l2m_farmers_snapshot(pl.concat(daily))
    assert snapshot["user_id"].is_unique().all()
    assert snapshot.height == pl.concat(daily)["user_id"].n_unique()
    assert snapshot["days_detected"].max() == len(DAYS)
    assert (snapshot["first_detected_date"] <= snapshot["last_detected_date"]).all()


def test_subnet_of_ipv4_and_other_addresses():
    ips = pl.DataFrame({"ip": ["45.1.2.3", "2001:db8::1", "10.0.0.255"]})
    assert ips.select(farmers.subnet_of(pl.col("ip")))["ip"].to_list() == ["45.1.2.0/24", "2001:db8::1",
                                                                           "10.0.0.0/24"]
