"""Bot-farm detection on the project's planted data: every farm kind found, no decoy flagged, and the farmer
tables built from it."""

from __future__ import annotations

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import farm_graph, farm_truth, farmers
from gamestats_assets.generator.emitters import l2m
from gamestats_assets_tests.l2m.conftest import DAYS, N_USERS, SEED


def truth(generated, day):
    path = generated.day_dir(day) / l2m.TRUTH_FILE
    return farm_truth.planted_farm_accounts(path), farm_truth.planted_decoy_accounts(path)


def farm_of_kind(kind: str) -> l2m.Farm:
    return next(f for f in l2m.planted_farms(SEED, N_USERS) if f.kind == kind)


def accounts_of(farm: l2m.Farm) -> list[str]:
    return [f"{n:010d}" for n in farm.account_numbers.tolist()]


@pytest.mark.parametrize("day", DAYS[:3])
def test_every_farm_kind_is_found_and_no_decoy_is_flagged(generated, day):
    t = generated.tables[day]
    farms, decoys = truth(generated, day)
    scores = farm_truth.detection_scores(t["std_farmers_detected"], farms, decoys, t["l2m_active"])
    assert set(scores["kind"]) == {*l2m.FARM_KINDS, "all"}
    assert decoys["kind"].unique().sort().to_list() == sorted(l2m.DECOY_KINDS)
    assert (scores["planted"] > 0).all()
    assert farm_truth.detection_passes(scores), scores.to_dicts()
    assert scores["decoys_flagged"][0] == 0


def test_a_farm_with_only_some_kinds_found_does_not_pass(generated):
    t = generated.tables[DAYS[0]]
    farms, decoys = truth(generated, DAYS[0])
    missed = t["std_farmers_detected"].join(farms.filter(pl.col("kind") == "proxy_pool"), on="user_id", how="anti")
    scores = farm_truth.detection_scores(missed, farms, decoys, t["l2m_active"])
    assert scores.filter(pl.col("kind") == "proxy_pool")["recall"][0] == 0.0
    assert not farm_truth.detection_passes(scores)
    with_decoy = pl.concat([t["std_farmers_detected"], t["std_farmers_detected"].head(1).with_columns(
        user_id=pl.lit(decoys["user_id"][0]))])
    assert farm_truth.detection_scores(with_decoy, farms, decoys, t["l2m_active"])["decoys_flagged"][0] == 1


def test_detected_accounts_carry_their_farm_signals_and_score(generated):
    detected = generated.tables[DAYS[0]]["std_farmers_detected"]
    assert detected.height > 0
    assert (detected["farm_accounts"] >= farm_graph.MIN_FARM_ACCOUNTS).all()
    assert detected["farm_key"].str.starts_with("farm-").all()
    assert ((detected["score"] > 0) & (detected["score"] <= 1)).all()
    signals = detected["signals"].str.split(",")
    assert signals.list.eval(pl.element().is_in(list(farmers.LINK_SIGNALS)).any()).explode().all()
    farming = ["grinding", "round_the_clock", "machine_regular"]
    assert signals.list.eval(pl.element().is_in(farming).any()).explode().all()
    assert set(signals.explode().unique()) <= set(farmers.SIGNAL_WEIGHTS)


def test_a_proxy_pool_farm_is_one_farm_across_its_subnets(generated):
    farm = farm_of_kind("proxy_pool")
    found = generated.tables[DAYS[0]]["std_farmers_detected"].filter(pl.col("user_id").is_in(accounts_of(farm)))
    assert found["farm_key"].n_unique() == 1
    assert found["farm_subnets"][0] == len(farm.networks) > 1
    assert set(found["level"]) <= {1, 2, 3} and found["level"].max() > 1


def test_a_residential_farm_is_linked_by_its_devices_and_its_identical_days(generated):
    farm = farm_of_kind("residential")
    for day in DAYS[:2]:
        found = generated.tables[day]["std_farmers_detected"].filter(pl.col("user_id").is_in(accounts_of(farm)))
        assert found.height == farm.size and found["farm_key"].n_unique() == 1
        assert found["farm_subnets"][0] == farm.size
        assert found["farm_devices"][0] == farm.devices
        assert found["signals"].str.contains("shared_device").all()
        assert found["signals"].str.contains("identical_behaviour").all()


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
    assert snapshot["signals"].is_not_null().all() and snapshot["score"].is_not_null().all()


def test_network_of_ipv4_ipv6_and_other_addresses():
    ips = pl.Series("ip", ["45.1.2.3", "2001:db8:0:7::1", "2001:0db8:0000:0007:abcd::9", "10.0.0.255", "unknown"])
    assert farmers.network_of(ips).to_list() == ["45.1.2.0/24", "2001:db8:0:7::/64", "2001:db8:0:7::/64",
                                                 "10.0.0.0/24", "unknown"]


def test_truth_paths_are_none_when_a_day_has_no_truth(generated, tmp_path):
    assert farm_truth.truth_paths([generated.day_dir(DAYS[0]), tmp_path], l2m.TRUTH_FILE) is None
    assert farm_truth.truth_paths([generated.day_dir(DAYS[0])], l2m.TRUTH_FILE) == [
        generated.day_dir(DAYS[0]) / l2m.TRUTH_FILE]
