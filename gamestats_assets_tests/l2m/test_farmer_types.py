"""Farmers by type and country (`l2m_farmer_types`) recounted from the planted days' raw lines: each detected farmer
account's country, payments and diamonds read with plain Python, summed per (country, PU / non-PU)."""

from __future__ import annotations

from collections import defaultdict

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import checks
from gamestats_assets_tests.l2m import raw_events
from gamestats_assets_tests.l2m.conftest import DAYS


def recount(generated, day) -> dict[tuple[str, str], dict]:
    """(country, type) → accounts, farms, revenue, items and diamonds of the day's detected farmers, from the raw
    lines of the day (and the profiles of the days up to it)."""
    folder = generated.day_dir(day)
    paid, gained, spent = (raw_events.payments_usd(folder), raw_events.diamonds(folder, "money_gain"),
                           raw_events.diamonds(folder, "money_spend"))
    items = raw_events.items(folder)
    profiles = raw_events.profiles(generated.landing, [d for d in DAYS if d <= day])
    rows: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(float))
    farms: dict[tuple[str, str], set] = defaultdict(set)
    detected = generated.tables[day]["std_farmers_detected"]
    for user, farm in zip(detected["user_id"], detected["farm_key"], strict=True):
        key = (raw_events.country_group(profiles.get(user, {}).get("country_code")),
               "PU" if paid.get(user, 0) > 0 else "non-PU")
        row = rows[key]
        row["accounts"] += 1
        row["revenue_usd"] += paid.get(user, 0.0)
        row["items_gained"] += items.get(user, 0)
        row["diamonds_gained"] += gained.get(user, 0)
        row["diamonds_spent"] += spent.get(user, 0)
        farms[key].add(farm)
    return {key: {**row, "farms": len(farms[key])} for key, row in rows.items()}


@pytest.mark.parametrize("day", [DAYS[0], DAYS[3]])
def test_farmer_types_equal_a_recount_of_the_raw_lines(generated, day):
    table = generated.tables[day]["l2m_farmer_types"]
    expected = recount(generated, day)
    assert {"PU", "non-PU"} <= set(table["farmer_type"]), "the planted day has paying and non-paying farmers"
    assert table["country_code"].n_unique() > 1
    assert {(row["country_code"], row["farmer_type"]) for row in table.iter_rows(named=True)} == set(expected)
    for row in table.iter_rows(named=True):
        counted = expected[(row["country_code"], row["farmer_type"])]
        for name in ("accounts", "farms", "items_gained", "diamonds_gained", "diamonds_spent"):
            assert row[name] == counted[name], (row, name)
        assert row["revenue_usd"] == pytest.approx(counted["revenue_usd"], rel=1e-9, abs=1e-9)
        assert row["diamonds_net"] == counted["diamonds_gained"] - counted["diamonds_spent"]
        assert row["date"] == day


def test_farmer_types_add_up_to_the_farms_and_the_check_can_fail(generated):
    tables = generated.tables[DAYS[2]]
    types, farms = tables["l2m_farmer_types"], tables["l2m_farmers_performance"]
    numbers = checks.farmer_type_gaps(types, farms)
    assert numbers["accounts"] > 0
    assert {name: numbers[name] for name in ("account_gap", "pu_account_gap", "items_gap", "diamonds_gap",
                                             "non_pu_rows_with_revenue")} == dict.fromkeys(
        ("account_gap", "pu_account_gap", "items_gap", "diamonds_gap", "non_pu_rows_with_revenue"), 0)
    assert numbers["revenue_gap_usd"] <= numbers["revenue_tolerance_usd"]
    relabelled = types.with_columns(farmer_type=pl.lit("non-PU"))
    broken = checks.farmer_type_gaps(relabelled, farms)
    assert broken["pu_account_gap"] < 0 and broken["non_pu_rows_with_revenue"] > 0
    assert checks.farmer_type_gaps(types.head(types.height - 1), farms)["account_gap"] < 0
