import json

from gamestats_assets.sources.taxonomy.rules import Operation, RuleSet, Stage


def test_rules_round_trip_through_json(rpg_rules):
    data = json.loads(json.dumps(rpg_rules.to_dict()))
    assert RuleSet.from_dict(data) == rpg_rules


def test_offline_analyzer_infers_structure(rpg_rules):
    assert rpg_rules.onboarding == (
        "app_install", "register", "tutorial_step1", "tutorial_step2", "tutorial_step3", "tutorial_complete"
    )
    funnels = {f.name: f for f in rpg_rules.funnels}
    assert funnels["stage"].steps == ("stage_start", "stage_clear") and funnels["stage"].dropout == ("stage_fail",)
    assert funnels["iap_funnel"].steps == ("iap_view", "iap_purchase")
    carrier = next(d for d in rpg_rules.dependencies if d.target == "carrier")
    assert carrier.mapping["KR"] == ("SKT", "KT", "LG U+") and "Verizon" in carrier.mapping["US"]
    assert {(r.source, r.target) for r in rpg_rules.relationships} == {("level", "xp"), ("total_spent", "vip_level")}
    updates = {(u.event, u.property): u.operation for u in rpg_rules.updates}
    assert updates[("stage_clear", "level")] == Operation.INCREMENT
    assert updates[("iap_purchase", "total_spent")] == Operation.INCREMENT
    assert updates[("gacha_pull", "gems")] == Operation.DECREMENT
    assert rpg_rules.events["iap_purchase"].stage == Stage.ACTIVE
    assert rpg_rules.events["pvp_match"].stage == Stage.ADVANCED
    assert rpg_rules.prerequisites()["stage_fail"] == ("stage_start",)
    power, new = rpg_rules.segments["POWER"], rpg_rules.segments["NEW"]
    assert power.property_ranges["level"][0] > new.property_ranges["level"][1]
    assert abs(sum(power.event_probabilities.values()) - 1) < 1e-3
