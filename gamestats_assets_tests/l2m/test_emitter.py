"""The L2M emitter: deterministic bytes, a stable user base, the landing shape, the planted truth."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re

import numpy as np
import polars as pl
import pytest

from gamestats_assets.generator.emitters import l2m
from gamestats_assets_tests.l2m.conftest import DAYS, N_USERS, SEED

ROOT_KEYS = {"#type", "#account_id", "#distinct_id", "#time", "#ip", "#uuid", "properties"}
TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$")
EMITTER_ITER_DAY = l2m.iter_day


def test_same_seed_and_date_give_the_same_bytes_whatever_else_was_generated(generated, tmp_path):
    day = DAYS[3]
    l2m.emit_day(tmp_path, day, seed=SEED, n_users=N_USERS)
    for path in sorted(generated.day_dir(day).iterdir()):
        assert (tmp_path / day.isoformat() / path.name).read_bytes() == path.read_bytes(), path.name


def test_another_seed_gives_other_logs():
    day = DAYS[0]
    a = l2m.generate_day(day, seed=1, n_users=500)["login"]
    b = l2m.generate_day(day, seed=2, n_users=500)["login"]
    assert not a.equals(b)


def test_lines_are_thinkingdata_track_events_of_the_file_and_the_day(generated):
    day = DAYS[0]
    for stem in ("login", "logout", "recharge", "item_gain", "item_spend", "money_gain", "money_spend",
                 "clan_change"):
        lines = (generated.day_dir(day) / f"{stem}.jsonl").read_text().splitlines()
        assert lines, stem
        for line in lines[:200]:
            record = json.loads(line)
            assert ROOT_KEYS | {"#event_name"} == set(record), stem
            assert record["#type"] == "track" and record["#event_name"] == stem
            assert TIME.match(record["#time"]) and record["#time"].startswith(day.isoformat())
            assert {"server_id", "level"} <= set(record["properties"])


def test_user_base_is_stable_across_days(generated):
    first, second = (generated.tables[d]["etl_user_profile"] for d in DAYS[:2])
    both = first.join(second, on="user_id", suffix="_next")
    assert both.height > 0.4 * first.height
    for column in ("country_code", "register_date", "server_id"):
        assert (both[column] == both[f"{column}_next"]).all(), column


def test_registrations_of_a_day_are_active_that_day(generated):
    starters = sum(g.size for g in l2m.planted_decoys(SEED, N_USERS) if g.kind == "starter_burst")
    scale = l2m.Scale(N_USERS)
    for day in DAYS:
        profile = generated.tables[day]["etl_user_profile"]
        assert profile.filter(profile["register_date"] > day).is_empty()
        [expected] = l2m.registrations(SEED, np.array([(day - l2m.FIRST_REGISTRATION_DAY).days]), scale)
        assert profile.filter(profile["register_date"] == day).height == expected + starters


def test_registrations_vary_by_weekday_and_day_around_their_mean():
    """New users are no flat line: a year of days averages the scale's mean, weekends above weekdays, and no two
    weeks alike."""
    scale = l2m.Scale(10_000)
    days = np.arange(364)
    counts = l2m.registrations(SEED, days, scale)
    assert abs(counts.mean() / scale.new_per_day - 1) < 0.05
    weekday = (days + l2m.FIRST_REGISTRATION_DAY.weekday()) % 7
    assert counts[weekday >= 5].mean() > 1.2 * counts[weekday < 4].mean()
    assert len(set(counts.tolist())) > 100 and counts.max() <= scale.registration_slots


def test_economy_volume_scales_to_about_ten_rows_per_active_user():
    """About ten economy rows a day per active player (the planted farm accounts, which farm far more, apart)."""
    frames = l2m.generate_day(dt.date(2024, 3, 1), seed=SEED, n_users=5_000)
    farms = pl.Series([f"{n:010d}" for f in l2m.planted_farms(SEED, 5_000) for n in f.account_numbers.tolist()])
    def players(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(~pl.col("#account_id").cast(pl.String).is_in(farms.implode()))
    active = players(frames["user_profile"]).height
    economy = sum(players(frames[k]).height for k in ("item_gain", "item_spend", "money_gain", "money_spend"))
    assert 8 * active < economy < 13 * active


def _within(ip: str, pattern: str) -> bool:
    return ipaddress.ip_address(ip) in ipaddress.ip_network(pattern) if "/" in pattern else ip == pattern


def test_truth_lists_every_farm_and_decoy_account_with_its_addresses(generated):
    truth = json.loads((generated.day_dir(DAYS[0]) / l2m.TRUTH_FILE).read_text())
    farms = l2m.planted_farms(SEED, N_USERS)
    assert [f["farm_id"] for f in truth["farms"]] == [f.farm_id for f in farms]
    assert {f["kind"] for f in truth["farms"]} == set(l2m.FARM_KINDS)
    assert {g["kind"] for g in truth["decoys"]} == set(l2m.DECOY_KINDS)
    logins = generated.tables[DAYS[0]]["etl_login"]
    for group in truth["farms"] + truth["decoys"]:
        patterns = group["ip_pattern"] if isinstance(group["ip_pattern"], list) else [group["ip_pattern"]]
        used = logins.filter(logins["user_id"].is_in(group["account_ids"]))
        assert used["user_id"].n_unique() == len(group["account_ids"])
        assert all(any(_within(ip, p) for p in patterns) for ip in used["ip"].to_list()), group["kind"]
    assert any(f["pays"] for f in truth["farms"]) or len(truth["farms"]) < 5


def test_residential_farm_accounts_share_devices_and_repeat_the_same_day(generated):
    farm = next(f for f in l2m.planted_farms(SEED, N_USERS) if f.kind == "residential")
    accounts = [f"{n:010d}" for n in farm.account_numbers.tolist()]
    days = []
    for day in DAYS[:2]:
        t = generated.tables[day]
        logins = t["etl_login"].filter(pl.col("user_id").is_in(accounts))
        assert logins["device_id"].n_unique() == farm.devices
        assert logins.with_columns(net=pl.col("ip").str.replace(r"\.\d+$", ""))["net"].n_unique() == farm.size
        gains = t["etl_item_gain"].filter(pl.col("user_id").is_in(accounts)).group_by("user_id").agg(
            pl.col("events").sum(), pl.col("quantity").sum())
        assert gains.select("events", "quantity").n_unique() == 1
        days.append(gains.drop("user_id").unique())
    assert days[0].equals(days[1])


def test_starter_burst_decoys_are_new_every_day(generated):
    first, second = (json.loads((generated.day_dir(d) / l2m.TRUTH_FILE).read_text()) for d in DAYS[:2])
    starters = [{a for g in doc["decoys"] if g["kind"] == "starter_burst" for a in g["account_ids"]}
                for doc in (first, second)]
    assert starters[0] and not starters[0] & starters[1]
    active = generated.tables[DAYS[1]]["l2m_active"].filter(pl.col("user_id").is_in(list(starters[1])))
    assert active.height == len(starters[1]) and active["is_new_user"].all()


def _failing_after_first_file(day, **kwargs):
    yield next(EMITTER_ITER_DAY(day, **kwargs))
    raise RuntimeError("emitter crashed")


def test_a_crash_leaves_no_day_folder_and_no_partial_files(tmp_path, monkeypatch):
    monkeypatch.setattr(l2m, "iter_day", _failing_after_first_file)
    with pytest.raises(RuntimeError, match="emitter crashed"):
        l2m.emit_day(tmp_path, DAYS[0], seed=SEED, n_users=200)
    assert list(tmp_path.iterdir()) == []


def test_a_crash_while_re_emitting_keeps_the_previous_day_whole(tmp_path, monkeypatch):
    counts = l2m.emit_day(tmp_path, DAYS[0], seed=SEED, n_users=200)
    folder = tmp_path / DAYS[0].isoformat()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    monkeypatch.setattr(l2m, "iter_day", _failing_after_first_file)
    with pytest.raises(RuntimeError, match="emitter crashed"):
        l2m.emit_day(tmp_path, DAYS[0], seed=SEED + 1, n_users=200)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert set(before) == {*counts, l2m.TRUTH_FILE}
    assert [p.name for p in tmp_path.iterdir()] == [DAYS[0].isoformat()]


def test_re_emitting_replaces_the_whole_day_folder(tmp_path):
    folder = tmp_path / DAYS[0].isoformat()
    l2m.emit_day(tmp_path, DAYS[0], seed=SEED, n_users=200)
    (folder / "stale.jsonl").write_text("{}\n")
    first_login = (folder / "login.jsonl").read_bytes()
    l2m.emit_day(tmp_path, DAYS[0], seed=SEED + 1, n_users=200)
    assert not (folder / "stale.jsonl").exists()
    assert (folder / "login.jsonl").read_bytes() != first_login
    assert [p.name for p in tmp_path.iterdir()] == [DAYS[0].isoformat()]
