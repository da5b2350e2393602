"""The L2M emitter: deterministic bytes, a stable user base, the landing shape, the planted truth."""

from __future__ import annotations

import datetime as dt
import json
import re

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
    for day in DAYS:
        profile = generated.tables[day]["etl_user_profile"]
        assert profile.filter(profile["register_date"] > day).is_empty()
        assert profile.filter(profile["register_date"] == day).height == round(N_USERS * l2m.NEW_USER_SHARE)


def test_economy_volume_scales_to_about_ten_rows_per_active_user():
    frames = l2m.generate_day(dt.date(2024, 3, 1), seed=SEED, n_users=5_000)
    active = frames["user_profile"].height
    economy = sum(frames[k].height for k in ("item_gain", "item_spend", "money_gain", "money_spend"))
    assert 8 * active < economy < 13 * active


def test_truth_lists_every_farm_account_with_its_ip_pattern(generated):
    truth = json.loads((generated.day_dir(DAYS[0]) / l2m.TRUTH_FILE).read_text())
    farms = l2m.planted_farms(SEED, N_USERS)
    assert [f["farm_id"] for f in truth["farms"]] == [f.farm_id for f in farms]
    logins = generated.tables[DAYS[0]]["etl_login"]
    for farm in truth["farms"]:
        used = set(logins.filter(logins["user_id"].is_in(farm["account_ids"]))["ip"].to_list())
        if isinstance(farm["ip_pattern"], str):
            prefix = farm["ip_pattern"].removesuffix("0/24")
            assert all(ip.startswith(prefix) for ip in used)
        else:
            assert used <= set(farm["ip_pattern"])
    assert any(f["pays"] for f in truth["farms"]) or len(truth["farms"]) < 5


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
