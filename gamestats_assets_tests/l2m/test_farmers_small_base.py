"""Bot-farm detection on small user bases, the demo's smallest scales: the planted farms and decoys stay a
minority of the day's accounts, and every farm kind is still found, because `grinding` is measured against the
day's ordinary players, not against every account."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import farm_signals, farm_truth
from gamestats_assets.defs.l2m.tables import run_in_memory
from gamestats_assets.generator.emitters import l2m

DAYS = [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]


@pytest.fixture(scope="module", params=[(150, 42), (100, 3)], ids=["150-users-seed-42", "100-users-seed-3"])
def small_base(request, tmp_path_factory):
    n_users, seed = request.param
    landing = tmp_path_factory.mktemp("small") / "l2m"
    for day in DAYS:
        l2m.emit_day(landing, day, seed=seed, n_users=n_users)
    return landing, run_in_memory(landing, DAYS)


def test_planted_accounts_are_a_minority_and_every_farm_kind_is_found(small_base):
    landing, run = small_base
    for day in DAYS:
        t = run.days[day]
        path = landing / day.isoformat() / l2m.TRUTH_FILE
        farms, decoys = farm_truth.planted_farm_accounts(path), farm_truth.planted_decoy_accounts(path)
        planted = pl.concat([farms, decoys])
        assert t["l2m_active"].join(planted, on="user_id", how="semi").height < t["l2m_active"].height / 2
        detected, active = (farm_truth.without_unscorable(frame, farms, DAYS[:1])
                            for frame in (t["std_farmers_detected"], t["l2m_active"]))
        scores = farm_truth.detection_scores(detected, farms, decoys, active)
        assert {"subnet", "proxy_pool", "residential"} <= set(scores["kind"])
        assert farm_truth.detection_passes(scores), scores.to_dicts()


def activity(gains: list[int], *, new: bool = False, hours: int = 3) -> pl.DataFrame:
    n = len(gains)
    return pl.DataFrame({
        "date": [dt.date(2026, 3, 2)] * n, "user_id": [f"{new:d}{hours:02d}{i:04d}" for i in range(n)],
        "level": [40] * n, "register_date": [dt.date(2026, 3, 2) if new else dt.date(2025, 1, 1)] * n,
        "is_new_user": [new] * n, "sessions": [2] * n, "session_length_cv": [0.5] * n,
        "session_gap_cv": [0.5] * n, "hours_covered": [hours] * n, "gain_events": gains})


def test_the_typical_player_is_an_ordinary_one_however_many_play_all_day_or_are_new():
    ordinary = activity(list(range(5, 15)))
    crowd = pl.concat([ordinary, activity([40] * 30, hours=24), activity([20] * 20, new=True), activity([0] * 5)])
    assert farm_signals.typical_gain_events(crowd) == farm_signals.typical_gain_events(ordinary) == 9.5
    farm = activity([30] * 6).with_columns(pl.col("user_id") + "f")
    flagged = farm_signals.behaviour_signals(pl.concat([crowd, farm]))
    assert flagged.filter(pl.col("user_id").str.ends_with("f"))["grinding"].all()
    assert not flagged.filter(pl.col("gain_events") <= 14)["grinding"].any()


def test_without_ordinary_players_the_reference_is_every_gaining_account():
    assert farm_signals.typical_gain_events(activity([10, 20, 30], hours=24)) == 20.0
    assert farm_signals.typical_gain_events(activity([0, 0])) == 0.0
