"""Weapon accuracy and headshot rate per player and weapon, from LogPlayerAttack and LogPlayerTakeDamage:
on the real late-game telemetry excerpt of fixtures/pubg (a player firing nine M416 shots, two of which hit
a player of another team) and cases built from it, and on a synthetic full-size match."""

import json

import polars as pl
import pytest

from gamestats_assets.defs.pubg.transforms import combat
from gamestats_assets.sources.pubg.telemetry import parse_events, read_telemetry
from gamestats_assets_tests.pubg.conftest import FIXTURES

LATEGAME = FIXTURES / "part2_lategame_offset18600000.jsonl"
SHOOTER = "account.05a865a404564c11a6e8a1715261865b"


def accuracy_of(events) -> pl.DataFrame:
    telemetry = parse_events(events, "m")
    return combat.weapon_accuracy(telemetry["attacks"], telemetry["damage"])


def real_events() -> list[dict]:
    return [json.loads(line) for line in LATEGAME.read_text().splitlines()]


def test_the_real_shots_and_hits_give_the_accuracy():
    telemetry = read_telemetry(LATEGAME)
    assert telemetry["attacks"].height == 9
    table = combat.weapon_accuracy(telemetry["attacks"], telemetry["damage"])
    assert table.select("account_id", "weapon_id", "weapon_name", "weapon_category", "shots", "hits",
                        "headshots").rows() == [(SHOOTER, "Item_Weapon_HK416_C", "M416", "AR", 9, 2, 0)]
    row = table.row(0, named=True)
    assert row["accuracy"] == pytest.approx(2 / 9) and row["headshot_rate"] == 0.0
    assert row["damage_dealt"] == pytest.approx(telemetry["damage"]["damage"].sum())


def test_a_headshot_and_pellets_of_one_shot():
    events = real_events()
    hits = [e for e in events if e["_T"] == "LogPlayerTakeDamage"]
    hits[0]["damageReason"] = "HeadShot"
    events.append({**hits[1], "damageReason": "LegShot"})
    row = accuracy_of(events).row(0, named=True)
    assert (row["shots"], row["hits"], row["headshots"], row["headshot_rate"]) == (9, 2, 1, 0.5)


def test_team_damage_is_no_hit_and_a_weapon_without_a_hit_has_no_headshot_rate():
    events = real_events()
    for event in events:
        if event["_T"] == "LogPlayerTakeDamage":
            event["victim"]["teamId"] = event["attacker"]["teamId"]
    row = accuracy_of(events).row(0, named=True)
    assert (row["shots"], row["hits"], row["accuracy"], row["headshot_rate"]) == (9, 0, 0.0, None)


def test_a_synthetic_match_has_accuracy_for_its_shooters(public_match):
    _, _, telemetry_path = public_match
    telemetry = read_telemetry(telemetry_path)
    table = combat.weapon_accuracy(telemetry["attacks"], telemetry["damage"])
    assert table.height > 0 and (table["accuracy"] <= 1).all() and (table["hits"] <= table["shots"]).all()
    assert set(table["weapon_category"]) <= set(combat.FIREARMS)
    assert table["headshots"].sum() > 0
