"""The Data Dragon reference: every shipped patch, a game looked up by its own patch, English names, tiers."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.riot import ddragon


def item(name: str, *, into=(), built=(), description: str = "", tags=("Damage",), gold: int = 3000) -> dict:
    return {"name": name, "description": description, "into": list(into), "from": list(built), "tags": list(tags),
            "gold": {"total": gold}, "maps": {"11": True}}


def items_document(version: str, data: dict) -> dict:
    return {"type": "item", "version": version, "data": data}


def test_a_game_is_looked_up_in_its_patch_and_the_next_shipped_one(tmp_path):
    ddragon.add_patch(tmp_path, items_document("13.1.1", {
        "1038": item("B. F. Sword", into=["6672"], gold=1300),
        "6672": item("Kraken Slayer", built=["1038"], description="<rarityMythic>Mythic Passive</rarityMythic>")}))
    ddragon.add_patch(tmp_path, items_document("14.1.1", {
        "1038": item("Épée B.F.", into=["6672", "3031"], gold=1300),
        "6672": item("Tueur de krakens", built=["1038"], description="<rarityMythic>old tag</rarityMythic>"),
        "3031": item("Lame d'infini", built=["1038"])}), language="fr_FR")
    ddragon.add_patch(tmp_path, champion_document={"type": "champion", "version": "13.1.1",
                      "data": {"Annie": {"key": "1", "id": "Annie", "name": "Annie"}}})
    lookup = ddragon.items_by_patch(["13.1", "13.24", "14.3", None], tmp_path)
    tiers = {(row["patch"], row["item_id"]): (row["item_name"], row["tier"], row["reference_patch"])
             for row in lookup.iter_rows(named=True)}
    assert tiers[("13.1", 6672)] == ("Kraken Slayer", "mythic", "13.1")
    assert tiers[("13.24", 3031)] == ("Lame d'infini", "legendary", "14.1"), "added in between: from the next patch"
    assert tiers[("14.3", 6672)] == ("Kraken Slayer", "legendary", "14.1"), "English name, no mythic after 14.1"
    assert tiers[(None, 1038)] == ("B. F. Sword", "component", "14.1")
    assert ddragon.champions_by_patch(["16.4"], tmp_path)["champion_name"].to_list() == ["Annie"]


def test_the_shipped_reference_covers_patches_11_to_16():
    items, champions, runes, spells = ddragon.tables()
    patches = sorted(items["patch"].unique(), key=ddragon.patch_key)
    assert patches[0].startswith("11.") and patches[-1].startswith("16.")
    assert any(p.startswith("14.") for p in patches) and any(p.startswith("15.") for p in patches)
    assert champions["patch"].n_unique() >= 5
    galeforce = ddragon.items("12.21").filter(item_id=6671).row(0, named=True)
    assert (galeforce["item_name"], galeforce["tier"]) == ("Galeforce", "mythic")
    assert ddragon.items("16.4").filter(pl.col("tier") == "mythic").is_empty()
