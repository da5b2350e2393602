"""Bot-farm detection on the project's planted data: every farm kind found, no decoy flagged, and the farmer
tables built from it. A managed ring is found from its second day of logins: one day of coinciding logins
is not yet "again and again"."""

from __future__ import annotations

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import farm_graph, farm_rings, farm_signals, farm_truth, farmers
from gamestats_assets.generator.emitters import l2m
from gamestats_assets_tests.l2m.conftest import DAYS, N_USERS, SEED


def truth(generated, day):
    path = generated.day_dir(day) / l2m.TRUTH_FILE
    return farm_truth.planted_farm_accounts(path), farm_truth.planted_decoy_accounts(path)


def farm_of_kind(kind: str) -> l2m.Farm:
    return next(f for f in l2m.planted_farms(SEED, N_USERS) if f.kind == kind)


def accounts_of(farm: l2m.Farm) -> list[str]:
    return [f"{n:010d}" for n in farm.account_numbers.tolist()]


@pytest.mark.parametrize("day", DAYS[1:4])
def test_every_farm_kind_is_found_and_no_decoy_is_flagged(generated, day):
    t = generated.tables[day]
    farms, decoys = truth(generated, day)
    scores = farm_truth.detection_scores(t["std_farmers_detected"], farms, decoys, t["l2m_active"])
    assert set(scores["kind"]) == {*l2m.FARM_KINDS, "all"}
    assert decoys["kind"].unique().sort().to_list() == sorted(l2m.DECOY_KINDS)
    assert (scores["planted"] > 0).all()
    assert farm_truth.detection_passes(scores), scores.to_dicts()
    assert scores["decoys_flagged"][0] == 0


def test_on_the_first_day_every_kind_but_the_ring_is_found(generated):
    t = generated.tables[DAYS[0]]
    farms, decoys = truth(generated, DAYS[0])
    scores = farm_truth.detection_scores(t["std_farmers_detected"], farms, decoys, t["l2m_active"])
    assert farm_truth.detection_passes(scores.filter(~pl.col("kind").is_in(["managed_ring", "all"])))
    assert scores.filter(pl.col("kind") == "managed_ring")["recall"][0] == 0.0
    assert scores.filter(pl.col("kind") == "all")["precision"][0] == 1.0
    scorable = [farm_truth.without_unscorable(frame, farms, [DAYS[0]])
                for frame in (t["std_farmers_detected"], t["l2m_active"])]
    unscored = farm_truth.detection_scores(scorable[0], farms, decoys, scorable[1])
    assert "managed_ring" not in unscored["kind"].to_list()
    assert farm_truth.detection_passes(unscored)


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


def decoys_of(kind: str, day) -> list[str]:
    return [f"{n:010d}" for g in l2m.planted_decoys(SEED, N_USERS) if g.kind == kind
            for n in g.account_numbers(day).tolist()]


def test_a_managed_ring_is_one_farm_with_the_evidence_that_linked_it(generated):
    farm = farm_of_kind("managed_ring")
    day = DAYS[3]
    found = generated.tables[day]["std_farmers_detected"].filter(pl.col("user_id").is_in(accounts_of(farm)))
    assert found.height == farm.size and found["farm_key"].n_unique() == 1
    assert found["signals"].str.contains("co_login").all()
    assert found["farm_devices"][0] == farm.size, "each bot on its own phone"
    assert (found["level"] >= 30).all()
    ring = found.row(0, named=True)
    assert ring["co_login_days"] == 4
    assert ring["co_logins"] > farm.size * 4
    assert 0 < ring["median_start_offset_seconds"] <= farm_rings.CO_LOGIN_TOLERANCE_MS / 1_000
    assert ring["presence_hours"] >= farm_rings.ALL_DAY_HOURS
    assert str(farm.clan_id) in ring["ring_clans"].split(",")
    perf = generated.tables[day]["l2m_farmers_performance"].filter(pl.col("farm_key") == ring["farm_key"])
    assert perf["accounts"][0] == farm.size and perf["paying_accounts"][0] == 0
    assert perf["co_logins"][0] == ring["co_logins"] and perf["ring_clans"][0] == ring["ring_clans"]
    snapshot = generated.snapshots["l2m_farmers_snapshot"].filter(pl.col("user_id").is_in(accounts_of(farm)))
    assert snapshot.height == farm.size and snapshot["co_login_days"].is_not_null().all()


@pytest.mark.parametrize("kind", ["all_day", "raid_guild"])
def test_all_day_players_and_a_raiding_guild_are_ring_candidates_yet_not_flagged(generated, kind):
    for day in DAYS[1:]:
        t = generated.tables[day]
        accounts = decoys_of(kind, day)
        activity = farm_signals.account_activity(t["l2m_active"], t["etl_logout"], t["etl_item_gain"],
                                                 t["etl_money_gain"])
        presence = farm_rings.ring_candidates(activity).filter(pl.col("user_id").is_in(accounts))
        assert presence.height >= 0.9 * len(accounts), "they play all day"
        assert presence["presence_hours"].median() >= 18
        assert t["std_farmers_detected"].filter(pl.col("user_id").is_in(accounts)).height == 0


def test_a_raid_night_makes_guild_mates_log_in_together_on_that_day_only(generated):
    raid_days = [d for d in DAYS if l2m._day_index(d) % 7 in l2m.RAID_WEEKDAYS]
    assert raid_days
    for day in DAYS:
        guild = pl.DataFrame({"user_id": decoys_of("raid_guild", day)})
        met = farm_rings.co_login_pairs(generated.tables[day]["etl_login"], guild, min_days=1)
        # a raid night brings about a hundred pairs together, another day a dozen or two by chance
        assert met.height >= 50 if day in raid_days else met.height < 50


def test_decoys_flagged_are_counted_per_decoy_kind(generated):
    t = generated.tables[DAYS[2]]
    farms, decoys = truth(generated, DAYS[2])
    assert farm_truth.decoys_flagged_by_kind(t["std_farmers_detected"], decoys, t["l2m_active"]) == dict.fromkeys(
        sorted(l2m.DECOY_KINDS), 0)
    hunters = decoys.filter(pl.col("kind") == "all_day").join(t["l2m_active"], on="user_id").head(3)
    flagged = pl.concat([t["std_farmers_detected"].select("date", "user_id"), hunters.select("date", "user_id")])
    assert farm_truth.decoys_flagged_by_kind(flagged, decoys, t["l2m_active"])["all_day"] == 3
