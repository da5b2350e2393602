"""Weapon categories: every id of the official damageCauserName dictionary maps to one of the categories."""

import polars as pl

from gamestats_assets.sources.pubg.reference import dictionary
from gamestats_assets.sources.pubg.weapons import CATEGORIES, category_table, weapon_category, with_weapon_category

EXPECTED_OTHER = {"None", "AIPawn_Base_Female_C", "AIPawn_Base_Male_C", "UltAIPawn_Base_Female_C",
                  "UltAIPawn_Base_Male_C"}
"""The ids that fall to Other: no damage source (None) and AI-controlled pawns."""


def test_every_dictionary_id_maps_to_a_category_and_only_these_fall_to_other():
    table = category_table()
    assert table.height == len(dictionary("damageCauserName")) == 209
    assert set(table["weapon_category"]) <= set(CATEGORIES)
    other = set(table.filter(pl.col("weapon_category") == "Other")["damage_causer_name"])
    assert other == EXPECTED_OTHER
    print("ids in Other:", sorted(other))


def test_known_weapons_and_sources():
    expected = {
        "WeapHK416_C": "AR", "WeapMini14_C": "DMR", "WeapKar98k_C": "SR", "WeapUMP_C": "SMG",
        "WeapSaiga12_C": "Shotgun", "WeapM249_C": "LMG", "WeapDesertEagle_C": "Pistol", "WeapPan_C": "Melee",
        "WeapPanProjectile_C": "Melee", "ProjGrenade_C": "Throwable", "ProjMolotov_C": "Throwable",
        "BP_FireEffectController_C": "Throwable", "BP_FireEffectController_JerryCan_C": "Environment",
        "WeapCrossbow_1_C": "Special", "PanzerFaust100M_Projectile_C": "Special", "Uaz_A_01_C": "Vehicle",
        "BP_Helicopter_C": "Vehicle", "BattleRoyaleModeController_Def_C": "Environment",
        "RedZoneBomb_C": "Environment", "PlayerMale_A_C": "Melee", "WeapSomethingNew_C": "Other", None: "Other",
    }
    assert {causer: weapon_category(causer) for causer in expected} == expected


def test_frames_get_category_and_display_name():
    frame = pl.DataFrame({"damage_causer_name": ["WeapAK47_C", "NotInTheDictionary_C", None]})
    tagged = with_weapon_category(frame)
    assert tagged["weapon_category"].to_list() == ["AR", "Other", "Other"]
    assert tagged["weapon_name"].to_list() == ["AKM", "NotInTheDictionary_C", None]
