"""Bot-farm detection judged on logs the project never generated: `operator_logs` writes two days of an
operator's game (other address plans, farm sizes and crowds), read through the same ETL as any dropped-in
export."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import farm_rings, farm_truth, farmers
from gamestats_assets.defs.l2m.tables import run_in_memory
from gamestats_assets_tests.l2m.operator_logs import DECOY_KINDS, FARM_KINDS, OperatorGame


@pytest.fixture(scope="module")
def operator_days(tmp_path_factory):
    landing = tmp_path_factory.mktemp("operator") / "l2m"
    game = OperatorGame(seed=7)
    days = [game.start + dt.timedelta(days=i) for i in range(3)]
    for day in days:
        game.write_day(landing, day)
    computed = run_in_memory(landing, days)
    kinds = pl.DataFrame({"user_id": list(game.truth), "kind": list(game.truth.values())})
    return computed, days, kinds


def test_every_line_of_the_operator_logs_is_read(operator_days):
    computed, days, _ = operator_days
    for day in days:
        assert not any(computed.rejects[day].values())
        assert computed.days[day]["l2m_active"].height > 1_000


def scores_of(t: dict[str, pl.DataFrame], kinds: pl.DataFrame) -> pl.DataFrame:
    truth = kinds.with_columns(group_id=pl.lit(0, pl.Int64)).select("kind", "group_id", "user_id")
    return farm_truth.detection_scores(t["std_farmers_detected"], truth.filter(pl.col("kind").is_in(FARM_KINDS)),
                                       truth.filter(pl.col("kind").is_in(DECOY_KINDS)), t["l2m_active"])


@pytest.mark.parametrize("offset", [1, 2])
def test_every_operator_farm_kind_is_found_and_no_crowd_is_flagged(operator_days, offset):
    computed, days, kinds = operator_days
    t = computed.days[days[offset]]
    scores = scores_of(t, kinds)
    assert set(scores["kind"]) == {*FARM_KINDS, "all"}
    assert farm_truth.detection_passes(scores), scores.to_dicts()
    flagged = t["std_farmers_detected"].join(kinds, on="user_id", how="left")
    assert flagged.filter(pl.col("kind").is_null()).height == 0, "an ordinary player was flagged"


def test_on_the_first_day_all_but_the_daily_proxy_farm_and_the_ring_are_found(operator_days):
    """Without earlier days, a farm spread over five subnets a few accounts each is not yet a farm, and
    logins that coincide on one day are not yet a ring."""
    computed, days, kinds = operator_days
    scores = scores_of(computed.days[days[0]], kinds)
    assert farm_truth.detection_passes(scores.filter(~pl.col("kind").is_in(["daily_proxy", "bot_ring", "all"]))), \
        scores.to_dicts()
    assert scores.filter(pl.col("kind") == "all")["precision"][0] == 1.0


def test_each_operator_farm_is_one_farm(operator_days):
    computed, days, kinds = operator_days
    detected = computed.days[days[0]]["std_farmers_detected"].join(kinds, on="user_id")
    per_kind = detected.group_by("kind").agg(pl.col("farm_key").n_unique().alias("farms"))
    assert per_kind.filter(~pl.col("kind").is_in(["daily_proxy", "bot_ring"]))["farms"].to_list() == [1] * (
        len(FARM_KINDS) - 2)
    pooled = computed.days[days[2]]["std_farmers_detected"].join(kinds.filter(pl.col("kind") == "daily_proxy"),
                                                                    on="user_id")
    assert pooled["farm_key"].n_unique() == 1 and pooled["farm_subnets"][0] > 1
    phones = detected.filter(pl.col("kind") == "device_sharing")
    assert phones["signals"].str.contains("shared_device").all()
    assert (phones["level"] > 10).all(), "found without the low-level signal"
    v6 = detected.filter(pl.col("kind") == "ipv6_block")
    assert v6["signals"].str.contains("shared_network").all()


def test_the_household_behind_one_address_has_heavy_players_yet_stays_clean(operator_days):
    computed, days, kinds = operator_days
    t = computed.days[days[0]]
    accounts = farmers.behaviour_signals(farmers.account_activity(
        t["l2m_active"], t["etl_logout"], t["etl_item_gain"], t["etl_money_gain"]))
    household = accounts.join(kinds.filter(pl.col("kind") == "household_nat"), on="user_id")
    assert household["candidate"].sum() >= 5
    assert t["std_farmers_detected"].join(household, on="user_id", how="semi").height == 0


@pytest.mark.parametrize("offset", [1, 2])
def test_the_bot_ring_is_one_farm_linked_by_its_logins_with_its_traits(operator_days, offset):
    computed, days, kinds = operator_days
    t = computed.days[days[offset]]
    ring = t["std_farmers_detected"].join(kinds.filter(pl.col("kind") == "bot_ring"), on="user_id")
    assert ring.height == 36 and ring["farm_key"].n_unique() == 1
    assert ring["signals"].str.contains("co_login").all()
    assert ring["farm_subnets"][0] == ring["farm_devices"][0] == 36, "each bot on its own line and phone"
    evidence = ring.row(0, named=True)
    assert evidence["co_login_days"] == offset + 1 and evidence["co_logins"] > 0
    assert evidence["median_start_offset_seconds"] <= 30 and evidence["presence_hours"] >= 20
    assert evidence["ring_clans"] == "4200"
    assert {"never_pays", "sells_on_exchange", "own_clan"} <= set(evidence["signals"].split(","))


def test_all_day_players_and_the_raiding_guild_are_ring_candidates_yet_clean(operator_days):
    computed, days, kinds = operator_days
    decoys = kinds.filter(pl.col("kind").is_in(["all_day_hunter", "raid_guild"]))
    raided = False
    for day in days:
        t = computed.days[day]
        activity = farmers.account_activity(t["l2m_active"], t["etl_logout"], t["etl_item_gain"],
                                            t["etl_money_gain"])
        candidates = farm_rings.ring_candidates(activity).join(decoys, on="user_id")
        assert candidates.height >= 45 and 18 <= candidates["presence_hours"].median() <= 22
        assert t["std_farmers_detected"].join(decoys, on="user_id", how="semi").height == 0
        raided |= day.toordinal() % 3 == 0
    assert raided, "a raid night among the days"
