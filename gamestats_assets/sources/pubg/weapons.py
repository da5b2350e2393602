"""Weapon categories of damage causers (`damageCauserName` ids of kills, knocks and damage): `weapon_category`."""

from __future__ import annotations

import re

import polars as pl

from gamestats_assets.sources.pubg.reference import dictionary

CATEGORIES = ("AR", "DMR", "SR", "SMG", "Shotgun", "LMG", "Pistol", "Melee", "Throwable", "Special", "Vehicle",
              "Environment", "Other")

WEAPON_CLASSES: dict[str, tuple[str, ...]] = {
    "AR": ("ACE32", "AK47", "AUG", "BerylM762", "DuncansHK416", "G36C", "Groza", "HK416", "K2", "LunchmeatsAK47",
           "M16A4", "Mk47Mutant", "QBZ95", "SCAR-L"),
    "DMR": ("Dragunov", "FNFal", "MadsQBU88", "Mini14", "Mk12", "Mk14", "QBU88", "SKS", "VSS"),
    "SR": ("AWM", "JuliesKar98k", "Kar98k", "L6", "M24", "MosinNagant", "Win94"),
    "SMG": ("BizonPP19", "JS9", "MP5K", "MP9", "P90", "Thompson", "UMP", "UZI", "Vector"),
    "Shotgun": ("Berreta686", "DP12", "OriginS12", "Saiga12", "Sawnoff", "Winchester"),
    "LMG": ("DP28", "M249", "MG3"),
    "Pistol": ("DesertEagle", "G18", "M1911", "M9", "NagantM1895", "Rhino", "vz61Skorpion"),
    "Melee": ("Cowbar", "Machete", "Pan", "Sickle"),
    "Special": ("Crossbow_1", "PanzerFaust100M1", "Turret_KillTruck_Main"),
}
"""In-game weapon class of each `Weap<Name>_C` id, by `<Name>`."""

_WEAPON = re.compile(r"^Weap(?P<name>.+?)(?P<thrown>Projectile)?_C$")
PATTERN_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Throwable", re.compile(r"^(Proj[A-Za-z0-9]+_C|ProjMolotov_DamageField_Direct_C|BP_FireEffectController_C"
                             r"|BP_MolotovFireDebuff_C|Bluezonebomb_EffectActor_C)$")),
    ("Special", re.compile(r"^(PanzerFaust100M_Projectile_C|Mortar_Projectile_C|BP_Spiketrap_C)$")),
    ("Vehicle", re.compile(r"^BP_Helicopter_C$")),
    ("Environment", re.compile(
        r"^(BattleRoyaleModeController_.*|RacingModeContorller_.*|BlackZoneController_.*|RedZone.*|SandStorm.*"
        r"|Buff_.*|Lava|TslPainCausingVolume|TslDestructibleSurfaceManager|DroppedItemGroup|Carepackage_.*"
        r"|Jerrycan.*|BP_JerryCan.*|BP_FireEffectController_JerryCan_C|BP_IncendiaryDebuff_C|BP_Eragel_.*"
        r"|BP_TslGasPump_C|RacingDestructiblePropaneTankActor_C|BP_FakeLootProj_.*|BP_DronePackage_.*"
        r"|BP_BearV2_C)$")),
    ("Melee", re.compile(r"^Player(Male|Female)_A_C$")),
)
"""Categories of causers that are not `Weap*` ids or vehicles, by pattern, tried in order."""

_CLASS_OF = {name: category for category, names in WEAPON_CLASSES.items() for name in names}


def weapon_category(causer_id: str | None) -> str:
    """The category of a damage causer id, by the first rule that applies:

    1. `Weap<Name>_C` (or a thrown melee weapon's `Weap<Name>Projectile_C`): the weapon's class from
       `WEAPON_CLASSES`.
    2. Throwable: grenade-type projectiles (`Proj*`), a molotov's fire, the bluezone grenade.
    3. Special: launcher and mortar projectiles, the spike trap.
    4. Vehicle: every id of the official `vehicleId.json`, and the helicopter.
    5. Environment: the zones, drowning, lava, falling, burning fuel, care packages, props, wildlife.
    6. Melee: a player's fists.
    7. `Other`: everything else (the `weapon_ids_in_other` check lists those ids).
    """
    if not causer_id:
        return "Other"
    weapon = _WEAPON.match(causer_id)
    if weapon and weapon["name"] in _CLASS_OF:
        return _CLASS_OF[weapon["name"]]
    for category, pattern in PATTERN_RULES:
        if pattern.match(causer_id):
            return category
    if causer_id in dictionary("vehicleId"):
        return "Vehicle"
    return "Other"


def category_table() -> pl.DataFrame:
    """Every causer id of `damageCauserName.json` with its display name and category."""
    names = dictionary("damageCauserName")
    return pl.DataFrame(
        {
            "damage_causer_name": list(names),
            "weapon_name": list(names.values()),
            "weapon_category": [weapon_category(causer) for causer in names],
        }
    )


def with_weapon_category(frame: pl.DataFrame, column: str = "damage_causer_name") -> pl.DataFrame:
    """`frame` plus `weapon_category` and `weapon_name` of its causer `column` (ids missing from
    the dictionary keep their id as name and are categorised by the same rule)."""
    names = dictionary("damageCauserName")
    causers = frame[column].unique().to_list()
    lookup = pl.DataFrame(
        {
            column: causers,
            "weapon_category": [weapon_category(c) for c in causers],
            "weapon_name": [names.get(c, c) if c is not None else None for c in causers],
        },
        schema={column: pl.String, "weapon_category": pl.String, "weapon_name": pl.String},
    )
    return frame.join(lookup, on=column, how="left", nulls_equal=True)


def weapon_causer(item_id: str | None) -> str | None:
    """The damage causer id of a weapon's item id (`Item_Weapon_HK416_C` → `WeapHK416_C`): what its hits
    are caused by; None for an id that is not a weapon's."""
    if not item_id or not item_id.startswith("Item_Weapon_"):
        return None
    return "Weap" + item_id.removeprefix("Item_Weapon_")
